"""What ``GET /periods/{id}/dashboard`` answers and the web's dashboard draws: a period's
stage funnel, overdue steps per agency and unit, the people at risk, escalations sent,
each unit's predikat against its distribution rule, and the training load."""

from datetime import datetime

from pydantic import BaseModel, Field

from domain.development import DevelopmentKind
from domain.distribusi import UnitPredikat, Violation
from domain.notices import StepKind
from domain.predikat import Predikat
from domain.stages import Stage
from domain.unit import Override


class StageCount(BaseModel):
    stage: Stage
    count: int


class OverdueRow(BaseModel):
    """One row of the heat table: an agency (``unit_code`` None) or a unit."""

    agency_code: str
    unit_code: str | None
    name: str | None
    total: int = Field(description="Appraisals in this agency or unit.")
    overdue: int = Field(description="Appraisals with a step past its due time.")
    by_stage: dict[Stage, int] = Field(description="Overdue appraisals per stage.")


class AtRiskPerson(BaseModel):
    nip: str
    name: str | None
    agency_code: str
    unit_code: str
    stage: Stage
    predikat: Predikat | None
    overdue: bool


class AtRisk(BaseModel):
    """People whose progress was behind target at a check-in (``at_risk``): the ones the
    system already predicts below expectations. The overdue among them come first."""

    total: int
    overdue: int = Field(description="At risk and with a step past its due time.")
    people: list[AtRiskPerson] = Field(description="The first of them, at most ``limit``.")
    limit: int


class EscalationCount(BaseModel):
    """Escalations sent for one kind of step at one level (1 = the level above the one
    who owes it)."""

    stage: Stage
    step: StepKind
    level: int
    count: int


class RuleBand(BaseModel):
    """One bound of the unit's rule: the share of the unit (0..1) that ``predicates``
    may hold (at most ``share``) or must hold (at least ``share``, and at least
    ``minimum_count`` people), and where the unit stands against it."""

    rule: str
    predicates: list[Predikat]
    at_least: bool
    share: float
    minimum_count: int
    actual_count: int
    limit_count: int
    broken: bool


class UnitDistribution(BaseModel):
    agency_code: str
    unit_code: str
    name: str | None
    members: int
    unrated: int
    counts: dict[Predikat, int]
    unit_predikat: UnitPredikat | None
    bands: list[RuleBand] = Field(description="The rule's bounds; empty while no unit predikat.")
    violations: list[Violation]
    override: Override | None = Field(
        description="The tim penilai's acceptance of a broken rule: who, when, why, and the "
        "violations it covered."
    )
    finalised_at: datetime | None


class ActionLoad(BaseModel):
    kind: DevelopmentKind
    open: int
    completed: int


class TrainingLoad(BaseModel):
    """Tindak lanjut for the people rated below expectations (butuh perbaikan, kurang,
    sangat kurang)."""

    awaiting_result: int = Field(description="Rated, result not yet final.")
    unassigned: int = Field(description="Final, no development action assigned yet.")
    in_progress: int = Field(description="At least one action not yet confirmed.")
    completed: int = Field(description="Every action confirmed.")
    actions: list[ActionLoad]


class PeriodDashboard(BaseModel):
    period_id: str
    name: str
    status: str
    agency_code: str | None = Field(
        description="The agency these figures cover (a tim penilai's); None: every agency."
    )
    total: int
    overdue: int
    funnel: list[StageCount] = Field(description="Appraisals per stage, in stage order.")
    agencies: list[OverdueRow]
    units: list[OverdueRow]
    at_risk: AtRisk
    escalations: list[EscalationCount]
    distribution: list[UnitDistribution]
    training: TrainingLoad
