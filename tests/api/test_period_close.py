"""Closing a period opened by mistake, through the API with a real Temporal server: every
appraisal workflow is cancelled by the durable closure, the rows say so, nobody owes
anything in it any more, and the audit trail records who, when, why and how many. A
period whose fan-out is still starting people is closed without missing anyone; one with
a delivered result is refused and left running."""

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from persistence.models import Appraisal
from persistence.repositories.organisation import upsert_roster
from rehearsal.organisation import generate_organisation
from tests.api.conftest import TokenFor
from tests.api.journey import (
    UNIT_MEMBERS,
    assert_problem,
    finalised_unit,
    period_body,
    rate_unit,
    start_period,
)
from tests.orgs import AUDITOR, HR, SMALL_ORG, STAFF, SUPERVISOR, TIM, WITH_OTHER_ROLES
from tests.waiting import eventually
from workflows.ids import cycle_workflow_id

REASON = "Periode uji coba dibuka karena keliru"
SESUAI = ("sesuai", "sesuai")


async def close(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    *,
    key: str | None = None,
    reason: str = REASON,
) -> httpx.Response:
    headers = auth(HR, "hr_admin") | ({"Idempotency-Key": key} if key else {})
    return await client.post(
        f"/periods/{period_id}/close", json={"reason": reason}, headers=headers
    )


async def closed(client: httpx.AsyncClient, auth: TokenFor, period_id: str) -> dict[str, Any]:
    """Wait for the closure to complete; its last progress."""
    hr = auth(HR, "hr_admin")

    async def progress() -> dict[str, Any]:
        response = await client.get(f"/periods/{period_id}/closure", headers=hr)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return await eventually(progress, lambda p: p["status"] != "running", what="closure")


async def rows(sessionmaker: async_sessionmaker[AsyncSession], period_id: str) -> list[Appraisal]:
    async with sessionmaker() as session:
        found = await session.scalars(select(Appraisal).where(Appraisal.period_id == period_id))
        return list(found.all())


async def statuses(env: WorkflowEnvironment, ids: list[str]) -> set[WorkflowExecutionStatus]:
    found = set()
    for workflow_id in ids:
        status = (await env.client.get_workflow_handle(workflow_id).describe()).status
        assert status is not None
        found.add(status)
    return found


async def test_closing_a_running_period_stops_every_appraisal_and_empties_inboxes(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await start_period(client, auth, period_id)
    hr = auth(HR, "hr_admin")
    staff = auth(STAFF)

    async def owed_by_staff() -> list[dict[str, Any]]:
        inbox = (await client.get("/me/inbox", headers=staff)).json()["items"]
        return [item for item in inbox if item["period_id"] == period_id]

    assert await owed_by_staff()  # the acknowledgement

    accepted = await close(client, auth, period_id, key="close-it-once")
    assert accepted.status_code == 202, accepted.text
    assert accepted.headers["location"] == f"/periods/{period_id}/closure"
    assert accepted.json()["status"] == "running"
    assert accepted.json()["reason"] == REASON
    progress = await closed(client, auth, period_id)

    assert progress["status"] == "completed"
    assert (progress["closed"], progress["skipped"]) == (len(SMALL_ORG), 0)
    assert progress["closed_by"] == HR and progress["closed_at"] is not None
    stopped = await rows(sessionmaker, period_id)
    assert len(stopped) == len(SMALL_ORG)
    assert all(row.closed_at is not None for row in stopped)
    assert await statuses(temporal_env, [row.workflow_id for row in stopped]) == {
        WorkflowExecutionStatus.CANCELED
    }
    assert await statuses(temporal_env, [cycle_workflow_id(period_id)]) == {
        WorkflowExecutionStatus.CANCELED
    }

    # every read side: the period, its list, the appraisal, lists, the inbox
    period = (await client.get(f"/periods/{period_id}", headers=hr)).json()
    assert period["status"] == "closed"
    assert period["closure"]["reason"] == REASON
    assert period["closure"]["closed_by"] == HR
    assert period["closure"]["closed"] == len(SMALL_ORG)
    listed = (await client.get("/periods?limit=200", headers=hr)).json()["items"]
    assert [p["status"] for p in listed if p["period_id"] == period_id] == ["closed"]
    appraisal = (await client.get(f"/appraisals/{period_id}/{STAFF}", headers=hr)).json()
    assert appraisal["pending"] == [] and appraisal["closed_at"] is not None
    mine = (await client.get("/me/appraisals", headers=staff)).json()["items"]
    assert [a["closed_at"] is not None for a in mine if a["period_id"] == period_id] == [True]
    assert await owed_by_staff() == []

    # no command reaches it any more
    refused = await client.post(f"/appraisals/{period_id}/{STAFF}/acknowledge", headers=staff)
    problem = assert_problem(refused, 409, "wrong-state")
    assert (
        problem["detail"] == f"Periode {period_id} sudah ditutup; penilaiannya tidak dapat diubah"
    )

    # audited: who asked and why, then how many stopped
    audit = (
        await client.get("/audit", params={"period_id": period_id, "kind": "period"}, headers=hr)
    ).json()["items"]
    by_action = {event["action"]: event for event in audit}
    assert by_action["period.closing"]["actor"] == HR
    assert by_action["period.closing"]["decision"] == {"reason": REASON}
    assert by_action["period.closed"]["after"]["closed"] == len(SMALL_ORG)
    assert by_action["period.closed"]["decision"] == {"reason": REASON}

    # the same request again: the first answer; another: refused, the period is closed
    again = await close(client, auth, period_id, key="close-it-once")
    assert (again.status_code, again.json()) == (202, accepted.json())
    twice = await close(client, auth, period_id, key="close-it-twice")
    assert "sudah ditutup" in assert_problem(twice, 409, "wrong-state")["detail"]
    async with sessionmaker.begin() as session:  # the auditor, added after the start
        await upsert_roster(session, WITH_OTHER_ROLES)
    auditor = await client.get(f"/periods/{period_id}/closure", headers=auth(AUDITOR))
    assert auditor.status_code == 200 and auditor.json()["status"] == "completed"


async def test_closing_while_the_fan_out_still_starts_people_misses_nobody(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Two fan-out pages (500 and the rest): the close lands while the first is starting
    people. Whatever the fan-out started before it saw the period closing is stopped,
    whether the closure's paging found its row or it stopped itself on writing it."""
    regency = generate_organisation(600, first_index=200_000)
    async with sessionmaker.begin() as session:
        await upsert_roster(session, regency)
    hr = auth(HR, "hr_admin")
    opened = await client.post("/periods", json=period_body(period_id), headers=hr)
    assert opened.status_code == 201, opened.text

    async def registered() -> httpx.Response:
        return await client.get(f"/periods/{period_id}", headers=hr)

    at_close = await eventually(registered, lambda r: r.status_code == 200, what="period row")
    accepted = await close(client, auth, period_id)
    assert accepted.status_code == 202, accepted.text
    progress = await closed(client, auth, period_id)
    assert progress["status"] == "completed"

    async def running() -> int:
        query = f'WorkflowId STARTS_WITH "appraisal-{period_id}-" AND ExecutionStatus = "Running"'
        return (await temporal_env.client.count_workflows(query)).count

    await eventually(running, lambda n: n == 0, what="no appraisal of the period running")
    started = (
        await temporal_env.client.count_workflows(
            f'WorkflowId STARTS_WITH "appraisal-{period_id}-"'
        )
    ).count
    stopped = await rows(sessionmaker, period_id)
    assert len(stopped) == started  # each started appraisal wrote its row, then stopped
    assert all(row.closed_at is not None for row in stopped)
    assert progress["closed"] + progress["skipped"] <= started
    everyone = len(SMALL_ORG) + len(regency)
    print(
        f"closed while {at_close.json()['status']}: {started} of {everyone} started, "
        f"{progress['closed']} stopped by the closure"
    )
    async with sessionmaker() as session:
        still_open = await session.scalar(
            select(func.count())
            .select_from(Appraisal)
            .where(Appraisal.period_id == period_id, Appraisal.closed_at.is_(None))
        )
    assert still_open == 0
    assert (await registered()).json()["status"] == "closed"


async def test_a_period_with_a_delivered_result_is_not_closed(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await start_period(client, auth, period_id)
    await rate_unit(client, auth, period_id, dict.fromkeys(UNIT_MEMBERS, SESUAI))
    finalised = await finalised_unit(client, auth, period_id, "istimewa")
    assert finalised["delivered"] == len(UNIT_MEMBERS)

    refused = await close(client, auth, period_id, key="too-late-to-close")
    problem = assert_problem(refused, 409, "wrong-state")
    assert problem["detail"] == (
        f"Periode {period_id} tidak dapat ditutup: hasil penilaian {len(UNIT_MEMBERS)} "
        "pegawai sudah disampaikan"
    )
    hr = auth(HR, "hr_admin")
    assert (await client.get(f"/periods/{period_id}", headers=hr)).json()["status"] == "running"
    untouched = await rows(sessionmaker, period_id)
    assert all(row.closed_at is None for row in untouched)
    assert await statuses(temporal_env, [row.workflow_id for row in untouched]) == {
        WorkflowExecutionStatus.RUNNING
    }
    assert (await client.get(f"/periods/{period_id}/closure", headers=hr)).status_code == 404


async def test_unknown_periods_bad_reasons_and_other_roles_are_refused(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    hr = auth(HR, "hr_admin")
    url = f"/periods/{period_id}/close"

    assert_problem(await close(client, auth, "tidak-ada"), 404, "not-found")
    assert_problem(await client.get("/periods/tidak-ada/closure", headers=hr), 404, "not-found")
    assert_problem(await client.get(f"/periods/{period_id}/closure", headers=hr), 404, "not-found")
    for body in ({}, {"reason": "   "}, {"reason": "x" * 1001}, {"reason": REASON, "x": 1}):
        bad = await client.post(url, json=body, headers=hr)
        assert assert_problem(bad, 422, "validation-error")["errors"], body
    for caller in (auth(STAFF), auth(SUPERVISOR, "pejabat_penilai"), auth(TIM, "tim_penilai")):
        assert_problem(
            await client.post(url, json={"reason": REASON}, headers=caller), 403, "forbidden"
        )
    assert_problem(
        await client.get(f"/periods/{period_id}/closure", headers=auth(TIM, "tim_penilai")),
        403,
        "forbidden",
    )
    assert (await client.get(f"/periods/{period_id}", headers=hr)).json()["status"] == "running"
