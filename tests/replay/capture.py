"""Record workflow histories for the replay tests: ``python -m tests.replay.capture``.

Runs each scenario on the time-skipping test server with in-memory activities (a history
does not depend on how activities are implemented) and writes it to
``tests/replay/histories/``. Record a new scenario when a workflow gains behaviour; never
re-record to make a failing replay pass: that failure means the change needs
``workflow.patched``.
"""

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.administrasi import ChangeSupervisor, ExtendDeadline
from domain.checkin import Rating, Realisation
from domain.development import DevelopmentKind
from domain.distribusi import UnitPredikat
from domain.keberatan import KeberatanOutcome
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.penilaian import AddKeberatanStatement, DecideKeberatan, FileKeberatan
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.predikat import Predikat
from domain.schedule import MonitoringFrequency
from domain.sosialisasi import Acknowledge
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from domain.unit import FinaliseUnit, RecordOverride, SetUnitPredikat, UnitMember, UnitState
from runtime.devstack import venv_binary
from runtime.temporal import data_converter, ensure_search_attributes
from runtime.worker import workflow_runner
from tests import keys
from tests.domain.builders import valid_content
from tests.factories import make_period
from tests.orgs import OUTSIDER
from tests.workflows.fakes import FakeClosureActivities, FakeCycleActivities, FakeUnitActivities
from tests.workflows.harness import (
    ATASAN,
    BKPSDM,
    BOSS,
    DAY,
    EMPLOYEE,
    NEW_BOSS,
    TEAM,
    Year,
    rated_and_delivered,
    running_year,
    through_monitoring,
)
from workflows.appraisal import AppraisalWorkflow
from workflows.closure import PeriodClosureWorkflow
from workflows.contracts import (
    ClosureInput,
    CycleInput,
    Envelope,
    ExtensionInput,
    ExtensionScope,
    UnitInput,
)
from workflows.cycle import CycleWorkflow
from workflows.extension import DeadlineExtensionWorkflow
from workflows.unit import UnitAssessmentWorkflow

HISTORIES = Path(__file__).parent / "histories"


async def _save(client: Client, name: str, workflow_id: str, run_id: str | None = None) -> None:
    history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    print(f"saved {name} ({len(history.events)} events)")


async def full_year_to_wawancara(year: Year) -> None:
    """SKP returned once, approved; every check-in reported (one behind target) and answered."""
    await year.send(AppraisalWorkflow.acknowledge, EMPLOYEE, Acknowledge())
    await year.send(AppraisalWorkflow.draft_skp, EMPLOYEE, DraftSkp(content=valid_content()))
    await year.send(AppraisalWorkflow.submit_skp, EMPLOYEE, SubmitSkp())
    await year.send(AppraisalWorkflow.return_skp, BOSS, ReturnSkp(note="Tambahkan indikator"))
    await year.send(AppraisalWorkflow.draft_skp, EMPLOYEE, DraftSkp(content=valid_content(3)))
    await year.send(AppraisalWorkflow.submit_skp, EMPLOYEE, SubmitSkp())
    approved = await year.send(AppraisalWorkflow.approve_skp, BOSS, ApproveSkp())
    for checkin in approved.checkins:
        await year.skip_to(checkin.due - 2 * DAY)
        value = 1 if checkin.index == 1 else 12 * checkin.index / len(approved.checkins)
        report = ReportCheckIn(
            index=checkin.index, realisations=(Realisation(indicator_id="ind-1", value=value),)
        )
        await year.send(AppraisalWorkflow.report_checkin, EMPLOYEE, report)
        await year.send(
            AppraisalWorkflow.give_feedback,
            BOSS,
            GiveFeedback(index=checkin.index, text="Lanjutkan"),
        )


async def late_skp_escalated_and_extended(year: Year) -> None:
    """Reminder and three escalations, an extension, then the tim penilai drafts it."""
    schedule = year.period.schedule
    await year.send(AppraisalWorkflow.acknowledge, EMPLOYEE, Acknowledge())
    await year.skip_to(schedule.skp_draft_due + 2 * schedule.escalation_interval + DAY)
    await year.send(
        AppraisalWorkflow.extend_deadline,
        BKPSDM,
        ExtendDeadline(
            deadline="skp_approval_due",
            new_due=schedule.skp_approval_due + 5 * DAY,
            reason="Verifikasi ulang",
        ),
    )
    with contextlib.suppress(WorkflowUpdateFailedError):  # refused: leaves no trace
        await year.send(AppraisalWorkflow.approve_skp, BOSS, ApproveSkp())
    await year.send(AppraisalWorkflow.draft_skp, TEAM, DraftSkp(content=valid_content()))
    await year.send(AppraisalWorkflow.submit_skp, TEAM, SubmitSkp())


async def mutasi_with_pending_approval(year: Year) -> None:
    await year.send(AppraisalWorkflow.acknowledge, EMPLOYEE, Acknowledge())
    await year.send(AppraisalWorkflow.draft_skp, EMPLOYEE, DraftSkp(content=valid_content()))
    await year.send(AppraisalWorkflow.submit_skp, EMPLOYEE, SubmitSkp())
    await year.send(
        AppraisalWorkflow.change_supervisor,
        BKPSDM,
        ChangeSupervisor(new_supervisor_nip=OUTSIDER, reason="Mutasi"),
    )
    await year.send(AppraisalWorkflow.approve_skp, NEW_BOSS, ApproveSkp())


async def monitoring_until_continue_as_new(year: Year) -> None:
    approved = await year.approved_skp()
    for checkin in approved.checkins[:4]:
        report = ReportCheckIn(
            index=checkin.index, realisations=(Realisation(indicator_id="ind-1", value=1),)
        )
        await year.send(AppraisalWorkflow.report_checkin, EMPLOYEE, report)
        await year.send(
            AppraisalWorkflow.give_feedback, BOSS, GiveFeedback(index=checkin.index, text="Bagus")
        )


async def happy_year_completed(year: Year) -> None:
    """Through to the keberatan window closing by itself and the year completing."""
    await through_monitoring(year)
    delivered = await rated_and_delivered(year, Rating.SESUAI, Rating.DI_ATAS)
    assert delivered.result is not None and delivered.result.delivered_at is not None
    await year.skip_to(delivered.result.delivered_at + 15 * DAY)
    await year.handle.result()


async def seed_story_training(year: Year) -> None:
    """Below target, butuh_perbaikan, training assigned late (escalated), done, confirmed."""
    await through_monitoring(year, realised=4, quality=60)
    delivered = await rated_and_delivered(year, Rating.DI_BAWAH, Rating.SESUAI)
    assert delivered.result is not None and delivered.result.delivered_at is not None
    await year.skip_to(delivered.result.delivered_at + 30 * DAY)
    due = await year.env.get_current_time() + 20 * DAY
    await year.send(
        AppraisalWorkflow.assign_development,
        BOSS,
        AssignDevelopment(
            kind=DevelopmentKind.PELATIHAN, title="Pelatihan layanan primer", due=due
        ),
    )
    await year.skip_to(due + DAY)
    await year.send(
        AppraisalWorkflow.report_development,
        EMPLOYEE,
        ReportDevelopmentDone(number=1, note="Sertifikat terlampir"),
    )
    await year.send(AppraisalWorkflow.confirm_development, BOSS, ConfirmDevelopment(number=1))
    await year.handle.result()


async def keberatan_changes_predicate(year: Year) -> None:
    await through_monitoring(year)
    await rated_and_delivered(year, Rating.DI_BAWAH, Rating.SESUAI)
    await year.send(
        AppraisalWorkflow.file_keberatan, EMPLOYEE, FileKeberatan(reasons="Data belum lengkap")
    )
    await year.send(
        AppraisalWorkflow.add_keberatan_statement,
        BOSS,
        AddKeberatanStatement(text="Data triwulan III memang terlambat"),
    )
    await year.send(
        AppraisalWorkflow.decide_keberatan,
        ATASAN,
        DecideKeberatan(
            outcome=KeberatanOutcome.DIUBAH,
            reasoning="Terbukti",
            hasil_kerja=Rating.SESUAI,
            perilaku=Rating.SESUAI,
        ),
    )
    await year.handle.result()


async def record_appraisal(
    env: WorkflowEnvironment,
    name: str,
    scenario: Callable[[Year], Awaitable[None]],
    *,
    first_run_too: bool = False,
    **options: object,
) -> None:
    async with running_year(env, **options) as year:  # type: ignore[arg-type]
        await scenario(year)
        await year.skip_to(await env.get_current_time() + timedelta(hours=1))
        if first_run_too:  # the handle from start_workflow names the first run
            await _save(
                env.client, f"{name}_first_run", year.handle.id, year.handle.first_execution_run_id
            )
        await _save(env.client, name, year.handle.id)


async def record_period_workflows(env: WorkflowEnvironment) -> None:
    fakes = FakeCycleActivities(roster=[f"19900101201501{n:04d}" for n in range(1001, 1008)])
    queue = f"capture-{uuid.uuid4().hex[:6]}"
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[CycleWorkflow, DeadlineExtensionWorkflow],
        activities=fakes.all(),
        workflow_runner=workflow_runner(),
    ):
        period = make_period("replay")
        cycle = await env.client.start_workflow(
            CycleWorkflow.run,
            CycleInput(period=period, started_by="hr", page_size=3, pages_per_run=1),
            id="cycle-replay",
            task_queue=queue,
        )
        for _ in range(100):
            if len(fakes.started) == len(fakes.roster):
                break
            await asyncio.sleep(0.05)
        await _save(env.client, "cycle_first_page", cycle.id, cycle.first_execution_run_id)
        await _save(env.client, "cycle_last_page_waiting", cycle.id)
        await env.client.get_workflow_handle(cycle.id).terminate("recorded")

        command = ExtendDeadline(
            deadline="skp_draft_due",
            new_due=period.schedule.skp_draft_due + 7 * DAY,
            reason="Libur panjang",
        )
        extension = await env.client.start_workflow(
            DeadlineExtensionWorkflow.run,
            ExtensionInput(
                period_id="replay",
                scope=ExtensionScope(agency_code="DINKES"),
                envelope=Envelope(actor=BKPSDM, command=command),
                page_size=3,
                pages_per_run=2,
            ),
            id="extension-replay-1",
            task_queue=queue,
        )
        await extension.result()
        await _save(
            env.client,
            "extension_first_run",
            extension.id,
            extension.first_execution_run_id,
        )
        await _save(env.client, "extension_completed", extension.id)


async def record_cycle_completed(env: WorkflowEnvironment) -> None:
    """A whole period's cycle: fan-out, every appraisal reporting completion, completed."""
    fakes = FakeCycleActivities(roster=[f"19900101201501{n:04d}" for n in range(2001, 2005)])
    queue = f"capture-{uuid.uuid4().hex[:6]}"
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[CycleWorkflow],
        activities=fakes.all(),
        workflow_runner=workflow_runner(),
    ):
        cycle = await env.client.start_workflow(
            CycleWorkflow.run,
            CycleInput(period=make_period("replay-done"), started_by="hr", page_size=10),
            id="cycle-replay-done",
            task_queue=queue,
        )
        for _ in range(100):
            if len(fakes.started) == len(fakes.roster):
                break
            await asyncio.sleep(0.05)
        for nip in fakes.roster:
            await cycle.signal(CycleWorkflow.appraisal_completed, nip)
        await cycle.result()
        await _save(env.client, "cycle_completed", cycle.id)


async def record_unit(env: WorkflowEnvironment) -> None:
    """Blocked by the rule, overridden by the tim penilai, finalised."""
    fakes = FakeUnitActivities(
        members=[
            UnitMember(nip=f"19900101201501{n:04d}", predikat=Predikat.BAIK) for n in range(1, 6)
        ]
    )
    async with Worker(
        env.client,
        task_queue="capture-unit",
        workflows=[UnitAssessmentWorkflow],
        activities=fakes.all(),
        workflow_runner=workflow_runner(),
    ):
        handle = await env.client.start_workflow(
            UnitAssessmentWorkflow.run,
            UnitInput(state=UnitState(period_id="replay", unit_code="U1", agency_code="DINKES")),
            id="unit-replay-U1",
            task_queue="capture-unit",
        )
        await handle.execute_update(
            UnitAssessmentWorkflow.set_predikat,
            Envelope(actor=BKPSDM, command=SetUnitPredikat(predikat=UnitPredikat.BAIK)),
        )
        with contextlib.suppress(WorkflowUpdateFailedError):  # blocked by the rule
            await handle.execute_update(
                UnitAssessmentWorkflow.finalise, Envelope(actor=BKPSDM, command=FinaliseUnit())
            )
        await handle.execute_update(
            UnitAssessmentWorkflow.record_override,
            Envelope(actor=TEAM, command=RecordOverride(reason="Unit kecil, target tercapai")),
        )
        await handle.execute_update(
            UnitAssessmentWorkflow.finalise, Envelope(actor=BKPSDM, command=FinaliseUnit())
        )
        await handle.result()
        await _save(env.client, "unit_override_finalised", handle.id)


async def record_closure(env: WorkflowEnvironment) -> None:
    """A period closed: the cycle stopped, three pages over two runs, finished."""
    nips = [f"19900101201501{n:04d}" for n in range(3001, 3006)]
    fakes = FakeClosureActivities(nips, running=set(nips[:4]))
    async with Worker(
        env.client,
        task_queue="capture-closure",
        workflows=[PeriodClosureWorkflow],
        activities=fakes.all(),
        workflow_runner=workflow_runner(),
    ):
        handle = await env.client.start_workflow(
            PeriodClosureWorkflow.run,
            ClosureInput(
                period_id="replay",
                reason="Dibuka karena keliru",
                closed_by="hr",
                page_size=2,
                pages_per_run=2,
            ),
            id="closure-replay",
            task_queue="capture-closure",
        )
        await handle.result()
        await _save(env.client, "closure_first_run", handle.id, handle.first_execution_run_id)
        await _save(env.client, "closure_completed", handle.id)


async def capture() -> None:
    HISTORIES.mkdir(exist_ok=True)
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(keys.KEYS),
        test_server_existing_path=str(venv_binary("temporal-test-server")),
    )
    try:
        await ensure_search_attributes(env.client)
        await record_period_workflows(env)
        await record_cycle_completed(env)
        await record_appraisal(env, "appraisal_full_year_to_wawancara", full_year_to_wawancara)
        # recorded sealed (the environment's converter has the test keys), so replay is
        # shown to open payloads; the histories above predate encryption and are plain
        await record_appraisal(
            env, "appraisal_sealed_full_year_to_wawancara", full_year_to_wawancara
        )
        await record_appraisal(env, "appraisal_late_skp_escalated", late_skp_escalated_and_extended)
        await record_appraisal(env, "appraisal_mutasi", mutasi_with_pending_approval)
        await record_appraisal(env, "appraisal_full_year_completed", happy_year_completed)
        await record_appraisal(env, "appraisal_seed_story_training", seed_story_training)
        await record_appraisal(env, "appraisal_keberatan_changed", keberatan_changes_predicate)
        await record_unit(env)
        await record_closure(env)
        await record_appraisal(
            env,
            "appraisal_continue_as_new",
            monitoring_until_continue_as_new,
            first_run_too=True,
            history_limit=60,
            monitoring_frequency=MonitoringFrequency.BULANAN,
        )
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(capture())
