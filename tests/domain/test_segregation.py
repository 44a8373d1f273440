"""Segregation of duties as a matrix: every command taken in an official role, by every
role that could take it, once on the actor's own appraisal and once on the appraisal of
someone above the actor. Each cell must be refused (NotPermittedError) naming the rule;
a control actor with the same role and no conflict is never refused by that rule."""

from datetime import datetime, timedelta

import pytest

from domain.administrasi import ChangeSupervisor, ExtendDeadline
from domain.appraisal import Actor, Command
from domain.checkin import Rating
from domain.development import DevelopmentKind
from domain.errors import DomainError, NotPermittedError
from domain.keberatan import KeberatanOutcome
from domain.pemantauan import GiveFeedback
from domain.penilaian import DecideKeberatan, RateAppraisal
from domain.perencanaan import ApproveSkp, ReturnSkp
from domain.roles import Role
from domain.segregation import (
    OWN_APPRAISAL,
    OWN_SUPERIOR,
    SELF_APPOINTED,
    require_independent_of_all,
)
from domain.stages import Stage
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment
from domain.wawancara import RecordDialogue, ScheduleDialogue
from tests.domain.builders import HR, OWNER, context_at, state_in
from tests.factories import WIB

NOW = datetime(2026, 12, 10, 9, tzinfo=WIB)
UNDERLING = "199507072019031011"  # someone whose chain runs up through OWNER
PEER_NIP = "199104042016031004"  # another employee, a valid new supervisor
OUTSIDER = "198203032008012012"  # same role, no conflict with OWNER

OFFICIAL_COMMANDS: dict[str, Command] = {
    "approve SKP": ApproveSkp(),
    "return SKP": ReturnSkp(note="Target belum terukur"),
    "feedback": GiveFeedback(index=1, text="Lanjutkan"),
    "schedule dialogue": ScheduleDialogue(scheduled_for=NOW + timedelta(days=1)),
    "record dialogue": RecordDialogue(
        held_at=NOW, participants=(OWNER,), notes="Dialog kinerja akhir tahun"
    ),
    "rate": RateAppraisal(hasil_kerja=Rating.DI_ATAS, perilaku=Rating.DI_ATAS),
    "decide keberatan": DecideKeberatan(
        outcome=KeberatanOutcome.DIUBAH,
        reasoning="Bukti dukung tambahan diterima",
        hasil_kerja=Rating.DI_ATAS,
        perilaku=Rating.DI_ATAS,
    ),
    "assign development": AssignDevelopment(kind=DevelopmentKind.PELATIHAN, title="Pelatihan"),
    "confirm development": ConfirmDevelopment(number=1),
    "extend deadline": ExtendDeadline(
        deadline="sosialisasi_due", new_due=NOW + timedelta(days=30), reason="Cuti melahirkan"
    ),
    "mutasi": ChangeSupervisor(new_supervisor_nip=PEER_NIP, reason="Mutasi jabatan"),
}
ROLES = (Role.HR_ADMIN, Role.TIM_PENILAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI)
STATE = state_in(Stage.PENILAIAN)


def _actor(nip: str, role: Role, superiors: tuple[str, ...] = ()) -> Actor:
    return Actor(subject=nip, nip=nip, roles=frozenset({Role.PEGAWAI, role}), superiors=superiors)


def _own(role: Role) -> Actor:
    return _actor(OWNER, role)


def _below(role: Role) -> Actor:
    return _actor(UNDERLING, role, ("198001012005011999", OWNER))


CONFLICTS = {"own appraisal": (_own, OWN_APPRAISAL), "someone above": (_below, OWN_SUPERIOR)}
CELLS = [
    (name, role, conflict) for name in OFFICIAL_COMMANDS for role in ROLES for conflict in CONFLICTS
]


def _refusal(command: Command, actor: Actor) -> str | None:
    try:
        command.apply(STATE, actor, context_at(NOW))
    except DomainError as error:
        return str(error)
    return None


@pytest.mark.parametrize(("name", "role", "conflict"), CELLS)
def test_no_self_dealing_or_chain_inverting_action_succeeds(
    name: str, role: Role, conflict: str
) -> None:
    make, rule = CONFLICTS[conflict]
    command = OFFICIAL_COMMANDS[name]

    with pytest.raises(NotPermittedError) as refused:
        command.apply(STATE, make(role), context_at(NOW))

    assert str(refused.value) == rule


@pytest.mark.parametrize(("name", "role"), [(n, r) for n in OFFICIAL_COMMANDS for r in ROLES])
def test_an_independent_actor_of_the_same_role_is_not_refused_by_the_rule(
    name: str, role: Role
) -> None:
    outsider = _actor(OUTSIDER, role, ("197001012000031001",))

    assert _refusal(OFFICIAL_COMMANDS[name], outsider) not in (OWN_APPRAISAL, OWN_SUPERIOR)


def test_the_matrix_covers_every_cell() -> None:
    print(f"segregation-of-duties matrix: {len(CELLS)} cells")
    assert len(CELLS) == len(OFFICIAL_COMMANDS) * len(ROLES) * len(CONFLICTS) == 88


def test_hr_cannot_appoint_themselves_pejabat_penilai() -> None:
    hr = _actor(HR, Role.HR_ADMIN)
    command = ChangeSupervisor(new_supervisor_nip=HR, reason="Mengisi kekosongan")

    with pytest.raises(NotPermittedError, match=SELF_APPOINTED):
        command.apply(STATE, hr, context_at(NOW))


def test_an_override_is_refused_for_a_unit_holding_the_actor_or_their_superior() -> None:
    tim = _actor("198506062010011005", Role.TIM_PENILAI, ("197001012000031001",))

    with pytest.raises(NotPermittedError, match=OWN_APPRAISAL):
        require_independent_of_all(tim, [OWNER, "198506062010011005"])
    with pytest.raises(NotPermittedError, match=OWN_SUPERIOR):
        require_independent_of_all(tim, [OWNER, "197001012000031001"])
    require_independent_of_all(tim, [OWNER, PEER_NIP])  # neither: allowed
