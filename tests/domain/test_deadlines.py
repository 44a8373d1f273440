"""Deadlines, reminders and escalation: which steps are owed, when the owner is reminded,
how a late step climbs pegawai → pejabat penilai → atasan penilai → BKPSDM, and how HR's
extensions and a change of supervisor (mutasi) move them."""

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.administrasi import ChangeSupervisor, ExtendDeadline
from domain.appraisal import Actor, AppraisalState, Command
from domain.checkin import Realisation
from domain.deadlines import (
    earliest_notice,
    effective_due,
    is_overdue,
    next_notice,
    pending_steps,
    with_notice,
)
from domain.errors import DomainError, InvalidInputError, NotPermittedError, WrongStateError
from domain.notices import Notice, NoticeKind, PendingStep, PlannedNotice, StepKind
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.skp import Skp, SkpStatus
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from tests.domain.builders import (
    BELOW,
    BKPSDM,
    HR,
    LOCKED_AT,
    OBJECTED_AT,
    OWNER,
    PEGAWAI,
    PENILAI,
    REPORTED_AT,
    SUPERVISOR,
    TIM_PENILAI,
    context_at,
    person,
    schedule_2026,
    state_in,
    valid_content,
)
from tests.factories import WIB

SCHEDULE = schedule_2026()  # reminder 3 days before, escalation every 7 days
DAY = timedelta(days=1)
WEEK = SCHEDULE.escalation_interval
EARLY = datetime(2026, 1, 2, 9, tzinfo=WIB)
NEW_SUPERVISOR = "198806062012032006"


def run(
    state: AppraisalState, actor: Actor, command: Command, at: datetime = EARLY
) -> AppraisalState:
    after = command.apply(state, actor, context_at(at))
    assert after.version == state.version + 1
    return after


def refuse(
    state: AppraisalState,
    actor: Actor,
    command: Command,
    error: type[DomainError],
    at: datetime = EARLY,
) -> None:
    snapshot = state.model_copy(deep=True)
    with pytest.raises(error):
        command.apply(state, actor, context_at(at))
    assert state == snapshot


def only_step(state: AppraisalState) -> PendingStep:
    steps = pending_steps(state, SCHEDULE)
    assert len(steps) == 1, steps
    return steps[0]


def deliver(state: AppraisalState, planned: PlannedNotice, at: datetime) -> AppraisalState:
    return with_notice(
        state,
        SCHEDULE,
        planned,
        recipient_role=planned.recipient_role,
        recipient_nip=None,
        at=at,
    )


def submitted(times: int = 1) -> AppraisalState:
    """Perencanaan with the SKP submitted ``times`` times (returned in between)."""
    state = run(state_in(Stage.PERENCANAAN), PEGAWAI, DraftSkp(content=valid_content()))
    state = run(state, PEGAWAI, SubmitSkp())
    for _ in range(times - 1):
        state = run(state, PENILAI, ReturnSkp(note="Perbaiki target"))
        state = run(state, PEGAWAI, DraftSkp(content=valid_content()))
        state = run(state, PEGAWAI, SubmitSkp())
    return state


def approved() -> AppraisalState:
    """Pemantauan with the three quarterly check-ins of 2026."""
    return run(submitted(), PENILAI, ApproveSkp())


def reported(state: AppraisalState, index: int) -> AppraisalState:
    command = ReportCheckIn(
        index=index, realisations=(Realisation(indicator_id="ind-1", value=12),)
    )
    return run(state, PEGAWAI, command)


# --- pending steps --------------------------------------------------------------------


def test_sosialisasi_is_owed_by_the_employee() -> None:
    step = only_step(state_in(Stage.SOSIALISASI))
    assert (step.key, step.kind, step.owed_by) == (
        "sosialisasi",
        StepKind.SOSIALISASI,
        Role.PEGAWAI,
    )
    assert (step.due, step.deadline) == (SCHEDULE.sosialisasi_due, "sosialisasi_due")


def test_drafting_is_owed_until_the_first_submission() -> None:
    for state in (
        state_in(Stage.PERENCANAAN),
        run(state_in(Stage.PERENCANAAN), PEGAWAI, DraftSkp(content=valid_content())),
    ):
        step = only_step(state)
        assert (step.key, step.kind, step.owed_by) == (
            "skp_penyusunan",
            StepKind.SKP_PENYUSUNAN,
            Role.PEGAWAI,
        )
        assert (step.due, step.deadline) == (SCHEDULE.skp_draft_due, "skp_draft_due")


def test_each_submission_is_a_new_approval_step_and_each_return_a_new_revision() -> None:
    """Keys carry the submission count, so notices about the first approval do not count
    against the second."""
    state = submitted()
    step = only_step(state)
    assert (step.key, step.kind, step.owed_by) == (
        "skp_persetujuan/1",
        StepKind.SKP_PERSETUJUAN,
        Role.PEJABAT_PENILAI,
    )
    assert (step.due, step.deadline) == (SCHEDULE.skp_approval_due, "skp_approval_due")

    state = run(state, PENILAI, ReturnSkp(note="Perbaiki target"))
    step = only_step(state)
    assert (step.key, step.kind, step.owed_by) == (
        "skp_revisi/1",
        StepKind.SKP_REVISI,
        Role.PEGAWAI,
    )
    assert step.deadline == "skp_approval_due"

    state = run(state, PEGAWAI, DraftSkp(content=valid_content()))
    assert only_step(state).key == "skp_revisi/1"  # redrafted, not yet resubmitted

    state = run(state, PEGAWAI, SubmitSkp())
    assert only_step(state).key == "skp_persetujuan/2"
    assert only_step(submitted(3)).key == "skp_persetujuan/3"


def test_monitoring_owes_the_next_report_and_every_missing_feedback() -> None:
    state = approved()
    dues = SCHEDULE.checkin_dues
    step = only_step(state)
    assert (step.key, step.owed_by, step.due) == ("pemantauan_laporan/1", Role.PEGAWAI, dues[0])
    assert step.deadline == "checkin_due:1"

    state = reported(reported(state, 1), 2)
    steps = pending_steps(state, SCHEDULE)
    feedback_window = timedelta(days=SCHEDULE.feedback_days)
    assert [(s.key, s.owed_by, s.due) for s in steps] == [
        ("pemantauan_umpan_balik/1", Role.PEJABAT_PENILAI, dues[0] + feedback_window),
        ("pemantauan_umpan_balik/2", Role.PEJABAT_PENILAI, dues[1] + feedback_window),
        ("pemantauan_laporan/3", Role.PEGAWAI, dues[2]),
    ]
    assert [s.deadline for s in steps] == ["checkin_due:1", "checkin_due:2", "checkin_due:3"]

    state = run(state, PENILAI, GiveFeedback(index=1, text="Bagus, lanjutkan"))
    assert [s.key for s in pending_steps(state, SCHEDULE)] == [
        "pemantauan_umpan_balik/2",
        "pemantauan_laporan/3",
    ]


def test_steps_are_sorted_by_due_time() -> None:
    """A report reported early can be due before an older check-in's feedback."""
    state = reported(reported(approved(), 1), 2)
    dues = [step.due for step in pending_steps(state, SCHEDULE)]
    assert dues == sorted(dues)


def test_wawancara_is_owed_by_the_pejabat_penilai() -> None:
    step = only_step(state_in(Stage.WAWANCARA))
    assert (step.key, step.kind, step.owed_by) == (
        "wawancara",
        StepKind.WAWANCARA,
        Role.PEJABAT_PENILAI,
    )
    assert (step.due, step.deadline) == (SCHEDULE.wawancara_due, "wawancara_due")


def test_the_rating_is_owed_by_the_pejabat_penilai_until_given() -> None:
    step = only_step(state_in(Stage.PENILAIAN))
    assert (step.key, step.kind, step.owed_by) == (
        "penilaian",
        StepKind.PENILAIAN,
        Role.PEJABAT_PENILAI,
    )
    assert (step.due, step.deadline) == (SCHEDULE.penilaian_due, "penilaian_due")


@pytest.mark.parametrize(
    "state",
    [
        state_in(Stage.PENILAIAN, ratings=BELOW),
        state_in(Stage.PENILAIAN, ratings=BELOW, delivered=True),
        state_in(Stage.SELESAI),
        state_in(Stage.SELESAI, ratings=BELOW),
    ],
    ids=["rated", "delivered", "selesai_baik", "selesai_after_development"],
)
def test_nobody_owes_anything_while_the_window_runs_or_once_finished(
    state: AppraisalState,
) -> None:
    """A rated result waits for the unit's finalisation, a delivered one for the clock
    (the keberatan window); a finished appraisal owes nothing, ever."""
    assert pending_steps(state, SCHEDULE) == []
    assert earliest_notice(state, SCHEDULE, EARLY) is None
    assert not is_overdue(state, SCHEDULE, datetime(2030, 1, 1, tzinfo=WIB))


def test_a_keberatan_is_owed_by_the_atasan_penilai() -> None:
    step = only_step(state_in(Stage.PENILAIAN, ratings=BELOW, objected=True))
    assert (step.key, step.kind, step.owed_by) == (
        "keberatan",
        StepKind.KEBERATAN_PUTUSAN,
        Role.ATASAN_PENILAI,
    )
    assert (step.due, step.deadline) == (
        OBJECTED_AT + timedelta(days=SCHEDULE.keberatan_days),
        None,
    )


def test_follow_up_owes_assignment_then_completion_then_confirmation() -> None:
    feedback_window = timedelta(days=SCHEDULE.feedback_days)
    step = only_step(state_in(Stage.TINDAK_LANJUT))
    assert (step.key, step.kind, step.owed_by, step.due, step.deadline) == (
        "tindak_lanjut_penugasan",
        StepKind.TINDAK_LANJUT_PENUGASAN,
        Role.PEJABAT_PENILAI,
        LOCKED_AT + feedback_window,
        None,
    )
    state = state_in(Stage.TINDAK_LANJUT, actions=("confirmed", "reported", "assigned"))
    assert [
        (s.key, s.kind, s.owed_by, s.due, s.deadline) for s in pending_steps(state, SCHEDULE)
    ] == [
        (
            "tindak_lanjut_konfirmasi/2",
            StepKind.TINDAK_LANJUT_KONFIRMASI,
            Role.PEJABAT_PENILAI,
            REPORTED_AT + feedback_window,
            None,
        ),
        (
            "tindak_lanjut/3",
            StepKind.TINDAK_LANJUT_PELAKSANAAN,
            Role.PEGAWAI,
            SCHEDULE.tindak_lanjut_due,
            "development_due:3",
        ),
    ]


def test_an_extension_moves_the_pending_step() -> None:
    extended = SCHEDULE.sosialisasi_due + 5 * DAY
    state = state_in(Stage.SOSIALISASI, due_overrides={"sosialisasi_due": extended})
    assert only_step(state).due == extended
    assert effective_due(state, SCHEDULE, "sosialisasi_due") == extended
    assert effective_due(state, SCHEDULE, "skp_draft_due") == SCHEDULE.skp_draft_due


# --- reminders and escalation ---------------------------------------------------------


def test_the_reminder_goes_out_ahead_of_the_due_time() -> None:
    step = only_step(state_in(Stage.SOSIALISASI))
    planned = next_notice(step, (), SCHEDULE, EARLY)
    assert (planned.kind, planned.level, planned.recipient_role) == (
        NoticeKind.PENGINGAT,
        0,
        Role.PEGAWAI,
    )
    assert planned.at == step.due - SCHEDULE.reminder_before


@pytest.mark.parametrize("before_due", [timedelta(seconds=1), DAY, SCHEDULE.reminder_before])
def test_a_step_opened_inside_the_window_is_reminded_at_once(before_due: timedelta) -> None:
    step = only_step(state_in(Stage.SOSIALISASI))
    now = step.due - before_due
    planned = next_notice(step, (), SCHEDULE, now)
    assert (planned.kind, planned.at) == (NoticeKind.PENGINGAT, now)


@pytest.mark.parametrize("after_due", [timedelta(0), DAY, 30 * DAY])
def test_no_reminder_once_the_due_time_passed(after_due: timedelta) -> None:
    step = only_step(state_in(Stage.SOSIALISASI))
    planned = next_notice(step, (), SCHEDULE, step.due + after_due)
    assert (planned.kind, planned.level, planned.at) == (NoticeKind.ESKALASI, 1, step.due)
    assert planned.recipient_role is Role.PEJABAT_PENILAI


def climb(
    state: AppraisalState, start: datetime, levels: int
) -> tuple[AppraisalState, list[PlannedNotice]]:
    """Deliver the next notice ``levels`` times, each at its planned time (or at once if
    that is already past)."""
    now = start
    planned_list = []
    for _ in range(levels):
        planned = earliest_notice(state, SCHEDULE, now)
        assert planned is not None
        now = max(planned.at, now)
        state = deliver(state, planned, now)
        planned_list.append(planned)
    return state, planned_list


def test_an_employees_late_step_climbs_the_whole_chain_then_keeps_telling_hr() -> None:
    state = state_in(Stage.SOSIALISASI)
    due = SCHEDULE.sosialisasi_due
    state, planned = climb(state, EARLY, 7)
    assert [(p.kind, p.level, p.recipient_role) for p in planned] == [
        (NoticeKind.PENGINGAT, 0, Role.PEGAWAI),
        (NoticeKind.ESKALASI, 1, Role.PEJABAT_PENILAI),
        (NoticeKind.ESKALASI, 2, Role.ATASAN_PENILAI),
        (NoticeKind.ESKALASI, 3, Role.HR_ADMIN),
        (NoticeKind.ESKALASI, 4, Role.HR_ADMIN),
        (NoticeKind.ESKALASI, 5, Role.HR_ADMIN),
        (NoticeKind.ESKALASI, 6, Role.HR_ADMIN),
    ]
    assert [p.at for p in planned[1:]] == [due + n * WEEK for n in range(6)]
    assert len({notice.key for notice in state.notices}) == 7  # every notice is distinct
    assert [n.level for n in state.notices] == list(range(7))


def test_a_supervisors_late_step_escalates_to_atasan_penilai_then_hr() -> None:
    state = submitted()
    state, planned = climb(state, EARLY, 4)
    assert [(p.kind, p.level, p.recipient_role) for p in planned] == [
        (NoticeKind.PENGINGAT, 0, Role.PEJABAT_PENILAI),
        (NoticeKind.ESKALASI, 1, Role.ATASAN_PENILAI),
        (NoticeKind.ESKALASI, 2, Role.HR_ADMIN),
        (NoticeKind.ESKALASI, 3, Role.HR_ADMIN),
    ]
    assert all(p.step.key == "skp_persetujuan/1" for p in planned)


def test_a_step_opening_long_overdue_climbs_one_level_per_interval() -> None:
    """Acknowledged a month late, the draft is already overdue: the chain is not told all
    at once, but one level per interval from the moment the step opened."""
    opened = SCHEDULE.skp_draft_due + 30 * DAY
    state = run(state_in(Stage.SOSIALISASI), PEGAWAI, Acknowledge(), opened)
    assert state.overdue
    state, planned = climb(state, opened, 3)
    assert [p.level for p in planned] == [1, 2, 3]
    assert planned[0].at == SCHEDULE.skp_draft_due  # already due: delivered at once
    delivered = [notice.at for notice in state.notices]
    assert delivered == [opened, opened + WEEK, opened + 2 * WEEK]


def test_a_late_delivery_pushes_the_next_level_back() -> None:
    """The interval counts from the previous escalation actually sent."""
    step = only_step(state_in(Stage.SOSIALISASI))
    state = state_in(Stage.SOSIALISASI)
    first = next_notice(step, (), SCHEDULE, step.due)
    late = step.due + 3 * DAY
    state = deliver(state, first, late)
    second = next_notice(step, state.notices, SCHEDULE, late)
    assert (second.level, second.at) == (2, late + WEEK)


def test_notices_of_another_occurrence_do_not_count() -> None:
    """Escalations about the first submission do not advance the ladder of the second."""
    state, planned = climb(submitted(), EARLY, 3)
    assert planned[-1].level == 2
    now = planned[-1].at
    state = run(state, PENILAI, ReturnSkp(note="Perbaiki target"), now)
    state = run(state, PEGAWAI, DraftSkp(content=valid_content()), now)
    state = run(state, PEGAWAI, SubmitSkp(), now)
    step = only_step(state)
    assert step.key == "skp_persetujuan/2"
    follow_up = next_notice(step, state.notices, SCHEDULE, now)
    assert (follow_up.kind, follow_up.level, follow_up.at) == (NoticeKind.ESKALASI, 1, step.due)


def test_re_routing_notices_do_not_count_as_escalations() -> None:
    step = only_step(submitted())
    rerouted = Notice(
        key="skp_persetujuan/1@x/pengalihan/1",
        step_key=step.key,
        step=step.kind,
        kind=NoticeKind.PENGALIHAN,
        level=1,
        recipient_role=Role.PEJABAT_PENILAI,
        recipient_nip=NEW_SUPERVISOR,
        due=step.due,
        at=EARLY,
    )
    planned = next_notice(step, (rerouted,), SCHEDULE, EARLY)
    assert (planned.kind, planned.level) == (NoticeKind.PENGINGAT, 0)


def test_the_earliest_notice_across_steps_wins() -> None:
    state = reported(reported(approved(), 1), 2)
    now = datetime(2026, 7, 1, 9, tzinfo=WIB)
    planned = earliest_notice(state, SCHEDULE, now)
    assert planned is not None
    steps = pending_steps(state, SCHEDULE)
    assert planned.at == min(next_notice(s, state.notices, SCHEDULE, now).at for s in steps)
    assert planned.step.key == "pemantauan_umpan_balik/1"  # due 7 April, long past
    assert planned.recipient_role is Role.ATASAN_PENILAI


def test_with_notice_records_who_was_told_and_bumps_the_version() -> None:
    state = state_in(Stage.SOSIALISASI)
    planned = next_notice(only_step(state), (), SCHEDULE, EARLY)
    after = with_notice(
        state,
        SCHEDULE,
        planned,
        recipient_role=Role.PEGAWAI,
        recipient_nip=OWNER,
        at=planned.at,
    )
    assert after.version == state.version + 1
    (notice,) = after.notices
    assert (notice.key, notice.step_key, notice.step) == (
        planned.key,
        "sosialisasi",
        StepKind.SOSIALISASI,
    )
    assert (notice.recipient_nip, notice.at, notice.due) == (OWNER, planned.at, planned.step.due)
    assert not after.overdue


# --- ExtendDeadline -------------------------------------------------------------------


def extend(deadline: str, new_due: datetime, reason: str = "Cuti melahirkan") -> ExtendDeadline:
    return ExtendDeadline(deadline=deadline, new_due=new_due, reason=reason)


def test_an_extension_re_arms_the_reminder_and_restarts_the_ladder() -> None:
    due = SCHEDULE.sosialisasi_due
    state, _ = climb(state_in(Stage.SOSIALISASI), EARLY, 3)  # reminder, levels 1 and 2
    now = due + WEEK + DAY
    assert state.overdue
    new_due = due + 20 * DAY
    state = run(state, BKPSDM, extend("sosialisasi_due", new_due), now)
    assert state.due_overrides == {"sosialisasi_due": new_due}
    assert not state.overdue
    step = only_step(state)
    assert step.due == new_due
    planned = next_notice(step, state.notices, SCHEDULE, now)
    assert (planned.kind, planned.level, planned.at) == (
        NoticeKind.PENGINGAT,
        0,
        new_due - SCHEDULE.reminder_before,
    )
    state = deliver(state, planned, planned.at)
    escalation = next_notice(step, state.notices, SCHEDULE, planned.at)
    assert (escalation.kind, escalation.level, escalation.at) == (NoticeKind.ESKALASI, 1, new_due)
    assert escalation.recipient_role is Role.PEJABAT_PENILAI


def test_an_extension_can_be_extended_again() -> None:
    first = SCHEDULE.sosialisasi_due + DAY
    state = run(state_in(Stage.SOSIALISASI), BKPSDM, extend("sosialisasi_due", first))
    refuse(state, BKPSDM, extend("sosialisasi_due", first), InvalidInputError)
    refuse(state, BKPSDM, extend("sosialisasi_due", first - timedelta(hours=1)), InvalidInputError)
    state = run(state, BKPSDM, extend("sosialisasi_due", first + DAY))
    assert only_step(state).due == first + DAY


def test_a_check_in_can_be_extended_and_its_feedback_follows() -> None:
    state = reported(approved(), 1)
    new_due = SCHEDULE.checkin_dues[0] + 10 * DAY
    state = run(state, BKPSDM, extend("checkin_due:1", new_due))
    steps = {s.key: s.due for s in pending_steps(state, SCHEDULE)}
    assert steps["pemantauan_umpan_balik/1"] == new_due + timedelta(days=SCHEDULE.feedback_days)
    assert steps["pemantauan_laporan/2"] == SCHEDULE.checkin_dues[1]


@pytest.mark.parametrize("offset", [timedelta(0), -DAY, -timedelta(seconds=1)])
def test_an_extension_must_be_later(offset: timedelta) -> None:
    refuse(
        state_in(Stage.PERENCANAAN),
        BKPSDM,
        extend("skp_draft_due", SCHEDULE.skp_draft_due + offset),
        InvalidInputError,
    )


@pytest.mark.parametrize(
    "deadline",
    [
        "tindak_lanjut_due",  # each action has its own development_due:<n>
        "development_due",
        "development_due:0",
        "development_due:01",
        "checkin_due",
        "checkin_due:",
        "checkin_due:0",
        "checkin_due:-1",
        "checkin_due:x",
        "checkin_due:1:2",
        "skp_draft_due ",
        "",
    ],
)
def test_unknown_deadlines_are_refused(deadline: str) -> None:
    refuse(
        approved(), BKPSDM, extend(deadline, datetime(2027, 1, 1, tzinfo=WIB)), InvalidInputError
    )


@pytest.mark.parametrize("deadline", ["checkin_due:²", "checkin_due:①"])
def test_digit_like_characters_are_an_invalid_key_not_a_crash(deadline: str) -> None:
    """``str.isdigit`` accepts superscripts and circled digits that ``int`` cannot parse;
    they must be refused as invalid input, not escape as a bare ValueError."""
    refuse(
        approved(), BKPSDM, extend(deadline, datetime(2027, 1, 1, tzinfo=WIB)), InvalidInputError
    )


@pytest.mark.parametrize("deadline", ["checkin_due:01", "checkin_due:٢"])
def test_an_accepted_check_in_extension_really_moves_the_check_in(deadline: str) -> None:
    """A key spelling the number differently (leading zero, Arabic-Indic digit) names an
    existing check-in. Either it is refused, or the extension must take effect: an
    accepted extension that nobody's timer follows would be silently lost."""
    state = reported(approved(), 1)
    index = int(deadline.partition(":")[2])
    new_due = SCHEDULE.checkin_dues[index - 1] + 10 * DAY
    try:
        after = run(state, BKPSDM, extend(deadline, new_due))
    except InvalidInputError:
        return
    assert effective_due(after, SCHEDULE, f"checkin_due:{index}") == new_due


@pytest.mark.parametrize(
    ("state", "deadline", "step_key"),
    [
        (state_in(Stage.WAWANCARA), "wawancara_due", "wawancara"),
        (state_in(Stage.PENILAIAN), "penilaian_due", "penilaian"),
        (
            state_in(Stage.TINDAK_LANJUT, actions=("assigned",)),
            "development_due:1",
            "tindak_lanjut/1",
        ),
    ],
)
def test_later_deadlines_can_be_extended_too(
    state: AppraisalState, deadline: str, step_key: str
) -> None:
    new_due = effective_due(state, SCHEDULE, deadline) + 10 * DAY
    state = run(state, BKPSDM, extend(deadline, new_due))
    (step,) = [s for s in pending_steps(state, SCHEDULE) if s.key == step_key]
    assert (step.due, step.deadline) == (new_due, deadline)


def test_a_development_action_the_employee_does_not_have_is_refused() -> None:
    for state in (state_in(Stage.TINDAK_LANJUT), approved()):
        refuse(
            state,
            BKPSDM,
            extend("development_due:1", datetime(2027, 6, 1, tzinfo=WIB)),
            InvalidInputError,
        )


def test_a_check_in_the_employee_does_not_have_is_refused() -> None:
    refuse(
        approved(),
        BKPSDM,
        extend("checkin_due:4", datetime(2027, 1, 1, tzinfo=WIB)),
        InvalidInputError,
    )
    refuse(
        state_in(Stage.PERENCANAAN),
        BKPSDM,
        extend("checkin_due:1", datetime(2027, 1, 1, tzinfo=WIB)),
        InvalidInputError,
    )


def test_a_naive_new_due_is_refused() -> None:
    refuse(
        state_in(Stage.SOSIALISASI),
        BKPSDM,
        extend("sosialisasi_due", datetime(2026, 2, 1, 16)),
        InvalidInputError,
    )


@pytest.mark.parametrize(
    "actor",
    [PEGAWAI, PENILAI, TIM_PENILAI, person(NEW_SUPERVISOR, Role.ATASAN_PENILAI, Role.AUDITOR)],
    ids=["pegawai", "pejabat_penilai", "tim", "atasan_auditor"],
)
def test_only_hr_extends(actor: Actor) -> None:
    refuse(
        state_in(Stage.SOSIALISASI),
        actor,
        extend("sosialisasi_due", SCHEDULE.sosialisasi_due + DAY),
        NotPermittedError,
    )


def test_nothing_is_extended_after_the_appraisal_is_finished() -> None:
    refuse(
        state_in(Stage.SELESAI),
        BKPSDM,
        extend("sosialisasi_due", SCHEDULE.sosialisasi_due + DAY),
        WrongStateError,
    )


# --- ChangeSupervisor -----------------------------------------------------------------


def change(nip: str | None, reason: str = "Mutasi jabatan") -> ChangeSupervisor:
    return ChangeSupervisor(new_supervisor_nip=nip, reason=reason)


def test_a_change_of_supervisor_keeps_the_old_one_on_record() -> None:
    now = datetime(2026, 1, 25, 9, tzinfo=WIB)
    state = run(submitted(), BKPSDM, change(NEW_SUPERVISOR), now)
    assert state.supervisor_nip == NEW_SUPERVISOR
    (record,) = state.supervisor_history
    assert (record.previous_nip, record.new_nip, record.at, record.by, record.reason) == (
        SUPERVISOR,
        NEW_SUPERVISOR,
        now,
        HR,
        "Mutasi jabatan",
    )
    # The pending approval now belongs to the new supervisor.
    refuse(state, PENILAI, ApproveSkp(), NotPermittedError, now)
    approved_state = run(state, person(NEW_SUPERVISOR), ApproveSkp(), now)
    assert approved_state.stage is Stage.PEMANTAUAN

    state = run(state, BKPSDM, change(None, "Diangkat menjadi kepala dinas"), now)
    assert state.supervisor_nip is None
    assert [(r.previous_nip, r.new_nip) for r in state.supervisor_history] == [
        (SUPERVISOR, NEW_SUPERVISOR),
        (NEW_SUPERVISOR, None),
    ]


def test_a_new_nip_is_normalised() -> None:
    state = run(submitted(), BKPSDM, change(f"  {NEW_SUPERVISOR} "))
    assert state.supervisor_nip == NEW_SUPERVISOR


@pytest.mark.parametrize(
    ("nip", "supervisor"),
    [
        (OWNER, SUPERVISOR),  # nobody rates themself
        (f" {OWNER}", SUPERVISOR),
        (SUPERVISOR, SUPERVISOR),  # no change
        (None, None),
        ("12345", SUPERVISOR),  # not a NIP
        ("199013322015032003", SUPERVISOR),  # impossible birth date
    ],
)
def test_pointless_or_invalid_changes_are_refused(nip: str | None, supervisor: str | None) -> None:
    state = submitted().model_copy(update={"supervisor_nip": supervisor})
    refuse(state, BKPSDM, change(nip), InvalidInputError)


@pytest.mark.parametrize(
    "actor", [PEGAWAI, PENILAI, TIM_PENILAI], ids=["pegawai", "penilai", "tim"]
)
def test_only_hr_records_a_mutasi(actor: Actor) -> None:
    refuse(submitted(), actor, change(NEW_SUPERVISOR), NotPermittedError)


def test_no_mutasi_after_the_appraisal_is_finished() -> None:
    refuse(state_in(Stage.SELESAI), BKPSDM, change(NEW_SUPERVISOR), WrongStateError)


# --- the overdue flag -----------------------------------------------------------------


def test_the_overdue_flag_is_set_by_a_late_notice_and_cleared_by_doing_the_step() -> None:
    state = state_in(Stage.SOSIALISASI)
    due = SCHEDULE.sosialisasi_due
    planned = next_notice(only_step(state), (), SCHEDULE, due)
    state = deliver(state, planned, due)
    assert state.overdue
    state = run(state, PEGAWAI, Acknowledge(), due + DAY)
    assert state.stage is Stage.PERENCANAAN
    assert not state.overdue  # the draft is due later


def test_a_transition_into_an_already_late_step_sets_the_flag() -> None:
    state = run(state_in(Stage.SOSIALISASI), PEGAWAI, Acknowledge(), SCHEDULE.skp_draft_due)
    assert state.overdue  # due exactly now counts as overdue


def test_approval_clears_the_flag_when_the_first_check_in_lies_ahead() -> None:
    late = SCHEDULE.skp_approval_due + DAY
    state = submitted().model_copy(update={"overdue": True})
    state = run(state, PENILAI, ApproveSkp(), late)
    assert state.stage is Stage.PEMANTAUAN
    assert not state.overdue


def test_the_flag_is_recomputed_without_an_extra_version() -> None:
    state = state_in(Stage.SOSIALISASI)
    after = run(state, BKPSDM, extend("sosialisasi_due", SCHEDULE.sosialisasi_due + DAY))
    assert after.version == state.version + 1
    assert after.overdue is is_overdue(after, SCHEDULE, EARLY)


# --- property: the ladder climbs one level at a time ----------------------------------


@given(
    reminder_hours=st.integers(min_value=0, max_value=24 * 10),
    interval_minutes=st.integers(min_value=1, max_value=60 * 24 * 14),
    start_offset_hours=st.integers(min_value=-24 * 20, max_value=24 * 60),
    deliveries=st.integers(min_value=1, max_value=8),
    owed_by_supervisor=st.booleans(),
)
def test_notices_climb_one_level_at_a_time_in_time_order(
    reminder_hours: int,
    interval_minutes: int,
    start_offset_hours: int,
    deliveries: int,
    owed_by_supervisor: bool,
) -> None:
    schedule = PeriodSchedule.model_validate(
        {
            **SCHEDULE.model_dump(),
            "reminder_before": timedelta(hours=reminder_hours),
            "escalation_interval": timedelta(minutes=interval_minutes),
        }
    )
    if owed_by_supervisor:
        state = state_in(
            Stage.PERENCANAAN,
            skp=Skp(status=SkpStatus.DIAJUKAN, content=valid_content(), submissions=1),
        )
    else:
        state = state_in(Stage.SOSIALISASI)
    (step,) = pending_steps(state, schedule)
    now = step.due + timedelta(hours=start_offset_hours)
    planned_times: list[datetime] = []
    levels: list[int] = []
    for _ in range(deliveries):
        planned = earliest_notice(state, schedule, now)
        assert planned is not None
        planned_times.append(planned.at)
        levels.append(planned.level)
        if planned.kind is NoticeKind.PENGINGAT:
            assert planned.at <= step.due
        else:
            assert planned.at >= step.due
        now = max(now, planned.at)
        state = with_notice(
            state,
            schedule,
            planned,
            recipient_role=planned.recipient_role,
            recipient_nip=None,
            at=now,
        )
        assert state.overdue is (now >= step.due)
    assert planned_times == sorted(planned_times)
    assert all(b == a + 1 for a, b in pairwise(levels))
    # A reminder comes first exactly when the step is not yet due when it opens.
    assert (levels[0] == 0) is (start_offset_hours < 0)
    escalations = [n.at for n in state.notices if n.kind is NoticeKind.ESKALASI]
    interval = schedule.escalation_interval
    assert all(b - a >= interval for a, b in pairwise(escalations))
    assert len({n.key for n in state.notices}) == len(state.notices)
    # Whoever owes the step, from level 3 on BKPSDM is the one told.
    assert all(n.recipient_role is Role.HR_ADMIN for n in state.notices if n.level >= 3)
