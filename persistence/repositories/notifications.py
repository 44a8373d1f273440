"""The notification outbox, and who in the organisation a notice reaches."""

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import Notification


async def add_notification(
    session: AsyncSession,
    *,
    workflow_id: str,
    notice_key: str,
    period_id: str,
    subject_nip: str,
    recipient_role: str,
    recipient_nip: str | None,
    kind: str,
    step: str,
    level: int,
    due: datetime,
    created_at: datetime,
) -> bool:
    """Queue a notice once; True when this call added it."""
    statement = (
        insert(Notification)
        .values(
            workflow_id=workflow_id,
            notice_key=notice_key,
            period_id=period_id,
            subject_nip=subject_nip,
            recipient_role=recipient_role,
            recipient_nip=recipient_nip,
            kind=kind,
            step=step,
            level=level,
            due=due,
            created_at=created_at,
        )
        .on_conflict_do_nothing(index_elements=[Notification.workflow_id, Notification.notice_key])
        .returning(Notification.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None
