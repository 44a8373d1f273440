"""The appraisal workflow on a real Temporal dev server with real activities and database."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.appraisal import Actor, AppraisalState
from domain.roles import Role
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from persistence.models import Appraisal, AuditEvent
from persistence.repositories.periods import register_period
from runtime.worker import build_worker
from tests.factories import make_period
from tests.keys import appraisal_id
from tests.waiting import eventually
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import AppraisalInput, Envelope

NIP = "198503152010011001"
OTHER = "199001012015032002"


@pytest.fixture
async def worker(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    task_queue: str,
) -> AsyncIterator[Worker]:
    async with sessionmaker.begin() as session:
        await register_period(session, make_period(), created_by="test")
    async with build_worker(temporal_env.client, sessionmaker, task_queue=task_queue) as running:
        yield running


async def start_appraisal(env: WorkflowEnvironment, task_queue: str) -> WorkflowHandle:
    state = AppraisalState(
        period_id="2026",
        nip=NIP,
        agency_code="DINKES",
        unit_code="DINKES-YANKES",
        supervisor_nip=OTHER,
    )
    return await env.client.start_workflow(
        AppraisalWorkflow.run,
        AppraisalInput(state=state, schedule=make_period().schedule),
        id=appraisal_id("2026", NIP) + task_queue,
        task_queue=task_queue,
    )


def actor(nip: str) -> Actor:
    return Actor(subject=nip, nip=nip, roles=frozenset({Role.PEGAWAI}))


async def test_acknowledge_moves_to_perencanaan_and_persists(
    temporal_env: WorkflowEnvironment,
    worker: Worker,
    task_queue: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    handle = await start_appraisal(temporal_env, task_queue)

    result = await handle.execute_update(
        AppraisalWorkflow.acknowledge,
        Envelope(command=Acknowledge(), actor=actor(NIP), request_id="r1"),
    )

    assert result.stage is Stage.PERENCANAAN
    async with sessionmaker() as session:
        row = await session.get(Appraisal, ("2026", NIP))
        assert row is not None and row.stage == "perencanaan" and row.version == 2

    async def actions() -> list[str]:
        async with sessionmaker() as session:
            query = select(AuditEvent.action).where(AuditEvent.subject_id == f"2026/{NIP}")
            return sorted((await session.scalars(query)).all())

    # the update may overtake the opening write; both are recorded exactly once
    recorded = await eventually(actions, lambda found: len(found) >= 2)
    assert recorded == ["appraisal.opened", "sosialisasi.acknowledged"]


async def test_wrong_person_and_wrong_state_are_refused_without_history(
    temporal_env: WorkflowEnvironment,
    worker: Worker,
    task_queue: str,
) -> None:
    handle = await start_appraisal(temporal_env, task_queue)

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            AppraisalWorkflow.acknowledge, Envelope(command=Acknowledge(), actor=actor(OTHER))
        )
    assert refused.value.cause.type == "NotPermittedError"
    assert (await handle.query(AppraisalWorkflow.state)).stage is Stage.SOSIALISASI

    await handle.execute_update(
        AppraisalWorkflow.acknowledge, Envelope(command=Acknowledge(), actor=actor(NIP))
    )
    events_before = len([e async for e in handle.fetch_history_events()])
    with pytest.raises(WorkflowUpdateFailedError) as again:
        await handle.execute_update(
            AppraisalWorkflow.acknowledge, Envelope(command=Acknowledge(), actor=actor(NIP))
        )
    assert again.value.cause.type == "WrongStateError"
    state = await handle.query(AppraisalWorkflow.state)
    assert state.stage is Stage.PERENCANAAN and state.version == 2
    events_after = len([e async for e in handle.fetch_history_events()])
    assert events_after == events_before
