"""Reads of the organisation for the API: agencies with their counts, a unit's people and
heads, a person's chain of supervisors and direct reports, each limited to what a
``PeopleScope`` lets the caller see (``api.access.people_scope_of`` builds it)."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, and_, cast, exists, false, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from persistence.models import Agency, Employee, Unit
from persistence.repositories.organisation import MAX_CHAIN_DEPTH


@dataclass(frozen=True)
class PeopleScope:
    """Which employees a caller may see: everything, or the union of themselves, their
    chain of supervisors (``superiors``, nearest first), the active people below them two
    levels deep (their reports and the reports' reports) and, for a tim penilai, a whole
    agency."""

    everything: bool = False
    own_nip: str | None = None
    superiors: tuple[str, ...] = ()
    agency_code: str | None = None

    def covers_agency(self, agency_code: str) -> bool:
        """True when the scope takes in every employee of ``agency_code``."""
        return self.everything or self.agency_code == agency_code

    def clause(self) -> ColumnElement[bool]:
        """A condition on ``Employee`` rows."""
        if self.everything:
            return Employee.nip.is_not(None)
        parts: list[ColumnElement[bool]] = []
        if self.own_nip is not None:
            report = aliased(Employee)
            reports = select(report.nip).where(report.supervisor_nip == self.own_nip, report.active)
            parts += [
                Employee.nip == self.own_nip,
                and_(
                    Employee.active,
                    or_(
                        Employee.supervisor_nip == self.own_nip,
                        Employee.supervisor_nip.in_(reports),
                    ),
                ),
            ]
            if self.superiors:
                parts.append(Employee.nip.in_(self.superiors))
        if self.agency_code is not None:
            parts.append(Employee.agency_code == self.agency_code)
        return or_(*parts) if parts else false()


@dataclass(frozen=True)
class AgencyCounts:
    code: str
    name: str
    active_employees: int
    units: int


async def agency_counts(
    session: AsyncSession, codes: Collection[str] | None = None
) -> list[AgencyCounts]:
    """Agencies ordered by code with their active employees and units counted; all of
    them, or only ``codes``."""
    employees = (
        select(Employee.agency_code, func.count().label("n"))
        .where(Employee.active)
        .group_by(Employee.agency_code)
        .subquery()
    )
    units = select(Unit.agency_code, func.count().label("n")).group_by(Unit.agency_code).subquery()
    query = (
        select(
            Agency.code,
            Agency.name,
            func.coalesce(employees.c.n, 0),
            func.coalesce(units.c.n, 0),
        )
        .outerjoin(employees, employees.c.agency_code == Agency.code)
        .outerjoin(units, units.c.agency_code == Agency.code)
        .order_by(Agency.code)
    )
    if codes is not None:
        query = query.where(Agency.code.in_(set(codes)))
    rows = (await session.execute(query)).all()
    return [AgencyCounts(code, name, int(active), int(count)) for code, name, active, count in rows]


async def unit_with_agency(session: AsyncSession, unit_code: str) -> tuple[Unit, Agency] | None:
    row = (
        await session.execute(
            select(Unit, Agency)
            .join(Agency, Agency.code == Unit.agency_code)
            .where(Unit.code == unit_code)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def agency_and_unit(
    session: AsyncSession, agency_code: str, unit_code: str
) -> tuple[Agency | None, Unit | None]:
    return await session.get(Agency, agency_code), await session.get(Unit, unit_code)


async def unit_people(
    session: AsyncSession, scope: PeopleScope, unit_code: str, *, limit: int, offset: int
) -> tuple[int, list[Employee]]:
    """The unit's active members the scope covers, by NIP, one page, and how many in all."""
    condition = and_(Employee.unit_code == unit_code, Employee.active, scope.clause())
    total = await session.scalar(select(func.count()).select_from(Employee).where(condition))
    rows = await session.scalars(
        select(Employee).where(condition).order_by(Employee.nip).limit(limit).offset(offset)
    )
    return int(total or 0), list(rows.all())


async def unit_heads(session: AsyncSession, scope: PeopleScope, unit_code: str) -> list[Employee]:
    """The unit's active members whose supervisor is nobody, or nobody active in the
    unit, that the scope covers."""
    supervisor = aliased(Employee)
    inside = exists().where(
        supervisor.nip == Employee.supervisor_nip,
        supervisor.unit_code == unit_code,
        supervisor.active,
    )
    query = (
        select(Employee)
        .where(Employee.unit_code == unit_code, Employee.active, ~inside, scope.clause())
        .order_by(Employee.nip)
    )
    return list((await session.scalars(query)).all())


async def visible_nips(session: AsyncSession, scope: PeopleScope, nips: Sequence[str]) -> set[str]:
    """Which of ``nips`` are employees the scope covers."""
    if not nips:
        return set()
    query = select(Employee.nip).where(Employee.nip.in_(set(nips)), scope.clause())
    return set((await session.scalars(query)).all())


async def visible_employee(session: AsyncSession, scope: PeopleScope, nip: str) -> Employee | None:
    """The employee ``nip`` when the scope covers them, else None (whether or not they
    exist: the caller is answered the same)."""
    query = select(Employee).where(Employee.nip == nip, scope.clause())
    found: Employee | None = await session.scalar(query)
    return found


async def supervisor_chain(session: AsyncSession, nip: str) -> list[Employee]:
    """The recorded supervisors above ``nip``, nearest first, as far as they are on the
    roster (bounded, in case a corrupted tree holds a cycle)."""
    start = select(Employee.supervisor_nip).where(Employee.nip == nip).scalar_subquery()
    chain = (
        select(Employee.nip, Employee.supervisor_nip, cast(literal(1), Integer).label("depth"))
        .where(Employee.nip == start)
        .cte("supervisors", recursive=True)
    )
    above = aliased(Employee)
    chain = chain.union_all(
        select(above.nip, above.supervisor_nip, chain.c.depth + 1)
        .join(chain, above.nip == chain.c.supervisor_nip)
        .where(chain.c.depth < MAX_CHAIN_DEPTH)
    )
    query = select(Employee).join(chain, chain.c.nip == Employee.nip).order_by(chain.c.depth)
    return list((await session.scalars(query)).all())


async def direct_reports(session: AsyncSession, scope: PeopleScope, nip: str) -> list[Employee]:
    """The active employees who report to ``nip`` that the scope covers, by NIP."""
    query = (
        select(Employee)
        .where(Employee.supervisor_nip == nip, Employee.active, scope.clause())
        .order_by(Employee.nip)
    )
    return list((await session.scalars(query)).all())


@dataclass(frozen=True)
class UnitCounts:
    code: str
    agency_code: str
    name: str
    active_employees: int


async def unit_counts(
    session: AsyncSession, *, agency_codes: Collection[str] | None = None, code: str | None = None
) -> list[UnitCounts]:
    """Units by agency and code with their active employees counted: all of them, those
    of ``agency_codes``, or the one ``code``."""
    employees = (
        select(Employee.unit_code, func.count().label("n"))
        .where(Employee.active)
        .group_by(Employee.unit_code)
        .subquery()
    )
    query = (
        select(Unit.code, Unit.agency_code, Unit.name, func.coalesce(employees.c.n, 0))
        .outerjoin(employees, employees.c.unit_code == Unit.code)
        .order_by(Unit.agency_code, Unit.code)
    )
    if agency_codes is not None:
        query = query.where(Unit.agency_code.in_(set(agency_codes)))
    if code is not None:
        query = query.where(Unit.code == code)
    rows = (await session.execute(query)).all()
    return [UnitCounts(code, agency, name, int(count)) for code, agency, name, count in rows]
