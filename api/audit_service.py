"""Reading the audit trail, for both faces: the API's ``GET /audit`` and the web's
``/audit`` page call ``audit_trail`` (who may read it, HR and the auditor, is each
route's declaration), so the filters mean the same on both."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from api.problems import Problem
from api.schemas import AuditEntry, AuditPage
from domain.audit import AuditKind, actions_of
from persistence.repositories import audit
from persistence.repositories.appraisal_lists import AuditFilter


async def audit_trail(
    session: AsyncSession,
    filters: AuditFilter,
    *,
    kinds: list[AuditKind] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int,
    offset: int,
) -> AuditPage:
    """Events matching every filter, newest first; ``kinds`` matches any of them;
    ``since`` is inclusive and ``until`` exclusive (both aware)."""
    total, events = await audit.search_events(
        session,
        filters,
        actions=actions_of(kinds) if kinds else None,
        since=_utc(since),
        until=_utc(until),
        limit=limit,
        offset=offset,
    )
    items = [AuditEntry.model_validate(event, from_attributes=True) for event in events]
    return AuditPage(total=total, limit=limit, offset=offset, items=items)


def _utc(moment: datetime | None) -> datetime | None:
    """In UTC, or 422 for a moment at the very edge of the calendar that has none."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError as error:
        raise Problem("validation-error", "Waktu di luar jangkauan kalender") from error
