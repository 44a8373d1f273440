"""The raw baseline's activity: one row upserted in one transaction, as the least an
appraisal's persist does. The workflow is in ``bench.raw_workflow``."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio import activity

RAW_TABLE_DDL = """
CREATE TABLE IF NOT EXISTS bench_raw (
    batch text NOT NULL,
    key text NOT NULL,
    version integer NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (batch, key)
)
"""
_UPSERT = text(
    "INSERT INTO bench_raw (batch, key, version) VALUES (:batch, :key, :version) "
    "ON CONFLICT (batch, key) DO UPDATE SET version = excluded.version, at = now() "
    "WHERE bench_raw.version < excluded.version"
)


async def create_raw_table(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text(RAW_TABLE_DDL))


class RawActivities:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    @activity.defn(name="raw_record")
    async def raw_record(self, batch: str, key: str, version: int) -> None:
        async with self._sessionmaker.begin() as session:
            await session.execute(_UPSERT, {"batch": batch, "key": key, "version": version})
