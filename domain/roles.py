"""Roles of the people who take part in an appraisal cycle."""

from enum import StrEnum


class Role(StrEnum):
    """What a person may do. ``pegawai`` is every employee; the rest are granted."""

    PEGAWAI = "pegawai"  # the employee being appraised
    PEJABAT_PENILAI = "pejabat_penilai"  # direct supervisor (atasan langsung)
    ATASAN_PENILAI = "atasan_penilai"  # the supervisor's supervisor
    TIM_PENILAI = "tim_penilai"  # agency evaluation team (pengelola kinerja)
    HR_ADMIN = "hr_admin"  # BKPSDM, the regional civil-service agency
    AUDITOR = "auditor"  # inspectorate, read-only


# Granted by the organisation roster (its columns hr_admin, tim_penilai, auditor); the rest
# follow from the tree: everyone is pegawai, anyone with active staff is a pejabat penilai.
ROSTER_GRANTED = frozenset({Role.HR_ADMIN, Role.TIM_PENILAI, Role.AUDITOR})


def roster_roles(
    *, is_hr_admin: bool, is_tim_penilai: bool, is_auditor: bool, is_supervisor: bool
) -> frozenset[Role]:
    """The roles the organisation gives one employee."""
    flags = {
        Role.PEJABAT_PENILAI: is_supervisor,
        Role.TIM_PENILAI: is_tim_penilai,
        Role.HR_ADMIN: is_hr_admin,
        Role.AUDITOR: is_auditor,
    }
    return frozenset({Role.PEGAWAI} | {role for role, held in flags.items() if held})


def narrowed(roles: frozenset[Role], allowed: frozenset[str]) -> frozenset[Role]:
    """``roles`` with each roster grant kept only if ``allowed`` also names it: a token's
    roles may take a grant away, never add one."""
    return frozenset(role for role in roles if role not in ROSTER_GRANTED or role in allowed)
