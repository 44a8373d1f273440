"""Builders of valid domain objects for tests."""

from datetime import UTC, date, datetime, timedelta, timezone

from domain.schedule import Period, PeriodSchedule

WIB = timezone(timedelta(hours=7), "WIB")


def next_hour() -> datetime:
    """Now in WIB, rounded up to the hour: schedules built from it lie in the future, so
    tests on real-time servers see no reminder fire unless they ask for one."""
    now = datetime.now(UTC).astimezone(WIB)
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def make_schedule(
    start: datetime | None = None, step: timedelta = timedelta(days=30), **overrides: object
) -> PeriodSchedule:
    """A schedule whose stage due times are ``step`` apart, starting one step after ``start``."""
    start = start or next_hour()
    values: dict[str, object] = {
        "sosialisasi_due": start + step,
        "skp_draft_due": start + 2 * step,
        "skp_approval_due": start + 3 * step,
        "wawancara_due": start + 10 * step,
        "penilaian_due": start + 11 * step,
        "tindak_lanjut_due": start + 12 * step,
    }
    return PeriodSchedule.model_validate({**values, **overrides})


def make_period(
    period_id: str = "2026",
    start: datetime | None = None,
    step: timedelta = timedelta(days=30),
    **overrides: object,
) -> Period:
    start = start or next_hour()
    return Period(
        period_id=period_id,
        name=f"Penilaian Kinerja {period_id}",
        starts_on=start.date(),
        ends_on=(start + 12 * step).date() + timedelta(days=1),
        schedule=make_schedule(start, step, **overrides),
    )


def year_2026() -> Period:
    """The Kuranji demo period: calendar year 2026, quarterly check-ins."""
    return Period(
        period_id="2026",
        name="Penilaian Kinerja 2026",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        schedule=PeriodSchedule(
            sosialisasi_due=datetime(2026, 1, 15, 16, tzinfo=WIB),
            skp_draft_due=datetime(2026, 1, 22, 16, tzinfo=WIB),
            skp_approval_due=datetime(2026, 1, 31, 16, tzinfo=WIB),
            wawancara_due=datetime(2026, 11, 30, 16, tzinfo=WIB),
            penilaian_due=datetime(2026, 12, 15, 16, tzinfo=WIB),
            tindak_lanjut_due=datetime(2027, 3, 31, 16, tzinfo=WIB),
        ),
    )
