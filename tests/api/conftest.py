"""The API wired to real PostgreSQL and a real Temporal dev server, with a worker running
the real workflows and activities, and tokens signed by a key made for the session."""

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import DevTokenIssuer, TokenVerifier
from api.deps import ApiContext
from persistence.repositories.organisation import upsert_roster
from runtime.devkeys import KEY_ID, public_jwks
from runtime.worker import build_worker
from tests.orgs import SMALL_ORG

ISSUER, AUDIENCE = "test-issuer", "kinerja"
TokenFor = Callable[..., dict[str, str]]
REHEARSAL_PACING = timedelta(seconds=1)  # tests run schedules seconds apart
GENEROUS_LIMITS = {
    "read_rate": "100000/minute",
    "export_rate": "100000/minute",
    "failed_auth_rate": "100000/minute",
}


@pytest.fixture(scope="session")
def signing_key() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture(scope="session")
def token_issuer(signing_key: bytes) -> DevTokenIssuer:
    return DevTokenIssuer(
        private_key_pem=signing_key, key_id=KEY_ID, issuer=ISSUER, audience=AUDIENCE
    )


@pytest.fixture
def auth(token_issuer: DevTokenIssuer) -> TokenFor:
    """Headers carrying a token for ``nip`` with ``roles``."""

    def headers(nip: str, *roles: str) -> dict[str, str]:
        token = token_issuer.issue(subject=nip, nip=nip, roles=["pegawai", *roles], ttl_seconds=600)
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
async def seeded(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker.begin() as session:
        await upsert_roster(session, SMALL_ORG)


@pytest.fixture
def api_context(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    signing_key: bytes,
    task_queue: str,
) -> ApiContext:
    return ApiContext(
        temporal=temporal_env.client,
        sessionmaker=sessionmaker,
        verifier=TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=public_jwks(signing_key)),
        task_queue=task_queue,
        # the suite drives hundreds of refused and listed requests per test from one
        # address; the limits themselves are tested with their defaults in test_limits.py
        **GENEROUS_LIMITS,
        minimum_pacing=REHEARSAL_PACING,
    )


@pytest.fixture
async def client(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    api_context: ApiContext,
    task_queue: str,
    seeded: None,
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(api_context)
    async with build_worker(temporal_env.client, sessionmaker, task_queue=task_queue):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
            yield http


@pytest.fixture
def period_id() -> str:
    """Periods are unique per test: the dev server is shared by the whole session."""
    return f"t{uuid.uuid4().hex[:10]}"
