"""Persistence activities against real PostgreSQL: a retry writes nothing twice, an older
write never overwrites a newer one, and the audit trail cannot be rewritten."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.periods import PeriodActivities
from activities.records import RecordActivities
from domain.appraisal import AppraisalState
from domain.stages import Stage
from persistence.models import Appraisal, AuditEvent, Period
from persistence.repositories.organisation import upsert_roster
from tests.factories import make_period
from tests.orgs import SMALL_ORG, STAFF
from workflows.contracts import AppraisalChange, RegisterPeriod, RosterPageRequest

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def records(sessionmaker: async_sessionmaker[AsyncSession]) -> RecordActivities:
    return RecordActivities(sessionmaker)


async def register(sessionmaker: async_sessionmaker[AsyncSession], period_id: str = "2026") -> None:
    await ActivityEnvironment().run(
        PeriodActivities(sessionmaker).register_period,
        RegisterPeriod(
            period=make_period(period_id), started_by="hr", workflow_id=f"cycle-{period_id}", at=AT
        ),
    )


def change(version: int, stage: Stage) -> AppraisalChange:
    state = AppraisalState(
        period_id="2026",
        nip=STAFF,
        agency_code="DINKES",
        unit_code="DINKES-UMUM",
        supervisor_nip=None,
        stage=stage,
        version=version,
    )
    return AppraisalChange(
        workflow_id=f"appraisal-2026-{STAFF}",
        state=state,
        action=f"test.v{version}",
        actor="system",
        at=AT + timedelta(minutes=version),
    )


async def counts(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessionmaker() as session:
        appraisals = await session.scalar(select(func.count()).select_from(Appraisal))
        events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject_type == "appraisal")
        )
    return int(appraisals or 0), int(events or 0)


async def test_recording_a_change_twice_writes_once(
    records: RecordActivities, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register(sessionmaker)
    env = ActivityEnvironment()

    first = await env.run(records.record_appraisal_change, change(1, Stage.SOSIALISASI))
    retried = await env.run(records.record_appraisal_change, change(1, Stage.SOSIALISASI))

    assert first is True
    assert retried is False
    assert await counts(sessionmaker) == (1, 1)


async def test_an_older_change_never_overwrites_a_newer_one(
    records: RecordActivities, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await register(sessionmaker)
    env = ActivityEnvironment()
    await env.run(records.record_appraisal_change, change(2, Stage.PERENCANAAN))

    await env.run(records.record_appraisal_change, change(1, Stage.SOSIALISASI))

    async with sessionmaker() as session:
        row = await session.get(Appraisal, ("2026", STAFF))
    assert row is not None
    assert (row.stage, row.version) == ("perencanaan", 2)
    assert await counts(sessionmaker) == (1, 2)  # the late event is still audited once


async def test_registering_a_period_twice_keeps_one_row_and_one_event(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await register(sessionmaker)
    await register(sessionmaker)

    async with sessionmaker() as session:
        periods = await session.scalar(select(func.count()).select_from(Period))
        events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "period.started")
        )
    assert (periods, events) == (1, 1)


async def test_roster_pages_are_keyset_ordered_and_complete(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        await upsert_roster(session, SMALL_ORG)
    env = ActivityEnvironment()
    periods = PeriodActivities(sessionmaker)
    seen: list[str] = []
    after = None
    while True:
        page = await env.run(periods.load_roster_page, RosterPageRequest(after_nip=after, limit=3))
        seen += [member.nip for member in page.members]
        if len(page.members) < 3:
            break
        after = page.members[-1].nip

    assert seen == sorted(record.nip for record in SMALL_ORG)


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(actor="someone else"),
        delete(AuditEvent),
        text("TRUNCATE audit_event"),
    ],
    ids=["update", "delete", "truncate"],
)
async def test_the_audit_trail_cannot_be_rewritten(
    sessionmaker: async_sessionmaker[AsyncSession], statement: object
) -> None:
    await register(sessionmaker)

    with pytest.raises(DBAPIError, match="append-only"):
        async with sessionmaker.begin() as session:
            await session.execute(statement)  # type: ignore[call-overload]

    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 1
