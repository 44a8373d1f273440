"""A unit's assessment: HR or the tim penilai sets the unit's predicate; finalisation
needs every member rated and the distribution rule to hold, unless the tim penilai has
recorded a justified override; once final, nothing about the unit changes."""

from collections.abc import Callable
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.appraisal import Actor
from domain.distribusi import UnitPredikat, check_distribution
from domain.errors import DomainError, NotPermittedError, WrongStateError
from domain.predikat import Predikat
from domain.roles import Role
from domain.unit import (
    DistributionViolatedError,
    FinaliseUnit,
    RecordOverride,
    SetUnitPredikat,
    UnitState,
    can_finalise,
)
from tests.domain.builders import (
    AGENCY,
    ATASAN_PENILAI,
    BKPSDM,
    HR,
    PEGAWAI,
    PENILAI,
    PERIOD_ID,
    TIM,
    TIM_PENILAI,
    UNIT,
    person,
)
from tests.factories import WIB

NOW = datetime(2026, 12, 16, 9, tzinfo=WIB)
SB, BK, BP = Predikat.SANGAT_BAIK, Predikat.BAIK, Predikat.BUTUH_PERBAIKAN
PASSING = [SB, SB, BK, BK, BK, BK, BK, BK, BK, BP]  # baik unit: 7 of 10 baik, one below
FAILING = [BK] * 8 + [SB, SB]  # 8 baik, nobody below
OVERRIDE = RecordOverride(reason="Seluruh pegawai melampaui target kinerja unit tahun ini")


def fresh() -> UnitState:
    return UnitState(period_id=PERIOD_ID, unit_code=UNIT, agency_code=AGENCY)


def with_predikat(value: UnitPredikat = UnitPredikat.BAIK) -> UnitState:
    return SetUnitPredikat(predikat=value).apply(fresh(), BKPSDM)


def overridden() -> UnitState:
    return OVERRIDE.apply(with_predikat(), TIM_PENILAI, list(FAILING), NOW)


def finalised() -> UnitState:
    return FinaliseUnit().apply(with_predikat(), BKPSDM, list(PASSING), NOW)


def refused(error: type[DomainError], state: UnitState, call: Callable[[], object]) -> DomainError:
    """Run ``call`` expecting ``error``; the state stays exactly as it was."""
    snapshot = state.model_copy(deep=True)
    with pytest.raises(error) as caught:
        call()
    assert state == snapshot
    return caught.value


# --- SetUnitPredikat ------------------------------------------------------------------


@pytest.mark.parametrize(("actor", "subject"), [(BKPSDM, HR), (TIM_PENILAI, TIM)])
def test_hr_or_the_tim_sets_the_units_predicate(actor: Actor, subject: str) -> None:
    state = SetUnitPredikat(predikat=UnitPredikat.ISTIMEWA).apply(fresh(), actor)
    assert (state.unit_predikat, state.predikat_set_by) == (UnitPredikat.ISTIMEWA, subject)
    assert state.version == fresh().version + 1
    again = SetUnitPredikat(predikat=UnitPredikat.BAIK).apply(state, actor)
    assert again.unit_predikat is UnitPredikat.BAIK
    assert again.version == state.version + 1


@pytest.mark.parametrize(
    "actor",
    [PEGAWAI, PENILAI, ATASAN_PENILAI, person(HR, Role.AUDITOR)],
    ids=["pegawai", "pejabat", "atasan", "auditor"],
)
def test_nobody_else_sets_it(actor: Actor) -> None:
    state = fresh()
    command = SetUnitPredikat(predikat=UnitPredikat.BAIK)
    refused(NotPermittedError, state, lambda: command.apply(state, actor))


# --- RecordOverride -------------------------------------------------------------------


def test_the_tim_records_an_override_with_the_violations_it_accepts() -> None:
    state = overridden()
    override = state.override
    assert override is not None
    assert (override.reason, override.by, override.at) == (OVERRIDE.reason, TIM, NOW)
    assert list(override.violations) == check_distribution(UnitPredikat.BAIK, FAILING)
    assert [v.off_by for v in override.violations] == [1, 1]
    assert state.version == with_predikat().version + 1


@pytest.mark.parametrize(
    "actor", [BKPSDM, PENILAI, PEGAWAI, ATASAN_PENILAI], ids=["hr", "pejabat", "pegawai", "atasan"]
)
def test_only_the_tim_overrides(actor: Actor) -> None:
    state = with_predikat()
    refused(NotPermittedError, state, lambda: OVERRIDE.apply(state, actor, list(FAILING), NOW))


def test_an_override_needs_violations_a_predicate_and_complete_ratings() -> None:
    state = with_predikat()
    refused(WrongStateError, state, lambda: OVERRIDE.apply(state, TIM_PENILAI, list(PASSING), NOW))
    refused(
        WrongStateError, fresh(), lambda: OVERRIDE.apply(fresh(), TIM_PENILAI, list(FAILING), NOW)
    )
    ratings: list[Predikat | None] = [*FAILING, None]
    refused(WrongStateError, state, lambda: OVERRIDE.apply(state, TIM_PENILAI, ratings, NOW))


# --- FinaliseUnit ---------------------------------------------------------------------


@pytest.mark.parametrize(("actor", "subject"), [(BKPSDM, HR), (TIM_PENILAI, TIM)])
def test_a_unit_within_its_rule_is_finalised(actor: Actor, subject: str) -> None:
    before = with_predikat()
    state = FinaliseUnit().apply(before, actor, list(PASSING), NOW)
    assert (state.finalised_at, state.finalised_by) == (NOW, subject)
    assert state.version == before.version + 1


def test_unrated_members_block_finalisation_by_count() -> None:
    state = with_predikat()
    ratings: list[Predikat | None] = [BK, None, BP, None, SB]
    error = refused(
        WrongStateError, state, lambda: FinaliseUnit().apply(state, BKPSDM, ratings, NOW)
    )
    assert "2 pegawai" in str(error)


def test_violations_block_finalisation_and_say_which() -> None:
    state = with_predikat()
    error = refused(
        DistributionViolatedError,
        state,
        lambda: FinaliseUnit().apply(state, BKPSDM, list(FAILING), NOW),
    )
    assert isinstance(error, DistributionViolatedError)
    assert error.violations == check_distribution(UnitPredikat.BAIK, FAILING)
    assert {v.rule for v in error.violations} == {
        "paling banyak 70% baik",
        "sedikitnya 1 pegawai butuh_perbaikan atau kurang",
    }
    assert all(v.message in str(error) for v in error.violations)


def test_an_override_lets_a_violating_unit_finalise() -> None:
    state = FinaliseUnit().apply(overridden(), BKPSDM, list(FAILING), NOW)
    assert state.finalised_at == NOW
    assert state.override is not None


def test_an_override_does_not_cover_a_distribution_that_drifted_further() -> None:
    drifted = [BK] * 9 + [SB]  # one more baik than when the override was recorded
    error = refused(
        DistributionViolatedError,
        overridden(),
        lambda: FinaliseUnit().apply(overridden(), BKPSDM, drifted, NOW),
    )
    assert isinstance(error, DistributionViolatedError)
    assert {v.off_by for v in error.violations if "70%" in v.rule} == {2}


def test_a_new_unit_predicate_drops_the_override_given_against_the_old_rule() -> None:
    state = SetUnitPredikat(predikat=UnitPredikat.ISTIMEWA).apply(overridden(), BKPSDM)
    assert state.override is None


def test_finalisation_needs_the_units_predicate() -> None:
    refused(
        WrongStateError, fresh(), lambda: FinaliseUnit().apply(fresh(), BKPSDM, list(PASSING), NOW)
    )


def test_an_empty_unit_is_finalised() -> None:
    assert FinaliseUnit().apply(with_predikat(), BKPSDM, [], NOW).finalised_at == NOW


@pytest.mark.parametrize(
    "actor", [PEGAWAI, PENILAI, ATASAN_PENILAI], ids=["pegawai", "pejabat", "atasan"]
)
def test_nobody_else_finalises(actor: Actor) -> None:
    state = with_predikat()
    refused(
        NotPermittedError, state, lambda: FinaliseUnit().apply(state, actor, list(PASSING), NOW)
    )


def test_nothing_changes_once_final() -> None:
    state = finalised()
    refused(WrongStateError, state, lambda: FinaliseUnit().apply(state, BKPSDM, list(PASSING), NOW))
    refused(
        WrongStateError,
        state,
        lambda: SetUnitPredikat(predikat=UnitPredikat.KURANG).apply(state, TIM_PENILAI),
    )
    refused(WrongStateError, state, lambda: OVERRIDE.apply(state, TIM_PENILAI, list(FAILING), NOW))


def test_the_checks_refuse_before_the_ratings_are_even_loaded() -> None:
    """The workflow validates with ``check`` (no ratings yet): role, then finality."""
    FinaliseUnit().check(with_predikat(), TIM_PENILAI)
    OVERRIDE.check(with_predikat(), TIM_PENILAI)
    with pytest.raises(NotPermittedError):
        FinaliseUnit().check(with_predikat(), PENILAI)
    with pytest.raises(NotPermittedError):
        OVERRIDE.check(with_predikat(), BKPSDM)
    with pytest.raises(WrongStateError):
        FinaliseUnit().check(finalised(), BKPSDM)
    with pytest.raises(WrongStateError):
        OVERRIDE.check(finalised(), TIM_PENILAI)


def test_a_violation_error_is_a_domain_error() -> None:
    assert issubclass(DistributionViolatedError, DomainError)


# --- can_finalise: the one answer the distribution report and the command share ---------


def test_a_distribution_that_drifted_past_its_override_cannot_be_finalised() -> None:
    drifted = [BK] * 9 + [SB]  # one more baik than when the override was recorded
    state = overridden()

    assert can_finalise(state, list(FAILING)) is True
    assert can_finalise(state, drifted) is False
    refused(
        DistributionViolatedError, state, lambda: FinaliseUnit().apply(state, BKPSDM, drifted, NOW)
    )


RATINGS = st.lists(st.sampled_from([*Predikat, None]), max_size=12)
STATES = st.sampled_from(["fresh", "with_predikat", "overridden", "finalised"])


@given(STATES, RATINGS)
def test_can_finalise_says_exactly_what_the_finalise_command_does(
    which: str, ratings: list[Predikat | None]
) -> None:
    state = {
        "fresh": fresh,
        "with_predikat": with_predikat,
        "overridden": overridden,
        "finalised": finalised,
    }[which]()
    try:
        FinaliseUnit().apply(state, BKPSDM, ratings, NOW)
    except DomainError:
        accepted = False
    else:
        accepted = True
    assert can_finalise(state, ratings) is accepted
