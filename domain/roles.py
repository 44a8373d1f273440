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
