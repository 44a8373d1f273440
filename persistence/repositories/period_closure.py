"""Closing a period in PostgreSQL: the period row through ``closing`` to ``closed``, the
appraisal rows it stopped, and the lock that keeps no appraisal from slipping past.

The lock: every write of an appraisal's projection holds a *shared* advisory lock on its
period for its transaction (``hold_for_appraisal_write``), and marking the period
closing holds the *exclusive* one (``lock_for_closure``). So each projection write either
commits before the period is marked (its row is there for the closure to find, and a
delivered result is counted against closing) or reads the period as closing (and its
appraisal stops itself, ``activities.records``). Advisory locks live in shared memory:
taking a shared one writes nothing, so thousands of appraisals starting at once do not
queue behind each other.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.period_closure import CLOSED, CLOSING, CLOSURE_STATUSES, DELIVERED_AT_PATH
from persistence.models import Appraisal, Period

LOCK_SPACE = 7_150_101  # the advisory lock's first key: "period closure" (any fixed int)


async def lock_for_closure(session: AsyncSession, period_id: str) -> Period | None:
    """The period row, locked for closing until the transaction ends; None if unknown."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:space, hashtext(:period))"),
        {"space": LOCK_SPACE, "period": period_id},
    )
    return await session.scalar(
        select(Period)
        .where(Period.id == period_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def hold_for_appraisal_write(session: AsyncSession, period_id: str) -> bool:
    """Hold the period's shared lock for this transaction; True when the period is
    closing or closed. The status is read by a second statement, whose snapshot is taken
    after the lock is held (one statement would read with a snapshot from before a wait
    for the lock, and miss a closing committed meanwhile)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock_shared(:space, hashtext(:period))"),
        {"space": LOCK_SPACE, "period": period_id},
    )
    return await period_status(session, period_id) in CLOSURE_STATUSES


async def period_status(session: AsyncSession, period_id: str) -> str | None:
    return await session.scalar(select(Period.status).where(Period.id == period_id))


async def count_delivered(session: AsyncSession, period_id: str) -> int:
    """Appraisals of the period whose result has reached the employee."""
    delivered_at = Appraisal.state[DELIVERED_AT_PATH[0]][DELIVERED_AT_PATH[1]].astext
    found = await session.scalar(
        select(func.count())
        .select_from(Appraisal)
        .where(Appraisal.period_id == period_id, delivered_at.is_not(None))
    )
    return int(found or 0)


async def mark_closing(
    session: AsyncSession, period_id: str, *, reason: str, by: str, at: datetime
) -> None:
    await session.execute(
        update(Period)
        .where(Period.id == period_id)
        .values(status=CLOSING, closure_reason=reason, closed_by=by, closing_at=at)
    )


async def open_appraisal_page(
    session: AsyncSession, period_id: str, *, after_nip: str | None, limit: int
) -> list[str]:
    """NIPs of the period's appraisals not yet stopped by its closure, keyset-paged."""
    query = (
        select(Appraisal.nip)
        .where(Appraisal.period_id == period_id, Appraisal.closed_at.is_(None))
        .order_by(Appraisal.nip)
        .limit(limit)
    )
    if after_nip is not None:
        query = query.where(Appraisal.nip > after_nip)
    return list((await session.scalars(query)).all())


async def mark_appraisals_closed(
    session: AsyncSession, period_id: str, nips: Sequence[str], *, at: datetime
) -> int:
    """Stamp the rows as stopped (once: a retry keeps the first time); how many now."""
    if not nips:
        return 0
    result = await session.execute(
        update(Appraisal)
        .where(
            Appraisal.period_id == period_id,
            Appraisal.nip.in_(list(nips)),
            Appraisal.closed_at.is_(None),
        )
        .values(closed_at=at)
        .returning(Appraisal.nip)
    )
    return len(result.all())


async def mark_closed(
    session: AsyncSession, period_id: str, *, closed: int, skipped: int, at: datetime
) -> bool:
    """``closing`` → ``closed`` with the counts; True when this call made the change."""
    result = await session.execute(
        update(Period)
        .where(Period.id == period_id, Period.status == CLOSING)
        .values(status=CLOSED, closed_at=at, appraisals_closed=closed, appraisals_skipped=skipped)
        .returning(Period.id)
    )
    return result.scalar_one_or_none() is not None
