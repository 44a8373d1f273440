"""What a roster import would change, read from the organisation as stored: the
employees a file names, the active ones of its agencies it leaves out, and the open
appraisals of people whose supervisor it changes."""

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.stages import Stage
from persistence.models import Appraisal, Employee
from persistence.repositories.organisation import LOOKUP_CHUNK


async def employees_by_nip(session: AsyncSession, nips: Sequence[str]) -> dict[str, Employee]:
    """The stored employees among ``nips``, in chunks (bind parameters are limited)."""
    found: dict[str, Employee] = {}
    for start in range(0, len(nips), LOOKUP_CHUNK):
        chunk = nips[start : start + LOOKUP_CHUNK]
        rows = await session.scalars(select(Employee).where(Employee.nip.in_(chunk)))
        found.update((employee.nip, employee) for employee in rows.all())
    return found


async def active_in_agencies(
    session: AsyncSession, agency_codes: Collection[str]
) -> list[tuple[str, str, str]]:
    """(NIP, name, unit) of every active employee of ``agency_codes``, by NIP."""
    if not agency_codes:
        return []
    query = (
        select(Employee.nip, Employee.name, Employee.unit_code)
        .where(Employee.active, Employee.agency_code.in_(set(agency_codes)))
        .order_by(Employee.nip)
    )
    return [(nip, name, unit) for nip, name, unit in (await session.execute(query)).all()]


async def open_appraisals_of(session: AsyncSession, nips: Sequence[str]) -> list[Appraisal]:
    """The appraisals of ``nips`` not yet finished, in any period, by period and NIP."""
    found: list[Appraisal] = []
    for start in range(0, len(nips), LOOKUP_CHUNK):
        chunk = nips[start : start + LOOKUP_CHUNK]
        query = (
            select(Appraisal)
            .where(Appraisal.nip.in_(chunk), Appraisal.stage != Stage.SELESAI.value)
            .order_by(Appraisal.period_id, Appraisal.nip)
        )
        found += (await session.scalars(query)).all()
    return found
