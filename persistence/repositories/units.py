"""Units in a period: their members' predicates (for the distribution gate) and the
unit-assessment read model."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.predikat import Predikat
from domain.unit import UnitMember, UnitState
from persistence.models import Appraisal, UnitAssessment
from persistence.repositories.versioned import save_if_newer


async def unit_members(session: AsyncSession, period_id: str, unit_code: str) -> list[UnitMember]:
    rows = await session.execute(
        select(Appraisal.nip, Appraisal.predikat, Appraisal.supervisor_nip)
        .where(Appraisal.period_id == period_id, Appraisal.unit_code == unit_code)
        .order_by(Appraisal.nip)
    )
    return [
        UnitMember(
            nip=nip,
            predikat=Predikat(predikat) if predikat else None,
            supervisor_nip=supervisor,
        )
        for nip, predikat, supervisor in rows.all()
    ]


async def unit_agency(session: AsyncSession, period_id: str, unit_code: str) -> str | None:
    """The agency of a unit that has appraisals in the period (None: no such unit)."""
    agency: str | None = await session.scalar(
        select(func.min(Appraisal.agency_code)).where(
            Appraisal.period_id == period_id, Appraisal.unit_code == unit_code
        )
    )
    return agency


async def save_unit_state(session: AsyncSession, state: UnitState, *, at: datetime) -> bool:
    """Upsert the read model if ``state`` is newer; True when written."""
    values: dict[str, Any] = {
        "period_id": state.period_id,
        "unit_code": state.unit_code,
        "agency_code": state.agency_code,
        "unit_predikat": state.unit_predikat.value if state.unit_predikat else None,
        "finalised_at": state.finalised_at,
        "version": state.version,
        "state": state.model_dump(mode="json"),
        "updated_at": at,
    }
    return await save_if_newer(session, UnitAssessment, ("period_id", "unit_code"), values)


async def get_unit_state(session: AsyncSession, period_id: str, unit_code: str) -> UnitState | None:
    row = await session.get(UnitAssessment, (period_id, unit_code))
    return UnitState.model_validate(row.state) if row else None


async def unit_states(session: AsyncSession, period_id: str) -> dict[str, UnitState]:
    rows = await session.scalars(
        select(UnitAssessment).where(UnitAssessment.period_id == period_id)
    )
    return {row.unit_code: UnitState.model_validate(row.state) for row in rows.all()}
