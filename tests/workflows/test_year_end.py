"""Whole years on the time-skipping server: from socialisation to completion, the seed's
story (health staff below target get training), keberatan upheld, changing the
predicate, or too late, and overdue steps escalating at the year's end."""

from datetime import timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.checkin import Rating
from domain.development import DevelopmentKind
from domain.keberatan import KeberatanOutcome
from domain.notices import NoticeKind, StepKind
from domain.penilaian import (
    IMPROVEMENT_PERIOD,
    AddKeberatanStatement,
    DecideKeberatan,
    FileKeberatan,
)
from domain.predikat import Predikat
from domain.roles import Role
from domain.stages import Stage
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from runtime.worker import workflow_runner
from tests.orgs import HEAD, STAFF, SUPERVISOR
from tests.workflows.fakes import FakeCycleActivities
from tests.workflows.harness import (
    ATASAN,
    BOSS,
    DAY,
    EMPLOYEE,
    Year,
    about,
    rated_and_delivered,
    through_monitoring,
)
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import CycleInput
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id

R = Rating


def escalations(state: Any, step: StepKind) -> list[tuple[int, Role, str | None]]:
    return [
        (n.level, n.recipient_role, n.recipient_nip)
        for n in state.notices
        if n.kind is NoticeKind.ESKALASI and n.step is step
    ]


async def test_happy_year_from_socialisation_to_completion(year_factory: Any) -> None:
    year: Year = await year_factory()
    await through_monitoring(year)
    delivered = await rated_and_delivered(year, R.SESUAI, R.DI_ATAS)
    assert delivered.result is not None and delivered.result.predikat is Predikat.BAIK
    assert delivered.result.delivered_at is not None

    window = timedelta(days=year.period.schedule.keberatan_days)
    await year.skip_to(delivered.result.delivered_at + window + timedelta(hours=1))
    final = await year.handle.result()

    assert final.stage is Stage.SELESAI
    assert final.result is not None
    assert about(final.result.locked_at, delivered.result.delivered_at + window)  # type: ignore[arg-type]
    assert final.result.promotion_eligible and final.result.credit_percent == 100
    assert final.completed_at is not None
    assert final.development == ()
    assert "penilaian.locked" in [c.action for c in year.fakes.changes]


async def test_seed_story_health_staff_below_target_get_training(year_factory: Any) -> None:
    """Dinas Kesehatan staff miss their targets: at risk during the year, rated below
    expectations, a training is assigned, reminded, escalated when late, and completed."""
    year: Year = await year_factory()
    monitored = await through_monitoring(year, realised=4, quality=60)
    assert monitored.at_risk
    assert all(c.behind_target == ("ind-1",) for c in monitored.checkins)
    delivered = await rated_and_delivered(year, R.DI_BAWAH, R.SESUAI)
    assert delivered.result is not None
    assert delivered.result.predikat is Predikat.BUTUH_PERBAIKAN
    assert delivered.result.suggested_hasil_kerja is R.DI_BAWAH

    window = timedelta(days=year.period.schedule.keberatan_days)
    locked_at = delivered.result.delivered_at + window  # type: ignore[operator]
    await year.skip_to(locked_at + timedelta(hours=1))
    locked = await year.state()
    assert locked.stage is Stage.TINDAK_LANJUT
    assert locked.result is not None and locked.result.credit_percent == 75
    assert not locked.result.promotion_eligible
    assert about(locked.result.improvement_until, locked_at + IMPROVEMENT_PERIOD)  # type: ignore[arg-type]

    # the supervisor is late to assign it: escalated to the atasan
    feedback_days = timedelta(days=year.period.schedule.feedback_days)
    await year.skip_to(locked_at + feedback_days + timedelta(hours=1))
    assert escalations(await year.state(), StepKind.TINDAK_LANJUT_PENUGASAN) == [
        (1, Role.ATASAN_PENILAI, HEAD)
    ]
    due = (await year.env.get_current_time()) + 30 * DAY
    assigned = await year.send(
        AppraisalWorkflow.assign_development,
        BOSS,
        AssignDevelopment(
            kind=DevelopmentKind.PELATIHAN,
            title="Pelatihan pelayanan kesehatan primer",
            catalogue_code="PLT-KES-07",
            due=due,
        ),
    )
    assert assigned.pending[0].kind if hasattr(assigned, "pending") else True
    await year.skip_to(due + timedelta(hours=1))
    late = await year.state()
    reminders = [n for n in late.notices if n.step is StepKind.TINDAK_LANJUT_PELAKSANAAN]
    assert [(n.kind, n.recipient_role) for n in reminders] == [
        (NoticeKind.PENGINGAT, Role.PEGAWAI),
        (NoticeKind.ESKALASI, Role.PEJABAT_PENILAI),
    ]
    assert late.overdue

    await year.send(
        AppraisalWorkflow.report_development,
        EMPLOYEE,
        ReportDevelopmentDone(
            number=1, note="Sertifikat pelatihan terlampir", evidence_url="https://lms.example/c/7"
        ),
    )
    done = await year.send(
        AppraisalWorkflow.confirm_development, BOSS, ConfirmDevelopment(number=1)
    )
    assert done.stage is Stage.SELESAI and done.completed_at is not None
    assert not done.overdue
    assert (await year.handle.result()).development[0].confirmed_by == SUPERVISOR


async def test_keberatan_rejected_keeps_the_predicate(year_factory: Any) -> None:
    year: Year = await year_factory()
    await through_monitoring(year)
    await rated_and_delivered(year, R.SESUAI, R.DI_BAWAH)  # kurang: good results, misconduct
    await year.skip_to(await year.env.get_current_time() + 5 * DAY)

    await year.send(
        AppraisalWorkflow.file_keberatan,
        EMPLOYEE,
        FileKeberatan(reasons="Penilaian perilaku tidak mempertimbangkan konteks"),
    )
    await year.send(
        AppraisalWorkflow.add_keberatan_statement,
        BOSS,
        AddKeberatanStatement(text="Ada tiga teguran tertulis sepanjang tahun"),
    )
    decided = await year.send(
        AppraisalWorkflow.decide_keberatan,
        ATASAN,
        DecideKeberatan(outcome=KeberatanOutcome.DITOLAK, reasoning="Teguran terdokumentasi"),
    )

    assert decided.result is not None and decided.result.predikat is Predikat.KURANG
    assert decided.result.locked_at is not None
    assert decided.keberatan is not None and decided.keberatan.decision is not None
    assert decided.keberatan.decision.predikat_after is Predikat.KURANG
    assert [s.role for s in decided.keberatan.statements] == ["pejabat_penilai"]
    assert decided.stage is Stage.TINDAK_LANJUT


async def test_keberatan_can_change_the_predicate(year_factory: Any) -> None:
    year: Year = await year_factory()
    await through_monitoring(year, realised=14)
    await rated_and_delivered(year, R.DI_BAWAH, R.SESUAI)
    await year.send(
        AppraisalWorkflow.file_keberatan,
        EMPLOYEE,
        FileKeberatan(reasons="Realisasi melebihi target; data triwulan III belum dihitung"),
    )
    with pytest.raises(WorkflowUpdateFailedError) as not_atasan:
        await year.send(
            AppraisalWorkflow.decide_keberatan,
            BOSS,
            DecideKeberatan(
                outcome=KeberatanOutcome.DIUBAH,
                reasoning="x y z",
                hasil_kerja=R.SESUAI,
                perilaku=R.SESUAI,
            ),
        )
    assert not_atasan.value.cause.type == "NotPermittedError"  # type: ignore[union-attr]

    decided = await year.send(
        AppraisalWorkflow.decide_keberatan,
        ATASAN,
        DecideKeberatan(
            outcome=KeberatanOutcome.DIUBAH,
            reasoning="Data realisasi terbukti",
            hasil_kerja=R.DI_ATAS,
            perilaku=R.SESUAI,
        ),
    )

    assert decided.result is not None
    assert (decided.result.hasil_kerja, decided.result.predikat) == (R.DI_ATAS, Predikat.BAIK)
    assert decided.keberatan is not None and decided.keberatan.decision is not None
    assert decided.keberatan.decision.predikat_before is Predikat.BUTUH_PERBAIKAN
    assert decided.stage is Stage.SELESAI  # baik needs no development follow-up
    assert decided.result.promotion_eligible


async def test_keberatan_after_the_window_is_refused(year_factory: Any) -> None:
    year: Year = await year_factory()
    await through_monitoring(year)
    delivered = await rated_and_delivered(year, R.DI_BAWAH, R.DI_BAWAH)
    assert delivered.result is not None and delivered.result.delivered_at is not None
    window = timedelta(days=year.period.schedule.keberatan_days)
    await year.skip_to(delivered.result.delivered_at + window + timedelta(minutes=1))

    with pytest.raises(WorkflowUpdateFailedError) as too_late:
        await year.send(
            AppraisalWorkflow.file_keberatan, EMPLOYEE, FileKeberatan(reasons="Terlambat tahu")
        )

    assert too_late.value.cause.type == "WrongStateError"  # type: ignore[union-attr]
    state = await year.state()
    assert state.keberatan is None
    assert state.stage is Stage.TINDAK_LANJUT  # sangat_kurang: locked, follow-up opened


async def test_an_undecided_keberatan_escalates_to_bkpsdm(year_factory: Any) -> None:
    year: Year = await year_factory()
    await through_monitoring(year)
    await rated_and_delivered(year, R.SESUAI, R.SESUAI)
    filed = await year.send(
        AppraisalWorkflow.file_keberatan, EMPLOYEE, FileKeberatan(reasons="Minta ditinjau ulang")
    )
    assert filed.keberatan is not None

    decision_due = filed.keberatan.filed_at + timedelta(days=year.period.schedule.keberatan_days)
    await year.skip_to(decision_due + timedelta(hours=1))

    state = await year.state()
    assert state.stage is Stage.PENILAIAN  # no automatic lock while a keberatan is heard
    reminder = next(n for n in state.notices if n.step is StepKind.KEBERATAN_PUTUSAN)
    assert (reminder.kind, reminder.recipient_role, reminder.recipient_nip) == (
        NoticeKind.PENGINGAT,
        Role.ATASAN_PENILAI,
        HEAD,
    )
    assert escalations(state, StepKind.KEBERATAN_PUTUSAN) == [(1, Role.HR_ADMIN, None)]


async def test_the_cycle_completes_when_its_appraisals_have(
    year_factory: Any, time_skipping_env: WorkflowEnvironment
) -> None:
    year: Year = await year_factory()
    fakes = FakeCycleActivities(roster=[STAFF])
    queue = f"cycle-{year.period.period_id}"
    async with Worker(
        time_skipping_env.client,
        task_queue=queue,
        workflows=[CycleWorkflow],
        activities=fakes.all(),
        workflow_runner=workflow_runner(),
    ):
        cycle = await time_skipping_env.client.start_workflow(
            CycleWorkflow.run,
            CycleInput(period=year.period, started_by="hr"),
            id=cycle_workflow_id(year.period.period_id),
            task_queue=queue,
        )
        await through_monitoring(year)
        delivered = await rated_and_delivered(year, R.SESUAI, R.SESUAI)
        assert delivered.result is not None and delivered.result.delivered_at is not None
        await year.skip_to(delivered.result.delivered_at + 15 * DAY)

        assert (await year.handle.result()).stage is Stage.SELESAI
        assert await cycle.result() == 1  # every appraisal it started has completed
        assert fakes.progress[-1].status == "completed"
