"""The append-only audit trail. Writes are keyed by ``event_key`` so a retried activity or
request records an event once; the table itself refuses UPDATE and DELETE."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import AuditEvent


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


async def append_event(session: AsyncSession, record: AuditRecord) -> bool:
    """Insert the event unless one with the same key exists; True when it was new."""
    result = await session.execute(
        insert(AuditEvent)
        .values(**record.model_dump())
        .on_conflict_do_nothing(index_elements=[AuditEvent.event_key])
        .returning(AuditEvent.id)
    )
    return result.scalar_one_or_none() is not None


async def events_for_subject(
    session: AsyncSession, subject_type: str, subject_id: str, *, limit: int = 100
) -> list[AuditEvent]:
    query = (
        select(AuditEvent)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())
