"""Browser sessions: created at login, read on every page, ended at logout or timeout.
Rows are found by the SHA-256 of the cookie's token, never by the token itself."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import WebSession


async def create_session(
    session: AsyncSession,
    *,
    token_hash: str,
    csrf_token: str,
    now: datetime,
    subject: str | None = None,
    employee_key: str | None = None,
    data: dict[str, Any] | None = None,
) -> WebSession:
    row = WebSession(
        id=token_hash,
        subject=subject,
        employee_key=employee_key,
        csrf_token=csrf_token,
        data=data or {},
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def get_session(session: AsyncSession, token_hash: str) -> WebSession | None:
    return await session.get(WebSession, token_hash)


async def touch_session(session: AsyncSession, token_hash: str, now: datetime) -> None:
    await session.execute(
        update(WebSession).where(WebSession.id == token_hash).values(last_seen_at=now)
    )


async def save_session_data(session: AsyncSession, token_hash: str, data: dict[str, Any]) -> None:
    await session.execute(update(WebSession).where(WebSession.id == token_hash).values(data=data))


async def end_session(session: AsyncSession, token_hash: str, now: datetime) -> None:
    await session.execute(
        update(WebSession)
        .where(WebSession.id == token_hash, WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )


async def forget_sessions_before(session: AsyncSession, cutoff: datetime) -> int:
    """Delete sessions idle since before ``cutoff`` (housekeeping; they are dead anyway)."""
    result = await session.execute(delete(WebSession).where(WebSession.last_seen_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
