"""Wawancara and penilaian: a recorded dialogue opens scoring; the pejabat penilai (or the
tim penilai calibrating) rates results and behaviour and the predicate follows from the
matrix; HR or the tim penilai delivers the result, which opens the employee's 14-day
keberatan window; both sides are heard, the atasan penilai decides finally, and the result
locks (on the decision, or when the window passes without a keberatan)."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.appraisal import Actor, AppraisalState, Command
from domain.checkin import Rating
from domain.deadlines import earliest_notice, next_notice, pending_steps, with_notice
from domain.dialogue import FollowUp, FollowUpKind
from domain.errors import DomainError, InvalidInputError, NotPermittedError, WrongStateError
from domain.keberatan import KeberatanOutcome
from domain.notices import NoticeKind, PlannedNotice, StepKind
from domain.penilaian import (
    AddKeberatanStatement,
    DecideKeberatan,
    DeliverResult,
    FileKeberatan,
    RateAppraisal,
    close_window_if_due,
    keberatan_window_closes,
)
from domain.predikat import Predikat, predikat
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.stages import Stage
from domain.wawancara import RecordDialogue, ScheduleDialogue
from tests.domain.builders import (
    ATASAN,
    ATASAN_PENILAI,
    BELOW,
    BKPSDM,
    DELIVERED_AT,
    HR,
    MEETS,
    OBJECTED_AT,
    OWNER,
    PEGAWAI,
    PENILAI,
    SUPERVISOR,
    TIM,
    TIM_PENILAI,
    context_at,
    person,
    schedule_2026,
    state_in,
)
from tests.factories import WIB

SCHEDULE = schedule_2026()
A, S, B = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH
DAY = timedelta(days=1)
WINDOW = timedelta(days=SCHEDULE.keberatan_days)
CLOSES = DELIVERED_AT + WINDOW
NOW = datetime(2026, 12, 12, 9, tzinfo=WIB)  # after the dialogue, before delivery
DECIDED_AT = datetime(2026, 12, 28, 9, tzinfo=WIB)
STRANGER = person("197001012000031001")
OTHER_SUPERVISOR = person("198806062012032006", Role.PEJABAT_PENILAI)
OTHER_ATASAN = person("196808082000031002", Role.ATASAN_PENILAI)


def run(
    state: AppraisalState,
    actor: Actor,
    command: Command,
    at: datetime = NOW,
    schedule: PeriodSchedule = SCHEDULE,
) -> AppraisalState:
    """Apply ``command``, checking the version moved by exactly one."""
    after = command.apply(state, actor, context_at(at, schedule))
    assert after.version == state.version + 1
    return after


def refuse(
    state: AppraisalState,
    actor: Actor,
    command: Command,
    error: type[DomainError],
    at: datetime = NOW,
    schedule: PeriodSchedule = SCHEDULE,
) -> None:
    """``command`` is refused with ``error`` and the state stays exactly as it was."""
    snapshot = state.model_copy(deep=True)
    with pytest.raises(error):
        command.apply(state, actor, context_at(at, schedule))
    assert state == snapshot


def rate(ratings: tuple[Rating, Rating] = MEETS) -> RateAppraisal:
    return RateAppraisal(hasil_kerja=ratings[0], perilaku=ratings[1])


def rated(ratings: tuple[Rating, Rating] = BELOW) -> AppraisalState:
    return state_in(Stage.PENILAIAN, ratings=ratings)


def delivered(
    ratings: tuple[Rating, Rating] = BELOW, atasan: str | None = ATASAN
) -> AppraisalState:
    return state_in(Stage.PENILAIAN, ratings=ratings, delivered=True, atasan=atasan)


def objected(ratings: tuple[Rating, Rating] = BELOW, atasan: str | None = ATASAN) -> AppraisalState:
    return state_in(Stage.PENILAIAN, ratings=ratings, objected=True, atasan=atasan)


FILE = FileKeberatan(reasons="Capaian triwulan IV belum diperhitungkan")
REJECT = DecideKeberatan(outcome=KeberatanOutcome.DITOLAK, reasoning="Penilaian sudah sesuai bukti")


def change_to(hasil_kerja: Rating | None, perilaku: Rating | None) -> DecideKeberatan:
    return DecideKeberatan(
        outcome=KeberatanOutcome.DIUBAH,
        reasoning="Bukti triwulan IV mendukung keberatan",
        hasil_kerja=hasil_kerja,
        perilaku=perilaku,
    )


# --- wawancara ------------------------------------------------------------------------

HELD = datetime(2026, 11, 20, 9, tzinfo=WIB)


def record(participants: tuple[str, ...] = (OWNER, SUPERVISOR)) -> RecordDialogue:
    return RecordDialogue(
        held_at=HELD,
        participants=participants,
        notes="Capaian dibahas bersama; sepakat memperkuat kolaborasi",
        agreed_actions=("Ikut forum lintas puskesmas",),
        follow_ups=(FollowUp(kind=FollowUpKind.COACHING, note="Coaching bulanan"),),
    )


def test_a_recorded_dialogue_fills_the_scheduled_one_and_opens_scoring() -> None:
    state = state_in(Stage.WAWANCARA)
    state = run(state, TIM_PENILAI, ScheduleDialogue(scheduled_for=HELD, participants=(OWNER,)))
    assert state.stage is Stage.WAWANCARA
    state = run(state, PENILAI, record(), HELD + DAY)
    assert state.stage is Stage.PENILAIAN
    (dialogue,) = state.dialogues
    assert (dialogue.number, dialogue.scheduled_for, dialogue.held_at) == (1, HELD, HELD)
    assert (dialogue.recorded_by, dialogue.participants) == (SUPERVISOR, (OWNER, SUPERVISOR))
    assert dialogue.follow_ups[0].kind is FollowUpKind.COACHING
    # Scoring is now owed by the pejabat penilai.
    assert [s.key for s in pending_steps(state, SCHEDULE)] == ["penilaian"]


@pytest.mark.parametrize(
    ("actor", "command", "error"),
    [
        (PEGAWAI, record(), NotPermittedError),
        (BKPSDM, record(), NotPermittedError),
        (PENILAI, record((SUPERVISOR,)), InvalidInputError),  # without the employee
        (PENILAI, record((OWNER, "12345")), InvalidInputError),
    ],
    ids=["pegawai", "hr", "without_employee", "bad_nip"],
)
def test_who_records_a_dialogue_and_with_whom(
    actor: Actor, command: Command, error: type[DomainError]
) -> None:
    refuse(state_in(Stage.WAWANCARA), actor, command, error, HELD + DAY)


def test_a_dialogue_is_not_recorded_before_it_is_held() -> None:
    refuse(state_in(Stage.WAWANCARA), PENILAI, record(), InvalidInputError, HELD - DAY)


# --- RateAppraisal --------------------------------------------------------------------


@pytest.mark.parametrize(("hasil_kerja", "perilaku"), [(h, p) for h in Rating for p in Rating])
def test_the_pejabat_penilai_rates_and_the_matrix_gives_the_predicate(
    hasil_kerja: Rating, perilaku: Rating
) -> None:
    state = run(state_in(Stage.PENILAIAN), PENILAI, rate((hasil_kerja, perilaku)))
    result = state.result
    assert result is not None
    assert (result.hasil_kerja, result.perilaku) == (hasil_kerja, perilaku)
    assert result.predikat is predikat(hasil_kerja, perilaku)
    assert (result.rated_by, result.rated_at) == (SUPERVISOR, NOW)
    # Not final yet: not delivered, not locked, no consequences.
    assert (result.delivered_at, result.locked_at, result.credit_percent) == (None, None, None)
    assert not result.promotion_eligible
    assert state.stage is Stage.PENILAIAN
    assert pending_steps(state, SCHEDULE) == []


def test_the_rating_records_what_the_last_check_in_suggested() -> None:
    """The builder's check-ins report every indicator on target: "meets"."""
    result = run(state_in(Stage.PENILAIAN), PENILAI, rate((A, A))).result
    assert result is not None
    assert result.suggested_hasil_kerja is S
    unreported = state_in(Stage.PENILAIAN, checkins=())
    result = run(unreported, PENILAI, rate((A, A))).result
    assert result is not None
    assert result.suggested_hasil_kerja is None


def test_the_tim_penilai_may_rate_when_calibrating() -> None:
    result = run(state_in(Stage.PENILAIAN), TIM_PENILAI, rate()).result
    assert result is not None
    assert result.rated_by == TIM


def test_hr_rates_a_head_of_agency() -> None:
    state = state_in(Stage.PENILAIAN, supervisor_nip=None)
    result = run(state, BKPSDM, rate()).result
    assert result is not None
    assert result.rated_by == HR
    refuse(state_in(Stage.PENILAIAN), BKPSDM, rate(), NotPermittedError)


@pytest.mark.parametrize(
    "actor",
    [PEGAWAI, ATASAN_PENILAI, OTHER_SUPERVISOR, STRANGER, person(OWNER, Role.PEJABAT_PENILAI)],
    ids=["pegawai", "atasan", "other_supervisor", "stranger", "pegawai_as_pejabat"],
)
def test_nobody_else_rates(actor: Actor) -> None:
    refuse(state_in(Stage.PENILAIAN), actor, rate(), NotPermittedError)


def test_a_tim_penilai_member_does_not_rate_herself() -> None:
    """The employee may sit on her agency's tim penilai; she still may not rate her own
    appraisal (nobody rates themself; HR standing in for a head of agency is likewise
    barred from rating itself)."""
    herself = person(OWNER, Role.TIM_PENILAI)
    refuse(state_in(Stage.PENILAIAN), herself, rate((A, A)), NotPermittedError)


def test_a_rating_may_be_revised_until_delivered() -> None:
    state = run(state_in(Stage.PENILAIAN), PENILAI, rate(BELOW))
    state = run(state, TIM_PENILAI, rate(MEETS))
    assert state.result is not None
    assert (state.result.predikat, state.result.rated_by) == (Predikat.BAIK, TIM)
    refuse(delivered(), PENILAI, rate(MEETS), WrongStateError, DELIVERED_AT + DAY)
    refuse(objected(), TIM_PENILAI, rate(MEETS), WrongStateError, DELIVERED_AT + DAY)


@pytest.mark.parametrize("stage", [Stage.WAWANCARA, Stage.TINDAK_LANJUT, Stage.SELESAI])
def test_rating_only_during_penilaian(stage: Stage) -> None:
    refuse(state_in(stage), PENILAI, rate(), WrongStateError)


# --- DeliverResult --------------------------------------------------------------------


@pytest.mark.parametrize("actor", [BKPSDM, TIM_PENILAI], ids=["hr", "tim"])
def test_hr_or_the_tim_delivers_and_names_the_atasan(actor: Actor) -> None:
    state = run(rated(), actor, DeliverResult(atasan_nip=ATASAN), DELIVERED_AT)
    result = state.result
    assert result is not None
    assert (result.delivered_at, result.atasan_nip) == (DELIVERED_AT, ATASAN)
    assert result.locked_at is None
    assert state.stage is Stage.PENILAIAN
    assert keberatan_window_closes(state, SCHEDULE.keberatan_days) == CLOSES
    assert pending_steps(state, SCHEDULE) == []


@pytest.mark.parametrize(
    "actor", [PEGAWAI, PENILAI, ATASAN_PENILAI], ids=["pegawai", "pejabat", "atasan"]
)
def test_nobody_else_delivers(actor: Actor) -> None:
    refuse(rated(), actor, DeliverResult(atasan_nip=ATASAN), NotPermittedError, DELIVERED_AT)


def test_only_a_rated_result_is_delivered_and_only_once() -> None:
    command = DeliverResult(atasan_nip=None)
    refuse(state_in(Stage.PENILAIAN), BKPSDM, command, WrongStateError, DELIVERED_AT)
    refuse(delivered(), BKPSDM, command, WrongStateError, DELIVERED_AT + DAY)
    refuse(state_in(Stage.TINDAK_LANJUT), BKPSDM, command, WrongStateError, DELIVERED_AT)


@pytest.mark.parametrize("atasan", [OWNER, "12345"], ids=["the_employee", "not_a_nip"])
def test_the_atasan_named_is_a_real_other_person(atasan: str) -> None:
    """Whoever is named decides a keberatan. Naming the employee herself would let her
    decide her own objection; a malformed NIP would leave nobody able to decide. Either
    the delivery is refused, or (if accepted) the employee still cannot decide."""
    command = DeliverResult(atasan_nip=atasan)
    try:
        state = command.apply(rated(), BKPSDM, context_at(DELIVERED_AT))
    except InvalidInputError:
        return
    pytest.fail(f"delivered naming {atasan!r} as atasan penilai: {state.result}")


def test_the_employee_never_decides_her_own_keberatan() -> None:
    """Even if a result was delivered naming her (e.g. from a bad organisation row)."""
    state = objected(atasan=OWNER)
    refuse(state, PEGAWAI, REJECT, NotPermittedError, DECIDED_AT)
    refuse(state, person(OWNER, *Role), change_to(A, A), NotPermittedError, DECIDED_AT)


# --- FileKeberatan --------------------------------------------------------------------


def test_the_employee_files_a_keberatan_within_the_window() -> None:
    state = run(delivered(), PEGAWAI, FILE, OBJECTED_AT)
    keberatan = state.keberatan
    assert keberatan is not None
    assert (keberatan.filed_at, keberatan.reasons) == (OBJECTED_AT, FILE.reasons)
    assert (keberatan.statements, keberatan.decision) == ((), None)
    assert state.stage is Stage.PENILAIAN
    assert state.result == delivered().result  # the result stands until decided


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(0), True),
        (WINDOW - timedelta(seconds=1), True),
        (WINDOW, False),
        (WINDOW + DAY, False),
    ],
    ids=["at_delivery", "last_second", "at_close", "a_day_late"],
)
def test_the_window_is_fourteen_days_from_delivery(offset: timedelta, accepted: bool) -> None:
    at = DELIVERED_AT + offset
    if accepted:
        run(delivered(), PEGAWAI, FILE, at)
    else:
        refuse(delivered(), PEGAWAI, FILE, WrongStateError, at)


@given(
    days=st.integers(1, 60),
    offset=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=70)),
)
def test_the_window_follows_the_periods_keberatan_days(days: int, offset: timedelta) -> None:
    schedule = SCHEDULE.model_copy(update={"keberatan_days": days})
    at = DELIVERED_AT + offset
    state = delivered()
    try:
        after = FILE.apply(state, PEGAWAI, context_at(at, schedule))
    except WrongStateError:
        assert offset >= timedelta(days=days)
        assert close_window_if_due(state, context_at(at, schedule)) is not None
        return
    assert offset < timedelta(days=days)
    assert after.keberatan is not None
    assert close_window_if_due(state, context_at(at, schedule)) is None


def test_no_keberatan_before_delivery_or_twice() -> None:
    refuse(state_in(Stage.PENILAIAN), PEGAWAI, FILE, WrongStateError)
    refuse(rated(), PEGAWAI, FILE, WrongStateError)
    refuse(objected(), PEGAWAI, FILE, WrongStateError, OBJECTED_AT + DAY)


@pytest.mark.parametrize("stage", [Stage.TINDAK_LANJUT, Stage.SELESAI])
def test_no_keberatan_after_the_result_locked(stage: Stage) -> None:
    refuse(state_in(stage), PEGAWAI, FILE, WrongStateError, OBJECTED_AT)


@pytest.mark.parametrize(
    "actor",
    [PENILAI, BKPSDM, TIM_PENILAI, ATASAN_PENILAI, person(SUPERVISOR, *Role)],
    ids=["pejabat", "hr", "tim", "atasan", "supervisor_with_every_role"],
)
def test_only_the_employee_files(actor: Actor) -> None:
    refuse(delivered(), actor, FILE, NotPermittedError, OBJECTED_AT)


# --- AddKeberatanStatement ------------------------------------------------------------


def test_both_sides_are_heard_in_order() -> None:
    state = objected()
    state = run(state, PEGAWAI, AddKeberatanStatement(text="Bukti terlampir"), OBJECTED_AT + DAY)
    state = run(
        state, PENILAI, AddKeberatanStatement(text="Bukti belum sah"), OBJECTED_AT + 2 * DAY
    )
    state = run(
        state, PEGAWAI, AddKeberatanStatement(text="Sudah dilegalisir"), OBJECTED_AT + 3 * DAY
    )
    assert state.keberatan is not None
    assert [(s.by, s.role, s.at) for s in state.keberatan.statements] == [
        (OWNER, Role.PEGAWAI.value, OBJECTED_AT + DAY),
        (SUPERVISOR, Role.PEJABAT_PENILAI.value, OBJECTED_AT + 2 * DAY),
        (OWNER, Role.PEGAWAI.value, OBJECTED_AT + 3 * DAY),
    ]
    assert state.stage is Stage.PENILAIAN


def test_hr_speaks_as_pejabat_penilai_for_a_head_of_agency() -> None:
    state = objected(atasan=None).model_copy(update={"supervisor_nip": None})
    state = run(state, BKPSDM, AddKeberatanStatement(text="Penilaian sesuai"), DECIDED_AT)
    assert state.keberatan is not None
    assert state.keberatan.statements[-1].role == Role.PEJABAT_PENILAI.value


@pytest.mark.parametrize(
    "actor",
    [ATASAN_PENILAI, BKPSDM, TIM_PENILAI, STRANGER],
    ids=["atasan", "hr", "tim", "stranger"],
)
def test_only_the_two_sides_add_statements(actor: Actor) -> None:
    refuse(objected(), actor, AddKeberatanStatement(text="Catatan"), NotPermittedError, DECIDED_AT)


def test_statements_only_while_a_keberatan_is_heard() -> None:
    command = AddKeberatanStatement(text="Catatan tambahan")
    refuse(delivered(), PEGAWAI, command, WrongStateError, OBJECTED_AT)
    decided = run(objected(), ATASAN_PENILAI, REJECT, DECIDED_AT)
    refuse(decided, PEGAWAI, command, WrongStateError, DECIDED_AT + DAY)
    refuse(decided, PENILAI, command, WrongStateError, DECIDED_AT + DAY)


# --- DecideKeberatan ------------------------------------------------------------------


def test_a_rejected_keberatan_locks_the_result_as_it_was() -> None:
    before = objected(BELOW)
    state = run(before, ATASAN_PENILAI, REJECT, DECIDED_AT)
    assert state.keberatan is not None
    decision = state.keberatan.decision
    assert decision is not None
    assert (decision.outcome, decision.by, decision.at) == (
        KeberatanOutcome.DITOLAK,
        ATASAN,
        DECIDED_AT,
    )
    assert decision.predikat_before is decision.predikat_after is Predikat.BUTUH_PERBAIKAN
    result = state.result
    assert result is not None
    assert before.result is not None
    assert (result.hasil_kerja, result.perilaku) == BELOW
    assert result.locked_at == DECIDED_AT
    assert (result.credit_percent, result.promotion_eligible) == (75, False)
    assert result.improvement_until == DECIDED_AT + timedelta(days=183)
    assert state.stage is Stage.TINDAK_LANJUT
    assert state.completed_at is None


def test_changed_ratings_recompute_the_predicate_before_locking() -> None:
    state = run(objected(BELOW), ATASAN_PENILAI, change_to(S, A), DECIDED_AT)
    result = state.result
    assert result is not None
    assert (result.hasil_kerja, result.perilaku, result.predikat) == (S, A, Predikat.BAIK)
    assert (result.credit_percent, result.promotion_eligible) == (100, True)
    assert result.improvement_until is None
    assert state.keberatan is not None
    assert state.keberatan.decision is not None
    assert (state.keberatan.decision.predikat_before, state.keberatan.decision.predikat_after) == (
        Predikat.BUTUH_PERBAIKAN,
        Predikat.BAIK,
    )
    assert (state.stage, state.completed_at) == (Stage.SELESAI, DECIDED_AT)
    assert pending_steps(state, SCHEDULE) == []


def test_a_change_may_also_lower_the_predicate() -> None:
    state = run(objected(MEETS), ATASAN_PENILAI, change_to(B, B), DECIDED_AT)
    assert state.result is not None
    assert (state.result.predikat, state.result.credit_percent) == (Predikat.SANGAT_KURANG, 25)
    assert state.stage is Stage.TINDAK_LANJUT


@pytest.mark.parametrize(
    "command",
    [
        change_to(None, None),
        change_to(S, None),
        change_to(None, A),
        change_to(*BELOW),  # the same pair: that is a rejection
        DecideKeberatan(
            outcome=KeberatanOutcome.DITOLAK, reasoning="Ditolak", hasil_kerja=S, perilaku=S
        ),
        DecideKeberatan(outcome=KeberatanOutcome.DITOLAK, reasoning="Ditolak", perilaku=A),
    ],
    ids=[
        "diubah_bare",
        "diubah_no_perilaku",
        "diubah_no_hasil",
        "diubah_same",
        "ditolak_both",
        "ditolak_one",
    ],
)
def test_a_decision_must_say_consistently_what_changes(command: DecideKeberatan) -> None:
    refuse(objected(BELOW), ATASAN_PENILAI, command, InvalidInputError, DECIDED_AT)


@pytest.mark.parametrize(
    "actor",
    [PEGAWAI, PENILAI, BKPSDM, TIM_PENILAI, OTHER_ATASAN, person(SUPERVISOR, *Role)],
    ids=["pegawai", "pejabat", "hr", "tim", "other_atasan", "supervisor_with_every_role"],
)
def test_only_the_named_atasan_decides(actor: Actor) -> None:
    refuse(objected(), actor, REJECT, NotPermittedError, DECIDED_AT)


def test_hr_decides_where_the_chain_ends_but_never_for_itself() -> None:
    state = objected(atasan=None)
    refuse(state, ATASAN_PENILAI, REJECT, NotPermittedError, DECIDED_AT)
    refuse(state, PENILAI, REJECT, NotPermittedError, DECIDED_AT)
    herself = person(OWNER, Role.HR_ADMIN)
    refuse(state, herself, REJECT, NotPermittedError, DECIDED_AT)
    after = run(state, BKPSDM, REJECT, DECIDED_AT)
    assert after.keberatan is not None
    assert after.keberatan.decision is not None
    assert after.keberatan.decision.by == HR


def test_a_decision_needs_an_open_keberatan() -> None:
    refuse(delivered(), ATASAN_PENILAI, REJECT, WrongStateError, DECIDED_AT)
    decided = run(objected(), ATASAN_PENILAI, REJECT, DECIDED_AT)
    refuse(decided, ATASAN_PENILAI, REJECT, WrongStateError, DECIDED_AT + DAY)


def test_a_decision_may_come_after_the_window() -> None:
    """The 14 days bound the filing, not the hearing."""
    state = run(objected(), ATASAN_PENILAI, REJECT, CLOSES + 10 * DAY)
    assert state.stage is Stage.TINDAK_LANJUT


# --- locking --------------------------------------------------------------------------

CONSEQUENCES = [
    # predikat, stage after lock, credit %, promotion, improvement period
    (Predikat.SANGAT_BAIK, Stage.SELESAI, 150, True, False),
    (Predikat.BAIK, Stage.SELESAI, 100, True, False),
    (Predikat.BUTUH_PERBAIKAN, Stage.TINDAK_LANJUT, 75, False, True),
    (Predikat.KURANG, Stage.TINDAK_LANJUT, 50, False, True),
    (Predikat.SANGAT_KURANG, Stage.TINDAK_LANJUT, 25, False, True),
]
PAIRS = {
    Predikat.SANGAT_BAIK: [(A, A)],
    Predikat.BAIK: [(A, S), (S, S), (S, A)],
    Predikat.BUTUH_PERBAIKAN: [(B, S), (B, A)],
    Predikat.KURANG: [(A, B), (S, B)],
    Predikat.SANGAT_KURANG: [(B, B)],
}


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [(pair, row) for row in CONSEQUENCES for pair in PAIRS[row[0]]],
    ids=[f"{h.value}-{p.value}" for row in CONSEQUENCES for h, p in PAIRS[row[0]]],
)
def test_the_window_closing_locks_with_the_predicates_consequences(
    ratings: tuple[Rating, Rating], expected: tuple[Predikat, Stage, int, bool, bool]
) -> None:
    value, stage, credit, promotion, improves = expected
    state = delivered(ratings)
    after = close_window_if_due(state, context_at(CLOSES))
    assert after is not None
    assert after.version == state.version + 1
    result = after.result
    assert result is not None
    assert (result.predikat, result.locked_at) == (value, CLOSES)
    assert (result.credit_percent, result.promotion_eligible) == (credit, promotion)
    six_months = timedelta(days=183)  # PP 30/2019
    assert result.improvement_until == (CLOSES + six_months if improves else None)
    assert after.stage is stage
    assert after.completed_at == (None if improves else CLOSES)


@pytest.mark.parametrize(
    ("state", "at"),
    [
        (delivered(), CLOSES - timedelta(seconds=1)),  # the window is still open
        (objected(), CLOSES + 30 * DAY),  # a keberatan waits for its decision
        (rated(), CLOSES + 30 * DAY),  # never delivered
        (state_in(Stage.PENILAIAN), CLOSES + 30 * DAY),  # never rated
        (state_in(Stage.TINDAK_LANJUT), CLOSES + 30 * DAY),  # already locked
        (state_in(Stage.SELESAI), CLOSES + 30 * DAY),
    ],
    ids=["open", "objected", "undelivered", "unrated", "tindak_lanjut", "selesai"],
)
def test_the_window_does_not_lock_otherwise(state: AppraisalState, at: datetime) -> None:
    assert close_window_if_due(state, context_at(at)) is None


def test_no_window_before_delivery() -> None:
    assert keberatan_window_closes(rated(), 14) is None
    assert keberatan_window_closes(state_in(Stage.PENILAIAN), 14) is None
    assert keberatan_window_closes(delivered(), 30) == DELIVERED_AT + timedelta(days=30)


# --- the keberatan's deadline and escalation ------------------------------------------


def test_a_late_decision_escalates_from_the_atasan_straight_to_hr() -> None:
    state = objected()
    due = OBJECTED_AT + WINDOW
    (step,) = pending_steps(state, SCHEDULE)
    assert (step.key, step.owed_by, step.due, step.deadline) == (
        "keberatan",
        Role.ATASAN_PENILAI,
        due,
        None,
    )
    now = OBJECTED_AT
    planned: list[PlannedNotice] = []
    for _ in range(4):
        notice = earliest_notice(state, SCHEDULE, now)
        assert notice is not None
        now = max(now, notice.at)
        state = with_notice(
            state,
            SCHEDULE,
            notice,
            recipient_role=notice.recipient_role,
            recipient_nip=None,
            at=now,
        )
        planned.append(notice)
    assert [(p.kind, p.level, p.recipient_role, p.at) for p in planned] == [
        (NoticeKind.PENGINGAT, 0, Role.ATASAN_PENILAI, due - SCHEDULE.reminder_before),
        (NoticeKind.ESKALASI, 1, Role.HR_ADMIN, due),
        (NoticeKind.ESKALASI, 2, Role.HR_ADMIN, due + SCHEDULE.escalation_interval),
        (NoticeKind.ESKALASI, 3, Role.HR_ADMIN, due + 2 * SCHEDULE.escalation_interval),
    ]
    assert all(p.step.kind is StepKind.KEBERATAN_PUTUSAN for p in planned)
    assert state.overdue
    # The decision ends the step and clears the flag.
    decided = run(state, ATASAN_PENILAI, change_to(S, S), now)
    assert pending_steps(decided, SCHEDULE) == []
    assert not decided.overdue


def test_the_rating_step_escalates_like_any_supervisor_step() -> None:
    state = state_in(Stage.PENILAIAN)
    (step,) = pending_steps(state, SCHEDULE)
    assert (step.owed_by, step.due) == (Role.PEJABAT_PENILAI, SCHEDULE.penilaian_due)
    planned = next_notice(step, (), SCHEDULE, SCHEDULE.penilaian_due)
    assert (planned.level, planned.recipient_role) == (1, Role.ATASAN_PENILAI)
    late = run(state, PENILAI, rate(), SCHEDULE.penilaian_due + DAY)
    assert not late.overdue
    assert pending_steps(late, SCHEDULE) == []
