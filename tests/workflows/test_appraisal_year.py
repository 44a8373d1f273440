"""The appraisal workflow over simulated months on the time-skipping test server, with
activities replaced by in-memory fakes: the SKP loop, reminders and escalations at the
right simulated times, extensions, check-ins, at-risk, mutasi and continue-as-new."""

from datetime import timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.administrasi import ChangeSupervisor, ExtendDeadline
from domain.checkin import Realisation
from domain.notices import NoticeKind
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.roles import Role
from domain.schedule import MonitoringFrequency
from domain.skp import SkpEventKind, SkpStatus
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from tests.domain.builders import valid_content
from tests.orgs import HEAD, OUTSIDER, SUPERVISOR, TIM
from tests.workflows.harness import (
    BKPSDM,
    BOSS,
    DAY,
    EMPLOYEE,
    NEW_BOSS,
    TEAM,
    Year,
    about,
    accepted_updates,
)
from workflows.appraisal import AppraisalWorkflow


async def test_skp_returned_twice_then_approved(year_factory: Any) -> None:
    year: Year = await year_factory()
    await year.send(AppraisalWorkflow.acknowledge, EMPLOYEE, Acknowledge())
    for round_ in range(3):
        await year.send(AppraisalWorkflow.draft_skp, EMPLOYEE, DraftSkp(content=valid_content()))
        await year.send(AppraisalWorkflow.submit_skp, EMPLOYEE, SubmitSkp())
        if round_ < 2:
            note = f"Perbaiki indikator, putaran {round_ + 1}"
            returned = await year.send(AppraisalWorkflow.return_skp, BOSS, ReturnSkp(note=note))
            assert returned.skp.status is SkpStatus.DIKEMBALIKAN

    approved = await year.send(AppraisalWorkflow.approve_skp, BOSS, ApproveSkp(note="Setuju"))

    assert approved.stage is Stage.PEMANTAUAN
    assert approved.skp.submissions == 3
    kinds = [event.kind for event in approved.skp.history]
    assert kinds == [
        *[SkpEventKind.DISUSUN, SkpEventKind.DIAJUKAN, SkpEventKind.DIKEMBALIKAN] * 2,
        SkpEventKind.DISUSUN,
        SkpEventKind.DIAJUKAN,
        SkpEventKind.DISETUJUI,
    ]
    assert [e.note for e in approved.skp.history if e.kind is SkpEventKind.DIKEMBALIKAN] == [
        "Perbaiki indikator, putaran 1",
        "Perbaiki indikator, putaran 2",
    ]
    assert [c.action for c in year.fakes.changes][-1] == "skp.approved"


async def test_refused_commands_leave_the_workflow_untouched(year_factory: Any) -> None:
    year: Year = await year_factory()
    await year.send(AppraisalWorkflow.acknowledge, EMPLOYEE, Acknowledge())
    before = await year.state()
    updates_before = await accepted_updates(year)

    with pytest.raises(WorkflowUpdateFailedError) as not_yours:
        await year.send(AppraisalWorkflow.draft_skp, BOSS, DraftSkp(content=valid_content()))
    with pytest.raises(WorkflowUpdateFailedError) as not_now:
        await year.send(AppraisalWorkflow.approve_skp, BOSS, ApproveSkp())

    assert not_yours.value.cause.type == "NotPermittedError"  # type: ignore[union-attr]
    assert not_now.value.cause.type == "WrongStateError"  # type: ignore[union-attr]
    assert await year.state() == before
    assert await accepted_updates(year) == updates_before  # rejected before history


async def test_late_skp_reminds_then_escalates_up_the_chain(year_factory: Any) -> None:
    year: Year = await year_factory()
    schedule = year.period.schedule
    due = schedule.skp_draft_due
    await year.send(AppraisalWorkflow.acknowledge, EMPLOYEE, Acknowledge())

    await year.skip_to(due - schedule.reminder_before - DAY)
    assert year.notices() == [] or all(d.step.value == "sosialisasi" for d in year.fakes.deliveries)
    year.fakes.deliveries.clear()

    await year.skip_to(due - schedule.reminder_before + timedelta(hours=1))
    assert year.notices() == [(NoticeKind.PENGINGAT, 0, Role.PEGAWAI, SUPERVISOR)]
    assert not (await year.state()).overdue

    await year.skip_to(due + timedelta(hours=1))
    state = await year.state()
    assert state.overdue
    assert state.notices[-1].kind is NoticeKind.ESKALASI
    assert (state.notices[-1].recipient_role, state.notices[-1].recipient_nip) == (
        Role.PEJABAT_PENILAI,
        SUPERVISOR,
    )
    assert about(state.notices[-1].at, due)  # at the due time

    interval = schedule.escalation_interval
    await year.skip_to(due + interval + timedelta(hours=1))
    await year.skip_to(due + 2 * interval + timedelta(hours=1))
    await year.skip_to(due + 3 * interval + timedelta(hours=1))
    escalations = [n for n in (await year.state()).notices if n.kind is NoticeKind.ESKALASI]
    assert [(n.level, n.recipient_role, n.recipient_nip) for n in escalations] == [
        (1, Role.PEJABAT_PENILAI, SUPERVISOR),
        (2, Role.ATASAN_PENILAI, HEAD),
        (3, Role.HR_ADMIN, None),
        (4, Role.HR_ADMIN, None),
    ]
    assert all(about(n.at, due + i * interval) for i, n in enumerate(escalations))
    actions = [c.action for c in year.fakes.changes]
    assert actions.count("deadline.eskalasi") == 4

    # the tim penilai may now draft it for the employee; escalation stops once submitted
    await year.send(AppraisalWorkflow.draft_skp, TEAM, DraftSkp(content=valid_content()))
    submitted = await year.send(AppraisalWorkflow.submit_skp, TEAM, SubmitSkp())
    assert not submitted.overdue or submitted.skp.status is SkpStatus.DIAJUKAN
    assert submitted.skp.history[0].by == TIM


async def test_extension_after_a_reminder_moves_the_escalation(year_factory: Any) -> None:
    year: Year = await year_factory()
    schedule = year.period.schedule
    due = schedule.skp_draft_due
    await year.send(AppraisalWorkflow.acknowledge, EMPLOYEE, Acknowledge())
    await year.skip_to(due - DAY)
    assert [n.kind for n in (await year.state()).notices] == [NoticeKind.PENGINGAT]

    new_due = due + 10 * DAY
    extension = ExtendDeadline(deadline="skp_draft_due", new_due=new_due, reason="Sakit")
    await year.send(AppraisalWorkflow.extend_deadline, BKPSDM, extension)
    await year.skip_to(due + 2 * DAY)

    after_old_due = await year.state()
    assert [n.kind for n in after_old_due.notices] == [NoticeKind.PENGINGAT]
    assert not after_old_due.overdue

    await year.skip_to(new_due + timedelta(hours=1))
    notices = (await year.state()).notices
    assert [(n.kind, n.due) for n in notices] == [
        (NoticeKind.PENGINGAT, due),
        (NoticeKind.PENGINGAT, new_due),  # re-armed for the new due time
        (NoticeKind.ESKALASI, new_due),
    ]
    assert about(notices[-1].at, new_due)


@pytest.mark.parametrize(
    ("frequency", "months"),
    # SKP approval due 1 April, wawancara 28 October: quarter ends June and September
    # (the year-end assessment covers the last quarter), month ends April to September.
    [(MonitoringFrequency.TRIWULAN, [6, 9]), (MonitoringFrequency.BULANAN, [4, 5, 6, 7, 8, 9])],
)
async def test_checkins_follow_the_period_frequency(
    year_factory: Any, frequency: MonitoringFrequency, months: list[int]
) -> None:
    year: Year = await year_factory(monitoring_frequency=frequency)
    approved = await year.approved_skp()
    assert [c.due.month for c in approved.checkins] == months
    expected = len(months)

    state = approved
    for checkin in approved.checkins:
        await year.skip_to(checkin.due - DAY)
        realised = 12 * checkin.index / expected
        report = ReportCheckIn(
            index=checkin.index,
            realisations=(
                Realisation(indicator_id="ind-1", value=realised),
                Realisation(indicator_id="ind-2", value=95),
            ),
        )
        await year.send(AppraisalWorkflow.report_checkin, EMPLOYEE, report)
        feedback = GiveFeedback(index=checkin.index, text="Lanjutkan")
        state = await year.send(AppraisalWorkflow.give_feedback, BOSS, feedback)

    assert state.stage is Stage.WAWANCARA
    assert all(c.done for c in state.checkins)
    assert not state.at_risk
    assert not any(n.kind is NoticeKind.ESKALASI for n in state.notices)


async def test_behind_target_flags_at_risk_and_catching_up_clears_it(year_factory: Any) -> None:
    year: Year = await year_factory()
    approved = await year.approved_skp()
    first, second = approved.checkins[0], approved.checkins[1]

    behind = await year.send(
        AppraisalWorkflow.report_checkin,
        EMPLOYEE,
        ReportCheckIn(index=1, realisations=(Realisation(indicator_id="ind-1", value=1),)),
    )
    assert behind.at_risk
    assert behind.checkins[0].behind_target == ("ind-1",)
    await year.send(AppraisalWorkflow.give_feedback, BOSS, GiveFeedback(index=1, text="Kejar"))

    caught_up = await year.send(
        AppraisalWorkflow.report_checkin,
        EMPLOYEE,
        ReportCheckIn(index=2, realisations=(Realisation(indicator_id="ind-1", value=8),)),
    )
    assert not caught_up.at_risk
    assert first.index == 1 and second.index == 2


async def test_mutasi_reroutes_a_pending_approval(year_factory: Any) -> None:
    year: Year = await year_factory()
    await year.send(AppraisalWorkflow.acknowledge, EMPLOYEE, Acknowledge())
    await year.send(AppraisalWorkflow.draft_skp, EMPLOYEE, DraftSkp(content=valid_content()))
    await year.send(AppraisalWorkflow.submit_skp, EMPLOYEE, SubmitSkp())

    moved = await year.send(
        AppraisalWorkflow.change_supervisor,
        BKPSDM,
        ChangeSupervisor(new_supervisor_nip=OUTSIDER, reason="Mutasi ke bidang lain"),
    )

    assert moved.supervisor_nip == OUTSIDER
    assert [(c.previous_nip, c.new_nip) for c in moved.supervisor_history] == [
        (SUPERVISOR, OUTSIDER)
    ]
    rerouted = [n for n in moved.notices if n.kind is NoticeKind.PENGALIHAN]
    assert [(n.recipient_role, n.recipient_nip) for n in rerouted] == [
        (Role.PEJABAT_PENILAI, OUTSIDER)
    ]
    assert year.fakes.mutations[-1].new_supervisor_nip == OUTSIDER
    with pytest.raises(WorkflowUpdateFailedError) as old_boss:
        await year.send(AppraisalWorkflow.approve_skp, BOSS, ApproveSkp())
    assert old_boss.value.cause.type == "NotPermittedError"  # type: ignore[union-attr]
    approved = await year.send(AppraisalWorkflow.approve_skp, NEW_BOSS, ApproveSkp())
    assert approved.stage is Stage.PEMANTAUAN
    assert approved.skp.history[-1].by == OUTSIDER

    # escalation of the next late step climbs the new chain
    await year.skip_to(approved.checkins[0].due + timedelta(hours=1))
    late = [n for n in (await year.state()).notices if n.kind is NoticeKind.ESKALASI]
    assert (late[-1].recipient_role, late[-1].recipient_nip) == (Role.PEJABAT_PENILAI, OUTSIDER)


async def test_continue_as_new_mid_monitoring_keeps_every_fact(year_factory: Any) -> None:
    year: Year = await year_factory(
        history_limit=60, monitoring_frequency=MonitoringFrequency.BULANAN
    )
    approved = await year.approved_skp()
    first_run = (await year.handle.describe()).run_id

    for checkin in approved.checkins[:4]:
        await year.send(
            AppraisalWorkflow.report_checkin,
            EMPLOYEE,
            ReportCheckIn(
                index=checkin.index,
                realisations=(Realisation(indicator_id="ind-1", value=checkin.index),),
            ),
        )
        await year.send(
            AppraisalWorkflow.give_feedback, BOSS, GiveFeedback(index=checkin.index, text="Baik")
        )
    state = await year.state()
    latest = year.env.client.get_workflow_handle(year.handle.id)

    assert (await latest.describe()).run_id != first_run
    assert state.skp.status is SkpStatus.DISETUJUI
    assert [c.done for c in state.checkins[:4]] == [True] * 4
    assert state.checkins[3].report is not None
    assert state.checkins[3].report.realisations[0].value == 4
    assert state.version >= approved.version + 8
    # the continued run keeps working and keeps the same projection versions going
    more = await year.send(
        AppraisalWorkflow.report_checkin,
        EMPLOYEE,
        ReportCheckIn(index=5, realisations=(Realisation(indicator_id="ind-1", value=5),)),
    )
    assert more.version == state.version + 1
    # the new run knows its state is already stored: it does not open the appraisal again
    assert [c.action for c in year.fakes.changes].count("appraisal.opened") == 1
