"""When PostgreSQL is unreachable the API answers 503 problem+json, never 500."""

import httpx
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import TokenVerifier
from api.deps import ApiContext
from persistence.db import create_engine, create_sessionmaker
from runtime.devkeys import public_jwks
from tests.api.conftest import AUDIENCE, ISSUER, TokenFor
from tests.orgs import HR


async def test_database_outage_is_a_503_problem(
    temporal_env: WorkflowEnvironment, signing_key: bytes, auth: TokenFor
) -> None:
    engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none", pool_size=1)
    app = create_app(
        ApiContext(
            temporal=temporal_env.client,
            sessionmaker=create_sessionmaker(engine),
            verifier=TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=public_jwks(signing_key)),
            task_queue="unused",
        )
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
        response = await http.get("/periods/2026", headers=auth(HR, "hr_admin"))
    await engine.dispose()

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/service-unavailable"
