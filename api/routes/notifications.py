"""The notices sent to me: reminders, escalations, re-routed steps. Escalation is how a
supervisor learns that someone is late, so it must be visible somewhere."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import CurrentActor, Session
from api.guards import WritingActor
from api.notifications import mark_notification_read, notifications_of
from api.schemas import NotificationItem, NotificationPage

router = APIRouter(prefix="/me/notifications", tags=["lists"])


@router.get("")
async def my_notifications(
    actor: CurrentActor,
    session: Session,
    unread: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> NotificationPage:
    """Newest first, with the unread count; ``unread=true`` lists only unread ones."""
    return await notifications_of(session, actor, unread=unread, limit=limit, offset=offset)


@router.post("/{notification_id}/read")
async def read_notification(
    notification_id: Annotated[int, Path(ge=1, le=2**62)],
    actor: WritingActor,
    session: Session,
) -> NotificationItem:
    """Mark one notice read (idempotent: the first time read is kept)."""
    return await mark_notification_read(session, actor, notification_id)
