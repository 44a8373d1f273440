"""The whole appraisal state machine under random use: random commands from random people
(the employee, her supervisor, a newly appointed supervisor, the atasan penilai, BKPSDM,
the tim penilai, a stranger) while the clock moves forward, with the workflow's timers
firing: reminders and escalations delivered when due, and the keberatan window closing.
Half the steps follow the happy path so that runs reach the second half of the year (the
dialogue, the rating, delivery, keberatan, follow-up) and finish; the other half try
anything. Whatever happens, the invariants below hold after every step."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.administrasi import ChangeSupervisor, ExtendDeadline
from domain.appraisal import Actor, AppraisalState, Command
from domain.checkin import Rating, Realisation
from domain.deadlines import earliest_notice, is_overdue, with_notice
from domain.development import DevelopmentKind
from domain.errors import DomainError
from domain.keberatan import KeberatanOutcome
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.penilaian import (
    AddKeberatanStatement,
    DecideKeberatan,
    DeliverResult,
    FileKeberatan,
    RateAppraisal,
    close_window_if_due,
    keberatan_window_closes,
)
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.predikat import CREDIT_PERCENT, Predikat, predikat
from domain.roles import Role
from domain.skp import SkpEventKind, SkpStatus
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from domain.wawancara import RecordDialogue, ScheduleDialogue
from tests.domain.builders import (
    ATASAN,
    ATASAN_PENILAI,
    BKPSDM,
    OWNER,
    PEGAWAI,
    PENILAI,
    SUPERVISOR,
    TIM_PENILAI,
    ActionProgress,
    context_at,
    person,
    schedule_2026,
    state_in,
    valid_content,
)
from tests.factories import WIB

SCHEDULE = schedule_2026()
START = datetime(2026, 1, 1, 8, tzinfo=WIB)
NEW_SUPERVISOR = "198806062012032006"
STRANGER = person("197001012000031001")
NEW_PENILAI = person(NEW_SUPERVISOR, Role.PEJABAT_PENILAI)
ACTORS = [PEGAWAI, PENILAI, NEW_PENILAI, ATASAN_PENILAI, BKPSDM, TIM_PENILAI, STRANGER]
CONTENTS = [valid_content(1), valid_content(2), valid_content(3)]
DEADLINE_KEYS = [
    "sosialisasi_due",
    "skp_draft_due",
    "skp_approval_due",
    "checkin_due:1",
    "checkin_due:2",
    "checkin_due:3",
    "checkin_due:9",
    "wawancara_due",
    "penilaian_due",
    "development_due:1",
    "development_due:2",
]
ATASAN_CHOICES = [ATASAN, None, NEW_SUPERVISOR]  # as resolved from the organisation
# The predicate's consequences, stated independently of domain.predikat's tables.
PROMOTION = {Predikat.SANGAT_BAIK, Predikat.BAIK}
NEEDS_HELP = {Predikat.BUTUH_PERBAIKAN, Predikat.KURANG, Predikat.SANGAT_KURANG}
SIX_MONTHS = timedelta(days=183)
KEBERATAN_WINDOW = timedelta(days=SCHEDULE.keberatan_days)
ratings = st.sampled_from(list(Rating))
some_day = st.integers(0, 500).map(lambda days: START + timedelta(days=days))

realisations = st.lists(
    st.builds(
        Realisation,
        indicator_id=st.sampled_from(["ind-1", "ind-2", "ind-3", "ind-9"]),
        value=st.floats(min_value=0, max_value=20),
    ),
    min_size=1,
    max_size=3,
).map(tuple)

any_command: st.SearchStrategy[Command] = st.one_of(
    st.just(Acknowledge()),
    st.sampled_from(CONTENTS).map(lambda content: DraftSkp(content=content)),
    st.just(SubmitSkp()),
    st.builds(ApproveSkp, note=st.none() | st.just("Disetujui")),
    st.just(ReturnSkp(note="Perbaiki target kuantitas")),
    st.builds(ReportCheckIn, index=st.integers(1, 4), realisations=realisations),
    st.builds(GiveFeedback, index=st.integers(1, 4), text=st.just("Pertahankan capaian")),
    st.builds(
        ExtendDeadline,
        deadline=st.sampled_from(DEADLINE_KEYS),
        new_due=st.integers(-10, 60).map(lambda days: START + timedelta(days=days * 5)),
        reason=st.just("Tugas luar daerah"),
    ),
    st.builds(
        ChangeSupervisor,
        new_supervisor_nip=st.sampled_from([SUPERVISOR, NEW_SUPERVISOR, OWNER, None]),
        reason=st.just("Mutasi"),
    ),
    st.builds(ScheduleDialogue, scheduled_for=some_day, participants=st.just((OWNER,))),
    st.builds(
        RecordDialogue,
        held_at=some_day,
        participants=st.sampled_from([(OWNER, SUPERVISOR), (SUPERVISOR,)]),
        notes=st.just("Capaian dibahas bersama"),
    ),
    st.builds(RateAppraisal, hasil_kerja=ratings, perilaku=ratings),
    st.builds(DeliverResult, atasan_nip=st.sampled_from(ATASAN_CHOICES)),
    st.just(FileKeberatan(reasons="Capaian belum diperhitungkan")),
    st.just(AddKeberatanStatement(text="Bukti terlampir")),
    st.builds(
        DecideKeberatan,
        outcome=st.sampled_from(list(KeberatanOutcome)),
        reasoning=st.just("Sesuai bukti"),
        hasil_kerja=st.none() | ratings,
        perilaku=st.none() | ratings,
    ),
    st.builds(
        AssignDevelopment,
        kind=st.sampled_from(list(DevelopmentKind)),
        title=st.just("Pelatihan pelayanan prima"),
        due=st.none() | some_day,
    ),
    st.builds(ReportDevelopmentDone, number=st.integers(1, 3), note=st.just("Sudah diikuti")),
    st.builds(ConfirmDevelopment, number=st.integers(1, 3)),
)


def pejabat_penilai(state: AppraisalState) -> Actor:
    if state.supervisor_nip is None:
        return BKPSDM
    return person(state.supervisor_nip, Role.PEJABAT_PENILAI)


def happy_path(
    state: AppraisalState, data: st.DataObject, now: datetime
) -> tuple[Command, Actor] | None:
    """The command the right person would issue next, if any."""
    if state.stage is Stage.SOSIALISASI:
        return Acknowledge(), PEGAWAI
    if state.stage is Stage.PERENCANAAN:
        status = state.skp.status
        if status in (SkpStatus.BELUM_DISUSUN, SkpStatus.DIKEMBALIKAN):
            return DraftSkp(content=data.draw(st.sampled_from(CONTENTS))), PEGAWAI
        if status is SkpStatus.DRAF:
            return SubmitSkp(), PEGAWAI
        decision: Command = data.draw(
            st.sampled_from([ApproveSkp(), ApproveSkp(), ReturnSkp(note="Perbaiki indikator")])
        )
        return decision, pejabat_penilai(state)
    if state.stage is Stage.PEMANTAUAN:
        assert state.skp.content is not None
        for checkin in state.checkins:
            if checkin.report is None:
                ids = sorted(state.skp.content.indicators())
                values = data.draw(st.lists(st.floats(0, 15), min_size=len(ids), max_size=len(ids)))
                reported = tuple(
                    Realisation(indicator_id=i, value=v) for i, v in zip(ids, values, strict=True)
                )
                return ReportCheckIn(index=checkin.index, realisations=reported), PEGAWAI
            if checkin.feedback is None:
                command: Command = GiveFeedback(index=checkin.index, text="Lanjutkan")
                return command, pejabat_penilai(state)
    if state.stage is Stage.WAWANCARA:
        holder = data.draw(st.sampled_from([pejabat_penilai(state), TIM_PENILAI]))
        if not state.dialogues and data.draw(st.booleans()):
            return ScheduleDialogue(scheduled_for=now, participants=(OWNER,)), holder
        participants = (OWNER, *([state.supervisor_nip] if state.supervisor_nip else []))
        command = RecordDialogue(held_at=now, participants=participants, notes="Dialog kinerja")
        return command, holder
    if state.stage is Stage.PENILAIAN:
        result, keberatan = state.result, state.keberatan
        if result is None or (result.delivered_at is None and data.draw(st.booleans())):
            hasil_kerja, perilaku = data.draw(ratings), data.draw(ratings)
            rater = data.draw(st.sampled_from([pejabat_penilai(state), TIM_PENILAI]))
            return RateAppraisal(hasil_kerja=hasil_kerja, perilaku=perilaku), rater
        if result.delivered_at is None:
            command = DeliverResult(atasan_nip=data.draw(st.sampled_from(ATASAN_CHOICES)))
            return command, data.draw(st.sampled_from([BKPSDM, TIM_PENILAI]))
        if keberatan is None:
            # Object, or let the window close (the clock's job).
            if data.draw(st.booleans()):
                return FileKeberatan(reasons="Capaian triwulan IV belum dihitung"), PEGAWAI
            return None
        if data.draw(st.integers(0, 3)) == 0:
            speaker = data.draw(st.sampled_from([PEGAWAI, pejabat_penilai(state)]))
            return AddKeberatanStatement(text="Keterangan tambahan"), speaker
        if data.draw(st.booleans()):
            decision = DecideKeberatan(outcome=KeberatanOutcome.DITOLAK, reasoning="Tetap")
        else:
            decision = DecideKeberatan(
                outcome=KeberatanOutcome.DIUBAH,
                reasoning="Bukti mendukung",
                hasil_kerja=data.draw(ratings),
                perilaku=data.draw(ratings),
            )
        return decision, atasan_penilai(state)
    if state.stage is Stage.TINDAK_LANJUT:
        # Sometimes a second action, before or while the first is done.
        more = len(state.development) < 3 and data.draw(st.integers(0, 2)) == 0
        for action in () if more else state.development:
            if action.reported_at is None:
                return ReportDevelopmentDone(number=action.number, note="Selesai"), PEGAWAI
            if action.confirmed_at is None:
                return ConfirmDevelopment(number=action.number), pejabat_penilai(state)
        due = None if now < SCHEDULE.tindak_lanjut_due else now + timedelta(days=60)
        command = AssignDevelopment(kind=DevelopmentKind.PELATIHAN, title="Pelatihan", due=due)
        return command, data.draw(st.sampled_from([pejabat_penilai(state), TIM_PENILAI]))
    return None


def atasan_penilai(state: AppraisalState) -> Actor:
    atasan = state.result.atasan_nip if state.result else None
    if atasan is None:
        return BKPSDM
    return person(atasan, Role.ATASAN_PENILAI)


def check_invariants(state: AppraisalState, now: datetime) -> None:
    approved = state.skp.status is SkpStatus.DISETUJUI
    assert approved is (state.stage.position > Stage.PERENCANAAN.position)
    if state.checkins:
        assert approved
        assert state.stage.position >= Stage.PEMANTAUAN.position
    if state.stage is Stage.PEMANTAUAN:
        assert state.checkins
        assert not all(checkin.done for checkin in state.checkins)
    if state.stage is Stage.WAWANCARA:
        assert all(checkin.done for checkin in state.checkins)
    if state.stage is not Stage.SOSIALISASI:
        assert state.acknowledged_at is not None
    # Reports come in order; feedback only answers a report.
    reported = [checkin.report is not None for checkin in state.checkins]
    assert reported == sorted(reported, reverse=True)
    assert all(c.report is not None for c in state.checkins if c.feedback is not None)
    assert [c.index for c in state.checkins] == list(range(1, len(state.checkins) + 1))
    # The risk flag reflects the latest report.
    latest = [checkin for checkin in state.checkins if checkin.report is not None]
    assert state.at_risk is (bool(latest[-1].behind_target) if latest else False)
    kinds = [event.kind for event in state.skp.history]
    assert state.skp.submissions == kinds.count(SkpEventKind.DIAJUKAN)
    assert kinds.count(SkpEventKind.DISETUJUI) == (1 if approved else 0)
    assert state.overdue is is_overdue(state, SCHEDULE, now)
    check_second_half(state)


def check_second_half(state: AppraisalState) -> None:
    position = state.stage.position
    if position >= Stage.WAWANCARA.position:
        assert all(checkin.done for checkin in state.checkins)
    if position >= Stage.PENILAIAN.position:
        assert any(dialogue.held_at is not None for dialogue in state.dialogues)
    assert [d.number for d in state.dialogues] == list(range(1, len(state.dialogues) + 1))
    result, keberatan = state.result, state.keberatan
    if result is None:
        assert position <= Stage.PENILAIAN.position
        assert keberatan is None
    else:
        assert position >= Stage.PENILAIAN.position
        # The predicate always follows the matrix, also after a keberatan changed ratings.
        assert result.predikat is predikat(result.hasil_kerja, result.perilaku)
    if result is None or result.locked_at is None:
        assert position <= Stage.PENILAIAN.position
        if result is not None:
            assert result.credit_percent is None
            assert result.improvement_until is None
            assert not result.promotion_eligible
    else:
        assert position >= Stage.TINDAK_LANJUT.position
        assert result.delivered_at is not None
        assert result.delivered_at <= result.locked_at
        assert result.credit_percent == CREDIT_PERCENT[result.predikat]
        assert result.promotion_eligible is (result.predikat in PROMOTION)
        needs_help = result.predikat in NEEDS_HELP
        assert result.improvement_until == (result.locked_at + SIX_MONTHS if needs_help else None)
        assert (state.stage is Stage.TINDAK_LANJUT) is (
            needs_help and not (state.development and all_confirmed(state))
        )
        if keberatan is None:
            # Only the clock locks an undisputed result, once the window has passed.
            assert result.locked_at >= result.delivered_at + KEBERATAN_WINDOW
    if keberatan is not None:
        assert result is not None
        assert result.delivered_at is not None
        assert result.delivered_at <= keberatan.filed_at < result.delivered_at + KEBERATAN_WINDOW
        decision = keberatan.decision
        assert (decision is not None) is (position > Stage.PENILAIAN.position)
        if decision is not None:
            assert decision.predikat_after is result.predikat
            assert result.locked_at == decision.at
            assert decision.by != OWNER
            if decision.outcome is KeberatanOutcome.DITOLAK:
                assert decision.predikat_before is decision.predikat_after
    if state.development:
        assert state.stage in (Stage.TINDAK_LANJUT, Stage.SELESAI)
        assert result is not None
        assert result.predikat in NEEDS_HELP
    numbers = [action.number for action in state.development]
    assert numbers == list(range(1, len(numbers) + 1))
    for action in state.development:
        assert action.confirmed_at is None or action.reported_at is not None
    if state.stage is Stage.SELESAI:
        assert result is not None
        assert result.locked_at is not None
        assert state.completed_at is not None
        assert state.completed_at >= result.locked_at
        if result.predikat in NEEDS_HELP:
            assert state.development
            assert all_confirmed(state)
            assert state.completed_at == max(
                a.confirmed_at for a in state.development if a.confirmed_at is not None
            )
        else:
            assert state.development == ()
            assert state.completed_at == result.locked_at
    else:
        assert state.completed_at is None


def all_confirmed(state: AppraisalState) -> bool:
    return all(action.confirmed_at is not None for action in state.development)


def window_closes(state: AppraisalState) -> datetime | None:
    return keberatan_window_closes(state, SCHEDULE.keberatan_days)


def check_keberatan_after_the_window_is_refused(state: AppraisalState, now: datetime) -> None:
    """Whatever else happened, once the window has passed the employee cannot object."""
    closes = window_closes(state)
    if closes is None or now < closes:
        return
    snapshot = state.model_copy(deep=True)
    try:
        FileKeberatan(reasons="Terlambat tapi tetap keberatan").apply(
            state, PEGAWAI, context_at(now, SCHEDULE)
        )
    except DomainError:
        assert state == snapshot
        return
    raise AssertionError(f"keberatan accepted at {now}, window closed at {closes}")


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_random_use_keeps_every_invariant(data: st.DataObject) -> None:
    state = state_in(Stage.SOSIALISASI)
    now = START
    accepted: list[str] = []
    changes_of_supervisor = 0
    for _ in range(data.draw(st.integers(1, 80), label="steps")):
        now += timedelta(hours=data.draw(st.integers(0, 24 * 12), label="hours"))
        check_keberatan_after_the_window_is_refused(state, now)
        before = state
        snapshot = state.model_copy(deep=True)

        kind = data.draw(st.integers(0, 9), label="kind")
        if kind == 0:
            # The workflow's timer fired: deliver the earliest notice if it is due.
            planned = earliest_notice(state, SCHEDULE, now)
            if planned is None or planned.at > now:
                continue
            state = with_notice(
                state,
                SCHEDULE,
                planned,
                recipient_role=planned.recipient_role,
                recipient_nip=None,
                at=now,
            )
            assert state.version == before.version + 1
            assert state.stage is before.stage
            assert state.notices[-1].key == planned.key
            check_invariants(state, now)
            continue

        if kind == 1:
            # The workflow's other timer: the keberatan window may have closed.
            closed = close_window_if_due(state, context_at(now, SCHEDULE))
            closes = window_closes(state)
            if closed is None:
                assert state == snapshot
                assert (
                    state.stage is not Stage.PENILAIAN
                    or closes is None
                    or state.keberatan is not None
                    or now < closes
                )
                continue
            accepted.append("window.closed")
            event(f"penilaian -> {closed.stage.value} by the window closing")
            assert before.stage is Stage.PENILAIAN
            assert before.keberatan is None
            assert closes is not None
            assert now >= closes
            assert closed.version == before.version + 1  # the lock is one step
            assert closed.stage in (Stage.TINDAK_LANJUT, Stage.SELESAI)
            assert closed.result is not None
            assert closed.result.locked_at == now
            state = closed
            check_invariants(state, now)
            continue

        step = happy_path(state, data, now) if data.draw(st.booleans(), label="happy") else None
        command, actor = step or (data.draw(any_command), data.draw(st.sampled_from(ACTORS)))
        try:
            state = command.apply(state, actor, context_at(now, SCHEDULE))
        except DomainError:
            assert state == snapshot
            assert state is before
            continue

        accepted.append(command.action)
        assert state.version == before.version + 1
        assert state.stage.position >= before.stage.position
        assert len(state.notices) == len(before.notices)
        if isinstance(command, ChangeSupervisor):
            changes_of_supervisor += 1
            assert actor.has(Role.HR_ADMIN)
            assert state.supervisor_history[-1].previous_nip == before.supervisor_nip
        if isinstance(command, Acknowledge | DraftSkp | SubmitSkp | ReportCheckIn):
            assert actor.nip == OWNER or (
                isinstance(command, DraftSkp | SubmitSkp) and actor.has(Role.TIM_PENILAI)
            )
        if isinstance(command, ApproveSkp | ReturnSkp | GiveFeedback | ConfirmDevelopment):
            assert before.is_pejabat_penilai(actor)
            assert actor.nip != OWNER
        if isinstance(command, ExtendDeadline):
            assert state.due_overrides[command.deadline] == command.new_due
        if isinstance(command, ScheduleDialogue | RecordDialogue | AssignDevelopment):
            assert before.is_pejabat_penilai(actor) or actor.has(Role.TIM_PENILAI)
        if isinstance(command, RateAppraisal):
            assert before.is_pejabat_penilai(actor) or actor.has(Role.TIM_PENILAI)
            assert actor.nip != OWNER
            assert before.result is None or before.result.delivered_at is None
        if isinstance(command, DeliverResult):
            assert actor.has(Role.HR_ADMIN) or actor.has(Role.TIM_PENILAI)
            assert state.result is not None
            assert state.result.delivered_at == now
        if isinstance(command, FileKeberatan):
            closes = window_closes(before)
            assert actor.nip == OWNER
            assert closes is not None
            assert now < closes
        if isinstance(command, AddKeberatanStatement):
            assert before.is_employee(actor) or before.is_pejabat_penilai(actor)
            assert state.stage is Stage.PENILAIAN
        if isinstance(command, DecideKeberatan):
            assert before.is_atasan_penilai(actor)
            assert actor.nip != OWNER
            assert state.stage in (Stage.TINDAK_LANJUT, Stage.SELESAI)  # locked in one step
        if isinstance(command, ReportDevelopmentDone):
            assert actor.nip == OWNER
        if state.stage is not before.stage:
            event(f"{before.stage.value} -> {state.stage.value} by {command.action}")
        check_invariants(state, now)

    event(f"reached {state.stage.value}")
    event(f"at risk: {state.at_risk}")
    assert state.version == 1 + len(accepted) + len(state.notices)
    assert len(state.supervisor_history) == changes_of_supervisor


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_the_happy_path_alone_finishes_monitoring(data: st.DataObject) -> None:
    """Without interference, the right people doing the next step in time reach
    wawancara through every check-in of 2026."""
    state = state_in(Stage.SOSIALISASI)
    now = START
    while state.stage is not Stage.WAWANCARA:
        step = happy_path(state, data, now)
        assert step is not None
        command, actor = step
        now += timedelta(hours=data.draw(st.integers(0, 24)))
        state = command.apply(state, actor, context_at(now, SCHEDULE))
        check_invariants(state, now)
    assert len(state.checkins) == len(SCHEDULE.checkin_dues)
    assert state.skp.submissions >= 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_happy_path_and_the_clock_finish_the_year(data: st.DataObject) -> None:
    """The right people doing the next step, and the clock closing the keberatan window
    when nobody objects, bring every appraisal to selesai."""
    state = state_in(Stage.SOSIALISASI)
    now = START
    for _ in range(200):
        if state.stage is Stage.SELESAI:
            break
        now += timedelta(hours=data.draw(st.integers(0, 24)))
        step = happy_path(state, data, now)
        if step is None:
            # Waiting for the window: the timer fires when it closes.
            closes = window_closes(state)
            assert closes is not None
            now = max(now, closes)
            closed = close_window_if_due(state, context_at(now, SCHEDULE))
            assert closed is not None
            assert closed.version == state.version + 1
            state = closed
        else:
            command, actor = step
            try:
                after = command.apply(state, actor, context_at(now, SCHEDULE))
            except DomainError:
                # The happy path may change its mind: the same rating again in a
                # keberatan is a rejection, not a change.
                assert isinstance(command, DecideKeberatan)
                continue
            assert after.version == state.version + 1
            state = after
        check_invariants(state, now)
    assert state.stage is Stage.SELESAI
    event(f"predikat {state.result.predikat.value if state.result else None}")
    event(f"keberatan: {state.keberatan is not None}")
    assert state.completed_at is not None


@pytest.mark.parametrize(
    ("stage", "options"),
    [
        (Stage.SOSIALISASI, {}),
        (Stage.PERENCANAAN, {}),
        (Stage.PEMANTAUAN, {}),
        (Stage.WAWANCARA, {}),
        (Stage.PENILAIAN, {}),
        (Stage.PENILAIAN, {"ratings": (Rating.DI_ATAS, Rating.DI_BAWAH)}),
        (Stage.PENILAIAN, {"ratings": (Rating.SESUAI, Rating.SESUAI), "delivered": True}),
        (Stage.PENILAIAN, {"ratings": (Rating.DI_BAWAH, Rating.SESUAI), "objected": True}),
        (
            Stage.PENILAIAN,
            {"ratings": (Rating.DI_ATAS, Rating.DI_ATAS), "atasan": None, "delivered": True},
        ),
        (Stage.TINDAK_LANJUT, {}),
        (Stage.TINDAK_LANJUT, {"ratings": (Rating.DI_BAWAH, Rating.DI_BAWAH)}),
        (Stage.TINDAK_LANJUT, {"actions": ("confirmed", "reported", "assigned")}),
        (Stage.SELESAI, {}),
        (Stage.SELESAI, {"ratings": (Rating.DI_ATAS, Rating.DI_ATAS)}),
        (Stage.SELESAI, {"ratings": (Rating.SESUAI, Rating.DI_BAWAH)}),
        (
            Stage.SELESAI,
            {"ratings": (Rating.DI_BAWAH, Rating.SESUAI), "actions": ("confirmed",) * 2},
        ),
    ],
)
def test_the_builders_states_keep_every_invariant(stage: Stage, options: dict[str, Any]) -> None:
    """The states other tests start from are ones the machine could reach."""
    state = state_in(stage, **options)
    check_invariants(state, START)  # incl. a lock only after the window, or by decision


def test_the_builder_refuses_inconsistent_requests() -> None:
    progress: tuple[ActionProgress, ...] = ("assigned",)
    for stage, options in [
        (Stage.PENILAIAN, {"delivered": True}),  # nothing rated to deliver
        (Stage.WAWANCARA, {"ratings": (Rating.SESUAI, Rating.SESUAI)}),
        (Stage.TINDAK_LANJUT, {"ratings": (Rating.SESUAI, Rating.SESUAI)}),  # baik: no follow-up
        (Stage.TINDAK_LANJUT, {"actions": ("confirmed",)}),  # that would be selesai
        (Stage.SELESAI, {"ratings": (Rating.DI_BAWAH, Rating.SESUAI), "actions": progress}),
        (Stage.PENILAIAN, {"actions": progress}),
    ]:
        with pytest.raises(AssertionError):
            state_in(stage, **options)  # type: ignore[arg-type]
