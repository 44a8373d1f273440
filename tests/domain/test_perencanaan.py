"""Perencanaan: the employee drafts the SKP and submits it; the pejabat penilai approves
it (monitoring starts with the check-ins still ahead) or returns it with a note, as often
as needed. The tim penilai may draft for an employee who missed the draft deadline."""

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from domain.appraisal import Actor, AppraisalState, Command
from domain.errors import DomainError, NotPermittedError, WrongStateError
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.roles import Role
from domain.skp import SkpEventKind, SkpStatus
from domain.stages import Stage
from tests.domain.builders import (
    BKPSDM,
    HR,
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
    valid_content,
)
from tests.factories import WIB

SCHEDULE = schedule_2026()
BEFORE_DRAFT_DUE = datetime(2026, 1, 16, 9, tzinfo=WIB)
DRAFT_DUE = SCHEDULE.skp_draft_due
AFTER_DRAFT_DUE = DRAFT_DUE + timedelta(days=1)
STRANGER = person("197001012000031001")
OTHER_SUPERVISOR = person("198806062012032006", Role.PEJABAT_PENILAI)


def run(state: AppraisalState, actor: Actor, command: Command, at: datetime) -> AppraisalState:
    """Apply ``command``, checking the version moved by exactly one."""
    after = command.apply(state, actor, context_at(at))
    assert after.version == state.version + 1
    return after


def refuse(
    state: AppraisalState,
    actor: Actor,
    command: Command,
    at: datetime,
    error: type[DomainError],
) -> None:
    """``command`` is refused with ``error`` and the state stays exactly as it was."""
    snapshot = state.model_copy(deep=True)
    with pytest.raises(error):
        command.apply(state, actor, context_at(at))
    assert state == snapshot


def drafted(at: datetime = BEFORE_DRAFT_DUE) -> AppraisalState:
    return run(state_in(Stage.PERENCANAAN), PEGAWAI, DraftSkp(content=valid_content()), at)


def submitted(at: datetime = BEFORE_DRAFT_DUE) -> AppraisalState:
    return run(drafted(at), PEGAWAI, SubmitSkp(), at)


def test_draft_submit_approve_opens_monitoring_with_every_check_in() -> None:
    """Approved in January, the SKP gets all three quarterly check-ins of 2026."""
    state = state_in(Stage.PERENCANAAN)
    state = run(state, PEGAWAI, DraftSkp(content=valid_content()), BEFORE_DRAFT_DUE)
    assert state.skp.status is SkpStatus.DRAF
    assert state.skp.content == valid_content()
    assert state.stage is Stage.PERENCANAAN
    state = run(state, PEGAWAI, SubmitSkp(), BEFORE_DRAFT_DUE)
    assert state.skp.status is SkpStatus.DIAJUKAN
    assert state.skp.submissions == 1
    approved_at = BEFORE_DRAFT_DUE + timedelta(days=2)
    state = run(state, PENILAI, ApproveSkp(note="Sesuai rencana dinas"), approved_at)
    assert state.stage is Stage.PEMANTAUAN
    assert state.skp.status is SkpStatus.DISETUJUI
    assert [c.index for c in state.checkins] == [1, 2, 3]
    assert tuple(c.due for c in state.checkins) == SCHEDULE.checkin_dues
    assert all(c.report is None and c.feedback is None for c in state.checkins)
    assert [e.kind for e in state.skp.history] == [
        SkpEventKind.DISUSUN,
        SkpEventKind.DIAJUKAN,
        SkpEventKind.DISETUJUI,
    ]
    approval = state.skp.history[-1]
    assert (approval.by, approval.at, approval.note) == (
        SUPERVISOR,
        approved_at,
        "Sesuai rencana dinas",
    )
    assert state.version == state_in(Stage.PERENCANAAN).version + 3


@pytest.mark.parametrize(
    ("approved_at", "expected_dues"),
    [
        (datetime(2026, 5, 1, 9, tzinfo=WIB), 2),
        (datetime(2026, 7, 1, 9, tzinfo=WIB), 1),
        # A due exactly at approval time is already past: there was no agreed target yet.
        (SCHEDULE.checkin_dues[0], 2),
        (SCHEDULE.checkin_dues[0] - timedelta(seconds=1), 3),
    ],
)
def test_late_approval_creates_only_the_check_ins_still_ahead(
    approved_at: datetime, expected_dues: int
) -> None:
    state = run(submitted(), PENILAI, ApproveSkp(), approved_at)
    assert state.stage is Stage.PEMANTAUAN
    assert all(c.due > approved_at for c in state.checkins)
    assert tuple(c.due for c in state.checkins) == SCHEDULE.checkin_dues[-expected_dues:]
    # Renumbered from one: the first check-in after approval is the employee's first.
    assert [c.index for c in state.checkins] == list(range(1, expected_dues + 1))


def test_approval_after_the_last_check_in_goes_straight_to_wawancara() -> None:
    state = run(submitted(), PENILAI, ApproveSkp(), datetime(2026, 10, 15, 9, tzinfo=WIB))
    assert state.stage is Stage.WAWANCARA
    assert state.checkins == ()
    assert state.skp.status is SkpStatus.DISETUJUI


def test_returned_twice_then_approved_keeps_the_whole_back_and_forth() -> None:
    state = submitted()
    at = BEFORE_DRAFT_DUE
    for round_number, note in enumerate(["Target terlalu rendah", "Indikator kurang jelas"], 1):
        at += timedelta(hours=1)
        state = run(state, PENILAI, ReturnSkp(note=note), at)
        assert state.skp.status is SkpStatus.DIKEMBALIKAN
        assert state.skp.history[-1].note == note
        assert state.skp.submissions == round_number
        assert state.stage is Stage.PERENCANAAN
        state = run(state, PEGAWAI, DraftSkp(content=valid_content(3)), at)
        state = run(state, PEGAWAI, SubmitSkp(), at)
    state = run(state, PENILAI, ApproveSkp(), at + timedelta(hours=1))
    assert state.stage is Stage.PEMANTAUAN
    assert state.skp.submissions == 3
    assert state.skp.content == valid_content(3)
    assert [e.kind for e in state.skp.history] == [
        SkpEventKind.DISUSUN,
        SkpEventKind.DIAJUKAN,
        SkpEventKind.DIKEMBALIKAN,
        SkpEventKind.DISUSUN,
        SkpEventKind.DIAJUKAN,
        SkpEventKind.DIKEMBALIKAN,
        SkpEventKind.DISUSUN,
        SkpEventKind.DIAJUKAN,
        SkpEventKind.DISETUJUI,
    ]
    assert [e.by for e in state.skp.history].count(SUPERVISOR) == 3


def test_a_returned_skp_must_be_revised_before_it_is_resubmitted() -> None:
    returned = run(submitted(), PENILAI, ReturnSkp(note="Perbaiki target"), BEFORE_DRAFT_DUE)
    refuse(returned, PEGAWAI, SubmitSkp(), BEFORE_DRAFT_DUE, WrongStateError)


@pytest.mark.parametrize("note", [None, "", "ok"])
def test_returning_needs_a_note(note: str | None) -> None:
    """The employee must learn what to change."""
    with pytest.raises(ValidationError, match="note"):
        ReturnSkp.model_validate({} if note is None else {"note": note})


def test_a_blank_note_is_no_note() -> None:
    """Whitespace passes a length check but tells the employee nothing."""
    with pytest.raises(ValidationError):
        ReturnSkp(note="     ")


def test_the_employee_drafts_before_and_after_the_draft_deadline() -> None:
    for at in (BEFORE_DRAFT_DUE, AFTER_DRAFT_DUE + timedelta(days=30)):
        state = run(state_in(Stage.PERENCANAAN), PEGAWAI, DraftSkp(content=valid_content()), at)
        assert state.skp.history[-1].by == OWNER


def test_the_tim_penilai_may_not_draft_before_the_deadline() -> None:
    refuse(
        state_in(Stage.PERENCANAAN),
        TIM_PENILAI,
        DraftSkp(content=valid_content()),
        DRAFT_DUE - timedelta(seconds=1),
        NotPermittedError,
    )


@pytest.mark.parametrize("at", [DRAFT_DUE, AFTER_DRAFT_DUE])
def test_the_tim_penilai_drafts_and_submits_once_the_deadline_passed(at: datetime) -> None:
    state = run(state_in(Stage.PERENCANAAN), TIM_PENILAI, DraftSkp(content=valid_content()), at)
    state = run(state, TIM_PENILAI, SubmitSkp(), at)
    assert state.skp.status is SkpStatus.DIAJUKAN
    assert [e.by for e in state.skp.history] == [TIM, TIM]
    state = run(state, PENILAI, ApproveSkp(), at)
    assert state.stage is Stage.PEMANTAUAN


def test_the_tim_penilai_waits_for_an_extended_draft_deadline() -> None:
    """HR's extension for this employee also postpones the tim penilai's takeover."""
    extended = DRAFT_DUE + timedelta(days=7)
    state = state_in(Stage.PERENCANAAN, due_overrides={"skp_draft_due": extended})
    refuse(
        state, TIM_PENILAI, DraftSkp(content=valid_content()), AFTER_DRAFT_DUE, NotPermittedError
    )
    after = run(state, TIM_PENILAI, DraftSkp(content=valid_content()), extended)
    assert after.skp.status is SkpStatus.DRAF


def test_the_tim_penilai_cannot_submit_the_employees_draft_early() -> None:
    refuse(drafted(), TIM_PENILAI, SubmitSkp(), BEFORE_DRAFT_DUE, NotPermittedError)


@pytest.mark.parametrize(
    "actor",
    [PENILAI, BKPSDM, STRANGER, person(HR, *Role)],
    ids=["pejabat_penilai", "hr_admin", "stranger", "every_role_before_the_deadline"],
)
def test_nobody_else_drafts_or_submits_before_the_deadline(actor: Actor) -> None:
    refuse(
        state_in(Stage.PERENCANAAN),
        actor,
        DraftSkp(content=valid_content()),
        BEFORE_DRAFT_DUE,
        NotPermittedError,
    )
    refuse(drafted(), actor, SubmitSkp(), BEFORE_DRAFT_DUE, NotPermittedError)


@pytest.mark.parametrize(
    "actor",
    [PENILAI, BKPSDM, STRANGER],
    ids=["pejabat_penilai", "hr_admin", "stranger"],
)
def test_only_the_employee_and_tim_penilai_draft_after_the_deadline(actor: Actor) -> None:
    refuse(
        state_in(Stage.PERENCANAAN),
        actor,
        DraftSkp(content=valid_content()),
        AFTER_DRAFT_DUE,
        NotPermittedError,
    )


@pytest.mark.parametrize(
    "actor",
    [PEGAWAI, TIM_PENILAI, BKPSDM, OTHER_SUPERVISOR, STRANGER, person(OWNER, *Role)],
    ids=["pegawai", "tim", "hr", "other_supervisor", "stranger", "owner_with_every_role"],
)
@pytest.mark.parametrize(
    "command", [ApproveSkp(), ReturnSkp(note="Perbaiki indikator")], ids=["approve", "return"]
)
def test_only_the_pejabat_penilai_decides(actor: Actor, command: Command) -> None:
    """The role alone is not enough: it must be this employee's supervisor."""
    refuse(submitted(), actor, command, AFTER_DRAFT_DUE, NotPermittedError)


@pytest.mark.parametrize(
    "command", [ApproveSkp(), ReturnSkp(note="Perbaiki indikator")], ids=["approve", "return"]
)
def test_hr_decides_for_a_head_of_agency(command: Command) -> None:
    """A head of agency has no supervisor in the tree; HR stands in for the regional head."""
    state = submitted().model_copy(update={"supervisor_nip": None})
    refuse(state, PENILAI, command, AFTER_DRAFT_DUE, NotPermittedError)
    refuse(state, PEGAWAI, command, AFTER_DRAFT_DUE, NotPermittedError)
    after = run(state, BKPSDM, command, AFTER_DRAFT_DUE)
    assert after.skp.history[-1].by == HR
    assert after.skp.status in (SkpStatus.DISETUJUI, SkpStatus.DIKEMBALIKAN)


@pytest.mark.parametrize("stage", [Stage.SOSIALISASI, Stage.PEMANTAUAN, Stage.WAWANCARA])
@pytest.mark.parametrize(
    "command",
    [DraftSkp(content=valid_content()), SubmitSkp()],
    ids=["draft", "submit"],
)
def test_the_skp_changes_only_in_perencanaan(stage: Stage, command: Command) -> None:
    refuse(state_in(stage), PEGAWAI, command, BEFORE_DRAFT_DUE, WrongStateError)


@pytest.mark.parametrize("stage", [Stage.SOSIALISASI, Stage.PEMANTAUAN, Stage.SELESAI])
@pytest.mark.parametrize(
    "command", [ApproveSkp(), ReturnSkp(note="Perbaiki indikator")], ids=["approve", "return"]
)
def test_decisions_only_in_perencanaan(stage: Stage, command: Command) -> None:
    refuse(state_in(stage), PENILAI, command, BEFORE_DRAFT_DUE, WrongStateError)


def test_nothing_to_submit_before_a_draft() -> None:
    refuse(state_in(Stage.PERENCANAAN), PEGAWAI, SubmitSkp(), BEFORE_DRAFT_DUE, WrongStateError)


def test_submitting_twice_is_refused() -> None:
    refuse(submitted(), PEGAWAI, SubmitSkp(), BEFORE_DRAFT_DUE, WrongStateError)


def test_a_submitted_skp_cannot_be_rewritten_while_waiting() -> None:
    refuse(
        submitted(), PEGAWAI, DraftSkp(content=valid_content(3)), BEFORE_DRAFT_DUE, WrongStateError
    )


@pytest.mark.parametrize(
    "command", [ApproveSkp(), ReturnSkp(note="Perbaiki indikator")], ids=["approve", "return"]
)
def test_only_a_submitted_skp_is_decided(command: Command) -> None:
    refuse(state_in(Stage.PERENCANAAN), PENILAI, command, BEFORE_DRAFT_DUE, WrongStateError)
    refuse(drafted(), PENILAI, command, BEFORE_DRAFT_DUE, WrongStateError)
    returned = run(submitted(), PENILAI, ReturnSkp(note="Perbaiki target"), BEFORE_DRAFT_DUE)
    refuse(returned, PENILAI, command, BEFORE_DRAFT_DUE, WrongStateError)


def test_redrafting_before_submission_replaces_the_content() -> None:
    state = run(drafted(), PEGAWAI, DraftSkp(content=valid_content(4)), BEFORE_DRAFT_DUE)
    assert state.skp.content == valid_content(4)
    assert state.skp.submissions == 0
    assert [e.kind for e in state.skp.history] == [SkpEventKind.DISUSUN, SkpEventKind.DISUSUN]


def test_a_new_supervisor_decides_after_a_mutasi() -> None:
    """After the pejabat penilai changes, the old one can no longer decide."""
    state = submitted().model_copy(update={"supervisor_nip": OTHER_SUPERVISOR.nip})
    refuse(state, PENILAI, ApproveSkp(), AFTER_DRAFT_DUE, NotPermittedError)
    after = run(state, OTHER_SUPERVISOR, ApproveSkp(), AFTER_DRAFT_DUE)
    assert after.skp.status is SkpStatus.DISETUJUI
