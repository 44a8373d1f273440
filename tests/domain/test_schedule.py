"""Period schedules: timezone-aware, in stage order, sensible pacing."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.schedule import Period, PeriodSchedule, schedule_issues
from tests.factories import WIB, make_period, make_schedule


def test_a_regular_schedule_is_accepted() -> None:
    schedule = make_schedule()
    assert schedule.ordered_dues()[0][0] == "sosialisasi_due"
    assert schedule.keberatan_days == 14


def test_naive_times_are_refused() -> None:
    values = make_schedule().model_dump()
    values["skp_draft_due"] = datetime(2026, 2, 1, 8, 0)
    with pytest.raises(ValidationError, match="zona waktu"):
        PeriodSchedule(**values)


def test_a_due_time_before_the_previous_stage_is_refused() -> None:
    values = make_schedule().model_dump()
    values["wawancara_due"] = values["skp_draft_due"] - timedelta(days=1)
    with pytest.raises(ValidationError, match="wawancara_due tidak boleh sebelum skp_approval_due"):
        PeriodSchedule(**values)


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        PeriodSchedule(**make_schedule().model_dump(), surprise=1)


@pytest.mark.parametrize(
    ("field", "value"),
    [("escalation_interval", timedelta(milliseconds=500)), ("reminder_before", timedelta(days=-1))],
)
def test_pacing_must_be_sensible(field: str, value: timedelta) -> None:
    with pytest.raises(ValidationError):
        PeriodSchedule(**{**make_schedule().model_dump(), field: value})


def test_keberatan_window_is_bounded() -> None:
    with pytest.raises(ValidationError):
        PeriodSchedule(**{**make_schedule().model_dump(), "keberatan_days": 0})


@pytest.mark.parametrize("period_id", ["", "2026 ", "Tahun/2026", "-2026", "a" * 41])
def test_period_ids_must_be_safe_in_workflow_ids(period_id: str) -> None:
    with pytest.raises(ValidationError):
        Period(
            period_id=period_id,
            name="x",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            schedule=make_schedule(),
        )


def test_period_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationError, match="ends_on"):
        Period(
            period_id="2026",
            name="x",
            starts_on=date(2026, 12, 31),
            ends_on=date(2026, 1, 1),
            schedule=make_schedule(datetime(2026, 1, 1, tzinfo=WIB)),
        )


# --- fitness to open now: schedule_issues --------------------------------------------------

NOW = datetime(2027, 1, 1, 9, tzinfo=WIB)


def test_a_future_schedule_at_the_default_pacing_has_no_issues() -> None:
    assert schedule_issues(make_period(start=NOW), now=NOW) == []


def test_each_due_time_already_passed_is_named_unless_allow_past() -> None:
    period = make_period(start=NOW - timedelta(days=75), checkin_dues=(NOW + timedelta(days=30),))

    issues = schedule_issues(period, now=NOW)

    assert [issue.field for issue in issues] == [
        "schedule.sosialisasi_due",
        "schedule.skp_draft_due",
    ]
    assert schedule_issues(period, now=NOW, allow_past=True) == []


def test_a_past_check_in_is_named_with_its_position() -> None:
    period = make_period(
        start=NOW - timedelta(days=100),
        step=timedelta(days=30),
        checkin_dues=(NOW - timedelta(days=1), NOW + timedelta(days=1)),
    )

    fields = [issue.field for issue in schedule_issues(period, now=NOW)]

    assert "schedule.checkin_dues.0" in fields
    assert "schedule.checkin_dues.1" not in fields


@given(
    interval=st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)),
    floor=st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=2)),
)
def test_pacing_is_refused_exactly_below_the_floor(interval: timedelta, floor: timedelta) -> None:
    period = make_period(start=NOW, escalation_interval=interval, reminder_before=floor)

    issues = schedule_issues(period, now=NOW, minimum_pacing=floor)

    assert [i.field for i in issues] == (
        ["schedule.escalation_interval"] if interval < floor else []
    )


def test_a_number_is_not_a_date() -> None:
    values = make_period().model_dump(mode="json")
    with pytest.raises(ValidationError, match="ISO 8601") as refused:
        Period.model_validate({**values, "starts_on": 0})
    assert refused.value.errors()[0]["loc"] == ("starts_on",)


@pytest.mark.parametrize("value", [0, 1.5, "1800000000", "2027-01-15", "2027-01-15T16:00:00"])
def test_a_due_time_must_be_an_iso_string_with_an_offset(value: object) -> None:
    values = make_schedule().model_dump(mode="json")
    with pytest.raises(ValidationError) as refused:
        PeriodSchedule.model_validate({**values, "skp_draft_due": value})
    assert [e["loc"] for e in refused.value.errors()] == [("skp_draft_due",)]


def test_a_schedule_round_trips_through_json_as_temporal_stores_it() -> None:
    period = make_period(checkin_dues=())
    assert Period.model_validate_json(period.model_dump_json()) == period
