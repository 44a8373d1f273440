"""The customary schedule of a calendar year (domain.md), so HR can open a period by
giving only the year.

Every due time is 16:00 WIB (UTC+07:00, the end of the office day in western Indonesia):

| step | customary day |
|---|---|
| sosialisasi (briefing acknowledged) | 15 January |
| SKP draft | 22 January (from the second week the tim penilai may draft it) |
| SKP approval | 31 January ("end of January is customary") |
| check-ins (pemantauan) | the last day of each quarter (triwulan) or month (bulanan) |
| wawancara (dialogue) | 30 November |
| penilaian (rating) | 15 December |
| tindak lanjut (development) | 31 March of the next year |

Check-ins fall strictly after SKP approval and no later than wawancara (the year-end
assessment covers the last quarter), as ``domain.schedule.derived_checkin_dues`` has them.
A due day that is not a working day (Saturday, Sunday, or one of ``non_working``, e.g.
the national holidays the caller knows of) moves back to the working day before it, so a
deadline never expires while offices are closed. This is the one difference from
``runtime/demo/period-2027.json``: 31 January 2027 is a Sunday, so SKP approval falls on
Friday 29 January. The check-in dues are written out (not left to the derivation at
start) so that they too can move off weekends; for 2027 they are the same 31 March,
30 June and 30 September the demo period derives. ``keberatan_days`` (14), feedback,
reminder and escalation pacing are the schedule's defaults.
"""

from collections.abc import Collection
from datetime import date, datetime, time, timedelta, timezone

from domain.schedule import (
    MonitoringFrequency,
    Period,
    PeriodSchedule,
    period_step_ends,
)

WIB = timezone(timedelta(hours=7))
DUE_TIME = time(16, 0, tzinfo=WIB)
FIRST_YEAR = 2000
LAST_YEAR = 2100
KEBERATAN_DAYS = 14


def is_working_day(day: date, non_working: Collection[date] = ()) -> bool:
    """Monday to Friday and not one of ``non_working``."""
    return day.weekday() < 5 and day not in non_working


def previous_working_day(day: date, non_working: Collection[date] = ()) -> date:
    """``day`` itself when it is a working day, else the latest working day before it."""
    while not is_working_day(day, non_working):
        day -= timedelta(days=1)
    return day


def customary_schedule(
    year: int,
    frequency: MonitoringFrequency = MonitoringFrequency.TRIWULAN,
    *,
    non_working: Collection[date] = (),
) -> PeriodSchedule:
    """The customary schedule of ``year`` (see the module docstring), every due on a
    working day."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year harus antara {FIRST_YEAR} dan {LAST_YEAR}")

    def due(day: date) -> datetime:
        return datetime.combine(previous_working_day(day, non_working), DUE_TIME)

    approval = due(date(year, 1, 31))
    wawancara = due(date(year, 11, 30))
    months = 3 if frequency is MonitoringFrequency.TRIWULAN else 1
    checkins: list[datetime] = []
    for end in period_step_ends(date(year, 1, 1), date(year, 12, 31), months):
        checkin = due(end)
        # Moving back never reorders days, but two month ends could meet on one working
        # day (or on the approval's) if a caller closed a whole month: keep one of each.
        if approval < checkin <= wawancara and (not checkins or checkins[-1] < checkin):
            checkins.append(checkin)
    return PeriodSchedule(
        sosialisasi_due=due(date(year, 1, 15)),
        skp_draft_due=due(date(year, 1, 22)),
        skp_approval_due=approval,
        monitoring_frequency=frequency,
        checkin_dues=tuple(checkins),
        wawancara_due=wawancara,
        penilaian_due=due(date(year, 12, 15)),
        tindak_lanjut_due=due(date(year + 1, 3, 31)),
        keberatan_days=KEBERATAN_DAYS,
    )


def customary_name(year: int) -> str:
    return f"Penilaian Kinerja ASN {year}"


def customary_period(
    period_id: str,
    year: int,
    frequency: MonitoringFrequency = MonitoringFrequency.TRIWULAN,
    *,
    name: str | None = None,
    briefing: str | None = None,
    non_working: Collection[date] = (),
) -> Period:
    """A calendar-year period (1 January to 31 December) on the customary schedule."""
    return Period(
        period_id=period_id,
        name=name or customary_name(year),
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        schedule=customary_schedule(year, frequency, non_working=non_working),
        briefing=briefing,
    )
