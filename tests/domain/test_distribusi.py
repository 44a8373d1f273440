"""The distribution rule (pola distribusi): the unit's own predicate bounds how its staff's
predicates may be spread. Each rule with concrete unit sizes, the reported distance in
people, rounding in the unit's favour, and a property against an independent oracle in
whole numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.distribusi import UnitPredikat, Violation, check_distribution
from domain.predikat import Predikat

SB = Predikat.SANGAT_BAIK
BK = Predikat.BAIK
BP = Predikat.BUTUH_PERBAIKAN
KR = Predikat.KURANG
SK = Predikat.SANGAT_KURANG


def staff(**counts: int) -> list[Predikat]:
    """``staff(baik=8, butuh_perbaikan=2)``: a unit with those predicates."""
    return [Predikat(name) for name, count in counts.items() for _ in range(count)]


def broken(unit: UnitPredikat, predicates: list[Predikat]) -> dict[str, int]:
    """The broken rules by description, with how many people each is off by."""
    violations = check_distribution(unit, predicates)
    assert all(v.unit_size == len(predicates) for v in violations)
    return {v.rule: v.off_by for v in violations}


def only(unit: UnitPredikat, predicates: list[Predikat]) -> Violation:
    (violation,) = check_distribution(unit, predicates)
    return violation


# --- istimewa: at most 70 % sangat_baik ------------------------------------------------


def test_istimewa_allows_seven_of_ten_sangat_baik() -> None:
    assert check_distribution(UnitPredikat.ISTIMEWA, staff(sangat_baik=7, baik=3)) == []


def test_istimewa_with_eight_of_ten_sangat_baik_is_one_over() -> None:
    violation = only(UnitPredikat.ISTIMEWA, staff(sangat_baik=8, baik=2))
    assert violation.rule == "paling banyak 70% sangat_baik"
    assert (violation.actual_count, violation.allowed_count, violation.off_by) == (8, 7, 1)
    assert violation.unit_size == 10
    assert "8 dari 10" in violation.message
    assert "selisih 1 pegawai" in violation.message


def test_istimewa_rounds_the_ceiling_down() -> None:
    """70 % of 4 is 2.8: two may be sangat_baik, three is one too many."""
    assert check_distribution(UnitPredikat.ISTIMEWA, staff(sangat_baik=2, baik=2)) == []
    assert only(UnitPredikat.ISTIMEWA, staff(sangat_baik=3, baik=1)).off_by == 1
    assert only(UnitPredikat.ISTIMEWA, staff(sangat_baik=4)).off_by == 2


# --- baik: at most 70 % baik, at least one butuh_perbaikan or kurang ------------------


def test_baik_allows_seven_baik_and_one_below() -> None:
    unit = staff(sangat_baik=2, baik=7, butuh_perbaikan=1)
    assert check_distribution(UnitPredikat.BAIK, unit) == []
    assert check_distribution(UnitPredikat.BAIK, staff(baik=7, kurang=1, sangat_baik=2)) == []


def test_baik_with_eight_of_ten_baik_is_one_over() -> None:
    violation = only(UnitPredikat.BAIK, staff(baik=8, butuh_perbaikan=2))
    assert violation.rule == "paling banyak 70% baik"
    assert (violation.actual_count, violation.allowed_count, violation.off_by) == (8, 7, 1)


def test_baik_without_anyone_below_needs_one() -> None:
    violation = only(UnitPredikat.BAIK, staff(sangat_baik=3, baik=7))
    assert violation.rule == "sedikitnya 1 pegawai butuh_perbaikan atau kurang"
    assert (violation.actual_count, violation.allowed_count, violation.off_by) == (0, 1, 1)


def test_sangat_kurang_does_not_count_as_the_one_below_in_a_baik_unit() -> None:
    assert broken(UnitPredikat.BAIK, staff(baik=5, sangat_kurang=5)) == {
        "sedikitnya 1 pegawai butuh_perbaikan atau kurang": 1
    }


def test_a_baik_unit_of_only_baik_breaks_both_bounds() -> None:
    assert broken(UnitPredikat.BAIK, staff(baik=10)) == {
        "paling banyak 70% baik": 3,
        "sedikitnya 1 pegawai butuh_perbaikan atau kurang": 1,
    }


# --- butuh_perbaikan: at least 60 % butuh_perbaikan, at most 10 % sangat_baik ----------


def test_butuh_perbaikan_passes_with_six_of_ten_and_one_sangat_baik() -> None:
    unit = staff(butuh_perbaikan=6, baik=3, sangat_baik=1)
    assert check_distribution(UnitPredikat.BUTUH_PERBAIKAN, unit) == []


def test_butuh_perbaikan_fails_both_ways() -> None:
    assert broken(
        UnitPredikat.BUTUH_PERBAIKAN, staff(butuh_perbaikan=4, baik=4, sangat_baik=2)
    ) == {"sedikitnya 60% butuh_perbaikan": 2, "paling banyak 10% sangat_baik": 1}


def test_sixty_percent_of_seven_needs_five() -> None:
    """60 % of 7 is 4.2: at least 5 people, so 4 is one short."""
    unit = UnitPredikat.BUTUH_PERBAIKAN
    assert check_distribution(unit, staff(butuh_perbaikan=5, baik=2)) == []
    violation = only(unit, staff(butuh_perbaikan=4, baik=3))
    assert (violation.actual_count, violation.allowed_count, violation.off_by) == (4, 5, 1)


def test_ten_percent_of_five_allows_no_sangat_baik() -> None:
    """10 % of 5 is half a person: none may be sangat_baik."""
    violation = only(UnitPredikat.BUTUH_PERBAIKAN, staff(butuh_perbaikan=4, sangat_baik=1))
    assert (violation.rule, violation.allowed_count, violation.off_by) == (
        "paling banyak 10% sangat_baik",
        0,
        1,
    )


# --- kurang: ≥ 60 % kurang, ≥ 10 % butuh_perbaikan, ≤ 10 % sangat_baik ----------------


def test_kurang_passes_with_the_right_mix() -> None:
    unit = staff(kurang=6, butuh_perbaikan=1, baik=2, sangat_baik=1)
    assert check_distribution(UnitPredikat.KURANG, unit) == []


def test_kurang_fails_each_bound() -> None:
    assert broken(UnitPredikat.KURANG, staff(kurang=5, baik=3, sangat_baik=2)) == {
        "sedikitnya 60% kurang": 1,
        "sedikitnya 10% butuh_perbaikan": 1,
        "paling banyak 10% sangat_baik": 1,
    }


def test_ten_percent_of_eleven_needs_two_butuh_perbaikan() -> None:
    """10 % of 11 is 1.1: at least 2."""
    unit = UnitPredikat.KURANG
    assert broken(unit, staff(kurang=7, butuh_perbaikan=1, baik=3)) == {
        "sedikitnya 10% butuh_perbaikan": 1
    }
    assert check_distribution(unit, staff(kurang=7, butuh_perbaikan=2, baik=2)) == []


# --- sangat_kurang: ≥ 60 % sangat_kurang, ≥ 10 % kurang or bp, no sangat_baik --------


def test_sangat_kurang_passes_with_the_right_mix() -> None:
    unit = staff(sangat_kurang=6, kurang=1, baik=3)
    assert check_distribution(UnitPredikat.SANGAT_KURANG, unit) == []
    unit = staff(sangat_kurang=6, butuh_perbaikan=1, baik=3)
    assert check_distribution(UnitPredikat.SANGAT_KURANG, unit) == []


def test_sangat_kurang_allows_no_sangat_baik_at_all() -> None:
    violation = only(UnitPredikat.SANGAT_KURANG, staff(sangat_kurang=6, kurang=3, sangat_baik=1))
    assert (violation.rule, violation.actual_count, violation.allowed_count) == (
        "paling banyak 0% sangat_baik",
        1,
        0,
    )
    assert violation.off_by == 1


def test_sangat_kurang_fails_the_lower_bounds() -> None:
    assert broken(UnitPredikat.SANGAT_KURANG, staff(sangat_kurang=3, baik=7)) == {
        "sedikitnya 60% sangat_kurang": 3,
        "sedikitnya 10% butuh_perbaikan atau kurang": 1,
    }


# --- any unit -------------------------------------------------------------------------


@pytest.mark.parametrize("unit", list(UnitPredikat))
def test_an_empty_unit_breaks_nothing(unit: UnitPredikat) -> None:
    assert check_distribution(unit, []) == []


def test_any_iterable_of_predicates_will_do() -> None:
    unit = staff(sangat_baik=8, baik=2)
    assert check_distribution(UnitPredikat.ISTIMEWA, iter(unit)) == check_distribution(
        UnitPredikat.ISTIMEWA, unit
    )


# --- property: an independent oracle in whole numbers ---------------------------------

# (at_least, percent, predicates, minimum people) per unit predicate, from docs/domain.md.
ORACLE: dict[UnitPredikat, list[tuple[bool, int, frozenset[Predikat], int]]] = {
    UnitPredikat.ISTIMEWA: [(False, 70, frozenset({SB}), 0)],
    UnitPredikat.BAIK: [(False, 70, frozenset({BK}), 0), (True, 0, frozenset({BP, KR}), 1)],
    UnitPredikat.BUTUH_PERBAIKAN: [(True, 60, frozenset({BP}), 0), (False, 10, frozenset({SB}), 0)],
    UnitPredikat.KURANG: [
        (True, 60, frozenset({KR}), 0),
        (True, 10, frozenset({BP}), 0),
        (False, 10, frozenset({SB}), 0),
    ],
    UnitPredikat.SANGAT_KURANG: [
        (True, 60, frozenset({SK}), 0),
        (True, 10, frozenset({KR, BP}), 0),
        (False, 0, frozenset({SB}), 0),
    ],
}


def expected_off_by(
    bound: tuple[bool, int, frozenset[Predikat], int], predicates: list[Predikat]
) -> int:
    """How many people the bound is off by (0: it holds), in exact integer arithmetic."""
    at_least, percent, group, minimum = bound
    size = len(predicates)
    actual = sum(1 for p in predicates if p in group)
    if at_least:
        required = max(-(-percent * size // 100), minimum)  # ceil without floats
        return max(required - actual, 0)
    allowed = percent * size // 100
    return max(actual - allowed, 0)


@given(
    unit=st.sampled_from(list(UnitPredikat)),
    predicates=st.lists(st.sampled_from(list(Predikat)), max_size=120),
)
def test_violations_match_the_oracle(unit: UnitPredikat, predicates: list[Predikat]) -> None:
    violations = check_distribution(unit, predicates)
    offs = [expected_off_by(bound, predicates) for bound in ORACLE[unit]]
    if not predicates:
        assert violations == []
        return
    # Empty exactly when every bound holds.
    assert (violations == []) is all(off == 0 for off in offs)
    # Each reported violation is one broken bound, in the rule's order, with its distance.
    assert [v.off_by for v in violations] == [off for off in offs if off > 0]
    assert all(v.off_by >= 1 for v in violations)
    for violation in violations:
        assert violation.unit_size == len(predicates)
        assert violation.off_by == abs(violation.actual_count - violation.allowed_count)


@given(size=st.integers(1, 60))
def test_moving_off_by_people_repairs_an_at_most_bound(size: int) -> None:
    """A whole unit of sangat_baik in an istimewa unit: moving ``off_by`` of them to
    baik makes the unit pass, one fewer does not."""
    predicates = [SB] * size
    violations = check_distribution(UnitPredikat.ISTIMEWA, predicates)
    (violation,) = violations
    moved = violation.off_by
    assert check_distribution(UnitPredikat.ISTIMEWA, [BK] * moved + [SB] * (size - moved)) == []
    fewer = [BK] * (moved - 1) + [SB] * (size - moved + 1)
    assert check_distribution(UnitPredikat.ISTIMEWA, fewer) != []
