"""Reminders and escalations: who owes which step, and who is told when it is late.

Before a step's due time the actor who owes it is reminded; from the due time on, each
escalation interval tells one level further up the chain (pegawai → pejabat penilai →
atasan penilai → BKPSDM), and BKPSDM keeps being told until the step is done.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.roles import Role
from domain.stages import Stage


class StepKind(StrEnum):
    """A human step with a due time."""

    SOSIALISASI = "sosialisasi"  # employee acknowledges the briefing
    SKP_PENYUSUNAN = "skp_penyusunan"  # employee drafts and submits the SKP
    SKP_REVISI = "skp_revisi"  # employee revises a returned SKP
    SKP_PERSETUJUAN = "skp_persetujuan"  # pejabat penilai approves or returns it
    PEMANTAUAN_LAPORAN = "pemantauan_laporan"  # employee reports a check-in
    PEMANTAUAN_UMPAN_BALIK = "pemantauan_umpan_balik"  # pejabat penilai gives feedback
    WAWANCARA = "wawancara"  # a performance dialogue is held and recorded
    PENILAIAN = "penilaian"  # pejabat penilai rates results and behaviour
    KEBERATAN_PUTUSAN = "keberatan_putusan"  # atasan penilai decides an objection
    TINDAK_LANJUT_PENUGASAN = "tindak_lanjut_penugasan"  # a development action is assigned
    TINDAK_LANJUT_PELAKSANAAN = "tindak_lanjut_pelaksanaan"  # employee completes it
    TINDAK_LANJUT_KONFIRMASI = "tindak_lanjut_konfirmasi"  # pejabat penilai confirms it


STEP_TITLES = {
    StepKind.SOSIALISASI: "Menyatakan telah mengikuti sosialisasi",
    StepKind.SKP_PENYUSUNAN: "Menyusun dan mengajukan SKP",
    StepKind.SKP_REVISI: "Memperbaiki SKP yang dikembalikan",
    StepKind.SKP_PERSETUJUAN: "Menyetujui atau mengembalikan SKP",
    StepKind.PEMANTAUAN_LAPORAN: "Melaporkan realisasi pemantauan",
    StepKind.PEMANTAUAN_UMPAN_BALIK: "Memberi umpan balik pemantauan",
    StepKind.WAWANCARA: "Mengadakan dan mencatat dialog kinerja",
    StepKind.PENILAIAN: "Menilai hasil kerja dan perilaku kerja",
    StepKind.KEBERATAN_PUTUSAN: "Memutus keberatan",
    StepKind.TINDAK_LANJUT_PENUGASAN: "Menetapkan tindak lanjut pengembangan",
    StepKind.TINDAK_LANJUT_PELAKSANAAN: "Menyelesaikan tindak lanjut pengembangan",
    StepKind.TINDAK_LANJUT_KONFIRMASI: "Mengonfirmasi tindak lanjut pengembangan",
}


# The stage each step belongs to: what a dashboard counts escalations under.
STEP_STAGES = {
    StepKind.SOSIALISASI: Stage.SOSIALISASI,
    StepKind.SKP_PENYUSUNAN: Stage.PERENCANAAN,
    StepKind.SKP_REVISI: Stage.PERENCANAAN,
    StepKind.SKP_PERSETUJUAN: Stage.PERENCANAAN,
    StepKind.PEMANTAUAN_LAPORAN: Stage.PEMANTAUAN,
    StepKind.PEMANTAUAN_UMPAN_BALIK: Stage.PEMANTAUAN,
    StepKind.WAWANCARA: Stage.WAWANCARA,
    StepKind.PENILAIAN: Stage.PENILAIAN,
    StepKind.KEBERATAN_PUTUSAN: Stage.PENILAIAN,
    StepKind.TINDAK_LANJUT_PENUGASAN: Stage.TINDAK_LANJUT,
    StepKind.TINDAK_LANJUT_PELAKSANAAN: Stage.TINDAK_LANJUT,
    StepKind.TINDAK_LANJUT_KONFIRMASI: Stage.TINDAK_LANJUT,
}


class PendingStep(BaseModel):
    """A step someone owes now. ``key`` names this occurrence (a resubmitted SKP is a new
    approval step), so notices are counted per occurrence."""

    model_config = ConfigDict(frozen=True)

    key: str
    kind: StepKind
    owed_by: Role
    due: datetime
    deadline: str | None = Field(
        description="The deadline key HR extends to move ``due``; None when it follows from "
        "another event (e.g. a keberatan's filing) and is not extended on its own."
    )


class NoticeKind(StrEnum):
    PENGINGAT = "pengingat"  # reminder before the due time
    ESKALASI = "eskalasi"  # escalation after it
    PENGALIHAN = "pengalihan"  # the step was re-routed to a new supervisor


class Notice(BaseModel):
    """A reminder or escalation that was sent: who was told, when, about what."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="Unique per appraisal: step occurrence, due, kind, level.")
    step_key: str
    step: StepKind
    kind: NoticeKind
    level: int = Field(ge=0, description="0 for a reminder, 1.. for escalation levels.")
    recipient_role: Role
    recipient_nip: str | None = Field(description="None when BKPSDM as a whole is told.")
    due: datetime
    at: datetime


class PlannedNotice(BaseModel):
    """The next notice for a step: when, what kind, which level, to which role."""

    model_config = ConfigDict(frozen=True)

    step: PendingStep
    kind: NoticeKind
    level: int
    recipient_role: Role
    at: datetime

    @property
    def key(self) -> str:
        return f"{self.step.key}@{self.step.due.isoformat()}/{self.kind.value}/{self.level}"


ESCALATION_LADDER: dict[Role, tuple[Role, ...]] = {
    Role.PEGAWAI: (Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI, Role.HR_ADMIN),
    Role.PEJABAT_PENILAI: (Role.ATASAN_PENILAI, Role.HR_ADMIN),
    Role.ATASAN_PENILAI: (Role.HR_ADMIN,),
}


def escalation_recipient(owed_by: Role, level: int) -> Role:
    """Who hears about a late step at escalation ``level`` (1 = one level up)."""
    ladder = ESCALATION_LADDER[owed_by]
    return ladder[min(level, len(ladder)) - 1]


def notice_recipient(
    role: Role, nip: str, supervisor_nip: str | None, atasan_nip: str | None
) -> tuple[Role, str | None]:
    """Who ``role`` is for employee ``nip``, given the pejabat penilai and the atasan
    penilai (the pejabat penilai's own supervisor). Where the chain ends, BKPSDM
    (``HR_ADMIN``, no NIP) stands in, so nobody's escalation falls into a gap."""
    if role is Role.PEGAWAI:
        return role, nip
    if role is Role.PEJABAT_PENILAI and supervisor_nip:
        return role, supervisor_nip
    if role is Role.ATASAN_PENILAI and supervisor_nip and atasan_nip:
        return role, atasan_nip
    return Role.HR_ADMIN, None
