"""Builders of valid domain objects for tests."""

from datetime import date, datetime, timedelta, timezone

from domain.schedule import Period, PeriodSchedule

WIB = timezone(timedelta(hours=7), "WIB")


def make_schedule(
    start: datetime | None = None, step: timedelta = timedelta(days=30)
) -> PeriodSchedule:
    """A schedule whose stage due times are ``step`` apart, starting one step after ``start``."""
    start = start or datetime(2026, 1, 1, 8, 0, tzinfo=WIB)
    return PeriodSchedule(
        sosialisasi_due=start + step,
        skp_draft_due=start + 2 * step,
        skp_approval_due=start + 3 * step,
        wawancara_due=start + 8 * step,
        penilaian_due=start + 10 * step,
        tindak_lanjut_due=start + 11 * step,
    )


def make_period(period_id: str = "2026", **schedule_kwargs: object) -> Period:
    return Period(
        period_id=period_id,
        name=f"Penilaian Kinerja {period_id}",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        schedule=make_schedule(**schedule_kwargs),  # type: ignore[arg-type]
    )
