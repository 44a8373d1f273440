"""Periods as HR created them, and their fan-out progress."""

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.period_closure import CLOSURE_STATUSES
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
            briefing=period.briefing,
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
) -> str | None:
    """Only a change is written: a retried activity leaves the row (and its version) alone.
    Returns the status this call replaced, when it changed the status (for the audit). A
    period being closed keeps its status (a fan-out page may still report as it stops)."""
    previous = await session.scalar(
        select(Period.status).where(Period.id == period_id).with_for_update()
    )
    if previous in CLOSURE_STATUSES:
        return None
    await session.execute(
        update(Period)
        .where(
            Period.id == period_id,
            (Period.status != status) | (Period.employees_started != employees_started),
        )
        .values(status=status, employees_started=employees_started)
    )
    return previous if previous is not None and previous != status else None


async def get_period(session: AsyncSession, period_id: str) -> Period | None:
    return await session.get(Period, period_id)


async def recent_periods(session: AsyncSession, limit: int = 20) -> list[Period]:
    """The newest periods first (by when HR opened them), for a period picker."""
    rows = await session.scalars(select(Period).order_by(Period.created_at.desc()).limit(limit))
    return list(rows.all())


async def list_periods(
    session: AsyncSession, *, limit: int, offset: int
) -> tuple[int, list[Period]]:
    """How many periods there are, and one page of them, newest first (by when HR opened
    them; the id breaks ties so pages never overlap)."""
    total = int(await session.scalar(select(func.count()).select_from(Period)) or 0)
    rows = await session.scalars(
        select(Period)
        .order_by(Period.created_at.desc(), Period.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return total, list(rows.all())
