"""Idempotency keys: remembered answers, keyed by (caller, key)."""

from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import IdempotencyKey


async def recall(session: AsyncSession, key_hash: str) -> IdempotencyKey | None:
    return await session.get(IdempotencyKey, key_hash)


async def remember(
    session: AsyncSession,
    key_hash: str,
    fingerprint: str,
    status_code: int,
    response: dict[str, Any],
) -> None:
    """Store the first answer; a concurrent duplicate keeps the one stored first."""
    await session.execute(
        insert(IdempotencyKey)
        .values(
            key_hash=key_hash, fingerprint=fingerprint, status_code=status_code, response=response
        )
        .on_conflict_do_nothing(index_elements=[IdempotencyKey.key_hash])
    )
