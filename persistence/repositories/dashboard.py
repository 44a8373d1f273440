"""The period dashboard's figures, each counted by PostgreSQL (GROUP BY, FILTER, jsonpath)
so that a regency of 10,000 appraisals is never loaded row by row into Python. Every
query takes ``agency_code``: None for the whole period, else that agency alone."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.unit import UnitState
from persistence.models import Agency, Appraisal, Employee, Notification, Unit, UnitAssessment


@dataclass(frozen=True)
class AppraisalGroup:
    """Appraisals of one unit in one stage with one predikat (None: unrated)."""

    agency_code: str
    unit_code: str
    stage: str
    predikat: str | None
    total: int
    overdue: int
    at_risk: int
    at_risk_overdue: int


@dataclass(frozen=True)
class AtRiskRow:
    nip: str
    name: str | None
    agency_code: str
    unit_code: str
    stage: str
    predikat: str | None
    overdue: bool


@dataclass(frozen=True)
class TrainingCounts:
    """People below expectations by where their development stands, and the actions
    assigned by kind (kind → open, completed)."""

    awaiting_result: int
    unassigned: int
    in_progress: int
    completed: int
    actions: dict[str, tuple[int, int]]


def _in_agency(agency_code: str | None) -> ColumnElement[bool]:
    return true() if agency_code is None else Appraisal.agency_code == agency_code


async def appraisal_groups(
    session: AsyncSession, period_id: str, agency_code: str | None
) -> list[AppraisalGroup]:
    """The one pass over the period's appraisals that the funnel, the overdue heat table,
    the at-risk count and every unit's predikat distribution are summed from."""
    rows = await session.execute(
        select(
            Appraisal.agency_code,
            Appraisal.unit_code,
            Appraisal.stage,
            Appraisal.predikat,
            func.count(),
            func.count().filter(Appraisal.overdue),
            func.count().filter(Appraisal.at_risk),
            func.count().filter(Appraisal.at_risk, Appraisal.overdue),
        )
        .where(Appraisal.period_id == period_id, _in_agency(agency_code))
        .group_by(Appraisal.agency_code, Appraisal.unit_code, Appraisal.stage, Appraisal.predikat)
    )
    return [AppraisalGroup(*row) for row in rows.all()]


async def at_risk_people(
    session: AsyncSession, period_id: str, agency_code: str | None, *, limit: int
) -> list[AtRiskRow]:
    """The first ``limit`` people flagged at risk (progress behind target at a check-in),
    those also overdue first."""
    rows = await session.execute(
        select(
            Appraisal.nip,
            Employee.name,
            Appraisal.agency_code,
            Appraisal.unit_code,
            Appraisal.stage,
            Appraisal.predikat,
            Appraisal.overdue,
        )
        .outerjoin(Employee, Employee.nip == Appraisal.nip)
        .where(Appraisal.period_id == period_id, Appraisal.at_risk, _in_agency(agency_code))
        .order_by(
            Appraisal.overdue.desc(), Appraisal.agency_code, Appraisal.unit_code, Appraisal.nip
        )
        .limit(limit)
    )
    return [AtRiskRow(*row) for row in rows.all()]


async def escalation_counts(
    session: AsyncSession, period_id: str, agency_code: str | None
) -> list[tuple[str, int, int]]:
    """(step, level, escalations sent) from the notification outbox; for one agency,
    those about its people."""
    query = select(Notification.step, Notification.level, func.count()).where(
        Notification.period_id == period_id, Notification.kind == "eskalasi"
    )
    if agency_code is not None:
        query = query.join(
            Appraisal,
            and_(
                Appraisal.period_id == Notification.period_id,
                Appraisal.nip == Notification.subject_nip,
            ),
        ).where(Appraisal.agency_code == agency_code)
    rows = await session.execute(query.group_by(Notification.step, Notification.level))
    return [(step, level, count) for step, level, count in rows.all()]


# a development action not yet confirmed by the pejabat penilai
_OPEN_ACTION: ColumnElement[Any] = literal_column(
    "'$.development[*] ? (@.confirmed_at == null)'::jsonpath"
)


async def training_counts(
    session: AsyncSession,
    period_id: str,
    agency_code: str | None,
    below_expectations: Collection[str],
) -> TrainingCounts:
    """Where the development of people rated ``below_expectations`` stands: rated but
    not yet final, final with nothing assigned, actions open, all confirmed. Only their
    rows' state documents are read, inside PostgreSQL."""
    development = Appraisal.state["development"]
    has_actions = (
        func.jsonb_array_length(func.coalesce(development, literal_column("'[]'::jsonb"))) > 0
    )
    has_open = func.jsonb_path_exists(Appraisal.state, _OPEN_ACTION)
    needing = (
        Appraisal.period_id == period_id,
        Appraisal.predikat.in_(list(below_expectations)),
        _in_agency(agency_code),
    )
    people = (
        await session.execute(
            select(
                func.count().filter(Appraisal.stage == "penilaian"),
                func.count().filter(Appraisal.stage == "tindak_lanjut", ~has_actions),
                func.count().filter(has_open),
                func.count().filter(has_actions, ~has_open),
            ).where(*needing)
        )
    ).one()
    action = func.jsonb_array_elements(development).table_valued("value").alias("action")
    kind = action.c.value.op("->>")("kind")
    confirmed = action.c.value.op("->>")("confirmed_at")
    actions = await session.execute(
        select(
            kind,
            func.count().filter(confirmed.is_(None)),
            func.count().filter(confirmed.isnot(None)),
        )
        .select_from(Appraisal)
        .join(action, true())
        .where(*needing)
        .group_by(kind)
    )
    return TrainingCounts(
        awaiting_result=people[0],
        unassigned=people[1],
        in_progress=people[2],
        completed=people[3],
        actions={name: (open_, done) for name, open_, done in actions.all()},
    )


async def unit_states(
    session: AsyncSession, period_id: str, agency_code: str | None
) -> dict[str, UnitState]:
    """The unit assessments of the period (predikat, override, finalisation)."""
    query = select(UnitAssessment.state).where(UnitAssessment.period_id == period_id)
    if agency_code is not None:
        query = query.where(UnitAssessment.agency_code == agency_code)
    states = [UnitState.model_validate(state) for state in (await session.scalars(query)).all()]
    return {state.unit_code: state for state in states}


async def names(
    session: AsyncSession, agency_codes: Collection[str], unit_codes: Collection[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The names of these agencies and units, as the roster has them."""
    agencies = await session.execute(
        select(Agency.code, Agency.name).where(Agency.code.in_(list(agency_codes)))
    )
    units = await session.execute(
        select(Unit.code, Unit.name).where(Unit.code.in_(list(unit_codes)))
    )
    return {code: name for code, name in agencies.all()}, {code: name for code, name in units.all()}
