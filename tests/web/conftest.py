"""The web application on the same app as the API, against real PostgreSQL and a real
Temporal dev server with the real worker. ``browser_for`` logs a person in through the
dev people picker (as a newcomer would) and returns a client holding their session
cookie; the OIDC login itself is tested against a real provider in test_login_oidc.py."""

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, async_playwright
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.deps import ApiContext
from runtime.worker import build_worker
from tests.api import conftest as api_fixtures
from tests.web.browsing import SHOTS, chromium_path
from web.app import install_web
from web.config import WebConfig

# fixtures shared with the API tests
signing_key = api_fixtures.signing_key
token_issuer = api_fixtures.token_issuer
auth = api_fixtures.auth
seeded = api_fixtures.seeded
api_context = api_fixtures.api_context
period_id = api_fixtures.period_id

BASE = "http://127.0.0.1"  # the demo picker answers on loopback only
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BrowserFor = Callable[[str], Awaitable[httpx.AsyncClient]]


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def local_browser(app: FastAPI) -> httpx.AsyncClient:
    """A client on this machine (as a browser on the dev stack would be)."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    return httpx.AsyncClient(transport=transport, base_url=BASE)


@pytest.fixture
def web_config() -> WebConfig:
    return WebConfig(dev_login=True)


@pytest.fixture
async def web_app(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    api_context: ApiContext,
    web_config: WebConfig,
    task_queue: str,
    seeded: None,
) -> AsyncIterator[FastAPI]:
    app = install_web(create_app(api_context), web_config)
    async with build_worker(temporal_env.client, sessionmaker, task_queue=task_queue):
        yield app


@pytest.fixture
async def browser_for(web_app: FastAPI) -> AsyncIterator[BrowserFor]:
    clients: list[httpx.AsyncClient] = []

    async def login(nip: str) -> httpx.AsyncClient:
        browser = local_browser(web_app)
        clients.append(browser)
        picker = await browser.get("/masuk/demo")
        assert picker.status_code == 200, picker.text
        done = await browser.post("/masuk/demo", data={"nip": nip, "csrf_token": csrf_of(picker)})
        assert done.status_code == 303 and done.headers["location"] == "/beranda", done.text
        return browser

    yield login
    for browser in clients:
        await browser.aclose()


@pytest.fixture
async def api(web_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The JSON API on the same app, for setting a period up and for comparing answers."""
    transport = httpx.ASGITransport(app=web_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
        yield http


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def served(web_app: FastAPI) -> AsyncIterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(web_app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path())
        yield launched
        await launched.close()
