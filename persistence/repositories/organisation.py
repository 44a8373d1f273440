"""Reads and writes of the organisation (agencies, units, employees)."""

from collections.abc import Sequence

from pydantic import BaseModel
from sqlalchemy import Integer, cast, func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.organisation import EmployeeRecord, RosterMember
from persistence.models import Agency, Employee, Unit

MAX_CHAIN_DEPTH = 64  # the roster refuses cycles; this only bounds a corrupted tree

_EMPLOYEE_FIELDS = (
    "name",
    "position",
    "grade",
    "employment_type",
    "agency_code",
    "unit_code",
    "supervisor_nip",
    "is_tim_penilai",
    "is_hr_admin",
    "is_auditor",
    "active",
)


class ImportSummary(BaseModel):
    """What an import changed: re-importing the same file reports only ``unchanged``."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _employee_values(record: EmployeeRecord) -> dict[str, object]:
    values = record.model_dump(include=set(_EMPLOYEE_FIELDS))
    values["employment_type"] = record.employment_type.value
    return values


async def active_supervisor_map(session: AsyncSession) -> dict[str, str | None]:
    """Every active employee's NIP mapped to their supervisor's, for roster validation."""
    rows = await session.execute(
        select(Employee.nip, Employee.supervisor_nip).where(Employee.active)
    )
    return {nip: supervisor for nip, supervisor in rows.all()}


LOOKUP_CHUNK = 10_000


async def upsert_roster(session: AsyncSession, records: Sequence[EmployeeRecord]) -> ImportSummary:
    """Insert new employees, update changed ones, leave identical ones untouched."""
    agencies = {record.agency_code: record.agency_name for record in records}
    units = {record.unit_code: (record.agency_code, record.unit_name) for record in records}
    for code, name in agencies.items():
        statement = insert(Agency).values(code=code, name=name)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[Agency.code],
                set_={"name": statement.excluded.name},
                where=Agency.name != statement.excluded.name,
            )
        )
    for code, (agency_code, name) in units.items():
        statement = insert(Unit).values(code=code, agency_code=agency_code, name=name)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[Unit.code],
                set_={
                    "name": statement.excluded.name,
                    "agency_code": statement.excluded.agency_code,
                },
                where=(Unit.name != statement.excluded.name)
                | (Unit.agency_code != statement.excluded.agency_code),
            )
        )

    nips = [record.nip for record in records]
    existing: dict[str, Employee] = {}
    # in chunks: one IN list per 100,000-row roster would pass PostgreSQL's 32,767 limit
    # on bind parameters per statement
    for start in range(0, len(nips), LOOKUP_CHUNK):
        chunk = nips[start : start + LOOKUP_CHUNK]
        found = await session.scalars(select(Employee).where(Employee.nip.in_(chunk)))
        existing.update((employee.nip, employee) for employee in found.all())
    summary = ImportSummary()
    for record in records:
        values = _employee_values(record)
        current = existing.get(record.nip)
        if current is None:
            session.add(Employee(nip=record.nip, **values))
            summary.created += 1
        elif any(getattr(current, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(current, field, value)
            summary.updated += 1
        else:
            summary.unchanged += 1
    await session.flush()
    return summary


async def active_roster_page(
    session: AsyncSession, *, after_nip: str | None, limit: int
) -> list[RosterMember]:
    """Active employees ordered by NIP, keyset-paged so a retried page is the same page."""
    query = (
        select(Employee.nip, Employee.agency_code, Employee.unit_code, Employee.supervisor_nip)
        .where(Employee.active.is_(True))
        .order_by(Employee.nip)
        .limit(limit)
    )
    if after_nip is not None:
        query = query.where(Employee.nip > after_nip)
    rows = (await session.execute(query)).all()
    return [
        RosterMember(
            nip=row.nip,
            agency_code=row.agency_code,
            unit_code=row.unit_code,
            supervisor_nip=row.supervisor_nip,
        )
        for row in rows
    ]


async def count_active(session: AsyncSession) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(Employee).where(Employee.active)) or 0
    )


async def get_employee(session: AsyncSession, nip: str) -> Employee | None:
    return await session.get(Employee, nip)


async def has_subordinates(session: AsyncSession, nip: str) -> bool:
    query = select(Employee.nip).where(Employee.supervisor_nip == nip, Employee.active).limit(1)
    return (await session.scalar(query)) is not None


async def supervisor_nips(session: AsyncSession) -> set[str]:
    """NIPs of everyone with active staff: the pejabat penilai of the organisation."""
    query = select(Employee.supervisor_nip).where(
        Employee.active, Employee.supervisor_nip.is_not(None)
    )
    return {nip for nip in (await session.scalars(query.distinct())).all() if nip is not None}


async def names_of(session: AsyncSession, nips: Sequence[str]) -> dict[str, str]:
    """Names by NIP, for pages that show whose appraisal a line is about."""
    if not nips:
        return {}
    rows = await session.execute(
        select(Employee.nip, Employee.name).where(Employee.nip.in_(set(nips)))
    )
    return {nip: name for nip, name in rows.all()}


async def list_employees(session: AsyncSession) -> list[Employee]:
    """Every active employee; for small organisations and dev tooling, not for paging."""
    query = select(Employee).where(Employee.active).order_by(Employee.nip)
    return list((await session.scalars(query)).all())


async def set_supervisor(session: AsyncSession, nip: str, supervisor_nip: str | None) -> bool:
    """Record a mutasi in the organisation tree; True when the row changed."""
    employee = await session.get(Employee, nip)
    if employee is None or employee.supervisor_nip == supervisor_nip:
        return False
    employee.supervisor_nip = supervisor_nip
    await session.flush()
    return True


async def supervisor_of(session: AsyncSession, nip: str) -> str | None:
    """The supervisor of ``nip`` in the organisation tree (None at the top)."""
    supervisor: str | None = await session.scalar(
        select(Employee.supervisor_nip).where(Employee.nip == nip)
    )
    return supervisor


class CallerRecord(BaseModel):
    """What the roster says about one caller, read once per request."""

    nip: str
    agency_code: str
    active: bool
    is_hr_admin: bool
    is_tim_penilai: bool
    is_auditor: bool
    is_supervisor: bool
    superiors: tuple[str, ...]


async def caller_record(session: AsyncSession, nip: str) -> CallerRecord | None:
    """The employee ``nip`` with their flags, whether active staff report to them, and the
    chain of supervisors above them (nearest first), in two indexed queries."""
    employee = await session.get(Employee, nip)
    if employee is None:
        return None
    chain = (
        select(Employee.supervisor_nip.label("nip"), cast(literal(1), Integer).label("depth"))
        .where(Employee.nip == nip)
        .cte("chain", recursive=True)
    )
    step = select(Employee.supervisor_nip, chain.c.depth + 1).join(
        chain, Employee.nip == chain.c.nip
    )
    chain = chain.union_all(step.where(chain.c.depth < MAX_CHAIN_DEPTH))
    superiors = (
        await session.scalars(
            select(chain.c.nip).where(chain.c.nip.is_not(None)).order_by(chain.c.depth)
        )
    ).all()
    return CallerRecord(
        nip=employee.nip,
        agency_code=employee.agency_code,
        active=employee.active,
        is_hr_admin=employee.is_hr_admin,
        is_tim_penilai=employee.is_tim_penilai,
        is_auditor=employee.is_auditor,
        is_supervisor=await has_subordinates(session, nip),
        superiors=tuple(superiors),
    )
