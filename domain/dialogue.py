"""What wawancara records: the performance dialogues (dialog kinerja) and the follow-ups
agreed in them."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


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
