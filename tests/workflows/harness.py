"""Driving one appraisal on the time-skipping server with fake activities: shared by
the workflow tests and by the replay-history recorder."""

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.appraisal import Actor, AppraisalState, Command
from domain.checkin import Rating, Realisation
from domain.notices import NoticeKind
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.penilaian import DeliverResult, RateAppraisal
from domain.perencanaan import ApproveSkp, DraftSkp, SubmitSkp
from domain.roles import Role
from domain.schedule import Period
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from domain.wawancara import RecordDialogue
from runtime.worker import workflow_runner
from tests.domain.builders import valid_content
from tests.factories import WIB, make_period
from tests.orgs import HEAD, HR, OUTSIDER, STAFF, SUPERVISOR, TIM
from tests.workflows.fakes import FakeActivities
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import AppraisalInput, Envelope

DAY = timedelta(days=1)
EMPLOYEE = Actor(subject=STAFF, nip=STAFF, roles=frozenset({Role.PEGAWAI}))
BOSS = Actor(subject=SUPERVISOR, nip=SUPERVISOR, roles=frozenset({Role.PEJABAT_PENILAI}))
NEW_BOSS = Actor(subject=OUTSIDER, nip=OUTSIDER, roles=frozenset({Role.PEJABAT_PENILAI}))
BKPSDM = Actor(subject=HR, nip=HR, roles=frozenset({Role.HR_ADMIN}))
TEAM = Actor(subject=TIM, nip=TIM, roles=frozenset({Role.TIM_PENILAI}))


@dataclass
class Year:
    """A running appraisal on the time-skipping server and what its activities saw."""

    env: WorkflowEnvironment
    handle: WorkflowHandle[AppraisalWorkflow, AppraisalState]
    fakes: FakeActivities
    period: Period
    start: datetime

    async def send(self, update: Any, actor: Actor, command: Command) -> AppraisalState:
        result: AppraisalState = await self.handle.execute_update(
            update, Envelope(actor=actor, command=command)
        )
        return result

    async def state(self) -> AppraisalState:
        return await self.handle.query(AppraisalWorkflow.state)

    async def skip_to(self, moment: datetime) -> None:
        now = await self.env.get_current_time()
        if moment > now:
            await self.env.sleep(moment - now)

    async def approved_skp(self) -> AppraisalState:
        await self.send(AppraisalWorkflow.acknowledge, EMPLOYEE, Acknowledge())
        await self.send(AppraisalWorkflow.draft_skp, EMPLOYEE, DraftSkp(content=valid_content()))
        await self.send(AppraisalWorkflow.submit_skp, EMPLOYEE, SubmitSkp())
        return await self.send(AppraisalWorkflow.approve_skp, BOSS, ApproveSkp())

    def notices(self) -> list[tuple[NoticeKind, int, Role, str | None]]:
        return [
            (d.kind, d.level, d.recipient_role, d.supervisor_nip) for d in self.fakes.deliveries
        ]


def about(actual: datetime, expected: datetime) -> bool:
    """Timers fire a few milliseconds after their time."""
    return abs(actual - expected) < timedelta(seconds=1)


async def accepted_updates(year: Year) -> int:
    history = await year.handle.fetch_history()
    accepted = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    return sum(1 for event in history.events if event.event_type == accepted)


@contextlib.asynccontextmanager
async def running_year(
    env: WorkflowEnvironment, history_limit: int | None = None, **schedule: Any
) -> AsyncIterator[Year]:
    """A new appraisal for STAFF with a worker running for it, both stopped on exit.

    Each year starts on the next 1 January, so check-in dates are the same in every run
    whatever the server's clock already shows."""
    now = (await env.get_current_time()).astimezone(WIB)
    start_at = datetime(now.year + 1, 1, 1, 8, tzinfo=WIB)
    await env.sleep(start_at - now)
    period = make_period(f"y{uuid.uuid4().hex[:8]}", start=start_at, **schedule)
    fakes = FakeActivities(supervisors={STAFF: SUPERVISOR, SUPERVISOR: HEAD, HEAD: None})
    queue = f"year-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[AppraisalWorkflow],
        activities=fakes.all(),
        workflow_runner=workflow_runner(),
    ):
        state = AppraisalState(
            period_id=period.period_id,
            nip=STAFF,
            agency_code="DINKES",
            unit_code="DINKES-UMUM",
            supervisor_nip=SUPERVISOR,
        )
        handle = await env.client.start_workflow(
            AppraisalWorkflow.run,
            AppraisalInput(
                state=state, schedule=period.resolved_schedule(), history_limit=history_limit
            ),
            id=f"appraisal-{period.period_id}-{STAFF}",
            task_queue=queue,
        )
        year = Year(env, handle, fakes, period, start_at)
        try:
            yield year
        finally:
            await _finish(year)


async def _finish(year: Year) -> None:
    """The time-skipping server only skips while no task waits on a queue, so an
    appraisal must not outlive its worker: terminate it first."""
    latest = year.env.client.get_workflow_handle(year.handle.id)
    with contextlib.suppress(RPCError):  # already completed
        if (await latest.query(AppraisalWorkflow.state)).stage is Stage.SELESAI:
            # let it finish reporting to its cycle: terminating a workflow in the middle
            # of signalling leaves the test server unable to skip time
            await latest.result()
        await latest.terminate("done")


ATASAN = Actor(subject=HEAD, nip=HEAD, roles=frozenset({Role.PEJABAT_PENILAI}))


async def through_monitoring(
    year: Year, realised: float = 12, quality: float = 90
) -> AppraisalState:
    """SKP approved, every check-in reported (cumulative ``realised`` of the main target
    of 12 by the last one, ``quality`` % on the extra RHK's target of 90) and answered:
    the appraisal waits for its dialogue."""
    approved = await year.approved_skp()
    count = len(approved.checkins)
    state = approved
    for checkin in approved.checkins:
        await year.skip_to(checkin.due - timedelta(days=2))
        value = realised * checkin.index / count
        await year.send(
            AppraisalWorkflow.report_checkin,
            EMPLOYEE,
            ReportCheckIn(
                index=checkin.index,
                realisations=(
                    Realisation(indicator_id="ind-1", value=value),
                    Realisation(indicator_id="ind-2", value=quality),
                ),
            ),
        )
        state = await year.send(
            AppraisalWorkflow.give_feedback,
            BOSS,
            GiveFeedback(index=checkin.index, text="Terima kasih"),
        )
    return state


async def rated_and_delivered(year: Year, hasil: Rating, perilaku: Rating) -> AppraisalState:
    """Dialogue recorded, rated, and the result delivered with HEAD as atasan penilai."""
    now = await year.env.get_current_time()
    await year.send(
        AppraisalWorkflow.record_dialogue,
        BOSS,
        RecordDialogue(
            held_at=now,
            participants=(STAFF, SUPERVISOR),
            notes="Membahas capaian dan kendala tahun ini",
            agreed_actions=("Perbaiki pencatatan layanan",),
        ),
    )
    await year.send(
        AppraisalWorkflow.rate, BOSS, RateAppraisal(hasil_kerja=hasil, perilaku=perilaku)
    )
    return await year.send(AppraisalWorkflow.deliver_result, BKPSDM, DeliverResult(atasan_nip=HEAD))
