"""The read side's lists: appraisals filtered, scoped to what a caller may see, sorted
and paged; counts for a period summary; audit events."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import Appraisal, Employee

SortKey = Literal["nip", "stage", "updated_at", "predikat"]


@dataclass(frozen=True)
class Scope:
    """Which appraisals a caller may see: everything, or the union of their own, those
    they supervise, those their direct reports supervise, and (tim penilai) an agency."""

    everything: bool = False
    own_nip: str | None = None
    agency_code: str | None = None

    def clause(self) -> ColumnElement[bool]:
        if self.everything:
            return true()
        parts: list[ColumnElement[bool]] = []
        if self.own_nip is not None:
            reports = select(Employee.nip).where(Employee.supervisor_nip == self.own_nip)
            parts += [
                Appraisal.nip == self.own_nip,
                Appraisal.supervisor_nip == self.own_nip,
                Appraisal.supervisor_nip.in_(reports),
            ]
        if self.agency_code is not None:
            parts.append(Appraisal.agency_code == self.agency_code)
        return or_(*parts) if parts else false()


@dataclass(frozen=True)
class AppraisalFilter:
    period_id: str | None = None
    agency_code: str | None = None
    unit_code: str | None = None
    stage: str | None = None
    predikat: str | None = None
    overdue: bool | None = None
    at_risk: bool | None = None
    supervisor_nip: str | None = None
    nip: str | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        columns: dict[str, Any] = {
            "period_id": Appraisal.period_id,
            "agency_code": Appraisal.agency_code,
            "unit_code": Appraisal.unit_code,
            "stage": Appraisal.stage,
            "predikat": Appraisal.predikat,
            "overdue": Appraisal.overdue,
            "at_risk": Appraisal.at_risk,
            "supervisor_nip": Appraisal.supervisor_nip,
            "nip": Appraisal.nip,
        }
        return [
            columns[name] == value for name, value in self.__dict__.items() if value is not None
        ]


@dataclass(frozen=True)
class ListedAppraisal:
    period_id: str
    nip: str
    name: str | None
    position: str | None
    agency_code: str
    unit_code: str
    supervisor_nip: str | None
    stage: str
    predikat: str | None
    overdue: bool
    at_risk: bool
    updated_at: datetime
    closed_at: datetime | None = None  # stopped by the period's closure


# What a row of a list shows of an appraisal; the export adds its own columns after these.
LISTED_COLUMNS = (
    Appraisal.period_id,
    Appraisal.nip,
    Employee.name,
    Employee.position,
    Appraisal.agency_code,
    Appraisal.unit_code,
    Appraisal.supervisor_nip,
    Appraisal.stage,
    Appraisal.predikat,
    Appraisal.overdue,
    Appraisal.at_risk,
    Appraisal.updated_at,
)


def _listing(scope: Scope, filters: AppraisalFilter) -> Select[*tuple[Any, ...]]:
    return (
        select(
            *LISTED_COLUMNS,
            Appraisal.closed_at,
        )
        .outerjoin(Employee, Employee.nip == Appraisal.nip)
        .where(scope.clause(), *filters.clauses())
    )


async def list_appraisals(
    session: AsyncSession,
    scope: Scope,
    filters: AppraisalFilter,
    *,
    sort: SortKey,
    descending: bool,
    limit: int,
    offset: int,
) -> tuple[int, list[ListedAppraisal]]:
    """One page, and how many match in all. Ties broken by period and NIP so pages are
    stable."""
    total = await session.scalar(
        select(func.count()).select_from(Appraisal).where(scope.clause(), *filters.clauses())
    )
    sort_column = getattr(Appraisal, sort)
    order = [sort_column.desc() if descending else sort_column.asc()]
    rows = await session.execute(
        _listing(scope, filters)
        .order_by(*order, Appraisal.period_id, Appraisal.nip)
        .limit(limit)
        .offset(offset)
    )
    return int(total or 0), [ListedAppraisal(**row._mapping) for row in rows.all()]


async def stream_appraisals(
    session: AsyncSession, scope: Scope, filters: AppraisalFilter, *, batch: int = 1000
) -> AsyncIterator[ListedAppraisal]:
    """Every matching appraisal, in NIP order, for exports (server-side cursor)."""
    result = await session.stream(
        _listing(scope, filters)
        .order_by(Appraisal.period_id, Appraisal.nip)
        .execution_options(yield_per=batch)
    )
    async for row in result:
        yield ListedAppraisal(**row._mapping)


async def scoped_states(
    session: AsyncSession, scope: Scope, *, unfinished_only: bool = True
) -> list[tuple[str, dict[str, Any]]]:
    """(period, state JSON) of every appraisal in scope, for computing what is owed."""
    query = select(Appraisal.period_id, Appraisal.state).where(scope.clause())
    if unfinished_only:  # neither finished nor stopped by the period's closure
        query = query.where(Appraisal.stage != "selesai", Appraisal.closed_at.is_(None))
    rows = await session.execute(query.order_by(Appraisal.period_id, Appraisal.nip))
    return [(period_id, state) for period_id, state in rows.all()]


async def head_of_agency_states(session: AsyncSession) -> list[tuple[str, dict[str, Any]]]:
    """Unfinished appraisals with no supervisor: heads of agency, rated for the regional
    head, whose steps BKPSDM owes."""
    rows = await session.execute(
        select(Appraisal.period_id, Appraisal.state).where(
            Appraisal.supervisor_nip.is_(None),
            Appraisal.stage != "selesai",
            Appraisal.closed_at.is_(None),
        )
    )
    return [(period_id, state) for period_id, state in rows.all()]


async def period_counts(
    session: AsyncSession, period_id: str, scope: Scope
) -> list[tuple[str, str, str | None, bool, int]]:
    """(agency, stage, predikat, overdue, count) groups for a period summary."""
    rows = await session.execute(
        select(
            Appraisal.agency_code,
            Appraisal.stage,
            Appraisal.predikat,
            Appraisal.overdue,
            func.count(),
        )
        .where(Appraisal.period_id == period_id, scope.clause())
        .group_by(Appraisal.agency_code, Appraisal.stage, Appraisal.predikat, Appraisal.overdue)
    )
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def unit_predicates(
    session: AsyncSession, period_id: str, scope: Scope
) -> list[tuple[str, str, str | None]]:
    """(agency, unit, predikat) of every appraisal in the period, for distribution status."""
    rows = await session.execute(
        select(Appraisal.agency_code, Appraisal.unit_code, Appraisal.predikat).where(
            Appraisal.period_id == period_id, scope.clause()
        )
    )
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


@dataclass(frozen=True)
class AuditFilter:
    subject_type: str | None = None
    subject_id: str | None = None
    actor: str | None = None
    period_id: str | None = None
    action: str | None = None


async def count_appraisals(session: AsyncSession, scope: Scope, filters: AppraisalFilter) -> int:
    """How many appraisals match, e.g. to refuse an over-large export before it starts."""
    total = await session.scalar(
        select(func.count()).select_from(Appraisal).where(scope.clause(), *filters.clauses())
    )
    return int(total or 0)
