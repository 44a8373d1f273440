"""Sessions end on the server: after the idle timeout without a request, and after the
absolute timeout however busy the person is. Each test runs the web with its own
``WebConfig`` (parametrizing ``web_config`` overrides the fixture ``web_app`` uses)."""

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import WebSession
from tests.orgs import STAFF
from tests.web.conftest import BrowserFor
from web.config import WebConfig
from web.sessions import COOKIE

IDLE = timedelta(seconds=1)


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@pytest.mark.parametrize("web_config", [WebConfig(dev_login=True, idle_timeout=IDLE)])
async def test_an_idle_session_ends(
    browser_for: BrowserFor, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    browser = await browser_for(STAFF)
    assert (await browser.get("/beranda")).status_code == 200
    await asyncio.sleep(IDLE.total_seconds() + 0.5)

    expired = await browser.get("/beranda")
    assert expired.status_code == 303
    assert expired.headers["location"] == "/masuk?lanjut=/beranda"
    async with sessionmaker() as db:  # nothing revived it on the way
        row = await db.get(WebSession, session_id(browser.cookies[COOKIE]))
    assert row is not None
    assert datetime.now(UTC) - row.last_seen_at >= IDLE


@pytest.mark.parametrize("web_config", [WebConfig(dev_login=True)])
async def test_a_session_ends_after_the_absolute_timeout_even_when_busy(
    browser_for: BrowserFor,
    sessionmaker: async_sessionmaker[AsyncSession],
    web_config: WebConfig,
) -> None:
    day = web_config.absolute_timeout
    browser = await browser_for(STAFF)
    token = browser.cookies[COOKIE]
    assert (await browser.get("/beranda")).status_code == 200

    # the working day is nearly over, and the person was active a moment ago
    now = datetime.now(UTC)
    async with sessionmaker.begin() as db:
        await db.execute(
            update(WebSession)
            .where(WebSession.id == session_id(token))
            .values(created_at=now - day + timedelta(seconds=30), last_seen_at=now)
        )
    assert (await browser.get("/beranda")).status_code == 200  # not yet

    async with sessionmaker.begin() as db:  # now it is over; still active
        await db.execute(
            update(WebSession)
            .where(WebSession.id == session_id(token))
            .values(
                created_at=now - day - timedelta(seconds=1),
                last_seen_at=datetime.now(UTC),
            )
        )
    expired = await browser.get("/beranda")
    assert expired.status_code == 303
    assert expired.headers["location"] == "/masuk?lanjut=/beranda"
    login = await browser.get("/masuk")  # the login page offers a new login, not the old one
    assert login.status_code == 200
