"""Drill 5: a double click, twenty of them at once, and two people with the right to the
same step pressing the button in the same instant. Through the real API: exactly one
transition; every other request gets a clear answer (409 problem+json, wrong state),
nothing reaches workflow history twice and the audit trail records the step once.

Why it holds: an update's validator runs against the state the previous handler already
changed (handlers change state before their first ``await``), so a duplicate is refused
before it is accepted."""

import asyncio
import time
import uuid
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from persistence.db import create_sessionmaker, to_async_url
from persistence.models import AuditEvent
from persistence.repositories.organisation import upsert_roster
from runtime.worker import build_worker
from tests.api.conftest import TokenFor
from tests.api.journey import (
    PROBLEM_JSON,
    UNIT_MEMBERS,
    dialogue_body,
    journeys,
    rate_unit,
    skp_content,
    start_period,
    unit_url,
)
from tests.drills.app import drill_app
from tests.drills.org import HR_NIP, organisation
from tests.drills.scale import report, sized
from tests.factories import make_period
from tests.keys import appraisal_id
from tests.orgs import HR, STAFF, SUPERVISOR, TIM
from tests.waiting import eventually
from workflows.ids import cycle_workflow_id, unit_workflow_id

Sessions = async_sessionmaker[AsyncSession]
DUPLICATES = sized(20, 50)


async def accepted_updates(env: WorkflowEnvironment, workflow_id: str) -> Counter[str]:
    """How many updates of each name reached history (were accepted)."""
    names: Counter[str] = Counter()
    async for event in env.client.get_workflow_handle(workflow_id).fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            attributes = event.workflow_execution_update_accepted_event_attributes
            names[attributes.accepted_request.input.name] += 1
    return names


async def audited(sessionmaker: Sessions, period_id: str, action: str) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.period_id == period_id, AuditEvent.action == action)
        )
    return int(count or 0)


def outcome(responses: list[httpx.Response]) -> Counter[Any]:
    answers: Counter[Any] = Counter()
    for response in responses:
        kind = (
            response.json().get("type")
            if response.headers.get("content-type") == PROBLEM_JSON
            else "ok"
        )
        answers[(response.status_code, kind)] += 1
    return answers


async def test_simultaneous_duplicates_make_exactly_one_transition(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: Sessions,
    temporal_env: WorkflowEnvironment,
) -> None:
    await start_period(client, auth, period_id)
    unit = journeys(client, auth, period_id)
    staff = unit[STAFF]
    supervisor = auth(SUPERVISOR, "pejabat_penilai")
    tim = auth(TIM, "tim_penilai")
    await staff.ok("POST", "/acknowledge", staff.employee)
    await staff.ok("PUT", "/skp", staff.employee, {"content": skp_content()})
    submitted = await staff.ok("POST", "/skp/submit", staff.employee)

    # 1. the same approval, DUPLICATES times at once
    approvals = await asyncio.gather(
        *(
            staff.call("POST", "/skp/approve", supervisor, {"note": "Setuju"})
            for _ in range(DUPLICATES)
        )
    )
    approved = outcome(approvals)
    winners = [r.json() for r in approvals if r.status_code == 200]
    assert approved == {(200, "ok"): 1, (409, "/problems/wrong-state"): DUPLICATES - 1}, approved
    assert winners[0]["version"] == submitted["version"] + 1
    workflow_id = appraisal_id(period_id, STAFF)
    assert (await accepted_updates(temporal_env, workflow_id))["approve_skp"] == 1
    assert await audited(sessionmaker, period_id, "skp.approved") == 1

    # 2. the pejabat penilai and the tim penilai record the same dialogue at once
    for index in (1,):
        await staff.ok("POST", f"/checkins/{index}/report", staff.employee, _report())
        await staff.ok("POST", f"/checkins/{index}/feedback", supervisor, {"text": "Lanjutkan"})
    body = dialogue_body(STAFF, SUPERVISOR)
    dialogues = await asyncio.gather(
        staff.call("POST", "/wawancara", supervisor, body),
        staff.call("POST", "/wawancara", tim, body),
    )
    raced_dialogue = outcome(list(dialogues))
    assert raced_dialogue == {(200, "ok"): 1, (409, "/problems/wrong-state"): 1}, raced_dialogue
    assert len((await staff.read())["dialogues"]) == 1
    assert (await accepted_updates(temporal_env, workflow_id))["record_dialogue"] == 1
    assert await audited(sessionmaker, period_id, "wawancara.recorded") == 1

    # 3. HR and the tim penilai finalise the unit at once (and each double-clicks)
    await staff.rate("sesuai", "sesuai")
    await rate_unit(
        client, auth, period_id, {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS if nip != STAFF}
    )
    hr = auth(HR, "hr_admin")
    url = unit_url(period_id)
    response = await client.put(f"{url}/predikat", json={"predikat": "istimewa"}, headers=hr)
    assert response.status_code == 200, response.text
    finalisations = await asyncio.gather(
        *(client.post(f"{url}/finalise", headers=who) for who in (hr, tim, hr, tim))
    )
    finalised = outcome(list(finalisations))
    assert finalised == {(200, "ok"): 1, (409, "/problems/wrong-state"): 3}, finalised
    [winner] = [r.json() for r in finalisations if r.status_code == 200]
    assert winner["delivered"] == len(UNIT_MEMBERS)
    unit_id = unit_workflow_id(period_id, "DINKES-UMUM")
    assert (await accepted_updates(temporal_env, unit_id))["finalise"] == 1
    assert await audited(sessionmaker, period_id, "penilaian.delivered") == len(UNIT_MEMBERS)
    for nip in UNIT_MEMBERS:
        delivered = await accepted_updates(temporal_env, appraisal_id(period_id, nip))
        assert delivered["deliver_result"] == 1, nip

    report(
        5,
        "concurrent duplicates",
        identical_approvals=DUPLICATES,
        approval_answers=_plain(approved),
        dialogue_race_supervisor_vs_tim=_plain(raced_dialogue),
        finalise_race_hr_vs_tim_x2=_plain(finalised),
        transitions_per_race=1,
        duplicates_reaching_history=0,
    )


def _report() -> dict[str, Any]:
    return {
        "realisations": [
            {"indicator_id": "ind-1", "value": 6},
            {"indicator_id": "ind-2", "value": 88},
        ],
        "evidence": [],
    }


def _plain(answers: Counter[Any]) -> str:
    return " ".join(f"{count}x{status}" for (status, _), count in sorted(answers.items()))


async def test_more_simultaneous_writes_than_database_connections_all_answer(
    temporal_env: WorkflowEnvironment, database_url: str, signing_key: bytes, auth: TokenFor
) -> None:
    """Many people pressing buttons at once, with API and worker sharing one small pool
    (as ``kinerja dev`` does): a write must not hold a database connection while it waits
    for its workflow, whose persistence activity needs a connection from the same pool."""
    engine = create_async_engine(
        to_async_url(database_url), pool_size=2, max_overflow=0, pool_timeout=5
    )
    sessionmaker = create_sessionmaker(engine)
    org = organisation(sized(11, 44))
    async with sessionmaker.begin() as session:
        await upsert_roster(session, org)
    queue = f"drill5-{uuid.uuid4().hex[:8]}"
    period_id = f"d5{uuid.uuid4().hex[:8]}"
    app = drill_app(temporal_env.client, sessionmaker, signing_key, queue)
    hr = auth(HR_NIP, "hr_admin")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        build_worker(temporal_env.client, sessionmaker, task_queue=queue),
        httpx.AsyncClient(transport=transport, base_url="http://k.test") as http,
    ):
        period = make_period(period_id)
        started = await http.post("/periods", json=period.model_dump(mode="json"), headers=hr)
        assert started.status_code == 201, started.text

        async def opened() -> int:
            response = await http.get(f"/periods/{period_id}", headers=hr)
            return int(response.json().get("total", 0)) if response.status_code == 200 else 0

        await eventually(opened, lambda n: n == len(org), patience=60, what="appraisals opened")
        began = time.monotonic()
        answers = await asyncio.gather(
            *(
                http.post(f"/appraisals/{period_id}/{r.nip}/acknowledge", headers=auth(r.nip))
                for r in org
            )
        )
        took = time.monotonic() - began
        await temporal_env.client.get_workflow_handle(cycle_workflow_id(period_id)).terminate("x")
    await engine.dispose()
    statuses = Counter(response.status_code for response in answers)
    assert statuses == {200: len(org)}, statuses
    report(
        5,
        "simultaneous writes beyond the pool",
        writes=len(org),
        pool_connections=2,
        answers=_plain(Counter((s, "") for s in statuses.elements())),
        all_answered_in_s=took,
    )
