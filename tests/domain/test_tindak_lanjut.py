"""Tindak lanjut: an employee below expectations gets development actions with due dates
from her pejabat penilai (or the tim penilai), reports each done, and the pejabat penilai
confirms it; the last confirmation completes the appraisal. Every one of these steps has
a due time and climbs the escalation ladder when late."""

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from domain.administrasi import ExtendDeadline
from domain.appraisal import Actor, AppraisalState, Command
from domain.deadlines import earliest_notice, pending_steps, with_notice
from domain.development import DevelopmentKind
from domain.errors import DomainError, InvalidInputError, NotPermittedError, WrongStateError
from domain.notices import NoticeKind, PendingStep, PlannedNotice, StepKind
from domain.penilaian import close_window_if_due
from domain.roles import Role
from domain.stages import Stage
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from tests.domain.builders import (
    ATASAN_PENILAI,
    BELOW,
    BKPSDM,
    CONFIRMED_AT,
    HR,
    LOCKED_AT,
    PEGAWAI,
    PENILAI,
    REPORTED_AT,
    SUPERVISOR,
    TIM,
    TIM_PENILAI,
    ActionProgress,
    context_at,
    person,
    schedule_2026,
    state_in,
)
from tests.factories import WIB

SCHEDULE = schedule_2026()
DAY = timedelta(days=1)
WEEK = SCHEDULE.escalation_interval
FEEDBACK = timedelta(days=SCHEDULE.feedback_days)
NOW = datetime(2027, 1, 4, 9, tzinfo=WIB)  # a few days after the result locked
TRAINING_DUE = datetime(2027, 2, 28, 16, tzinfo=WIB)
STRANGER = person("197001012000031001")
OTHER_SUPERVISOR = person("198806062012032006", Role.PEJABAT_PENILAI)


def run(
    state: AppraisalState, actor: Actor, command: Command, at: datetime = NOW
) -> AppraisalState:
    after = command.apply(state, actor, context_at(at))
    assert after.version == state.version + 1
    return after


def refuse(
    state: AppraisalState,
    actor: Actor,
    command: Command,
    error: type[DomainError],
    at: datetime = NOW,
) -> None:
    snapshot = state.model_copy(deep=True)
    with pytest.raises(error):
        command.apply(state, actor, context_at(at))
    assert state == snapshot


def assign(due: datetime | None = None, title: str = "Pelatihan pelayanan prima") -> Command:
    return AssignDevelopment(
        kind=DevelopmentKind.PELATIHAN, title=title, catalogue_code="PLT-017", due=due
    )


def report(number: int = 1) -> ReportDevelopmentDone:
    return ReportDevelopmentDone(
        number=number,
        note="Pelatihan telah diikuti penuh",
        evidence_url="https://drive.example.go.id/sertifikat.pdf",
    )


def following_up(*progress: ActionProgress) -> AppraisalState:
    """Tindak lanjut (butuh perbaikan) with actions at these stages of progress."""
    return state_in(Stage.TINDAK_LANJUT, actions=progress)


# --- AssignDevelopment ----------------------------------------------------------------


def test_the_pejabat_penilai_assigns_an_action_due_at_the_periods_follow_up_date() -> None:
    state = run(following_up(), PENILAI, assign())
    (action,) = state.development
    assert (action.number, action.kind, action.catalogue_code) == (
        1,
        DevelopmentKind.PELATIHAN,
        "PLT-017",
    )
    assert action.due == SCHEDULE.tindak_lanjut_due
    assert (action.assigned_by, action.assigned_at) == (SUPERVISOR, NOW)
    assert (action.reported_at, action.confirmed_at) == (None, None)
    assert state.stage is Stage.TINDAK_LANJUT


def test_the_tim_penilai_assigns_too_and_actions_are_numbered() -> None:
    state = run(following_up(), TIM_PENILAI, assign(TRAINING_DUE))
    state = run(state, PENILAI, assign(title="Bimbingan teknis rekam medis"))
    assert [(a.number, a.assigned_by, a.due) for a in state.development] == [
        (1, TIM, TRAINING_DUE),
        (2, SUPERVISOR, SCHEDULE.tindak_lanjut_due),
    ]


@pytest.mark.parametrize(
    "due",
    [NOW, NOW - DAY, datetime(2027, 2, 1, 9)],
    ids=["now", "past", "naive"],
)
def test_an_action_is_due_in_the_future_with_a_zone(due: datetime) -> None:
    refuse(following_up(), PENILAI, assign(due), InvalidInputError)


def test_the_default_due_date_may_already_have_passed() -> None:
    late = SCHEDULE.tindak_lanjut_due + DAY
    refuse(following_up(), PENILAI, assign(), InvalidInputError, late)
    state = run(following_up(), PENILAI, assign(late + 30 * DAY), late)
    assert state.development[0].due == late + 30 * DAY


@pytest.mark.parametrize(
    "actor",
    [PEGAWAI, BKPSDM, ATASAN_PENILAI, OTHER_SUPERVISOR, STRANGER],
    ids=["pegawai", "hr", "atasan", "other_supervisor", "stranger"],
)
def test_nobody_else_assigns(actor: Actor) -> None:
    refuse(following_up(), actor, assign(), NotPermittedError)


def test_hr_assigns_for_a_head_of_agency() -> None:
    state = state_in(Stage.TINDAK_LANJUT, supervisor_nip=None)
    assert run(state, BKPSDM, assign()).development[0].assigned_by == HR


@pytest.mark.parametrize("stage", [Stage.PENILAIAN, Stage.SELESAI])
def test_assignments_only_during_follow_up(stage: Stage) -> None:
    refuse(state_in(stage), PENILAI, assign(), WrongStateError)


# --- ReportDevelopmentDone and ConfirmDevelopment -------------------------------------


def test_the_employee_reports_and_the_pejabat_confirms_completing_the_year() -> None:
    state = following_up("assigned")
    state = run(state, PEGAWAI, report(), REPORTED_AT)
    (action,) = state.development
    assert (action.reported_at, action.report_note) == (
        REPORTED_AT,
        "Pelatihan telah diikuti penuh",
    )
    assert action.evidence_url == "https://drive.example.go.id/sertifikat.pdf"
    assert state.stage is Stage.TINDAK_LANJUT
    state = run(state, PENILAI, ConfirmDevelopment(number=1), CONFIRMED_AT)
    (action,) = state.development
    assert (action.confirmed_at, action.confirmed_by) == (CONFIRMED_AT, SUPERVISOR)
    assert (state.stage, state.completed_at) == (Stage.SELESAI, CONFIRMED_AT)
    assert pending_steps(state, SCHEDULE) == []


def test_the_appraisal_completes_only_with_the_last_confirmation() -> None:
    state = following_up("reported", "reported")
    state = run(state, PENILAI, ConfirmDevelopment(number=2), CONFIRMED_AT)
    assert (state.stage, state.completed_at) == (Stage.TINDAK_LANJUT, None)
    state = run(state, PENILAI, ConfirmDevelopment(number=1), CONFIRMED_AT + DAY)
    assert (state.stage, state.completed_at) == (Stage.SELESAI, CONFIRMED_AT + DAY)


def test_a_report_before_the_due_date_or_after_it_both_count() -> None:
    action_due = SCHEDULE.tindak_lanjut_due
    assert run(following_up("assigned"), PEGAWAI, report(), action_due + 5 * DAY).development[
        0
    ].reported_at == (action_due + 5 * DAY)


@pytest.mark.parametrize(
    "actor",
    [PENILAI, BKPSDM, TIM_PENILAI, person(SUPERVISOR, *Role)],
    ids=["pejabat", "hr", "tim", "supervisor_with_every_role"],
)
def test_only_the_employee_reports(actor: Actor) -> None:
    refuse(following_up("assigned"), actor, report(), NotPermittedError, REPORTED_AT)


@pytest.mark.parametrize(
    "actor",
    [PEGAWAI, BKPSDM, TIM_PENILAI, ATASAN_PENILAI, OTHER_SUPERVISOR],
    ids=["pegawai", "hr", "tim", "atasan", "other_supervisor"],
)
def test_only_the_pejabat_penilai_confirms(actor: Actor) -> None:
    refuse(
        following_up("reported"),
        actor,
        ConfirmDevelopment(number=1),
        NotPermittedError,
        REPORTED_AT,
    )


def test_reports_and_confirmations_follow_the_actions_progress() -> None:
    refuse(following_up("assigned"), PEGAWAI, report(2), InvalidInputError, REPORTED_AT)
    refuse(following_up(), PEGAWAI, report(1), InvalidInputError, REPORTED_AT)
    refuse(following_up("reported"), PEGAWAI, report(1), WrongStateError, REPORTED_AT)
    confirm = ConfirmDevelopment(number=1)
    refuse(following_up("assigned"), PENILAI, confirm, WrongStateError, REPORTED_AT)
    refuse(following_up("confirmed", "assigned"), PENILAI, confirm, WrongStateError, REPORTED_AT)
    refuse(following_up("reported"), PENILAI, ConfirmDevelopment(number=3), InvalidInputError)


@pytest.mark.parametrize("stage", [Stage.PENILAIAN, Stage.SELESAI])
def test_reports_and_confirmations_only_during_follow_up(stage: Stage) -> None:
    state = state_in(stage)
    refuse(state, PEGAWAI, report(), WrongStateError)
    refuse(state, PENILAI, ConfirmDevelopment(number=1), WrongStateError)


def test_evidence_is_a_web_link() -> None:
    with pytest.raises(ValidationError):
        ReportDevelopmentDone(number=1, note="Sudah", evidence_url="file:///etc/passwd")
    with pytest.raises(ValidationError):
        ReportDevelopmentDone(number=0, note="Sudah selesai")


# --- the whole follow-up from the lock ------------------------------------------------


def test_from_the_window_closing_to_completion() -> None:
    state = state_in(Stage.PENILAIAN, ratings=BELOW, delivered=True)
    locked = close_window_if_due(state, context_at(LOCKED_AT))
    assert locked is not None
    assert locked.stage is Stage.TINDAK_LANJUT
    assert locked.result is not None
    assert locked.result.improvement_until == LOCKED_AT + timedelta(days=183)
    assert [s.key for s in pending_steps(locked, SCHEDULE)] == ["tindak_lanjut_penugasan"]
    state = run(locked, PENILAI, assign(TRAINING_DUE), LOCKED_AT + DAY)
    state = run(state, PEGAWAI, report(), TRAINING_DUE - DAY)
    state = run(state, PENILAI, ConfirmDevelopment(number=1), TRAINING_DUE)
    assert (state.stage, state.completed_at) == (Stage.SELESAI, TRAINING_DUE)
    assert state.version == locked.version + 3


# --- pending steps and escalation -----------------------------------------------------


def only_step(state: AppraisalState) -> PendingStep:
    steps = pending_steps(state, SCHEDULE)
    assert len(steps) == 1, steps
    return steps[0]


def climb(state: AppraisalState, start: datetime, times: int) -> list[PlannedNotice]:
    now = start
    planned_list = []
    for _ in range(times):
        planned = earliest_notice(state, SCHEDULE, now)
        assert planned is not None
        now = max(now, planned.at)
        state = with_notice(
            state,
            SCHEDULE,
            planned,
            recipient_role=planned.recipient_role,
            recipient_nip=None,
            at=now,
        )
        planned_list.append(planned)
    return planned_list


def test_assignment_is_owed_by_the_pejabat_a_feedback_window_after_the_lock() -> None:
    step = only_step(following_up())
    assert (step.key, step.kind, step.owed_by, step.due, step.deadline) == (
        "tindak_lanjut_penugasan",
        StepKind.TINDAK_LANJUT_PENUGASAN,
        Role.PEJABAT_PENILAI,
        LOCKED_AT + FEEDBACK,
        None,
    )
    planned = climb(following_up(), LOCKED_AT, 4)
    due = LOCKED_AT + FEEDBACK
    assert [(p.kind, p.level, p.recipient_role, p.at) for p in planned] == [
        (NoticeKind.PENGINGAT, 0, Role.PEJABAT_PENILAI, due - SCHEDULE.reminder_before),
        (NoticeKind.ESKALASI, 1, Role.ATASAN_PENILAI, due),
        (NoticeKind.ESKALASI, 2, Role.HR_ADMIN, due + WEEK),
        (NoticeKind.ESKALASI, 3, Role.HR_ADMIN, due + 2 * WEEK),
    ]


def test_completion_is_owed_by_the_employee_at_the_actions_due_date() -> None:
    state = run(following_up(), PENILAI, assign(TRAINING_DUE))
    step = only_step(state)
    assert (step.key, step.kind, step.owed_by, step.due, step.deadline) == (
        "tindak_lanjut/1",
        StepKind.TINDAK_LANJUT_PELAKSANAAN,
        Role.PEGAWAI,
        TRAINING_DUE,
        "development_due:1",
    )
    planned = climb(state, NOW, 5)
    assert [(p.kind, p.level, p.recipient_role) for p in planned] == [
        (NoticeKind.PENGINGAT, 0, Role.PEGAWAI),
        (NoticeKind.ESKALASI, 1, Role.PEJABAT_PENILAI),
        (NoticeKind.ESKALASI, 2, Role.ATASAN_PENILAI),
        (NoticeKind.ESKALASI, 3, Role.HR_ADMIN),
        (NoticeKind.ESKALASI, 4, Role.HR_ADMIN),
    ]
    assert [p.at for p in planned[1:]] == [TRAINING_DUE + n * WEEK for n in range(4)]


def test_completion_can_be_extended_per_action() -> None:
    state = run(following_up(), PENILAI, assign(TRAINING_DUE))
    state = run(state, PENILAI, assign(TRAINING_DUE + 10 * DAY, "Coaching bulanan"))
    new_due = TRAINING_DUE + 30 * DAY
    extension = ExtendDeadline(deadline="development_due:1", new_due=new_due, reason="Sakit")
    state = run(state, BKPSDM, extension, TRAINING_DUE + DAY)
    assert {s.key: s.due for s in pending_steps(state, SCHEDULE)} == {
        "tindak_lanjut/1": new_due,
        "tindak_lanjut/2": TRAINING_DUE + 10 * DAY,
    }
    assert state.development[0].due == TRAINING_DUE  # the action keeps its agreed date
    # Only an action the employee has can be extended.
    refuse(
        state,
        BKPSDM,
        ExtendDeadline(deadline="development_due:3", new_due=new_due, reason="Sakit"),
        InvalidInputError,
    )


def test_confirmation_is_owed_by_the_pejabat_a_feedback_window_after_the_report() -> None:
    state = following_up("reported")
    step = only_step(state)
    due = REPORTED_AT + FEEDBACK
    assert (step.key, step.kind, step.owed_by, step.due, step.deadline) == (
        "tindak_lanjut_konfirmasi/1",
        StepKind.TINDAK_LANJUT_KONFIRMASI,
        Role.PEJABAT_PENILAI,
        due,
        None,
    )
    planned = climb(state, REPORTED_AT, 3)
    assert [(p.level, p.recipient_role, p.at) for p in planned] == [
        (0, Role.PEJABAT_PENILAI, due - SCHEDULE.reminder_before),
        (1, Role.ATASAN_PENILAI, due),
        (2, Role.HR_ADMIN, due + WEEK),
    ]


def test_each_action_owes_its_own_next_step() -> None:
    state = following_up("confirmed", "reported", "assigned")
    assert [(s.key, s.owed_by) for s in pending_steps(state, SCHEDULE)] == [
        ("tindak_lanjut_konfirmasi/2", Role.PEJABAT_PENILAI),
        ("tindak_lanjut/3", Role.PEGAWAI),
    ]
