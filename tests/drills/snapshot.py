"""The whole database as plain values, to prove that something wrote nothing, and
integrity counts (duplicates, gaps) that every drill checks after its failure."""

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import Appraisal, AuditEvent, Base, Notification

Snapshot = dict[str, list[tuple[Any, ...]]]


async def snapshot(sessionmaker: async_sessionmaker[AsyncSession]) -> Snapshot:
    """Every row of every table, in primary-key order."""
    tables: Snapshot = {}
    async with sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            rows = await session.execute(select(table).order_by(*order))
            tables[table.name] = [tuple(row) for row in rows.all()]
    return tables


async def integrity(
    sessionmaker: async_sessionmaker[AsyncSession], period_id: str
) -> dict[str, int]:
    """Counts that must be zero after any drill:

    - ``duplicate_projection_rows``: appraisal rows per (period, nip) beyond one;
    - ``duplicate_audit_events``: the same state change (workflow, version) or the same
      action on the same subject at the same instant recorded twice;
    - ``audit_gaps``: a projection version without its audit event (versions 1..v);
    - ``duplicate_notices``: the same notice queued twice.
    """
    async with sessionmaker() as session:
        duplicate_rows = await session.scalar(
            text(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM appraisal "
                "WHERE period_id = :p GROUP BY period_id, nip) AS c"
            ),
            {"p": period_id},
        )
        duplicate_events = await session.scalar(
            text(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM audit_event "
                "WHERE period_id = :p GROUP BY subject_type, subject_id, action, at, "
                "coalesce(after::text, '')) AS c"
            ),
            {"p": period_id},
        )
        duplicate_keys = await session.scalar(
            text(
                "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM audit_event "
                "WHERE period_id = :p GROUP BY event_key) AS c"
            ),
            {"p": period_id},
        )
        versions = (
            await session.execute(
                select(Appraisal.workflow_id, Appraisal.version).where(
                    Appraisal.period_id == period_id
                )
            )
        ).all()
        audited = {
            key
            for key in (
                await session.scalars(
                    select(AuditEvent.event_key).where(
                        AuditEvent.period_id == period_id,
                        AuditEvent.subject_type == "appraisal",
                    )
                )
            ).all()
        }
        gaps = sum(
            1
            for workflow_id, version in versions
            for v in range(1, version + 1)
            if f"{workflow_id}/v{v}" not in audited
        )
        duplicate_notices = await session.scalar(
            select(func.coalesce(func.sum(text("n - 1")), 0)).select_from(
                select(func.count().label("n"))
                .where(Notification.period_id == period_id)
                .group_by(Notification.workflow_id, Notification.notice_key)
                .subquery()
            )
        )
    return {
        "duplicate_projection_rows": int(duplicate_rows or 0),
        "duplicate_audit_events": int(duplicate_events or 0) + int(duplicate_keys or 0),
        "audit_gaps": gaps,
        "duplicate_notices": int(duplicate_notices or 0),
    }
