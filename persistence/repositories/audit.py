"""The append-only audit trail. Writes are keyed by ``event_key`` so a retried activity or
request records an event once; the table itself refuses UPDATE and DELETE. ``decision``
holds what was decided (see ``domain.audit``), so the trail answers who decided what
without Temporal's history."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import AuditEvent
from persistence.repositories.appraisal_lists import AuditFilter


class AuditRecord(BaseModel):
    event_key: str
    at: datetime
    actor: str
    actor_role: str | None
    action: str
    subject_type: str
    subject_id: str
    period_id: str | None = None
    workflow_id: str | None = None
    request_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None


async def append_event(session: AsyncSession, record: AuditRecord) -> bool:
    """Insert the event unless one with the same key exists; True when it was new."""
    result = await session.execute(
        insert(AuditEvent)
        .values(**record.model_dump())
        .on_conflict_do_nothing(index_elements=[AuditEvent.event_key])
        .returning(AuditEvent.id)
    )
    return result.scalar_one_or_none() is not None


async def search_events(
    session: AsyncSession,
    filters: AuditFilter,
    *,
    actions: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int,
    offset: int,
) -> tuple[int, list[AuditEvent]]:
    """Events matching every filter given, newest first, with the total; ``actions``
    (a kind's actions, see ``domain.audit.actions_of``) matches any of them; ``since``
    (inclusive) and ``until`` (exclusive) bound when it happened."""
    clauses = [
        getattr(AuditEvent, name) == value
        for name, value in filters.__dict__.items()
        if value is not None
    ]
    if actions is not None:
        clauses.append(AuditEvent.action.in_(actions))
    if since is not None:
        clauses.append(AuditEvent.at >= since)
    if until is not None:
        clauses.append(AuditEvent.at < until)
    total = await session.scalar(select(func.count()).select_from(AuditEvent).where(*clauses))
    rows = await session.scalars(
        select(AuditEvent)
        .where(*clauses)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return int(total or 0), list(rows.all())
