"""A period's schedule: the absolute due time of each human step, set by HR.

All times are timezone-aware; a naive time in a government spreadsheet is ambiguous
(WIB, WITA and WIT are all in use), so it is refused rather than guessed.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from domain.text import Instant, IsoDate, LongNote, Name, PlainTextInput

# The stage due times in the order the stages happen.
DUE_FIELDS = (
    "sosialisasi_due",
    "skp_draft_due",
    "skp_approval_due",
    "wawancara_due",
    "penilaian_due",
    "tindak_lanjut_due",
)

DEFAULT_MINIMUM_PACING = timedelta(hours=1)
"""The shortest escalation interval and reminder lead a period may be opened with, unless
the deployment configures another (rehearsals and end-to-end tests run in seconds)."""


class MonitoringFrequency(StrEnum):
    """How often check-ins happen during pemantauan."""

    TRIWULAN = "triwulan"  # quarterly, the national default
    BULANAN = "bulanan"  # monthly, common in many regions


class PeriodSchedule(BaseModel):
    """Due times per stage, plus how reminders and escalations are paced.

    The invariants here hold for every schedule, also when Temporal deserialises one
    recorded long ago; what depends on the moment a period is opened (not in the past,
    a pacing floor) is :func:`schedule_issues`, asked by the API."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sosialisasi_due: Instant = Field(description="Employees acknowledge the briefing by then.")
    skp_draft_due: Instant = Field(
        description="Employees draft their SKP by then; afterwards the tim penilai may draft it."
    )
    skp_approval_due: Instant = Field(description="The SKP is approved by then.")
    wawancara_due: Instant = Field(description="Performance dialogues are held by then.")
    penilaian_due: Instant = Field(description="Supervisors rate results and behaviour by then.")
    tindak_lanjut_due: Instant = Field(description="Development actions are completed by then.")
    monitoring_frequency: MonitoringFrequency = MonitoringFrequency.TRIWULAN
    checkin_dues: tuple[Instant, ...] = Field(
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

    @field_validator(*DUE_FIELDS[1:])
    @classmethod
    def _in_stage_order(cls, due: datetime, info: ValidationInfo) -> datetime:
        """Each due time is checked against the latest earlier one that is valid, so the
        error names the field that is out of order."""
        assert info.field_name is not None
        earlier = DUE_FIELDS[: DUE_FIELDS.index(info.field_name)]
        for name in reversed(earlier):
            previous = info.data.get(name)
            if previous is not None:
                if due < previous:
                    raise ValueError(f"{info.field_name} tidak boleh sebelum {name}")
                break
        return due

    @field_validator("checkin_dues")
    @classmethod
    def _checkins_within_monitoring(
        cls, dues: tuple[datetime, ...], info: ValidationInfo
    ) -> tuple[datetime, ...]:
        approval, wawancara = info.data.get("skp_approval_due"), info.data.get("wawancara_due")
        within = (
            approval is None
            or wawancara is None
            or all(approval < due <= wawancara for due in dues)
        )
        if not within:
            raise ValueError("checkin_dues harus di antara skp_approval_due dan wawancara_due")
        if list(dues) != sorted(set(dues)):
            raise ValueError("checkin_dues harus berurutan dan tidak ganda")
        return dues

    @field_validator("reminder_before")
    @classmethod
    def _reminder_not_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("reminder_before tidak boleh negatif")
        return value

    @field_validator("escalation_interval")
    @classmethod
    def _escalation_paced(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=1):
            # Seconds only make sense for rehearsals and end-to-end tests; real periods
            # use days. Zero would escalate in a tight loop.
            raise ValueError("escalation_interval minimal 1 detik")
        return value

    def ordered_dues(self) -> list[tuple[str, datetime]]:
        """The due times in the order the stages happen."""
        return [(name, getattr(self, name)) for name in DUE_FIELDS]


# A short slug (it becomes part of workflow ids); the API checks path segments with it too.
PERIOD_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"


class Period(PlainTextInput):
    """One appraisal period (usually a calendar year) and its schedule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    period_id: str = Field(
        pattern=PERIOD_ID_PATTERN,
        description="Short slug used in workflow ids, e.g. '2026'.",
    )
    name: Name
    starts_on: IsoDate
    ends_on: IsoDate
    schedule: PeriodSchedule
    briefing: LongNote | None = Field(
        default=None,
        description="The socialisation briefing every employee reads before acknowledging "
        "(why the appraisal exists, what the year holds); a standard text when absent.",
    )

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, ends_on: date, info: ValidationInfo) -> date:
        starts_on = info.data.get("starts_on")
        if starts_on is not None and ends_on <= starts_on:
            raise ValueError("ends_on harus setelah starts_on")
        return ends_on

    def resolved_schedule(self) -> PeriodSchedule:
        """The schedule with check-in dues and the period's span filled in, as every
        appraisal receives it."""
        dues = self.schedule.checkin_dues or derived_checkin_dues(self)
        return self.schedule.model_copy(
            update={"checkin_dues": dues, "period_span": (self.starts_on, self.ends_on)}
        )


def period_step_ends(starts_on: date, ends_on: date, months_per_step: int) -> list[date]:
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


def months_per_step(schedule: PeriodSchedule) -> int:
    """Months between check-ins: three (a quarter) or one."""
    return 3 if schedule.monitoring_frequency is MonitoringFrequency.TRIWULAN else 1


def derived_checkin_dues(period: "Period") -> tuple[datetime, ...]:
    """Check-in due times from the frequency: each quarter's (or month's) last day at the
    time of day and offset of ``sosialisasi_due``, strictly after SKP approval and no later
    than wawancara."""
    schedule = period.schedule
    anchor = schedule.sosialisasi_due
    dues = (
        datetime.combine(day, anchor.timetz())
        for day in period_step_ends(period.starts_on, period.ends_on, months_per_step(schedule))
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


class ScheduleIssue(NamedTuple):
    """One reason a period should not be opened as sent: the field (dotted, within the
    period) and what is wrong with it."""

    field: str
    message: str


def schedule_issues(
    period: Period,
    *,
    now: datetime,
    minimum_pacing: timedelta = DEFAULT_MINIMUM_PACING,
    allow_past: bool = False,
) -> list[ScheduleIssue]:
    """What makes ``period`` unfit to open at ``now``, beyond the schedule's invariants.

    A due time already passed falls due the moment the appraisal starts (a period opened
    with ``starts_on: 0`` sent 188 escalations at once), so it is refused unless the
    caller says the period is being entered late on purpose. Pacing below
    ``minimum_pacing`` would flood supervisors with reminders and escalations."""
    issues: list[ScheduleIssue] = []
    schedule = period.schedule
    if not allow_past:
        named = [
            *((f"schedule.{name}", due) for name, due in schedule.ordered_dues()),
            *((f"schedule.checkin_dues.{i}", due) for i, due in enumerate(schedule.checkin_dues)),
        ]
        issues.extend(
            ScheduleIssue(
                field,
                f"{field.removeprefix('schedule.')} sudah lewat; kirim allow_past: true "
                "bila periode memang dicatat terlambat",
            )
            for field, due in named
            if due <= now
        )
    for name in ("reminder_before", "escalation_interval"):
        value: timedelta = getattr(schedule, name)
        if value < minimum_pacing:
            issues.append(
                ScheduleIssue(
                    f"schedule.{name}",
                    f"{name} minimal {_duration(minimum_pacing)} (dikirim {_duration(value)})",
                )
            )
    return issues


def _duration(value: timedelta) -> str:
    """A duration as people read it: '1 jam', '3 detik', '2 hari 4 jam'."""
    seconds = int(value.total_seconds())
    parts = []
    for unit, size in (("hari", 86400), ("jam", 3600), ("menit", 60), ("detik", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size} {unit}")
            seconds %= size
    return " ".join(parts) or "0 detik"
