"""Who is at the browser: a server-side session behind an HttpOnly, SameSite=Lax cookie.

The cookie holds 32 random bytes; the table keeps their SHA-256 (``web_session``), so
logout and the idle and absolute timeouts end a session for certain. Each request maps the
session's identity to an ``Actor`` through the roster (``api.identity.resolve_actor``),
exactly as a bearer token is mapped: a roster change applies on the next page.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import TokenIdentity
from api.deps import Session
from api.identity import resolve_actor
from api.rate_limits import limit, limiters
from domain.appraisal import Actor
from persistence.models import WebSession
from persistence.repositories import web_sessions
from web.config import WebConfig

COOKIE = "kinerja_sesi"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
TOO_MANY_WRITES = "Terlalu banyak perubahan; coba lagi sebentar lagi"
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often


class LoginRequired(Exception):
    """No live session: the page answers with a redirect to the login page."""


class CsrfRefused(Exception):
    """A state-changing form without this session's CSRF token (a forged post)."""


def web_config(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.web
    return config


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def is_live(row: WebSession, config: WebConfig, now: datetime) -> bool:
    return (
        row.ended_at is None
        and now - row.last_seen_at < config.idle_timeout
        and now - row.created_at < config.absolute_timeout
    )


async def current_row(request: Request, db: AsyncSession) -> WebSession | None:
    """The live session this browser presents, or None (also for an expired one)."""
    cached: WebSession | None = getattr(request.state, "web_session", None)
    if cached is not None:
        return cached
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 100:
        return None
    row = await web_sessions.get_session(db, _hash(token))
    now = _now()
    if row is None or not is_live(row, web_config(request), now):
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        await web_sessions.touch_session(db, row.id, now)
        await db.commit()
    request.state.web_session = row
    return row


@dataclass(frozen=True)
class NewSession:
    row: WebSession
    token: str  # goes to the browser only, in the cookie

    def attach(self, response: Response, config: WebConfig) -> None:
        response.set_cookie(
            COOKIE,
            self.token,
            max_age=int(config.absolute_timeout.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=config.secure_cookies,
            path="/",
        )


async def open_session(
    db: AsyncSession,
    *,
    subject: str | None = None,
    employee_key: str | None = None,
    data: dict[str, Any] | None = None,
) -> NewSession:
    """A new session; its cookie goes on the answer with ``attach``. Called at login with
    the person, so the pre-login session is never promoted: a planted cookie gains
    nothing (no session fixation)."""
    token = secrets.token_urlsafe(32)
    row = await web_sessions.create_session(
        db,
        token_hash=_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        now=_now(),
        subject=subject,
        employee_key=employee_key,
        data=data,
    )
    await db.commit()
    return NewSession(row=row, token=token)


async def end_current(request: Request, db: AsyncSession, response: Response) -> None:
    token = request.cookies.get(COOKIE)
    if token:
        await web_sessions.end_session(db, _hash(token), _now())
        await db.commit()
    response.delete_cookie(COOKIE, path="/")


@dataclass(frozen=True)
class WebCaller:
    """The person at the browser, with the roles the roster gives them now."""

    actor: Actor
    session: WebSession


async def web_caller(request: Request, db: Session) -> WebCaller:
    row = await current_row(request, db)
    if row is None or row.employee_key is None or row.subject is None:
        raise LoginRequired
    identity = TokenIdentity(subject=row.subject, employee_key=row.employee_key)
    return WebCaller(actor=await resolve_actor(db, identity), session=row)


async def check_csrf(request: Request, row: WebSession | None) -> None:
    """Every state-changing form carries the session's token (a hidden field, or the
    header htmx sends); anything else is a forged post."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if row is None or not sent or not hmac.compare_digest(sent, row.csrf_token):
        raise CsrfRefused


async def posting_caller(
    request: Request, caller: Annotated[WebCaller, Depends(web_caller)]
) -> WebCaller:
    """The caller of a form post, once its CSRF token is checked; counted against the
    same write limit as the API's callers."""
    await check_csrf(request, caller.session)
    found = limiters(request)
    await limit(found.writes if found else None, caller.actor.subject, TOO_MANY_WRITES)
    return caller


Caller = Annotated[WebCaller, Depends(web_caller)]
PostingCaller = Annotated[WebCaller, Depends(posting_caller)]
