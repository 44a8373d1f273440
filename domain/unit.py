"""A unit's assessment: its organisational predicate, the distribution gate over its
staff's predicates, an override the tim penilai may record with a reason, and
finalisation, which delivers every result in the unit."""

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from domain.appraisal import Actor, Reason, require
from domain.distribusi import UnitPredikat, Violation, check_distribution
from domain.errors import DomainError, WrongStateError
from domain.predikat import Predikat
from domain.roles import Role
from domain.text import PlainTextInput


class DistributionViolatedError(DomainError):
    """The unit's predicates break its distribution rule (HTTP 409, with the details)."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(v.message for v in violations))
        self.violations = violations


# Who may set the rule aside: the agency's evaluation team, never BKPSDM (HR finalises).
OVERRIDE_ROLE = Role.TIM_PENILAI


class Override(BaseModel):
    """The tim penilai's acceptance of a distribution that breaks the rule: ``by`` is the
    token subject, ``by_nip`` the employee behind it (absent on overrides recorded before
    it was kept), ``violations`` what it covers."""

    model_config = ConfigDict(frozen=True)

    reason: str
    by: str
    by_nip: str | None = None
    at: datetime
    violations: tuple[Violation, ...]


class UnitState(BaseModel):
    model_config = ConfigDict(frozen=True)

    period_id: str
    unit_code: str
    agency_code: str
    unit_predikat: UnitPredikat | None = None
    predikat_set_by: str | None = None
    override: Override | None = None
    finalised_at: datetime | None = None
    finalised_by: str | None = None
    delivered: int = 0
    version: int = 1

    def changed(self, **changes: object) -> "UnitState":
        return self.model_copy(update={**changes, "version": self.version + 1})


def _may_manage(actor: Actor) -> bool:
    return actor.has(Role.HR_ADMIN) or actor.has(Role.TIM_PENILAI)


def _require_open(state: UnitState) -> None:
    if state.finalised_at is not None:
        raise WrongStateError("Penilaian unit ini sudah final")


class UnitCommand(PlainTextInput):
    model_config = ConfigDict(frozen=True, extra="forbid")

    action: ClassVar[str]


class SetUnitPredikat(UnitCommand):
    """HR or the tim penilai sets the unit's predicate from its plan achievement."""

    action: ClassVar[str] = "unit.predikat_set"
    predikat: UnitPredikat

    def apply(self, state: UnitState, actor: Actor) -> UnitState:
        require(_may_manage(actor), "Predikat unit ditetapkan oleh BKPSDM atau tim penilai")
        _require_open(state)
        # an override was given against the old rule: it does not carry over
        return state.changed(
            unit_predikat=self.predikat, predikat_set_by=actor.subject, override=None
        )


def _ratings_complete(ratings: list[Predikat | None]) -> list[Predikat]:
    unrated = sum(1 for rating in ratings if rating is None)
    if unrated:
        raise WrongStateError(f"{unrated} pegawai di unit ini belum dinilai")
    return [rating for rating in ratings if rating is not None]


def violations_of(state: UnitState, ratings: list[Predikat | None]) -> list[Violation]:
    if state.unit_predikat is None:
        raise WrongStateError("Predikat unit belum ditetapkan")
    return check_distribution(state.unit_predikat, _ratings_complete(ratings))


class RecordOverride(UnitCommand):
    """The tim penilai accepts the current distribution despite its violations, saying why."""

    action: ClassVar[str] = "unit.override"
    reason: Reason

    def check(self, state: UnitState, actor: Actor) -> None:
        require(actor.has(OVERRIDE_ROLE), "Pengecualian dicatat oleh tim penilai")
        _require_open(state)

    def apply(
        self, state: UnitState, actor: Actor, ratings: list[Predikat | None], now: datetime
    ) -> UnitState:
        self.check(state, actor)
        violations = violations_of(state, ratings)
        if not violations:
            raise WrongStateError("Distribusi sudah sesuai aturan; pengecualian tidak diperlukan")
        override = Override(
            reason=self.reason,
            by=actor.subject,
            by_nip=actor.nip,
            at=now,
            violations=tuple(violations),
        )
        return state.changed(override=override)


class FinaliseUnit(UnitCommand):
    """Close the unit: every employee rated, and the distribution holds (or is overridden)."""

    action: ClassVar[str] = "unit.finalised"

    def check(self, state: UnitState, actor: Actor) -> None:
        require(_may_manage(actor), "Finalisasi unit oleh BKPSDM atau tim penilai")
        _require_open(state)

    def apply(
        self, state: UnitState, actor: Actor, ratings: list[Predikat | None], now: datetime
    ) -> UnitState:
        self.check(state, actor)
        require_finalisable(state, ratings)
        return state.changed(finalised_at=now, finalised_by=actor.subject)


def require_finalisable(state: UnitState, ratings: list[Predikat | None]) -> None:
    """Whether the unit may be finalised with these ratings, whoever asks: still open,
    its predicate set, every member rated, and the distribution within the rule or
    covered by the override. Raises the first reason it may not (the finalise command's
    refusal); :func:`can_finalise` asks the same question for the distribution report."""
    _require_open(state)
    violations = violations_of(state, ratings)
    if violations and not _covered(violations, state.override):
        raise DistributionViolatedError(violations)


def can_finalise(state: UnitState, ratings: list[Predikat | None]) -> bool:
    try:
        require_finalisable(state, ratings)
    except DomainError:
        return False
    return True


def _covered(violations: list[Violation], override: Override | None) -> bool:
    """An override covers what it was recorded against, not a distribution that has
    since drifted further from the rule."""
    if override is None:
        return False
    return all(
        any(v.rule == o.rule and v.off_by <= o.off_by for o in override.violations)
        for v in violations
    )


class UnitMember(BaseModel):
    """One employee of the unit as the read model has them."""

    nip: str
    predikat: Predikat | None
    supervisor_nip: str | None = Field(default=None)
