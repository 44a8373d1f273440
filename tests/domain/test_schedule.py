"""Period schedules: timezone-aware, in stage order, sensible pacing."""

from datetime import date, datetime, timedelta

import pytest
from pydantic import ValidationError

from domain.schedule import Period, PeriodSchedule
from tests.factories import WIB, make_schedule


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
