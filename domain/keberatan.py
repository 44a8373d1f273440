"""A keberatan (objection) to the result: what the employee and others stated, and the
atasan penilai's final decision."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.predikat import Predikat


class KeberatanOutcome(StrEnum):
    DITOLAK = "ditolak"  # objection rejected: the result stands
    DIUBAH = "diubah"  # the ratings are changed


class KeberatanStatement(BaseModel):
    model_config = ConfigDict(frozen=True)

    by: str
    role: str
    text: str
    at: datetime


class KeberatanDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: KeberatanOutcome
    reasoning: str
    predikat_before: Predikat
    predikat_after: Predikat
    by: str
    at: datetime


class Keberatan(BaseModel):
    """An objection to the result, heard by the atasan penilai, whose decision is final."""

    model_config = ConfigDict(frozen=True)

    filed_at: datetime
    reasons: str
    statements: tuple[KeberatanStatement, ...] = ()
    decision: KeberatanDecision | None = None


class KeberatanStatus(StrEnum):
    """Where an objection stands, as reports name it."""

    TIDAK_ADA = "tidak_ada"  # none filed
    DIAJUKAN = "diajukan"  # filed, awaiting the atasan penilai's decision
    DIPUTUS = "diputus"  # decided; the decision is final


def keberatan_status(keberatan: Keberatan | None) -> KeberatanStatus:
    if keberatan is None:
        return KeberatanStatus.TIDAK_ADA
    return KeberatanStatus.DIAJUKAN if keberatan.decision is None else KeberatanStatus.DIPUTUS
