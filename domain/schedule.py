"""A period's schedule: the absolute due time of each human step, set by HR.

All times are timezone-aware; a naive time in a government spreadsheet is ambiguous
(WIB, WITA and WIT are all in use), so it is refused rather than guessed.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class MonitoringFrequency(StrEnum):
    """How often check-ins happen during pemantauan."""

    TRIWULAN = "triwulan"  # quarterly, the national default
    BULANAN = "bulanan"  # monthly, common in many regions


class PeriodSchedule(BaseModel):
    """Due times per stage, plus how reminders and escalations are paced."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sosialisasi_due: datetime = Field(description="Employees acknowledge the briefing by then.")
    skp_draft_due: datetime = Field(
        description="Employees draft their SKP by then; afterwards the tim penilai may draft it."
    )
    skp_approval_due: datetime = Field(description="The SKP is approved by then.")
    wawancara_due: datetime = Field(description="Performance dialogues are held by then.")
    penilaian_due: datetime = Field(description="Supervisors rate results and behaviour by then.")
    tindak_lanjut_due: datetime = Field(description="Development actions are completed by then.")
    monitoring_frequency: MonitoringFrequency = MonitoringFrequency.TRIWULAN
    keberatan_days: int = Field(
        default=14, ge=1, le=60, description="Days an employee has to file keberatan."
    )
    reminder_before: timedelta = Field(
        default=timedelta(days=3), description="How long before a due time the actor is reminded."
    )
    escalation_interval: timedelta = Field(
        default=timedelta(days=7),
        description="After a due time passes, how often escalation climbs one more level.",
    )

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        steps = self.ordered_dues()
        for name, due in steps:
            if due.tzinfo is None or due.utcoffset() is None:
                raise ValueError(f"{name} harus menyertakan zona waktu (mis. +07:00)")
        for (earlier_name, earlier), (later_name, later) in pairwise(steps):
            if later < earlier:
                raise ValueError(f"{later_name} tidak boleh sebelum {earlier_name}")
        if self.reminder_before < timedelta(0):
            raise ValueError("reminder_before tidak boleh negatif")
        if self.escalation_interval < timedelta(minutes=1):
            raise ValueError("escalation_interval minimal 1 menit")
        return self

    def ordered_dues(self) -> list[tuple[str, datetime]]:
        """The due times in the order the stages happen."""
        return [
            ("sosialisasi_due", self.sosialisasi_due),
            ("skp_draft_due", self.skp_draft_due),
            ("skp_approval_due", self.skp_approval_due),
            ("wawancara_due", self.wawancara_due),
            ("penilaian_due", self.penilaian_due),
            ("tindak_lanjut_due", self.tindak_lanjut_due),
        ]


class Period(BaseModel):
    """One appraisal period (usually a calendar year) and its schedule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    period_id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,39}$",
        description="Short slug used in workflow ids, e.g. '2026'.",
    )
    name: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    schedule: PeriodSchedule

    @model_validator(mode="after")
    def _check_dates(self) -> Self:
        if self.ends_on <= self.starts_on:
            raise ValueError("ends_on harus setelah starts_on")
        return self
