"""The migrations build exactly the schema the models describe: a model change without a
migration (or the reverse) fails here, not in production."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from persistence.models import Base


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection)
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(db_engine: AsyncEngine) -> None:
    async with db_engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []
