"""What the second half of the year records: performance dialogues, the rating and its
predicate, a keberatan (objection) and its decision, and development actions."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.checkin import Rating
from domain.predikat import Predikat


class FollowUpKind(StrEnum):
    COACHING = "coaching"
    MENTORING = "mentoring"
    KONSELING = "konseling"  # counselling


class FollowUp(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: FollowUpKind
    note: str = Field(min_length=3, max_length=1000)


class Dialogue(BaseModel):
    """A documented performance dialogue (wawancara / dialog kinerja)."""

    model_config = ConfigDict(frozen=True)

    number: int
    scheduled_for: datetime | None = None
    held_at: datetime | None = None
    participants: tuple[str, ...] = ()
    notes: str | None = None
    agreed_actions: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    recorded_by: str | None = None


class Result(BaseModel):
    """The rating, its predicate and what follows from it."""

    model_config = ConfigDict(frozen=True)

    hasil_kerja: Rating
    perilaku: Rating
    predikat: Predikat
    suggested_hasil_kerja: Rating | None = Field(
        default=None, description="What the indicator realisation suggested (advice only)."
    )
    notes: str | None = None
    rated_by: str
    rated_at: datetime
    delivered_at: datetime | None = Field(default=None, description="Start of keberatan window.")
    atasan_nip: str | None = Field(
        default=None, description="Who decides a keberatan; None: BKPSDM (head of agency)."
    )
    locked_at: datetime | None = None
    promotion_eligible: bool = False
    credit_percent: int | None = Field(default=None, description="Angka kredit conversion.")
    improvement_until: datetime | None = Field(
        default=None, description="End of the six-month improvement period (PP 30/2019)."
    )


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
