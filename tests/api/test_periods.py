"""Starting a period through the API, end to end on real Temporal and PostgreSQL."""

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from persistence.models import Appraisal, AuditEvent
from tests.api.conftest import TokenFor
from tests.factories import make_period
from tests.orgs import HR, SMALL_ORG, STAFF, TIM
from tests.waiting import eventually


def period_body(period_id: str) -> dict[str, object]:
    return make_period(period_id).model_dump(mode="json")


async def started_period(client: httpx.AsyncClient, auth: TokenFor, period_id: str) -> dict:
    response = await client.post(
        "/periods", json=period_body(period_id), headers=auth(HR, "hr_admin")
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/periods/{period_id}"

    async def summary() -> dict:
        return (await client.get(f"/periods/{period_id}", headers=auth(HR, "hr_admin"))).json()

    return await eventually(
        summary,
        lambda body: body.get("total") == len(SMALL_ORG) and body.get("status") == "running",
        what="every appraisal persisted",
    )


async def test_hr_starts_a_period_for_every_active_employee(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    body = await started_period(client, auth, period_id)

    assert body["stages"]["sosialisasi"] == len(SMALL_ORG)
    assert body["stages"]["perencanaan"] == 0
    assert body["employees_started"] == len(SMALL_ORG)


async def test_starting_the_same_period_twice_starts_nothing_new(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await started_period(client, auth, period_id)

    again = await client.post("/periods", json=period_body(period_id), headers=auth(HR, "hr_admin"))

    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["type"] == "/problems/already-exists"
    workflows = [
        wf
        async for wf in temporal_env.client.list_workflows(
            f"WorkflowId STARTS_WITH 'appraisal-{period_id}-'"
        )
    ]
    cycles = [
        wf async for wf in temporal_env.client.list_workflows(f"WorkflowId = 'cycle-{period_id}'")
    ]
    assert len(workflows) == len(SMALL_ORG)
    assert len(cycles) == 1
    async with sessionmaker() as session:
        rows = await session.scalar(
            select(func.count()).select_from(Appraisal).where(Appraisal.period_id == period_id)
        )
        started_events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.period_id == period_id, AuditEvent.action == "period.started")
        )
    assert rows == len(SMALL_ORG)
    assert started_events == 1


async def test_only_hr_may_start_a_period(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    as_employee = await client.post("/periods", json=period_body(period_id), headers=auth(STAFF))
    as_tim = await client.post(
        "/periods", json=period_body(period_id), headers=auth(TIM, "tim_penilai")
    )
    anonymous = await client.post("/periods", json=period_body(period_id))

    assert as_employee.status_code == 403
    assert as_employee.json()["type"] == "/problems/forbidden"
    assert as_tim.status_code == 403
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    nothing = await client.get(f"/periods/{period_id}", headers=auth(HR, "hr_admin"))
    assert nothing.status_code == 404


async def test_a_bad_schedule_is_refused_naming_the_field(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    body = period_body(period_id)
    schedule = dict(body["schedule"])  # type: ignore[call-overload]
    schedule["skp_approval_due"] = "2025-01-01T08:00:00+07:00"
    schedule["unknown_field"] = 1
    response = await client.post(
        "/periods", json={**body, "schedule": schedule}, headers=auth(HR, "hr_admin")
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "/problems/validation-error"
    fields = {error["field"] for error in problem["errors"]}
    assert "body.schedule.unknown_field" in fields


async def test_a_forged_token_is_refused(client: httpx.AsyncClient, period_id: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from api.auth import DevTokenIssuer
    from runtime.devkeys import KEY_ID
    from tests.api.conftest import AUDIENCE, ISSUER

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    forged = DevTokenIssuer(
        private_key_pem=other_key, key_id=KEY_ID, issuer=ISSUER, audience=AUDIENCE
    )
    token = forged.issue(subject=HR, nip=HR, roles=["hr_admin"], ttl_seconds=60)

    response = await client.post(
        "/periods", json=period_body(period_id), headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 401


async def test_demo_tokens_exist_only_in_dev_mode(client: httpx.AsyncClient) -> None:
    response = await client.post("/dev/token", json={"nip": HR})

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
