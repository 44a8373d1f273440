"""The customary schedule of a year (domain.md), HR's default when it gives only the year."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.customary_schedule import (
    FIRST_YEAR,
    LAST_YEAR,
    WIB,
    customary_period,
    customary_schedule,
    is_working_day,
    previous_working_day,
)
from domain.schedule import MonitoringFrequency, Period, PeriodSchedule
from domain.schedule_warnings import schedule_warnings

DEMO_2027 = Path(__file__).parents[2] / "runtime" / "demo" / "period-2027.json"


def at_1600(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 16, tzinfo=WIB)


def test_2027_is_the_demo_period_but_for_a_sunday_moved_to_friday() -> None:
    """runtime/demo/period-2027.json is the customary 2027 as written by hand; its SKP
    approval (31 January 2027) is a Sunday, which the default moves to Friday 29th.
    Its check-ins, derived there, are written out here and are the same."""
    demo = Period.model_validate(json.loads(DEMO_2027.read_text()))
    schedule = customary_schedule(2027)

    assert date(2027, 1, 31).weekday() == 6
    assert schedule.skp_approval_due == at_1600(2027, 1, 29)
    expected = demo.schedule.model_copy(
        update={
            "skp_approval_due": at_1600(2027, 1, 29),
            "checkin_dues": demo.resolved_schedule().checkin_dues,
        }
    )
    assert schedule == expected
    assert schedule.checkin_dues == (
        at_1600(2027, 3, 31),
        at_1600(2027, 6, 30),
        at_1600(2027, 9, 30),
    )
    assert schedule.keberatan_days == 14
    assert all(due.utcoffset() == timedelta(hours=7) for _, due in schedule.ordered_dues())


def test_the_due_days_of_a_year_without_weekend_clashes() -> None:
    """2026: every customary day but 31 January (Saturday) is a weekday."""
    schedule = customary_schedule(2026)
    assert [due for _, due in schedule.ordered_dues()] == [
        at_1600(2026, 1, 15),
        at_1600(2026, 1, 22),
        at_1600(2026, 1, 30),  # 31 January 2026 is a Saturday
        at_1600(2026, 11, 30),
        at_1600(2026, 12, 15),
        at_1600(2027, 3, 31),
    ]


def test_monthly_check_ins_are_every_month_end_after_approval_up_to_wawancara() -> None:
    schedule = customary_schedule(2027, MonitoringFrequency.BULANAN)
    assert schedule.monitoring_frequency is MonitoringFrequency.BULANAN
    assert [due.date() for due in schedule.checkin_dues] == [
        date(2027, 2, 26),  # 28 February is a Sunday
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
        date(2027, 6, 30),
        date(2027, 7, 30),  # 31 July is a Saturday
        date(2027, 8, 31),
        date(2027, 9, 30),
        date(2027, 10, 29),  # 31 October is a Sunday
        date(2027, 11, 30),  # the same day as wawancara, as the derivation has it
    ]


def test_a_holiday_moves_a_due_to_the_working_day_before() -> None:
    schedule = customary_schedule(2027, non_working={date(2027, 1, 15), date(2027, 1, 14)})
    assert schedule.sosialisasi_due == at_1600(2027, 1, 13)


def test_the_period_spans_the_calendar_year_and_is_named_after_it() -> None:
    period = customary_period("2027", 2027)
    assert (period.starts_on, period.ends_on) == (date(2027, 1, 1), date(2027, 12, 31))
    assert period.name == "Penilaian Kinerja ASN 2027"
    assert customary_period("2027", 2027, name="Kuranji 2027").name == "Kuranji 2027"
    assert period.resolved_schedule().checkin_dues == period.schedule.checkin_dues


def test_years_outside_the_supported_range_are_refused() -> None:
    with pytest.raises(ValueError, match="year harus antara"):
        customary_schedule(FIRST_YEAR - 1)
    with pytest.raises(ValueError, match="year harus antara"):
        customary_schedule(LAST_YEAR + 1)


def test_previous_working_day() -> None:
    assert previous_working_day(date(2027, 1, 31)) == date(2027, 1, 29)
    assert previous_working_day(date(2027, 1, 29)) == date(2027, 1, 29)
    assert previous_working_day(date(2027, 1, 29), {date(2027, 1, 29)}) == date(2027, 1, 28)
    assert not is_working_day(date(2027, 1, 30))


years = st.integers(min_value=FIRST_YEAR, max_value=LAST_YEAR)
frequencies = st.sampled_from(MonitoringFrequency)


@given(year=years, frequency=frequencies, data=st.data())
def test_every_customary_schedule_is_valid_on_working_days_and_warns_of_nothing(
    year: int, frequency: MonitoringFrequency, data: st.DataObject
) -> None:
    """Whatever the year and the holidays (even long runs of them), the default is a
    valid schedule, every due on a working day, no check-in lost, and so the preview
    of a year-only period warns of nothing."""
    holidays = data.draw(
        st.sets(st.dates(date(year, 1, 1), date(year + 1, 12, 31)), max_size=40),
        label="holidays",
    )
    schedule = customary_schedule(year, frequency, non_working=holidays)
    # revalidated: the invariants of PeriodSchedule hold
    assert PeriodSchedule.model_validate(schedule.model_dump()) == schedule
    dues = [due for _, due in schedule.ordered_dues()] + list(schedule.checkin_dues)
    assert all(is_working_day(due.date(), holidays) for due in dues)
    assert len(schedule.checkin_dues) >= (2 if frequency is MonitoringFrequency.TRIWULAN else 8)
    period = customary_period("p", year, frequency, non_working=holidays)
    assert schedule_warnings(period, dict.fromkeys(holidays, "libur")) == []
