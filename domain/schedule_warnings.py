"""What HR should look at before opening a period, although nothing forbids it.

Unlike :func:`domain.schedule.schedule_issues` (which refuses a period), these only warn:
a check-in the frequency would have placed before the SKP approval and that therefore
never happens, a due time on a weekend or a national holiday, and an escalation interval
so short that every late step floods its people with escalations.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from math import ceil
from typing import NamedTuple

from domain.schedule import Period, PeriodSchedule, _duration, months_per_step, period_step_ends

ESCALATION_FLOOR = timedelta(days=1)
"""An escalation interval below this warns: people would hear of one late step more
than once a day."""

OVERDUE_HORIZON = timedelta(days=7)
"""How long a late step is assumed to stay open when counting its escalations (a week:
the default interval, at which a step late for a week escalates once)."""

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


class WarningKind(StrEnum):
    CHECKIN_DROPPED = "checkin_dropped"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    ESCALATION_FLOOD = "escalation_flood"


class ScheduleWarning(NamedTuple):
    """One thing to look at: its kind, the field (dotted, within the period), what is
    wrong in Indonesian, the due time concerned, and for a flood the escalations one
    person's late step would send within :data:`OVERDUE_HORIZON`."""

    kind: WarningKind
    field: str
    message: str
    due: datetime | None = None
    escalations: int | None = None


def dropped_checkins(period: Period) -> list[ScheduleWarning]:
    """Check-ins the frequency places at a month's or quarter's end on or before the SKP
    approval due: the derivation leaves them out (no SKP to report against yet), so the
    period has fewer check-ins than its frequency suggests. Explicit ``checkin_dues`` are
    validated instead (one before approval is refused), so they warn of nothing."""
    schedule = period.schedule
    if schedule.checkin_dues:
        return []
    anchor = schedule.sosialisasi_due.timetz()
    ends = period_step_ends(period.starts_on, period.ends_on, months_per_step(schedule))
    return [
        ScheduleWarning(
            WarningKind.CHECKIN_DROPPED,
            "schedule.skp_approval_due",
            f"Pemantauan akhir {end.isoformat()} tidak diadakan karena tidak setelah "
            "skp_approval_due",
            due,
        )
        for end in ends
        if (due := datetime.combine(end, anchor)) <= schedule.skp_approval_due
    ]


def named_dues(schedule: PeriodSchedule) -> list[tuple[str, datetime]]:
    """Every due time of a (resolved) schedule with its dotted field name."""
    return [
        *((f"schedule.{name}", due) for name, due in schedule.ordered_dues()),
        *((f"schedule.checkin_dues.{i}", due) for i, due in enumerate(schedule.checkin_dues)),
    ]


def non_working_dues(
    period: Period, holidays: Mapping[date, str] | None = None
) -> list[ScheduleWarning]:
    """Due times (check-ins included, as the period would resolve them) on a Saturday,
    a Sunday or one of ``holidays`` (date → its name), each on the calendar day of the
    offset it was written with."""
    holidays = holidays or {}
    warnings: list[ScheduleWarning] = []
    for field, due in named_dues(period.resolved_schedule()):
        name, day = field.removeprefix("schedule."), due.date()
        if day.weekday() >= 5:
            warnings.append(
                ScheduleWarning(
                    WarningKind.WEEKEND,
                    field,
                    f"{name} jatuh pada hari {DAY_NAMES[day.weekday()]} ({day.isoformat()})",
                    due,
                )
            )
        elif day in holidays:
            warnings.append(
                ScheduleWarning(
                    WarningKind.HOLIDAY,
                    field,
                    f"{name} jatuh pada hari libur nasional {holidays[day]} ({day.isoformat()})",
                    due,
                )
            )
    return warnings


def escalations_while_overdue(interval: timedelta, overdue_for: timedelta = OVERDUE_HORIZON) -> int:
    """Escalations one late step sends while it stays overdue for ``overdue_for``: the
    first at the due time, then one per interval (``domain.deadlines.next_notice``), and
    the ladder does not stop at its top (BKPSDM keeps hearing of it)."""
    return max(1, ceil(overdue_for / interval))


def escalation_flood(schedule: PeriodSchedule) -> list[ScheduleWarning]:
    """An escalation interval under :data:`ESCALATION_FLOOR`, with what it means."""
    interval = schedule.escalation_interval
    if interval >= ESCALATION_FLOOR:
        return []
    count = escalations_while_overdue(interval)
    return [
        ScheduleWarning(
            WarningKind.ESCALATION_FLOOD,
            "schedule.escalation_interval",
            f"escalation_interval {_duration(interval)} mengirim {count} eskalasi untuk "
            f"setiap langkah seorang pegawai yang terlambat {OVERDUE_HORIZON.days} hari; "
            f"disarankan minimal {_duration(ESCALATION_FLOOR)}",
            escalations=count,
        )
    ]


def schedule_warnings(
    period: Period, holidays: Mapping[date, str] | None = None
) -> list[ScheduleWarning]:
    """Every warning for ``period``, in the order above."""
    return [
        *dropped_checkins(period),
        *non_working_dues(period, holidays),
        *escalation_flood(period.schedule),
    ]
