"""Roster upserts look existing employees up in chunks (PostgreSQL takes at most 32,767
bind parameters per statement, and a province's roster has more NIPs than that)."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.repositories import organisation
from tests.drills.org import organisation as roster


async def test_a_roster_larger_than_one_lookup_chunk_is_upserted_once(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(organisation, "LOOKUP_CHUNK", 7)
    records = roster(30)
    async with sessionmaker.begin() as session:
        first = await organisation.upsert_roster(session, records)
    async with sessionmaker.begin() as session:
        again = await organisation.upsert_roster(session, records)
    assert (first.created, first.updated, first.unchanged) == (len(records), 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(records))
