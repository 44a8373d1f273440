"""Periods as HR created them, and their fan-out progress."""

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.schedule import Period as PeriodDefinition
from persistence.models import Period


async def register_period(
    session: AsyncSession, period: PeriodDefinition, *, created_by: str
) -> bool:
    """Insert the period once; True when this call created it."""
    statement = (
        insert(Period)
        .values(
            id=period.period_id,
            name=period.name,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            schedule=period.schedule.model_dump(mode="json"),
            status="starting",
            employees_started=0,
            created_by=created_by,
        )
        .on_conflict_do_nothing(index_elements=[Period.id])
        .returning(Period.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def record_progress(
    session: AsyncSession, period_id: str, *, status: str, employees_started: int
) -> None:
    await session.execute(
        update(Period)
        .where(Period.id == period_id)
        .values(status=status, employees_started=employees_started)
    )


async def get_period(session: AsyncSession, period_id: str) -> Period | None:
    return await session.get(Period, period_id)
