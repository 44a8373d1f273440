"""The predicate (predikat kinerja): the kuadran kinerja of PermenPANRB 6/2022, what each
predicate is worth (credit points, promotion, development), and the suggested results
rating from indicator realisation (advice only; the supervisor decides)."""

import pytest

from domain.checkin import Rating, Realisation
from domain.predikat import (
    CREDIT_PERCENT,
    NEEDS_DEVELOPMENT,
    PROMOTION_ELIGIBLE,
    Predikat,
    predikat,
    suggest_results_rating,
)
from domain.skp import (
    Aspect,
    BehaviourExpectation,
    BerakhlakValue,
    Indicator,
    Rhk,
    RhkKind,
    SkpContent,
)

A, S, B = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH

# The matrix as docs/domain.md states it: hasil kerja (rows) × perilaku kerja (columns).
MATRIX = [
    (A, B, Predikat.KURANG),  # good results with misconduct
    (A, S, Predikat.BAIK),
    (A, A, Predikat.SANGAT_BAIK),
    (S, B, Predikat.KURANG),  # misconduct again
    (S, S, Predikat.BAIK),
    (S, A, Predikat.BAIK),
    (B, B, Predikat.SANGAT_KURANG),
    (B, S, Predikat.BUTUH_PERBAIKAN),
    (B, A, Predikat.BUTUH_PERBAIKAN),
]


@pytest.mark.parametrize(
    ("hasil_kerja", "perilaku", "expected"),
    MATRIX,
    ids=[f"{h.value}-{p.value}" for h, p, _ in MATRIX],
)
def test_the_matrix(hasil_kerja: Rating, perilaku: Rating, expected: Predikat) -> None:
    assert predikat(hasil_kerja, perilaku) is expected


def test_the_table_covers_every_cell_once() -> None:
    assert sorted((h, p) for h, p, _ in MATRIX) == sorted((h, p) for h in Rating for p in Rating)


@pytest.mark.parametrize(
    ("value", "percent"),
    [
        (Predikat.SANGAT_BAIK, 150),
        (Predikat.BAIK, 100),
        (Predikat.BUTUH_PERBAIKAN, 75),
        (Predikat.KURANG, 50),
        (Predikat.SANGAT_KURANG, 25),
    ],
)
def test_credit_points_convert_by_predicate(value: Predikat, percent: int) -> None:
    assert CREDIT_PERCENT[value] == percent


def test_every_predicate_either_counts_toward_promotion_or_needs_development() -> None:
    promotion = {Predikat.SANGAT_BAIK, Predikat.BAIK}
    development = {Predikat.BUTUH_PERBAIKAN, Predikat.KURANG, Predikat.SANGAT_KURANG}
    assert set(PROMOTION_ELIGIBLE) == promotion
    assert set(NEEDS_DEVELOPMENT) == development
    assert set(CREDIT_PERCENT) == set(Predikat)


# --- suggest_results_rating -----------------------------------------------------------


def indicator(name: str, aspect: Aspect = Aspect.KUANTITAS, target: float = 10) -> Indicator:
    return Indicator(
        id=name, description=f"Indikator {name}", aspect=aspect, target=target, unit="dokumen"
    )


def rhk(name: str, kind: RhkKind, *indicators: Indicator) -> Rhk:
    return Rhk(
        id=name,
        description=f"Rencana hasil kerja {name}",
        kind=kind,
        supports="Meningkatnya mutu pelayanan",
        indicators=indicators or (indicator(f"{name}-i"),),
    )


U, T = RhkKind.UTAMA, RhkKind.TAMBAHAN


def skp(*items: Rhk) -> SkpContent:
    perilaku = tuple(
        BehaviourExpectation(value=value, expectation=f"Menunjukkan {value.value}")
        for value in BerakhlakValue
    )
    return SkpContent(rhk=items, perilaku=perilaku)


def realised(**values: float) -> tuple[Realisation, ...]:
    """``r1_i=12`` reports 12 for indicator ``r1-i``."""
    return tuple(
        Realisation(indicator_id=key.replace("_", "-"), value=value)
        for key, value in values.items()
    )


THREE = skp(rhk("r1", U), rhk("r2", T), rhk("r3", T))  # targets 10 each


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # most exceed (2 of 3, ≥ 110 %) and the main one is not below: above
        ({"r1_i": 11, "r2_i": 12, "r3_i": 10}, A),
        ({"r1_i": 10, "r2_i": 11, "r3_i": 15}, A),
        # most exceed but the main RHK is below: no more than meets
        ({"r1_i": 8, "r2_i": 12, "r3_i": 12}, S),
        # an extra RHK below does not block "above"
        ({"r1_i": 12, "r2_i": 12, "r3_i": 5}, A),
        # only one of three exceeds: meets
        ({"r1_i": 15, "r2_i": 10, "r3_i": 10}, S),
        # everything on target: meets
        ({"r1_i": 10, "r2_i": 10, "r3_i": 10}, S),
        # most below (< 90 %): below, even when the main one exceeds
        ({"r1_i": 15, "r2_i": 8, "r3_i": 1}, B),
        # half or fewer below: meets
        ({"r1_i": 8, "r2_i": 10, "r3_i": 11}, S),
        # nothing reported counts as zero: below
        ({}, B),
    ],
)
def test_suggestion_from_a_majority_of_results(values: dict[str, float], expected: Rating) -> None:
    assert suggest_results_rating(THREE, realised(**values)) is expected


def test_a_bare_half_is_no_majority() -> None:
    content = skp(rhk("r1", U), rhk("r2", T))
    assert suggest_results_rating(content, realised(r1_i=12, r2_i=10)) is S
    assert suggest_results_rating(content, realised(r1_i=10, r2_i=5)) is S
    assert suggest_results_rating(content, realised(r1_i=12, r2_i=12)) is A
    assert suggest_results_rating(content, realised(r1_i=5, r2_i=5)) is B


def test_an_unreported_indicator_counts_as_zero() -> None:
    """One RHK with two indicators counts by the weaker; leaving one out is a zero."""
    content = skp(rhk("r1", U, indicator("a"), indicator("b")))
    assert suggest_results_rating(content, realised(a=12, b=12)) is A
    assert suggest_results_rating(content, realised(a=12)) is B
    assert suggest_results_rating(content, realised(a=12, b=10)) is S


@pytest.mark.parametrize(
    ("days", "expected"),
    [(4, A), (5, S), (5.5, S), (6, B), (0, B)],
    ids=["faster", "on_time", "slightly_slower", "much_slower", "unreported_zero"],
)
def test_time_indicators_are_better_when_lower(days: float, expected: Rating) -> None:
    """Target 5 days: 4 days is 125 % (above), 6 days 83 % (below); zero is no report."""
    content = skp(rhk("r1", U, indicator("w", Aspect.WAKTU, target=5)))
    values = realised(w=days) if days else ()
    assert suggest_results_rating(content, values) is expected


@pytest.mark.parametrize(
    ("target", "value", "expected"),
    [(10, 11, A), (12, 13.2, A), (24, 26.4, A), (10, 9, S), (36, 32.4, S)],
    ids=["11_of_10", "13.2_of_12", "26.4_of_24", "9_of_10", "32.4_of_36"],
)
def test_exactly_at_a_threshold_whatever_floats_make_of_it(
    target: float, value: float, expected: Rating
) -> None:
    """110 % exceeds and 90 % is not below, also when the division lands a hair off
    (13.2 / 12 == 1.0999999999999999, 32.4 / 36 == 0.8999999999999999), as the at-risk
    check already allows for."""
    content = skp(rhk("r1", U, indicator("q", target=target)))
    assert suggest_results_rating(content, realised(q=value)) is expected
