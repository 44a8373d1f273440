"""Logging in through a real OpenID Connect provider: Canaille, started by pytest-iam on a
localhost port. The app fetches the provider's discovery document, sends the browser to
its authorize endpoint (authorization code with PKCE S256), exchanges the code over real
HTTP, validates the ID token and reads the identity claim as the employee's NIP."""

import base64
import datetime
import hashlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from canaille.core.models import User
from canaille.oidc.basemodels import Client
from fastapi import FastAPI
from pytest_iam import Server
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import WebSession
from tests.orgs import OTHER_TIM, STAFF
from tests.web.conftest import BASE, local_browser
from web.config import OidcClient, WebConfig
from web.sessions import COOKIE, open_session

CALLBACK = f"{BASE}/masuk/selesai"  # what url_for gives on the loopback test browser
SECRET = "rahasia-klien-kinerja"
ProviderUser = Callable[[str], User]


@pytest.fixture
def oidc_client(iam_server: Server) -> Iterator[Client]:
    """Kinerja registered at the provider as a confidential client, afresh for each test:
    Canaille's memory backend answers a query on several attributes with the union of the
    matches, so the token endpoint's lookup of (code, client) may pick another unspent
    code of the same client (a "Code challenge failed" refusal). One client per test keeps
    each test's codes to themselves."""
    with iam_server.app.app_context():
        client = iam_server.models.Client(
            client_id=f"kinerja-{uuid.uuid4().hex[:8]}",
            client_secret=SECRET,
            client_name="Kinerja",
            client_id_issued_at=datetime.datetime.now(datetime.UTC),
            redirect_uris=[CALLBACK],
            grant_types=["authorization_code"],
            response_types=["code"],
            token_endpoint_auth_method="client_secret_basic",
            scope=["openid", "profile"],
        )
        iam_server.backend.save(client)
    yield client
    with iam_server.app.app_context():
        iam_server.backend.delete(client)


@pytest.fixture
def web_config(iam_server: Server, oidc_client: Client) -> WebConfig:
    assert oidc_client.client_id is not None
    return WebConfig(
        dev_login=False,
        oidc=OidcClient(
            metadata_url=f"{iam_server.url}.well-known/openid-configuration",
            client_id=oidc_client.client_id,
            client_secret=SECRET,
            identity_claim="sub",  # Canaille's sub is the user_name: the NIP here
        ),
    )


@pytest.fixture
def provider_user(iam_server: Server, oidc_client: Client) -> Iterator[ProviderUser]:
    """A person at the provider whose user_name (hence ``sub``) is the given NIP, already
    logged in there and having consented to Kinerja (no login or consent screens)."""

    def make(nip: str) -> User:
        user = iam_server.random_user(user_name=nip)
        iam_server.login(user)
        iam_server.consent(user, oidc_client)
        return user

    yield make
    iam_server.logout()


@pytest.fixture
async def browser(web_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with local_browser(web_app) as client:
        yield client


async def start_login(browser: httpx.AsyncClient, lanjut: str = "/beranda") -> httpx.URL:
    """The app's answer to "masuk dengan SSO": the provider's authorize URL."""
    started = await browser.get("/masuk/sso", params={"lanjut": lanjut})
    assert started.status_code == 302, started.text
    assert browser.cookies.get(COOKIE), "the round trip has no pending session"
    return httpx.URL(started.headers["location"])


async def at_provider(authorize: httpx.URL) -> httpx.QueryParams:
    """What a browser does at the provider: the (pre-logged-in, pre-consented) person is
    sent straight back to the app; the query the callback receives."""
    async with httpx.AsyncClient() as provider:
        answer = await provider.get(authorize)
    assert answer.status_code == 302, answer.text
    back = httpx.URL(answer.headers["location"])
    assert str(back.copy_with(query=None)) == CALLBACK
    assert "code" in back.params, back
    return back.params


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def session_row(
    sessionmaker: async_sessionmaker[AsyncSession], token: str
) -> WebSession | None:
    async with sessionmaker() as db:
        return await db.get(WebSession, session_id(token))


async def test_a_roster_employee_logs_in_through_the_provider(
    browser: httpx.AsyncClient,
    provider_user: ProviderUser,
    web_app: FastAPI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    provider_user(STAFF)
    authorize = await start_login(browser, lanjut="/notifikasi")
    pre_login = browser.cookies[COOKIE]
    back = await at_provider(authorize)

    done = await browser.get("/masuk/selesai", params=back)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/notifikasi"
    home = await browser.get("/beranda")
    assert home.status_code == 200, home.text
    assert "Pegawai 003" in home.text

    logged_in = browser.cookies[COOKIE]
    assert logged_in != pre_login  # a new session, never the promoted pre-login one
    row = await session_row(sessionmaker, logged_in)
    assert row is not None and row.employee_key == STAFF and row.subject == STAFF
    assert row.data == {}  # the OIDC round trip stays with the ended pending session
    pending = await session_row(sessionmaker, pre_login)
    assert pending is not None and pending.ended_at is not None
    planted = local_browser(web_app)
    planted.cookies.set(COOKIE, pre_login)
    assert (await planted.get("/beranda")).status_code == 303  # the old cookie opens nothing
    await planted.aclose()


async def test_the_authorize_request_carries_pkce_state_and_nonce(
    browser: httpx.AsyncClient,
    iam_server: Server,
    oidc_client: Client,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    authorize = await start_login(browser)
    assert str(authorize).startswith(iam_server.url)
    params = authorize.params
    assert params["client_id"] == oidc_client.client_id
    assert params["redirect_uri"] == CALLBACK
    assert params["response_type"] == "code"
    assert set(params["scope"].split()) == {"openid", "profile"}
    assert params["code_challenge_method"] == "S256"
    assert params["state"] and params["nonce"]

    # the verifier stays in the server-side pending session; only its S256 hash travels
    pending = await session_row(sessionmaker, browser.cookies[COOKIE])
    assert pending is not None
    # authlib keeps each round trip under "_state_<client name>_<state>"
    kept = pending.data["oidc"][f"_state_kinerja_{params['state']}"]["data"]
    verifier = kept["code_verifier"]
    assert verifier not in str(authorize)
    digest = hashlib.sha256(verifier.encode()).digest()
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert kept["nonce"] == params["nonce"]


async def test_a_tampered_state_is_refused_and_opens_no_session(
    browser: httpx.AsyncClient,
    provider_user: ProviderUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    provider_user(STAFF)
    back = await at_provider(await start_login(browser))
    pre_login = browser.cookies[COOKIE]
    forged = {"code": back["code"], "state": "state-dari-penyerang"}

    refused = await browser.get("/masuk/selesai", params=forged)
    assert refused.status_code == 401, refused.text
    assert "masuk" in refused.text
    assert browser.cookies[COOKIE] == pre_login  # no new session was handed out
    pending = await session_row(sessionmaker, pre_login)
    assert pending is not None and pending.employee_key is None  # not promoted either
    assert (await browser.get("/beranda")).status_code == 303


async def test_a_provider_user_not_in_the_roster_is_refused(
    browser: httpx.AsyncClient,
    provider_user: ProviderUser,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    provider_user(OTHER_TIM)  # a well-formed NIP the provider knows, absent from SMALL_ORG
    back = await at_provider(await start_login(browser))
    pre_login = browser.cookies[COOKIE]

    refused = await browser.get("/masuk/selesai", params=back)
    assert refused.status_code == 403, refused.text
    assert "tidak terdaftar" in refused.text
    assert browser.cookies[COOKIE] == pre_login
    async with sessionmaker() as db:
        named = (
            await db.scalars(select(WebSession).where(WebSession.employee_key.is_not(None)))
        ).all()
    assert named == []  # no session names anybody
    assert (await browser.get("/beranda")).status_code == 303


async def test_a_replayed_callback_is_refused(
    browser: httpx.AsyncClient,
    provider_user: ProviderUser,
    web_app: FastAPI,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    provider_user(STAFF)
    back = await at_provider(await start_login(browser))
    pre_login = browser.cookies[COOKIE]
    assert (await browser.get("/masuk/selesai", params=back)).status_code == 303

    # the same callback again, from the logged-in browser: no login is pending there
    again = await browser.get("/masuk/selesai", params=back)
    assert again.status_code == 401, again.text
    # ... and with the pre-login cookie: that pending session has ended
    stale = local_browser(web_app)
    stale.cookies.set(COOKIE, pre_login)
    replayed = await stale.get("/masuk/selesai", params=back)
    assert replayed.status_code == 401, replayed.text
    await stale.aclose()

    # a copy of the pending round trip (state, nonce, verifier all valid): the provider
    # itself refuses the spent code
    pending = await session_row(sessionmaker, pre_login)
    assert pending is not None
    async with sessionmaker() as db:
        copy = await open_session(db, data=dict(pending.data))
    thief = local_browser(web_app)
    thief.cookies.set(COOKIE, copy.token)
    spent = await thief.get("/masuk/selesai", params=back)
    assert spent.status_code == 401, spent.text
    assert "Penyedia identitas tidak mengizinkan masuk" in spent.text
    assert thief.cookies[COOKIE] == copy.token
    assert (await thief.get("/beranda")).status_code == 303
    await thief.aclose()
