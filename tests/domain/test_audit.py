"""What the audit trail records as decided: every action has exactly one kind, each
decision carries its content (ratings and predikat, outcome, due times, old and new
supervisor, the note or reason that *is* the decision), and free text that only argues a
case (keberatan reasons and statements, a decision's reasoning) is never copied."""

import json
import string
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.administrasi import ChangeSupervisor, ExtendDeadline
from domain.appraisal import Actor, AppraisalState, Command
from domain.audit import (
    APPRAISAL_OPENED,
    EXPORTED,
    EXTENSION_BATCH,
    PERIOD_CLOSED,
    PERIOD_CLOSING,
    PERIOD_COMPLETED,
    PERIOD_RUNNING,
    PERIOD_STARTED,
    RESULT_LOCKED,
    ROSTER_IMPORTED,
    AuditKind,
    actions_of,
    appraisal_decision,
    kind_of,
    locked_decision,
    unit_decision,
)
from domain.checkin import Rating
from domain.development import DevelopmentKind
from domain.distribusi import UnitPredikat
from domain.keberatan import KeberatanOutcome
from domain.notices import NoticeKind
from domain.penilaian import (
    AddKeberatanStatement,
    DecideKeberatan,
    DeliverResult,
    FileKeberatan,
    RateAppraisal,
)
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.predikat import predikat
from domain.stages import Stage
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from domain.unit import FinaliseUnit, RecordOverride, SetUnitPredikat, UnitCommand, UnitState
from tests.domain.builders import (
    ATASAN,
    ATASAN_PENILAI,
    BELOW,
    BKPSDM,
    DELIVERED_AT,
    MEETS,
    OBJECTED_AT,
    PEGAWAI,
    PENILAI,
    SUPERVISOR,
    TIM_PENILAI,
    context_at,
    schedule_2026,
    state_in,
    valid_content,
)
from tests.factories import WIB

SCHEDULE = schedule_2026()
RATED_AT = datetime(2026, 12, 12, 9, tzinfo=WIB)
EARLY = datetime(2026, 1, 10, 9, tzinfo=WIB)  # before sosialisasi_due and skp_draft_due
ratings = st.sampled_from(list(Rating))
# upper case: no key or value of a decision could contain such a run by accident
free_text = st.text(alphabet=string.ascii_uppercase, min_size=12, max_size=60)


def decide(
    state: AppraisalState, actor: Actor, command: Command, at: datetime
) -> tuple[AppraisalState, dict[str, object] | None]:
    """Apply ``command`` and derive its decision as the workflow does."""
    after = command.apply(state, actor, context_at(at, SCHEDULE))
    decision = appraisal_decision(command, state, after, SCHEDULE)
    json.dumps(decision)  # JSON-native: it goes straight into jsonb
    return after, decision


def subclasses(base: type) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *subclasses(sub)]
    return found


def test_every_recorded_action_has_exactly_one_kind() -> None:
    commands = [c.action for c in subclasses(Command) + subclasses(UnitCommand)]
    system = [
        APPRAISAL_OPENED,
        RESULT_LOCKED,
        PERIOD_STARTED,
        PERIOD_RUNNING,
        PERIOD_COMPLETED,
        PERIOD_CLOSING,
        PERIOD_CLOSED,
        ROSTER_IMPORTED,
        EXPORTED,
        EXTENSION_BATCH,
        *(f"deadline.{kind.value}" for kind in NoticeKind),
    ]
    unknown = [action for action in commands + system if kind_of(action) is None]
    assert unknown == []
    every = actions_of(list(AuditKind))
    assert sorted(set(commands + system)) == every  # nothing listed that is never recorded
    per_kind = [actions_of([kind]) for kind in AuditKind]
    assert all(per_kind)  # every kind matches something
    assert sum(len(actions) for actions in per_kind) == len(every)  # and no action twice


def test_who_set_a_predikat_is_two_kinds() -> None:
    assert actions_of([AuditKind.RATING, AuditKind.KEBERATAN_DECISION]) == [
        "keberatan.decided",
        "penilaian.rated",
    ]
    assert kind_of("deadline.eskalasi") is AuditKind.NOTICE
    assert kind_of("something.else") is None


@given(first=st.tuples(ratings, ratings), second=st.tuples(ratings, ratings))
def test_a_rating_records_both_ratings_the_predikat_and_what_it_replaced(
    first: tuple[Rating, Rating], second: tuple[Rating, Rating]
) -> None:
    state = state_in(Stage.PENILAIAN)
    rated, decision = decide(
        state, PENILAI, RateAppraisal(hasil_kerja=first[0], perilaku=first[1]), RATED_AT
    )
    assert decision == {
        "hasil_kerja": first[0].value,
        "perilaku": first[1].value,
        "predikat": predikat(*first).value,
        "previous_predikat": None,
        "suggested_hasil_kerja": "sesuai",
    }
    revised = RateAppraisal(hasil_kerja=second[0], perilaku=second[1], notes="Kalibrasi ulang tim")
    _, decision = decide(rated, TIM_PENILAI, revised, RATED_AT + timedelta(hours=1))
    assert decision is not None
    assert (decision["predikat"], decision["previous_predikat"]) == (
        predikat(*second).value,
        predikat(*first).value,
    )
    assert "Kalibrasi" not in json.dumps(decision)  # a rating's notes are not the decision


@given(reasons=free_text, statement=free_text, reasoning=free_text)
def test_a_keberatan_is_recorded_as_filed_heard_and_decided_without_its_text(
    reasons: str, statement: str, reasoning: str
) -> None:
    delivered = state_in(Stage.PENILAIAN, ratings=BELOW, delivered=True)
    filed, on_filing = decide(delivered, PEGAWAI, FileKeberatan(reasons=reasons), OBJECTED_AT)
    assert on_filing == {"filed": True, "predikat": "butuh_perbaikan"}
    heard, on_statement = decide(
        filed, PENILAI, AddKeberatanStatement(text=statement), OBJECTED_AT + timedelta(days=1)
    )
    assert on_statement == {"statement": 1, "role": "pejabat_penilai"}
    command = DecideKeberatan(
        outcome=KeberatanOutcome.DIUBAH,
        reasoning=reasoning,
        hasil_kerja=Rating.SESUAI,
        perilaku=Rating.SESUAI,
    )
    _, on_decision = decide(heard, ATASAN_PENILAI, command, OBJECTED_AT + timedelta(days=3))
    assert on_decision == {
        "outcome": "diubah",
        "hasil_kerja": "sesuai",
        "perilaku": "sesuai",
        "predikat": "baik",
        "predikat_before": "butuh_perbaikan",
        "predikat_after": "baik",
        "promotion_eligible": True,
        "credit_percent": 100,
        "improvement_until": None,
    }
    trail = json.dumps([on_filing, on_statement, on_decision])
    for text in (reasons, statement, reasoning):
        assert text not in trail


def test_delivery_names_who_hears_a_keberatan_and_until_when() -> None:
    rated = state_in(Stage.PENILAIAN, ratings=BELOW)
    _, decision = decide(rated, BKPSDM, DeliverResult(atasan_nip=ATASAN), DELIVERED_AT)
    assert decision == {
        "predikat": "butuh_perbaikan",
        "atasan_nip": ATASAN,
        "keberatan_until": (DELIVERED_AT + timedelta(days=SCHEDULE.keberatan_days)).isoformat(),
    }


def test_a_lock_records_the_final_predikat_and_its_consequences() -> None:
    locked = state_in(Stage.TINDAK_LANJUT)
    decision = locked_decision(locked)
    assert decision["predikat"] == "butuh_perbaikan"
    assert decision["promotion_eligible"] is False
    assert decision["improvement_until"] is not None
    assert locked_decision(state_in(Stage.SOSIALISASI)) == {}


def test_an_skp_decision_keeps_its_note_and_a_draft_keeps_nothing() -> None:
    state = state_in(Stage.PERENCANAAN)
    drafted, on_draft = decide(state, PEGAWAI, DraftSkp(content=valid_content()), EARLY)
    submitted, on_submit = decide(drafted, PEGAWAI, SubmitSkp(), EARLY)
    assert (on_draft, on_submit) == (None, None)
    returned, on_return = decide(submitted, PENILAI, ReturnSkp(note="Target belum terukur"), EARLY)
    assert on_return == {"status": "dikembalikan", "note": "Target belum terukur"}
    redrafted, _ = decide(returned, PEGAWAI, DraftSkp(content=valid_content()), EARLY)
    resubmitted, _ = decide(redrafted, PEGAWAI, SubmitSkp(), EARLY)
    _, on_approval = decide(resubmitted, PENILAI, ApproveSkp(), EARLY)
    assert on_approval == {"status": "disetujui", "note": None}


def test_an_extension_records_the_deadline_its_old_and_new_due_time_and_why() -> None:
    state = state_in(Stage.SOSIALISASI)
    new_due = SCHEDULE.sosialisasi_due + timedelta(days=7)
    command = ExtendDeadline(deadline="sosialisasi_due", new_due=new_due, reason="Dinas luar")
    extended, decision = decide(state, BKPSDM, command, EARLY)
    assert decision == {
        "deadline": "sosialisasi_due",
        "previous_due": SCHEDULE.sosialisasi_due.isoformat(),
        "new_due": new_due.isoformat(),
        "reason": "Dinas luar",
    }
    later = new_due + timedelta(days=7)
    again = ExtendDeadline(deadline="sosialisasi_due", new_due=later, reason="Masih dinas")
    _, decision = decide(extended, BKPSDM, again, EARLY)
    assert decision is not None
    assert (decision["previous_due"], decision["new_due"]) == (
        new_due.isoformat(),
        later.isoformat(),
    )


def test_a_mutasi_records_the_old_and_the_new_supervisor() -> None:
    state = state_in(Stage.PERENCANAAN)
    command = ChangeSupervisor(new_supervisor_nip=ATASAN, reason="Mutasi ke bidang lain")
    _, decision = decide(state, BKPSDM, command, EARLY)
    assert decision == {
        "previous_supervisor_nip": SUPERVISOR,
        "new_supervisor_nip": ATASAN,
        "reason": "Mutasi ke bidang lain",
    }


def test_development_is_recorded_as_assigned_reported_and_confirmed() -> None:
    state = state_in(Stage.TINDAK_LANJUT)
    at = datetime(2027, 1, 5, 9, tzinfo=WIB)
    due = SCHEDULE.tindak_lanjut_due
    assign = AssignDevelopment(kind=DevelopmentKind.PELATIHAN, title="Pelatihan dasar")
    assigned, on_assign = decide(state, PENILAI, assign, at)
    assert on_assign == {
        "number": 1,
        "kind": "pelatihan",
        "title": "Pelatihan dasar",
        "catalogue_code": None,
        "due": due.isoformat(),
    }
    report = ReportDevelopmentDone(number=1, note="Sertifikat 40 JP terlampir")
    reported, on_report = decide(assigned, PEGAWAI, report, at + timedelta(days=20))
    assert on_report == {"number": 1}
    _, on_confirm = decide(reported, PENILAI, ConfirmDevelopment(number=1), at + timedelta(days=21))
    assert on_confirm == {"number": 1, "completed": True}


def test_a_decision_the_state_cannot_show_is_none_not_an_error() -> None:
    """Workflows derive decisions while replaying old histories: never raise there."""
    state = state_in(Stage.PENILAIAN)
    rate = RateAppraisal(hasil_kerja=Rating.SESUAI, perilaku=Rating.SESUAI)
    assert appraisal_decision(rate, state, state, SCHEDULE) is None
    decide_ = DecideKeberatan(outcome=KeberatanOutcome.DITOLAK, reasoning="Sudah sesuai bukti")
    assert appraisal_decision(decide_, state, state, SCHEDULE) is None


def test_unit_decisions_carry_the_predikat_the_override_reason_and_its_violations() -> None:
    state = UnitState(period_id="2026", unit_code="U", agency_code="A")
    set_ = SetUnitPredikat(predikat=UnitPredikat.BAIK)
    with_predikat = set_.apply(state, BKPSDM)
    assert unit_decision(set_.action, with_predikat) == {"unit_predikat": "baik"}
    override = RecordOverride(reason="Unit baru dibentuk pertengahan tahun")
    overridden = override.apply(
        with_predikat, TIM_PENILAI, [predikat(*MEETS)] * 3, datetime(2026, 12, 14, tzinfo=WIB)
    )
    decision = unit_decision(override.action, overridden)
    assert decision is not None
    assert decision["reason"] == "Unit baru dibentuk pertengahan tahun"
    assert decision["violations"] and all("rule" in v for v in decision["violations"])
    json.dumps(decision)
    finalised = overridden.changed(delivered=3)
    assert unit_decision(FinaliseUnit.action, finalised, {"members": 3}) == {
        "unit_predikat": "baik",
        "overridden": True,
        "delivered": 3,
        "members": 3,
    }
