"""The distribution rule (pola distribusi): a unit's own predicate bounds how its staff's
predicates may be spread. A violation never changes anyone's predicate; it blocks the
unit's finalisation until ratings are adjusted or the tim penilai records an override."""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.predikat import Predikat


class UnitPredikat(StrEnum):
    """The organisational predicate, set from the unit's plan achievement."""

    ISTIMEWA = "istimewa"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang"
    SANGAT_KURANG = "sangat_kurang"


class Bound(BaseModel):
    """At least or at most ``share`` of the unit in ``predicates`` (``minimum_count``
    expresses "at least one")."""

    model_config = ConfigDict(frozen=True)

    predicates: frozenset[Predikat]
    at_least: bool
    share: float
    minimum_count: int = 0

    def describe(self) -> str:
        names = " atau ".join(sorted(p.value for p in self.predicates))
        if self.minimum_count and self.share == 0:
            return f"sedikitnya {self.minimum_count} pegawai {names}"
        word = "sedikitnya" if self.at_least else "paling banyak"
        return f"{word} {round(self.share * 100)}% {names}"


def _at_most(share: float, *predicates: Predikat) -> Bound:
    return Bound(predicates=frozenset(predicates), at_least=False, share=share)


def _at_least(share: float, *predicates: Predikat, count: int = 0) -> Bound:
    return Bound(predicates=frozenset(predicates), at_least=True, share=share, minimum_count=count)


P = Predikat
RULES: dict[UnitPredikat, tuple[Bound, ...]] = {
    UnitPredikat.ISTIMEWA: (_at_most(0.7, P.SANGAT_BAIK),),
    UnitPredikat.BAIK: (_at_most(0.7, P.BAIK), _at_least(0, P.BUTUH_PERBAIKAN, P.KURANG, count=1)),
    UnitPredikat.BUTUH_PERBAIKAN: (
        _at_least(0.6, P.BUTUH_PERBAIKAN),
        _at_most(0.1, P.SANGAT_BAIK),
    ),
    UnitPredikat.KURANG: (
        _at_least(0.6, P.KURANG),
        _at_least(0.1, P.BUTUH_PERBAIKAN),
        _at_most(0.1, P.SANGAT_BAIK),
    ),
    UnitPredikat.SANGAT_KURANG: (
        _at_least(0.6, P.SANGAT_KURANG),
        _at_least(0.1, P.KURANG, P.BUTUH_PERBAIKAN),
        _at_most(0.0, P.SANGAT_BAIK),
    ),
}


class Violation(BaseModel):
    """One broken bound, with how far off the unit is, in people."""

    model_config = ConfigDict(frozen=True)

    rule: str
    actual_count: int
    allowed_count: int
    unit_size: int
    off_by: int

    @property
    def message(self) -> str:
        return (
            f"Aturan '{self.rule}' dilanggar: {self.actual_count} dari {self.unit_size} pegawai; "
            f"selisih {self.off_by} pegawai"
        )


class BoundStanding(BaseModel):
    """One bound of a unit's rule against the unit's counts: how many people it covers,
    the limit (the most allowed, or the fewest required) and whether it is broken. What a
    dashboard draws as an allowed band; the broken ones are the violations."""

    model_config = ConfigDict(frozen=True)

    bound: Bound
    actual_count: int
    limit_count: int
    broken: bool

    def violation(self, unit_size: int) -> Violation:
        return Violation(
            rule=self.bound.describe(),
            actual_count=self.actual_count,
            allowed_count=self.limit_count,
            unit_size=unit_size,
            off_by=abs(self.actual_count - self.limit_count),
        )


def bound_standings(unit: UnitPredikat, counts: Mapping[Predikat, int]) -> list[BoundStanding]:
    """Every bound of ``unit``'s rule against ``counts`` (people per predikat, the unrated
    left out), in the rule's order; none for an empty unit, where nothing can break."""
    size = sum(counts.values())
    if size == 0:
        return []
    standings = []
    for bound in RULES[unit]:
        actual = sum(counts.get(p, 0) for p in bound.predicates)
        if bound.at_least:
            limit = max(math.ceil(bound.share * size - 1e-9), bound.minimum_count)
            broken = actual < limit
        else:
            limit = math.floor(bound.share * size + 1e-9)
            broken = actual > limit
        standings.append(
            BoundStanding(bound=bound, actual_count=actual, limit_count=limit, broken=broken)
        )
    return standings


def check_distribution(unit: UnitPredikat, predicates: Iterable[Predikat]) -> list[Violation]:
    """Every bound of ``unit``'s rule that these predicates break (empty: it holds)."""
    counts = Counter(predicates)
    size = sum(counts.values())
    return [s.violation(size) for s in bound_standings(unit, counts) if s.broken]
