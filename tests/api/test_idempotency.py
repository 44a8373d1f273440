"""Repeated starts are idempotent: the same Idempotency-Key and body return the first
answer and start nothing new; the key with another body is refused."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from persistence.models import AuditEvent
from tests.api.checks import appraisal_rows, assert_problem_kind, workflow_exists
from tests.api.conftest import TokenFor
from tests.api.journey import (
    Journey,
    period_body,
    start_period,
)
from tests.orgs import HR, SMALL_ORG, STAFF
from tests.waiting import eventually
from workflows.ids import cycle_workflow_id


async def test_a_repeated_period_start_with_the_same_key_returns_the_first_answer(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    hr = auth(HR, "hr_admin")
    body = period_body(period_id)
    keyed = {**hr, "Idempotency-Key": f"start-{period_id}"}

    first = await client.post("/periods", json=body, headers=keyed)
    again = await client.post("/periods", json=body, headers=keyed)

    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"] == f"/periods/{period_id}"

    async def started() -> dict[str, Any]:
        body: dict[str, Any] = (await client.get(f"/periods/{period_id}", headers=hr)).json()
        return body

    await eventually(
        started,
        lambda view: view.get("status") == "running" and view.get("total") == len(SMALL_ORG),
        what="every appraisal persisted",
    )
    cycles = [
        wf
        async for wf in temporal_env.client.list_workflows(
            f"WorkflowId = '{cycle_workflow_id(period_id)}'"
        )
    ]
    appraisals = [
        wf
        async for wf in temporal_env.client.list_workflows(
            f"WorkflowId STARTS_WITH 'appraisal-{period_id}-'"
        )
    ]
    assert len(cycles) == 1
    assert len(appraisals) == len(SMALL_ORG)
    assert await appraisal_rows(sessionmaker, period_id) == len(SMALL_ORG)

    # the same key for another request: refused, whatever the body now says
    renamed = {**body, "name": "Penilaian Kinerja (diubah)"}
    other_body = await client.post("/periods", json=renamed, headers=keyed)
    assert_problem_kind(other_body, "validation-error")
    # without a key a repeat is simply a conflict, and starts nothing either
    unkeyed = await client.post("/periods", json=body, headers=hr)
    assert_problem_kind(unkeyed, "already-exists")

    async with sessionmaker() as session:
        started_events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.period_id == period_id, AuditEvent.action == "period.started")
        )
    assert started_events == 1
    assert (await started())["name"] == body["name"]


async def test_a_reused_key_for_another_period_is_refused_and_starts_nothing(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The key names one request: reused with another body (here another period) it is
    a 422, not a second period."""
    hr = auth(HR, "hr_admin")
    keyed = {**hr, "Idempotency-Key": f"start-{period_id}"}
    first = await client.post("/periods", json=period_body(period_id), headers=keyed)
    assert first.status_code == 201, first.text

    other = f"{period_id}-b"
    reused = await client.post("/periods", json=period_body(other), headers=keyed)

    assert_problem_kind(reused, "validation-error")
    assert not await workflow_exists(temporal_env, cycle_workflow_id(other))
    assert (await client.get(f"/periods/{other}", headers=hr)).status_code == 404
    assert await appraisal_rows(sessionmaker, other) == 0


async def test_a_repeated_bulk_extension_with_the_same_key_runs_once(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
) -> None:
    await start_period(client, auth, period_id)
    hr = auth(HR, "hr_admin")
    staff = Journey(client, auth, period_id, STAFF)
    before = await staff.read()
    new_due = datetime.now(UTC) + timedelta(days=45)
    body = {
        "deadline": "sosialisasi_due",
        "new_due": new_due.isoformat(),
        "reason": "Server kepegawaian sempat padam",
        "agency_code": "DINKES",
    }
    keyed = {**hr, "Idempotency-Key": f"extend-{period_id}"}
    url = f"/periods/{period_id}/extensions"

    first = await client.post(url, json=body, headers=keyed)
    again = await client.post(url, json=body, headers=keyed)

    assert first.status_code == 202, first.text
    assert again.status_code == 202, again.text
    assert again.json() == first.json()
    extension_id = first.json()["extension_id"]
    assert again.headers["location"] == f"{url}/{extension_id}"

    async def progress() -> dict[str, Any]:
        response = await client.get(f"{url}/{extension_id}", headers=hr)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    done = await eventually(progress, lambda p: p["status"] == "completed", what="extension")
    dinkes = [e for e in SMALL_ORG if e.agency_code == "DINKES"]
    assert (done["extended"], done["refused"]) == (len(dinkes), 0)
    extended = await staff.read()
    assert datetime.fromisoformat(extended["due_overrides"]["sosialisasi_due"]) == new_due
    assert extended["version"] == before["version"] + 1  # extended once, not twice
    listed = [
        wf.id
        async for wf in temporal_env.client.list_workflows(
            f"WorkflowId STARTS_WITH 'extension-{period_id}-'"
        )
    ]
    assert listed == [extension_id]

    # the same key with another body: refused, and nothing more runs
    later = {**body, "new_due": (new_due + timedelta(days=1)).isoformat()}
    other_body = await client.post(url, json=later, headers=keyed)
    assert_problem_kind(other_body, "validation-error")
    assert (await staff.read())["version"] == extended["version"]

    # without a key it is another extension, which moves nothing a second time
    unkeyed = await client.post(url, json=body, headers=hr)
    assert unkeyed.status_code == 202, unkeyed.text
    assert unkeyed.json()["extension_id"] != extension_id
    response = await client.get(f"{url}/{unkeyed.json()['extension_id']}", headers=hr)
    assert response.status_code == 200, response.text

    async def second() -> dict[str, Any]:
        reply = await client.get(f"{url}/{unkeyed.json()['extension_id']}", headers=hr)
        body: dict[str, Any] = reply.json()
        return body

    repeated = await eventually(second, lambda p: p["status"] == "completed", what="second")
    assert (repeated["extended"], repeated["refused"]) == (0, len(dinkes))
    assert (await staff.read())["version"] == extended["version"]
