"""A period's dashboard, for both faces: the JSON route (``api.routes.dashboard``) and the
web's page (``web.routes.dashboard``) call ``period_dashboard``. It is scoped as the
period's own counts are (``period_service.visible_agency``): HR and the auditor see every
agency, a tim penilai their own. The counting is PostgreSQL's
(``persistence.repositories.dashboard``); this sums the groups and asks the domain for
each unit's rule."""

from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from api.dashboard_models import (
    ActionLoad,
    AtRisk,
    AtRiskPerson,
    EscalationCount,
    OverdueRow,
    PeriodDashboard,
    RuleBand,
    StageCount,
    TrainingLoad,
    UnitDistribution,
)
from api.period_service import visible_agency
from api.problems import Problem
from domain.appraisal import Actor
from domain.development import DevelopmentKind
from domain.distribusi import bound_standings
from domain.notices import STEP_STAGES, StepKind
from domain.predikat import NEEDS_DEVELOPMENT, Predikat
from domain.stages import Stage
from domain.unit import UnitState
from persistence.repositories import dashboard, periods
from persistence.repositories.dashboard import AppraisalGroup

AT_RISK_LIMIT = 50


def _empty_stages() -> dict[Stage, int]:
    return dict.fromkeys(Stage, 0)


def _overdue_rows(
    groups: list[AppraisalGroup], agency_names: dict[str, str], unit_names: dict[str, str]
) -> tuple[list[OverdueRow], list[OverdueRow]]:
    """The heat table's rows: per agency and per unit, overdue appraisals per stage."""
    agencies: dict[str, OverdueRow] = {}
    units: dict[str, OverdueRow] = {}
    for group in groups:
        agency = agencies.setdefault(
            group.agency_code,
            OverdueRow(
                agency_code=group.agency_code,
                unit_code=None,
                name=agency_names.get(group.agency_code),
                total=0,
                overdue=0,
                by_stage=_empty_stages(),
            ),
        )
        unit = units.setdefault(
            group.unit_code,
            OverdueRow(
                agency_code=group.agency_code,
                unit_code=group.unit_code,
                name=unit_names.get(group.unit_code),
                total=0,
                overdue=0,
                by_stage=_empty_stages(),
            ),
        )
        for row in (agency, unit):
            row.total += group.total
            row.overdue += group.overdue
            row.by_stage[Stage(group.stage)] += group.overdue
    return (
        sorted(agencies.values(), key=lambda row: row.agency_code),
        sorted(units.values(), key=lambda row: (row.agency_code, row.unit_code or "")),
    )


def _distribution(
    groups: list[AppraisalGroup], states: dict[str, UnitState], unit_names: dict[str, str]
) -> list[UnitDistribution]:
    """Each unit's predikat counts against the rule of its unit predikat."""
    counts: dict[tuple[str, str], dict[Predikat, int]] = defaultdict(dict)
    unrated: dict[tuple[str, str], int] = defaultdict(int)
    for group in groups:
        key = (group.agency_code, group.unit_code)
        if group.predikat is None:
            unrated[key] += group.total
        else:
            predikat = Predikat(group.predikat)
            counts[key][predikat] = counts[key].get(predikat, 0) + group.total
    units = sorted({(group.agency_code, group.unit_code) for group in groups})
    shown = []
    for agency, unit in units:
        rated = counts.get((agency, unit), {})
        state = states.get(unit)
        unit_predikat = state.unit_predikat if state else None
        standings = bound_standings(unit_predikat, rated) if unit_predikat else []
        size = sum(rated.values())
        shown.append(
            UnitDistribution(
                agency_code=agency,
                unit_code=unit,
                name=unit_names.get(unit),
                members=size + unrated.get((agency, unit), 0),
                unrated=unrated.get((agency, unit), 0),
                counts={predikat: rated.get(predikat, 0) for predikat in Predikat},
                unit_predikat=unit_predikat,
                bands=[
                    RuleBand(
                        rule=standing.bound.describe(),
                        predicates=[p for p in Predikat if p in standing.bound.predicates],
                        at_least=standing.bound.at_least,
                        share=standing.bound.share,
                        minimum_count=standing.bound.minimum_count,
                        actual_count=standing.actual_count,
                        limit_count=standing.limit_count,
                        broken=standing.broken,
                    )
                    for standing in standings
                ],
                violations=[s.violation(size) for s in standings if s.broken],
                override=state.override if state else None,
                finalised_at=state.finalised_at if state else None,
            )
        )
    return shown


def _escalations(found: list[tuple[str, int, int]]) -> list[EscalationCount]:
    """Escalations per step and level, in stage order, then step, then level."""
    steps = list(StepKind)
    names = {step.value: step for step in steps}
    known = [(names[step], level, count) for step, level, count in found if step in names]
    return [
        EscalationCount(stage=STEP_STAGES[step], step=step, level=level, count=count)
        for step, level, count in sorted(
            known, key=lambda item: (STEP_STAGES[item[0]].position, steps.index(item[0]), item[1])
        )
    ]


async def period_dashboard(
    session: AsyncSession, actor: Actor, period_id: str, *, at_risk_limit: int = AT_RISK_LIMIT
) -> PeriodDashboard:
    """The period's dashboard as ``actor`` may see it (404 for no such period; 403 for a
    tim penilai without an agency; the route declares who may ask at all)."""
    period = await periods.get_period(session, period_id)
    if period is None:
        raise Problem("not-found", f"Periode {period_id} tidak ditemukan")
    agency = await visible_agency(session, actor)
    groups = await dashboard.appraisal_groups(session, period_id, agency)
    agency_names, unit_names = await dashboard.names(
        session, {g.agency_code for g in groups}, {g.unit_code for g in groups}
    )
    agencies, units = _overdue_rows(groups, agency_names, unit_names)
    stages = _empty_stages()
    for group in groups:
        stages[Stage(group.stage)] += group.total
    people = await dashboard.at_risk_people(session, period_id, agency, limit=at_risk_limit)
    training = await dashboard.training_counts(
        session, period_id, agency, {p.value for p in NEEDS_DEVELOPMENT}
    )
    states = await dashboard.unit_states(session, period_id, agency)
    return PeriodDashboard(
        period_id=period.id,
        name=period.name,
        status=period.status,
        agency_code=agency,
        total=sum(stages.values()),
        overdue=sum(group.overdue for group in groups),
        funnel=[StageCount(stage=stage, count=count) for stage, count in stages.items()],
        agencies=agencies,
        units=units,
        at_risk=AtRisk(
            total=sum(group.at_risk for group in groups),
            overdue=sum(group.at_risk_overdue for group in groups),
            people=[
                AtRiskPerson(
                    nip=row.nip,
                    name=row.name,
                    agency_code=row.agency_code,
                    unit_code=row.unit_code,
                    stage=Stage(row.stage),
                    predikat=Predikat(row.predikat) if row.predikat else None,
                    overdue=row.overdue,
                )
                for row in people
            ],
            limit=at_risk_limit,
        ),
        escalations=_escalations(await dashboard.escalation_counts(session, period_id, agency)),
        distribution=_distribution(groups, states, unit_names),
        training=TrainingLoad(
            awaiting_result=training.awaiting_result,
            unassigned=training.unassigned,
            in_progress=training.in_progress,
            completed=training.completed,
            actions=[
                ActionLoad(kind=kind, open=open_, completed=done)
                for kind in DevelopmentKind
                for open_, done in [training.actions.get(kind.value, (0, 0))]
            ],
        ),
    )
