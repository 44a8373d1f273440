"""The notices sent to a person, read and marked read: the one service behind the API's
``/me/notifications`` and the web's Notifikasi. HR admins also see what was sent to the
BKPSDM desk (escalations past the end of a chain carry no NIP)."""

from datetime import UTC, datetime

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from api.problems import Problem
from api.schemas import NotificationItem, NotificationPage
from domain.appraisal import Actor
from domain.notices import STEP_TITLES, StepKind
from domain.roles import Role
from persistence.models import Notification
from persistence.repositories import notifications

NOT_FOUND = "Notifikasi tidak ditemukan"


def _to(actor: Actor) -> ColumnElement[bool]:
    return notifications.addressed_to(actor.nip, actor.has(Role.HR_ADMIN))


def _item(row: Notification) -> NotificationItem:
    try:
        title = STEP_TITLES[StepKind(row.step)]
    except ValueError:  # a step of an older version, named as it was
        title = row.step
    return NotificationItem(
        id=row.id,
        kind=row.kind,
        step=row.step,
        title=title,
        level=row.level,
        period_id=row.period_id,
        subject_nip=row.subject_nip,
        due=row.due,
        created_at=row.created_at,
        read_at=row.read_at,
    )


async def notifications_of(
    db: AsyncSession, actor: Actor, *, unread: bool | None = None, limit: int, offset: int
) -> NotificationPage:
    """Newest first; ``unread=True`` only those not yet read."""
    to = _to(actor)
    total, rows = await notifications.notifications_for(
        db, to, unread_only=bool(unread), limit=limit, offset=offset
    )
    return NotificationPage(
        total=total,
        unread=await notifications.count_unread(db, to),
        limit=limit,
        offset=offset,
        items=[_item(row) for row in rows],
    )


async def unread_count(db: AsyncSession, actor: Actor) -> int:
    return await notifications.count_unread(db, _to(actor))


async def mark_notification_read(
    db: AsyncSession, actor: Actor, notification_id: int
) -> NotificationItem:
    """404 for a notice that is not the caller's: nobody learns of others' notices."""
    row = await notifications.mark_read(db, notification_id, _to(actor), datetime.now(UTC))
    if row is None:
        raise Problem("not-found", NOT_FOUND)
    await db.commit()
    return _item(row)
