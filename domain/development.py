"""What tindak lanjut records: development actions for an employee below expectations,
from assignment through the report to the supervisor's confirmation."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.predikat import NEEDS_DEVELOPMENT, Predikat


class DevelopmentKind(StrEnum):
    PELATIHAN = "pelatihan"  # training
    BIMBINGAN = "bimbingan"  # guidance
    COACHING = "coaching"
    MENTORING = "mentoring"


class DevelopmentAction(BaseModel):
    """A development action for an employee below expectations, tracked to completion."""

    model_config = ConfigDict(frozen=True)

    number: int
    kind: DevelopmentKind
    title: str
    catalogue_code: str | None = None
    due: datetime
    assigned_by: str
    assigned_at: datetime
    reported_at: datetime | None = None
    report_note: str | None = None
    evidence_url: str | None = None
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None


class DevelopmentStatus(StrEnum):
    """Where an employee's tindak lanjut stands, as reports name it."""

    TIDAK_PERLU = "tidak_perlu"  # a predikat that needs no development
    BELUM_DITETAPKAN = "belum_ditetapkan"  # needed, nothing assigned yet
    BERJALAN = "berjalan"  # assigned, not every action confirmed
    SELESAI = "selesai"  # every action confirmed


def development_status(
    predikat: Predikat | None, actions: tuple[DevelopmentAction, ...]
) -> DevelopmentStatus | None:
    """None while there is no predikat (nothing to follow up yet). Actions count even
    when a keberatan has since lifted the predikat: what was assigned is still tracked."""
    if actions:
        done = all(action.confirmed_at is not None for action in actions)
        return DevelopmentStatus.SELESAI if done else DevelopmentStatus.BERJALAN
    if predikat is None:
        return None
    if predikat in NEEDS_DEVELOPMENT:
        return DevelopmentStatus.BELUM_DITETAPKAN
    return DevelopmentStatus.TIDAK_PERLU
