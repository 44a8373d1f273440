"""Drill 2: the Temporal server (dev server with ``--db-filename``) is restarted while
appraisals wait on reminder and escalation timers and on pending SKP approvals, and while
approvals are being sent. The worker and the client are not restarted: they must ride it
out. Every timer still fires (late if it fell due during the outage), every update the
server had accepted before it went down completes, and every approval sent during the
outage lands once the client retries.

Figure: server downtime, timers that fell due during it and how late they fired, accepted
updates before the stop and lost (must be 0)."""

import asyncio
import contextlib
import signal
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import WorkflowUpdateStage

from domain.appraisal import AppraisalState
from domain.notices import NoticeKind, StepKind
from domain.perencanaan import ApproveSkp, DraftSkp, SubmitSkp
from domain.skp import SkpStatus
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from persistence.models import Appraisal, AuditEvent, Notification
from persistence.repositories.organisation import upsert_roster
from runtime.devstack import start_temporal_dev_server, wait_for_temporal
from runtime.temporal import ensure_search_attributes
from runtime.worker import build_worker
from tests.domain.builders import valid_content
from tests.drills.drive import Sender, free_port, pegawai, penilai
from tests.drills.org import HR_NIP, organisation
from tests.drills.scale import report, sized
from tests.drills.snapshot import integrity
from tests.factories import make_period
from tests.keys import appraisal_id
from tests.waiting import eventually
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import CycleInput, Envelope
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id

Sessions = async_sessionmaker[AsyncSession]
STEP = timedelta(seconds=sized(8, 20))  # sosialisasi due at +1 step, SKP approval at +3
REMINDER = timedelta(seconds=3)
ESCALATION = timedelta(seconds=3)


class DevServer:
    def __init__(self, directory: Path) -> None:
        self.db_file = directory / "temporal.sqlite"
        self.log = directory / "temporal.log"
        self.port, self.ui_port = free_port(), free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = start_temporal_dev_server(
            self.db_file, port=self.port, ui_port=self.ui_port, log_file=self.log
        )

    def stop(self) -> None:
        """As an operator restarts it: SIGTERM, wait for the process to exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def notices(sessionmaker: Sessions, period_id: str) -> list[Notification]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(Notification).where(Notification.period_id == period_id)
        )
        return list(rows.all())


async def test_a_restarted_server_keeps_timers_and_accepted_updates(
    sessionmaker: Sessions, tmp_path: Path
) -> None:
    size = sized(11, 110)  # multiples of the span keep supervisors and staff in step
    org = organisation(size)
    async with sessionmaker.begin() as session:
        await upsert_roster(session, org)
    staff = [r for r in org if r.supervisor_nip and r.supervisor_nip != org[0].nip]
    third = len(staff) // 3
    accepted_before, sent_during, left_pending = (
        staff[:third],
        staff[third : 2 * third],
        staff[2 * third :],
    )
    untouched = [r for r in org if r not in staff]  # sosialisasi timers only

    server = DevServer(tmp_path)
    server.start()
    client = await wait_for_temporal(server.address, "default")
    await ensure_search_attributes(client)
    queue = f"drill2-{uuid.uuid4().hex[:8]}"
    period_id = f"d2{uuid.uuid4().hex[:8]}"
    worker = build_worker(client, sessionmaker, task_queue=queue)
    run = asyncio.create_task(worker.run())
    try:
        start = datetime.now(UTC)
        period = make_period(
            period_id,
            start=start,
            step=STEP,
            reminder_before=REMINDER,
            escalation_interval=ESCALATION,
        )
        schedule = period.resolved_schedule()
        await client.start_workflow(
            CycleWorkflow.run,
            CycleInput(period=period, started_by=HR_NIP),
            id=cycle_workflow_id(period_id),
            task_queue=queue,
        )

        async def opened() -> int:
            async with sessionmaker() as session:
                rows = await session.scalars(
                    select(Appraisal.nip).where(Appraisal.period_id == period_id)
                )
                return len(rows.all())

        await eventually(opened, lambda n: n == len(org), what="every appraisal opened")
        sender = Sender(client, period_id)

        async def submit(nip: str) -> None:
            for update, command, name in (
                (AppraisalWorkflow.acknowledge, Acknowledge(), "ack"),
                (AppraisalWorkflow.draft_skp, DraftSkp(content=valid_content()), "draft"),
                (AppraisalWorkflow.submit_skp, SubmitSkp(), "submit"),
            ):
                await sender.send(nip, update, pegawai(nip), command, f"{nip}-{name}")

        await asyncio.gather(*(submit(r.nip) for r in staff))

        # Approvals the server accepts (the validator passed, it is in history) just
        # before it goes down; their handlers still have to persist.
        accepted_handles = []
        for record in accepted_before:
            handle = client.get_workflow_handle(appraisal_id(period_id, record.nip))
            accepted_handles.append(
                await handle.start_update(
                    AppraisalWorkflow.approve_skp,
                    Envelope[ApproveSkp](
                        actor=penilai(record.supervisor_nip or ""), command=ApproveSkp()
                    ),
                    wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                    id=f"{record.nip}-approve",
                    result_type=AppraisalState,
                )
            )
        stopped_at = datetime.now(UTC)
        went_down = time.monotonic()
        server.stop()

        # Approvals sent while the server is away: the client keeps retrying.
        during = asyncio.gather(
            *(
                sender.send(
                    r.nip,
                    AppraisalWorkflow.approve_skp,
                    penilai(r.supervisor_nip or ""),
                    ApproveSkp(),
                    f"{r.nip}-approve",
                )
                for r in sent_during
            )
        )
        await asyncio.sleep(sized(3, 30))
        server.start()
        await wait_for_temporal(server.address, "default")
        downtime = time.monotonic() - went_down
        restarted_at = datetime.now(UTC)

        finished = [await handle.result() for handle in accepted_handles]
        during_states = await during
        assert all(s is not None and s.skp.status is SkpStatus.DISETUJUI for s in finished)
        assert all(s is not None and s.skp.status is SkpStatus.DISETUJUI for s in during_states)
        assert sender.refused == {}, sender.refused

        # Deadlines keep firing: the last one planned is the escalation of the approvals
        # still pending, at the approval due time.
        approval_due = schedule.skp_approval_due

        def complete(rows: list[Notification]) -> bool:
            kinds = {(n.subject_nip, n.step, n.kind) for n in rows}
            return all(
                (r.nip, StepKind.SOSIALISASI.value, NoticeKind.ESKALASI.value) in kinds
                for r in untouched
            ) and all(
                (r.nip, StepKind.SKP_PERSETUJUAN.value, NoticeKind.ESKALASI.value) in kinds
                for r in left_pending
            )

        wait = (approval_due - datetime.now(UTC)).total_seconds() + 30
        rows = await eventually(
            lambda: notices(sessionmaker, period_id),
            complete,
            patience=max(wait, 30),
            what="escalations of every open timer",
        )

        approved = {r.nip for r in accepted_before + sent_during}
        async with sessionmaker() as session:
            stored = {
                a.nip: a
                for a in (
                    await session.scalars(select(Appraisal).where(Appraisal.period_id == period_id))
                ).all()
            }
            approvals_audited = (
                await session.scalars(
                    select(AuditEvent.subject_id).where(
                        AuditEvent.period_id == period_id, AuditEvent.action == "skp.approved"
                    )
                )
            ).all()
        lost = sum(
            1
            for nip in approved
            if stored[nip].state["skp"]["status"] != SkpStatus.DISETUJUI.value
            or stored[nip].stage == Stage.PERENCANAAN.value
        )
        assert lost == 0
        assert sorted(approvals_audited) == sorted(f"{period_id}/{nip}" for nip in approved)
        for record in left_pending:
            assert stored[record.nip].state["skp"]["status"] == SkpStatus.DIAJUKAN.value

        # timers that fell due while the server was down fired once it was back
        def planned(n: Notification) -> datetime:
            if n.kind == NoticeKind.PENGINGAT.value:
                return n.due - REMINDER
            return n.due + (max(n.level, 1) - 1) * ESCALATION

        overdue_during_outage = [n for n in rows if stopped_at <= planned(n) < restarted_at]
        lateness = [(n.created_at - planned(n)).total_seconds() for n in overdue_during_outage]
        on_time = [
            (n.created_at - planned(n)).total_seconds() for n in rows if planned(n) >= restarted_at
        ]
        assert all(late >= 0 for late in lateness + on_time)
        checks = await integrity(sessionmaker, period_id)
        assert checks == dict.fromkeys(checks, 0)
        report(
            2,
            "Temporal dev server restarted",
            appraisals=len(org),
            server_downtime_s=downtime,
            accepted_updates_before_stop=len(accepted_before),
            updates_sent_during_outage=len(sent_during),
            accepted_updates_lost=lost,
            client_retries=sender.retries,
            notices_fired=len(rows),
            timers_due_during_outage=len(overdue_during_outage),
            max_lateness_of_those_s=max(lateness, default=0.0),
            max_lateness_of_later_timers_s=max(on_time, default=0.0),
            **checks,
        )
    finally:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(worker.shutdown(), timeout=20)
        run.cancel()
        server.stop()
