"""Drill 1: the worker is SIGKILLed while every appraisal has commands and their
persistence activities in flight; a new worker starts at once. Every appraisal must reach
the state its accepted commands imply, with no projection row and no audit event twice.

Figure: how many activities were in flight at the kill, how many had to run again, and
the recovery time (kill → every projection caught up). The floor of that time is the
activities' ``start_to_close_timeout`` (30 s): Temporal cannot tell a dead worker from a
slow one until then."""

import asyncio
import contextlib
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.enums.v1 import EventType
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from domain.appraisal import AppraisalState
from domain.perencanaan import DraftSkp, SubmitSkp
from domain.skp import SkpStatus
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from persistence.models import Appraisal, AuditEvent
from persistence.repositories.organisation import upsert_roster
from tests.domain.builders import valid_content
from tests.drills.drive import Sender, WorkerProcess, pegawai
from tests.drills.org import HR_NIP, organisation
from tests.drills.scale import report, sized
from tests.drills.snapshot import integrity
from tests.factories import make_period
from tests.keys import appraisal_id
from tests.waiting import eventually
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import CycleInput
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id

Sessions = async_sessionmaker[AsyncSession]
COMMANDS = 3  # acknowledge, draft, submit: versions 2, 3, 4 after "opened" (1)
KILL_AT = 0.4  # fraction of the commands done when the worker dies


async def projections(sessionmaker: Sessions, period_id: str) -> list[tuple[int, str]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Appraisal.version, Appraisal.stage).where(Appraisal.period_id == period_id)
        )
        return [(version, stage) for version, stage in rows.all()]


async def test_a_killed_worker_loses_and_duplicates_nothing(
    temporal_env: WorkflowEnvironment, database_url: str, sessionmaker: Sessions, tmp_path: Path
) -> None:
    size = sized(30, 300)
    org = organisation(size)
    async with sessionmaker.begin() as session:
        await upsert_roster(session, org)
    period_id = f"d1{uuid.uuid4().hex[:8]}"
    queue = f"drill1-{uuid.uuid4().hex[:8]}"
    client = temporal_env.client
    worker = WorkerProcess(
        tmp_path / "worker.log",
        database_url=database_url,
        temporal_address=client.service_client.config.target_host,
        queue=queue,
    )
    await worker.start()
    replacement: WorkerProcess | None = None
    try:
        await client.start_workflow(
            CycleWorkflow.run,
            CycleInput(period=make_period(period_id), started_by=HR_NIP, page_size=100),
            id=cycle_workflow_id(period_id),
            task_queue=queue,
        )
        everyone = len(org)
        await eventually(
            lambda: projections(sessionmaker, period_id),
            lambda rows: len(rows) == everyone,
            patience=120,
            what=f"{everyone} appraisals opened",
        )

        sender = Sender(client, period_id)
        done = 0
        half_done = asyncio.Event()

        async def year_start(nip: str) -> AppraisalState | None:
            nonlocal done
            actor = pegawai(nip)
            steps = (
                (AppraisalWorkflow.acknowledge, Acknowledge(), "ack"),
                (AppraisalWorkflow.draft_skp, DraftSkp(content=valid_content()), "draft"),
                (AppraisalWorkflow.submit_skp, SubmitSkp(), "submit"),
            )
            state = None
            for update, command, name in steps:
                state = await sender.send(nip, update, actor, command, f"{period_id}-{nip}-{name}")
                done += 1
                if done >= KILL_AT * everyone * COMMANDS:
                    half_done.set()
            return state

        burst = asyncio.gather(*(year_start(record.nip) for record in org))
        await half_done.wait()
        worker.kill()
        killed_at = time.monotonic()
        in_flight = 0
        for record in org:
            handle = client.get_workflow_handle(appraisal_id(period_id, record.nip))
            in_flight += len((await handle.describe()).raw_description.pending_activities)
        done_at_kill = done

        replacement = WorkerProcess(
            tmp_path / "worker.log",
            database_url=database_url,
            temporal_address=client.service_client.config.target_host,
            queue=queue,
        )
        await replacement.start()
        restarted_after = time.monotonic() - killed_at
        states = await burst
        await eventually(
            lambda: projections(sessionmaker, period_id),
            lambda rows: all(v == 1 + COMMANDS for v, _ in rows),
            patience=180,
            what="every projection at version 4",
        )
        recovery = time.monotonic() - killed_at

        # every appraisal is where its three commands put it, in the workflow and in SQL
        assert sender.refused == {}, sender.refused
        for state in states:
            assert state is not None
            assert state.version == 1 + COMMANDS
            assert state.stage is Stage.PERENCANAAN
            assert state.skp.status is SkpStatus.DIAJUKAN
        rows = await projections(sessionmaker, period_id)
        assert sorted(rows) == [(1 + COMMANDS, "perencanaan")] * everyone
        checks = await integrity(sessionmaker, period_id)
        async with sessionmaker() as session:
            events = await session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.period_id == period_id, AuditEvent.subject_type == "appraisal")
            )
        assert events == everyone * (1 + COMMANDS)
        assert checks == {
            "duplicate_projection_rows": 0,
            "duplicate_audit_events": 0,
            "audit_gaps": 0,
            "duplicate_notices": 0,
        }

        rerun = 0
        for record in org:
            handle = client.get_workflow_handle(appraisal_id(period_id, record.nip))
            async for event in handle.fetch_history_events():
                if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                    rerun += event.activity_task_started_event_attributes.attempt > 1
        assert in_flight > 0, "the kill should have caught activities in flight"

        report(
            1,
            "worker SIGKILLed mid-stage",
            appraisals=everyone,
            commands=everyone * COMMANDS,
            commands_done_at_kill=done_at_kill,
            activities_in_flight_at_kill=in_flight,
            activity_attempts_rerun=rerun,
            update_retries_by_client=sender.retries,
            new_worker_polling_after_s=restarted_after,
            recovery_s=recovery,
            audit_events=events,
            **checks,
        )
    finally:
        worker.stop()
        if replacement is not None:
            replacement.stop()
        with contextlib.suppress(RPCError):
            await client.get_workflow_handle(cycle_workflow_id(period_id)).terminate("over")
