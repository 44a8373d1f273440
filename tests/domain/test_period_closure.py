"""When a period may be closed: not twice, and not once any result reached an employee."""

import pytest
from pydantic import ValidationError

from domain.period_closure import (
    CLOSED,
    CLOSING,
    ClosePeriod,
    PeriodClosureRefusedError,
    check_closable,
    is_closed,
    result_delivered,
)
from domain.stages import Stage
from tests.domain.builders import MEETS, state_in


def test_a_result_counts_as_delivered_only_once_it_reached_the_employee() -> None:
    assert not result_delivered(state_in(Stage.WAWANCARA))
    assert not result_delivered(state_in(Stage.PENILAIAN, ratings=MEETS))
    assert result_delivered(state_in(Stage.PENILAIAN, ratings=MEETS, delivered=True))
    assert result_delivered(state_in(Stage.TINDAK_LANJUT))
    assert result_delivered(state_in(Stage.SELESAI))


@pytest.mark.parametrize("status", ["starting", "running", "completed"])
def test_an_open_period_without_delivered_results_may_be_closed(status: str) -> None:
    check_closable("2027", status, delivered=0)
    assert not is_closed(status)


def test_a_period_with_a_delivered_result_is_refused_saying_how_many() -> None:
    with pytest.raises(PeriodClosureRefusedError) as refused:
        check_closable("2027", "running", delivered=3)
    assert str(refused.value) == (
        "Periode 2027 tidak dapat ditutup: hasil penilaian 3 pegawai sudah disampaikan"
    )


@pytest.mark.parametrize(
    ("status", "said"), [(CLOSING, "sedang ditutup"), (CLOSED, "sudah ditutup")]
)
def test_a_period_is_closed_once(status: str, said: str) -> None:
    assert is_closed(status)
    with pytest.raises(PeriodClosureRefusedError, match=said):
        check_closable("2027", status, delivered=0)


@pytest.mark.parametrize("reason", ["", "   ", "ab", "x" * 1001, "uji\x00coba"])
def test_the_reason_must_be_written(reason: str) -> None:
    with pytest.raises(ValidationError):
        ClosePeriod(reason=reason)
    assert ClosePeriod(reason="  Dibuka karena keliru ").reason == "Dibuka karena keliru"


def test_nothing_but_the_reason_is_accepted() -> None:
    with pytest.raises(ValidationError):
        ClosePeriod.model_validate({"reason": "Dibuka karena keliru", "status": "closed"})
