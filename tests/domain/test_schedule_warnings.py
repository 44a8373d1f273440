"""Warnings a period preview shows: nothing forbids these, but HR should look."""

from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from domain.customary_schedule import WIB, customary_period
from domain.schedule import MonitoringFrequency, Period, PeriodSchedule
from domain.schedule_warnings import (
    ESCALATION_FLOOR,
    OVERDUE_HORIZON,
    WarningKind,
    dropped_checkins,
    escalation_flood,
    escalations_while_overdue,
    non_working_dues,
    schedule_warnings,
)
from tests.factories import year_2026


def at_1600(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 16, tzinfo=WIB)


def with_schedule(period: Period, **changes: object) -> Period:
    schedule = PeriodSchedule.model_validate({**period.schedule.model_dump(), **changes})
    return period.model_copy(update={"schedule": schedule})


def test_a_late_approval_drops_the_check_ins_before_it() -> None:
    """Approval due mid-July: the March and June quarter ends are not held, which the
    derivation does without a word; the preview says so."""
    period = with_schedule(year_2026(), skp_approval_due=at_1600(2026, 7, 15))
    warnings = dropped_checkins(period)
    assert [w.due for w in warnings] == [at_1600(2026, 3, 31), at_1600(2026, 6, 30)]
    assert {w.kind for w in warnings} == {WarningKind.CHECKIN_DROPPED}
    assert warnings[0].field == "schedule.skp_approval_due"
    assert "2026-03-31" in warnings[0].message
    assert len(period.resolved_schedule().checkin_dues) == 1  # only September is left


def test_a_check_in_due_at_the_approval_itself_is_dropped_too() -> None:
    period = with_schedule(year_2026(), skp_approval_due=at_1600(2026, 3, 31))
    assert [w.due for w in dropped_checkins(period)] == [at_1600(2026, 3, 31)]


def test_monthly_check_ins_of_january_fall_before_a_january_approval() -> None:
    period = with_schedule(year_2026(), monitoring_frequency=MonitoringFrequency.BULANAN)
    assert [w.due for w in dropped_checkins(period)] == [at_1600(2026, 1, 31)]


def test_explicit_check_ins_drop_nothing() -> None:
    period = with_schedule(
        year_2026(),
        skp_approval_due=at_1600(2026, 7, 15),
        checkin_dues=(at_1600(2026, 9, 30),),
    )
    assert dropped_checkins(period) == []


def test_weekend_and_holiday_dues_are_named() -> None:
    """2026: 31 January is a Saturday; check-in 30 September is a Wednesday, made a
    holiday here; 15 December is a Tuesday."""
    period = with_schedule(year_2026(), skp_approval_due=at_1600(2026, 1, 31))
    warnings = non_working_dues(period, {date(2026, 9, 30): "Hari Contoh"})
    assert [(w.kind, w.field) for w in warnings] == [
        (WarningKind.WEEKEND, "schedule.skp_approval_due"),
        (WarningKind.HOLIDAY, "schedule.checkin_dues.2"),
    ]
    assert warnings[0].message == "skp_approval_due jatuh pada hari Sabtu (2026-01-31)"
    assert warnings[1].message == (
        "checkin_dues.2 jatuh pada hari libur nasional Hari Contoh (2026-09-30)"
    )


def test_the_day_is_the_one_in_the_offset_the_due_was_written_with() -> None:
    """Friday 23:00 WIB is Saturday 01:00 WITA: a due written in WITA is on Saturday."""
    wita = timezone(timedelta(hours=8))
    friday_late = datetime(2026, 1, 16, 23, tzinfo=WIB)
    as_wib = with_schedule(year_2026(), sosialisasi_due=friday_late)
    as_wita = with_schedule(year_2026(), sosialisasi_due=friday_late.astimezone(wita))
    field = "schedule.sosialisasi_due"
    assert field not in [w.field for w in non_working_dues(as_wib)]
    assert field in [w.field for w in non_working_dues(as_wita)]


def test_an_hourly_escalation_floods_and_says_how_much() -> None:
    schedule = year_2026().schedule.model_copy(update={"escalation_interval": timedelta(hours=1)})
    [warning] = escalation_flood(schedule)
    assert warning.kind is WarningKind.ESCALATION_FLOOD
    assert warning.field == "schedule.escalation_interval"
    assert warning.escalations == 7 * 24
    assert warning.message.startswith("escalation_interval 1 jam mengirim 168 eskalasi")


def test_the_default_and_daily_escalations_do_not_warn() -> None:
    schedule = year_2026().schedule
    assert escalation_flood(schedule) == []
    daily = schedule.model_copy(update={"escalation_interval": ESCALATION_FLOOR})
    assert escalation_flood(daily) == []
    assert escalations_while_overdue(schedule.escalation_interval) == 1


@given(
    st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=60)),
    st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=60)),
)
def test_escalations_grow_as_the_interval_shrinks(a: timedelta, b: timedelta) -> None:
    shorter, longer = sorted((a, b))
    assert escalations_while_overdue(shorter) >= escalations_while_overdue(longer) >= 1
    # the count is the escalations at due + k·interval for k ≥ 0 within the horizon
    count = escalations_while_overdue(shorter)
    assert (count - 1) * shorter < OVERDUE_HORIZON <= count * shorter or count == 1


@given(st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)))
def test_a_flood_warning_exactly_below_a_day(interval: timedelta) -> None:
    schedule = year_2026().schedule.model_copy(update={"escalation_interval": interval})
    assert bool(escalation_flood(schedule)) == (interval < ESCALATION_FLOOR)


def test_all_warnings_together_in_order() -> None:
    period = with_schedule(
        customary_period("2027", 2027),
        checkin_dues=(),
        skp_approval_due=at_1600(2027, 4, 3),  # a Saturday, after the March quarter end
        escalation_interval=timedelta(minutes=30),
    )
    kinds = [w.kind for w in schedule_warnings(period)]
    assert kinds == [
        WarningKind.CHECKIN_DROPPED,
        WarningKind.WEEKEND,
        WarningKind.ESCALATION_FLOOD,
    ]
