"""Check-in due times: derived from the monitoring frequency (the end of each quarter or
month strictly after SKP approval and no later than wawancara, since the year-end
assessment covers the last quarter), or set explicitly by HR and then validated."""

from datetime import date, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from domain.schedule import MonitoringFrequency, Period, PeriodSchedule, derived_checkin_dues
from tests.factories import WIB, make_period, year_2026

WITA = timezone(timedelta(hours=8), "WITA")


def at_1600(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 16, tzinfo=WIB)


def with_schedule(period: Period, **changes: object) -> Period:
    """``period`` with its schedule revalidated after ``changes``."""
    schedule = PeriodSchedule.model_validate({**period.schedule.model_dump(), **changes})
    return period.model_copy(update={"schedule": schedule})


def same_apart_from_dues(resolved: PeriodSchedule, original: PeriodSchedule) -> bool:
    """Resolving may fill in check-in dues and the period's span, nothing else."""
    derived = {"checkin_dues", "period_span"}
    return resolved.model_dump(exclude=derived) == original.model_dump(exclude=derived)


def test_quarterly_dues_of_2026_are_march_june_and_september() -> None:
    """December's quarter end falls after wawancara (30 November): the year-end
    assessment covers it, so it is no check-in."""
    period = year_2026()
    assert period.schedule.monitoring_frequency is MonitoringFrequency.TRIWULAN
    dues = derived_checkin_dues(period)
    assert dues == (at_1600(2026, 3, 31), at_1600(2026, 6, 30), at_1600(2026, 9, 30))
    assert at_1600(2026, 12, 31) not in dues


def test_monthly_dues_of_2026_run_from_february_to_november() -> None:
    """January's end is the SKP approval deadline itself (not strictly after it) and
    November's end is exactly wawancara (included)."""
    period = with_schedule(year_2026(), monitoring_frequency=MonitoringFrequency.BULANAN)
    dues = derived_checkin_dues(period)
    assert len(dues) == 10
    assert [due.month for due in dues] == list(range(2, 12))
    assert dues[0] == at_1600(2026, 2, 28)  # 2026 is no leap year
    assert dues[-1] == period.schedule.wawancara_due
    assert all((due + timedelta(days=1)).day == 1 for due in dues)  # month ends


def test_derived_dues_take_time_and_offset_from_sosialisasi() -> None:
    period = year_2026()
    anchor = period.schedule.sosialisasi_due
    for due in derived_checkin_dues(period):
        assert due.timetz() == anchor.timetz()
        assert due.utcoffset() == timedelta(hours=7)


def test_a_leap_year_february_ends_on_the_29th() -> None:
    period = Period(
        period_id="2028",
        name="Penilaian Kinerja 2028",
        starts_on=date(2028, 1, 1),
        ends_on=date(2028, 12, 31),
        schedule=PeriodSchedule(
            sosialisasi_due=datetime(2028, 1, 15, 16, tzinfo=WITA),
            skp_draft_due=datetime(2028, 1, 22, 16, tzinfo=WITA),
            skp_approval_due=datetime(2028, 1, 31, 16, tzinfo=WITA),
            wawancara_due=datetime(2028, 12, 15, 16, tzinfo=WITA),
            penilaian_due=datetime(2028, 12, 20, 16, tzinfo=WITA),
            tindak_lanjut_due=datetime(2029, 3, 31, 16, tzinfo=WITA),
            monitoring_frequency=MonitoringFrequency.BULANAN,
        ),
    )
    dues = derived_checkin_dues(period)
    assert dues[0] == datetime(2028, 2, 29, 16, tzinfo=WITA)
    assert dues[-1] == datetime(2028, 11, 30, 16, tzinfo=WITA)  # December is after wawancara
    assert len(dues) == 10


def test_derived_dues_lie_strictly_after_approval_and_by_wawancara() -> None:
    """Whatever the period's shape, every derived due is one the schedule would accept."""
    for frequency in MonitoringFrequency:
        for step_days in (10, 30, 45):
            period = make_period(
                start=datetime(2026, 1, 1, 8, tzinfo=WIB),
                step=timedelta(days=step_days),
                monitoring_frequency=frequency,
            )
            schedule = period.schedule
            dues = derived_checkin_dues(period)
            assert list(dues) == sorted(set(dues))
            assert all(schedule.skp_approval_due < due <= schedule.wawancara_due for due in dues)
            PeriodSchedule.model_validate({**schedule.model_dump(), "checkin_dues": dues})


def test_a_period_with_no_month_end_in_the_window_has_no_check_ins() -> None:
    period = make_period(start=datetime(2026, 1, 1, 8, tzinfo=WIB), step=timedelta(days=1))
    assert derived_checkin_dues(period) == ()
    assert period.resolved_schedule().checkin_dues == ()


def test_the_resolved_schedule_fills_in_the_derived_dues() -> None:
    period = year_2026()
    resolved = period.resolved_schedule()
    assert period.schedule.checkin_dues == ()
    assert resolved.checkin_dues == derived_checkin_dues(period)
    assert same_apart_from_dues(resolved, period.schedule)


def test_explicit_dues_are_kept() -> None:
    explicit = (at_1600(2026, 4, 15), at_1600(2026, 8, 15), at_1600(2026, 11, 30))
    period = with_schedule(year_2026(), checkin_dues=explicit)
    assert period.resolved_schedule().checkin_dues == explicit
    assert same_apart_from_dues(period.resolved_schedule(), period.schedule)


@pytest.mark.parametrize(
    "due",
    [
        at_1600(2026, 1, 31),  # equal to skp_approval_due: not strictly after
        at_1600(2026, 1, 15),
        at_1600(2026, 11, 30) + timedelta(seconds=1),  # after wawancara
        at_1600(2026, 12, 31),
    ],
)
def test_explicit_dues_outside_approval_to_wawancara_are_refused(due: datetime) -> None:
    with pytest.raises(ValidationError, match="di antara skp_approval_due dan wawancara_due"):
        with_schedule(year_2026(), checkin_dues=(at_1600(2026, 6, 30), due))


def test_explicit_dues_at_the_boundaries() -> None:
    period = with_schedule(
        year_2026(),
        checkin_dues=(at_1600(2026, 1, 31) + timedelta(seconds=1), at_1600(2026, 11, 30)),
    )
    assert len(period.schedule.checkin_dues) == 2


@pytest.mark.parametrize(
    "dues",
    [
        (at_1600(2026, 6, 30), at_1600(2026, 3, 31)),
        (at_1600(2026, 3, 31), at_1600(2026, 3, 31)),
        (at_1600(2026, 3, 31), at_1600(2026, 9, 30), at_1600(2026, 6, 30)),
    ],
    ids=["unsorted", "duplicated", "out_of_order"],
)
def test_explicit_dues_must_be_sorted_and_distinct(dues: tuple[datetime, ...]) -> None:
    with pytest.raises(ValidationError, match="berurutan dan tidak ganda"):
        with_schedule(year_2026(), checkin_dues=dues)


def test_the_same_instant_in_another_zone_is_a_duplicate() -> None:
    """16:00 WIB and 17:00 WITA are the same moment."""
    dues = (at_1600(2026, 3, 31), datetime(2026, 3, 31, 17, tzinfo=WITA))
    with pytest.raises(ValidationError, match="berurutan dan tidak ganda"):
        with_schedule(year_2026(), checkin_dues=dues)


def test_naive_dues_are_refused() -> None:
    with pytest.raises(ValidationError, match="zona waktu"):
        with_schedule(year_2026(), checkin_dues=(datetime(2026, 3, 31, 16),))
