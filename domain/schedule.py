"""A period's schedule: the absolute due time of each human step, set by HR.

All times are timezone-aware; a naive time in a government spreadsheet is ambiguous
(WIB, WITA and WIT are all in use), so it is refused rather than guessed.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.text import PlainTextInput


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
    checkin_dues: tuple[datetime, ...] = Field(
        default=(),
        description=(
            "Due time of each check-in (realisation report). Empty: derived from the "
            "frequency as the end of each quarter or month between SKP approval and "
            "wawancara (the year-end assessment covers the last quarter)."
        ),
    )
    period_span: tuple[date, date] | None = Field(
        default=None,
        description="First and last day of the period; filled in by Period.resolved_schedule "
        "and used to pro-rate quantity targets at each check-in.",
    )
    feedback_days: int = Field(
        default=7, ge=1, le=60, description="Days the supervisor has to answer a check-in."
    )
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
        for due in self.checkin_dues:
            if due.tzinfo is None or due.utcoffset() is None:
                raise ValueError("checkin_dues harus menyertakan zona waktu")
            if not self.skp_approval_due < due <= self.wawancara_due:
                raise ValueError("checkin_dues harus di antara skp_approval_due dan wawancara_due")
        if list(self.checkin_dues) != sorted(set(self.checkin_dues)):
            raise ValueError("checkin_dues harus berurutan dan tidak ganda")
        if self.reminder_before < timedelta(0):
            raise ValueError("reminder_before tidak boleh negatif")
        if self.escalation_interval < timedelta(seconds=1):
            # Seconds only make sense for rehearsals and end-to-end tests; real periods
            # use days. Zero would escalate in a tight loop.
            raise ValueError("escalation_interval minimal 1 detik")
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


class Period(PlainTextInput):
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

    def resolved_schedule(self) -> PeriodSchedule:
        """The schedule with check-in dues and the period's span filled in, as every
        appraisal receives it."""
        dues = self.schedule.checkin_dues or derived_checkin_dues(self)
        return self.schedule.model_copy(
            update={"checkin_dues": dues, "period_span": (self.starts_on, self.ends_on)}
        )


def _period_ends(starts_on: date, ends_on: date, months_per_step: int) -> list[date]:
    """Last day of every month (or quarter) inside the period."""
    ends: list[date] = []
    year, month = starts_on.year, starts_on.month
    while True:
        step_end_month = month + months_per_step - 1 - (month - 1) % months_per_step
        next_year, next_month = (
            (year + 1, 1) if step_end_month == 12 else (year, step_end_month + 1)
        )
        end = date(next_year, next_month, 1) - timedelta(days=1)
        if end > ends_on:
            return ends
        if end >= starts_on:
            ends.append(end)
        year, month = next_year, next_month


def derived_checkin_dues(period: "Period") -> tuple[datetime, ...]:
    """Check-in due times from the frequency: each quarter's (or month's) last day at the
    time of day and offset of ``sosialisasi_due``, strictly after SKP approval and no later
    than wawancara."""
    schedule = period.schedule
    months = 3 if schedule.monitoring_frequency is MonitoringFrequency.TRIWULAN else 1
    anchor = schedule.sosialisasi_due
    dues = (
        datetime.combine(day, anchor.timetz())
        for day in _period_ends(period.starts_on, period.ends_on, months)
    )
    return tuple(due for due in dues if schedule.skp_approval_due < due <= schedule.wawancara_due)


def expected_share(schedule: PeriodSchedule, due: datetime, index: int, count: int) -> float:
    """How much of a yearly quantity should be done by a check-in due at ``due``: the
    elapsed share of the period, or ``index / count`` when the span is unknown."""
    if schedule.period_span is None:
        return index / count
    first, last = schedule.period_span
    elapsed = (due.date() - first).days + 1
    total = (last - first).days + 1
    return min(max(elapsed / total, 0.0), 1.0)
