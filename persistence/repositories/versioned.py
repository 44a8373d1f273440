"""Read models that the workflows' activities keep: one row per workflow, carrying the
version of the state it shows. A row is replaced only by a newer version, which makes a
write idempotent and order-proof: a retry or a late, older write changes nothing."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import Base


async def save_if_newer(
    session: AsyncSession, model: type[Base], key: tuple[str, ...], values: Mapping[str, Any]
) -> bool:
    """Insert ``values``, or update the row with the same ``key`` columns if the stored
    ``version`` is older; True when written."""
    row = insert(model).values(**values)
    statement = row.on_conflict_do_update(
        index_elements=list(key),
        set_={name: row.excluded[name] for name in values if name not in key},
        where=model.__table__.c.version < row.excluded.version,
    ).returning(model.__table__.c.version)
    return (await session.execute(statement)).scalar_one_or_none() is not None
