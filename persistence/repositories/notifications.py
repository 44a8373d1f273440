"""The notification outbox, and who in the organisation a notice reaches."""

from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import Role
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


def addressed_to(recipient_nip: str | None, hr_desk: bool) -> ColumnElement[bool]:
    """Notices to this person, and (``hr_desk``) those to BKPSDM as a whole, which carry
    no NIP: where a chain ends, escalation goes to the HR desk."""
    mine = Notification.recipient_nip == recipient_nip if recipient_nip else false()
    if not hr_desk:
        return mine
    desk = and_(
        Notification.recipient_nip.is_(None), Notification.recipient_role == Role.HR_ADMIN.value
    )
    return or_(mine, desk)


async def notifications_for(
    session: AsyncSession, to: ColumnElement[bool], *, unread_only: bool, limit: int, offset: int
) -> tuple[int, list[Notification]]:
    """One page of the notices ``to`` selects, newest first, and how many match in all."""
    where = [to]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = await session.scalar(select(func.count()).select_from(Notification).where(*where))
    rows = await session.scalars(
        select(Notification)
        .where(*where)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return int(total or 0), list(rows.all())


async def count_unread(session: AsyncSession, to: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(Notification).where(to, Notification.read_at.is_(None))
    return int(await session.scalar(query) or 0)


async def mark_read(
    session: AsyncSession, notification_id: int, to: ColumnElement[bool], now: datetime
) -> Notification | None:
    """Mark one notice ``to`` selects as read; a second call keeps the first time. None
    when the id is not among them (or does not exist)."""
    await session.execute(
        update(Notification)
        .where(Notification.id == notification_id, to, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return await session.scalar(select(Notification).where(Notification.id == notification_id, to))
