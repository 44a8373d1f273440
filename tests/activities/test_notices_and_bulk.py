"""Notice delivery, mutasi and bulk paging against real PostgreSQL: recipients resolved
from the organisation tree at delivery time, and every write idempotent."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment

from activities.bulk import BulkActivities
from activities.notices import NoticeActivities
from activities.periods import PeriodActivities
from activities.records import RecordActivities
from domain.appraisal import AppraisalState
from domain.notices import NoticeKind, StepKind
from domain.roles import Role
from domain.stages import Stage
from persistence.models import Employee, Notification
from persistence.repositories.organisation import upsert_roster
from tests.factories import make_period
from tests.orgs import HEAD, HR, OUTSIDER, PEER, SMALL_ORG, STAFF, SUPERVISOR, TIM
from workflows.contracts import (
    AppraisalChange,
    AppraisalPageRequest,
    ExtensionScope,
    MutasiRecord,
    NoticeDelivery,
    RegisterPeriod,
)

AT = datetime(2026, 2, 1, 9, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def org(sessionmaker: Sessions) -> None:
    async with sessionmaker.begin() as session:
        await upsert_roster(session, SMALL_ORG)


def delivery(role: Role, supervisor: str | None = SUPERVISOR, key: str = "k") -> NoticeDelivery:
    return NoticeDelivery(
        workflow_id=f"appraisal-2026-{STAFF}",
        notice_key=key,
        period_id="2026",
        nip=STAFF,
        supervisor_nip=supervisor,
        kind=NoticeKind.ESKALASI,
        level=1,
        step=StepKind.SKP_PENYUSUNAN,
        recipient_role=role,
        due=AT,
        at=AT,
    )


@pytest.mark.parametrize(
    ("role", "supervisor", "expected"),
    [
        (Role.PEGAWAI, SUPERVISOR, (Role.PEGAWAI, STAFF)),
        (Role.PEJABAT_PENILAI, SUPERVISOR, (Role.PEJABAT_PENILAI, SUPERVISOR)),
        (Role.ATASAN_PENILAI, SUPERVISOR, (Role.ATASAN_PENILAI, HEAD)),
        (Role.ATASAN_PENILAI, HEAD, (Role.HR_ADMIN, None)),  # the head's atasan is the region
        (Role.PEJABAT_PENILAI, None, (Role.HR_ADMIN, None)),
        (Role.HR_ADMIN, SUPERVISOR, (Role.HR_ADMIN, None)),
    ],
)
async def test_recipients_come_from_the_organisation_tree(
    sessionmaker: Sessions, org: None, role: Role, supervisor: str | None, expected: tuple
) -> None:
    receipt = await ActivityEnvironment().run(
        NoticeActivities(sessionmaker).deliver_notice, delivery(role, supervisor)
    )
    assert (receipt.recipient_role, receipt.recipient_nip) == expected


async def test_a_notice_delivered_twice_is_queued_once(sessionmaker: Sessions, org: None) -> None:
    notices = NoticeActivities(sessionmaker)
    env = ActivityEnvironment()
    await env.run(notices.deliver_notice, delivery(Role.PEJABAT_PENILAI))
    await env.run(notices.deliver_notice, delivery(Role.PEJABAT_PENILAI))
    await env.run(notices.deliver_notice, delivery(Role.ATASAN_PENILAI, key="other"))

    async with sessionmaker() as session:
        rows = (await session.scalars(select(Notification).order_by(Notification.id))).all()
    assert [(row.notice_key, row.recipient_nip) for row in rows] == [
        ("k", SUPERVISOR),
        ("other", HEAD),
    ]


async def test_mutasi_moves_the_employee_once(sessionmaker: Sessions, org: None) -> None:
    notices = NoticeActivities(sessionmaker)
    env = ActivityEnvironment()

    first = await env.run(notices.record_mutasi, MutasiRecord(nip=STAFF, new_supervisor_nip=TIM))
    again = await env.run(notices.record_mutasi, MutasiRecord(nip=STAFF, new_supervisor_nip=TIM))

    assert (first, again) == (True, False)
    async with sessionmaker() as session:
        assert (await session.get(Employee, STAFF)).supervisor_nip == TIM  # type: ignore[union-attr]


async def test_bulk_pages_cover_the_scope_and_skip_finished(
    sessionmaker: Sessions, org: None
) -> None:
    records = RecordActivities(sessionmaker)
    env = ActivityEnvironment()
    await env.run(
        PeriodActivities(sessionmaker).register_period,
        RegisterPeriod(period=make_period("2026"), started_by=HR, workflow_id="cycle-2026", at=AT),
    )
    for record in SMALL_ORG:
        stage = Stage.SELESAI if record.nip == PEER else Stage.PERENCANAAN
        state = AppraisalState(
            period_id="2026",
            nip=record.nip,
            agency_code=record.agency_code,
            unit_code=record.unit_code,
            supervisor_nip=record.supervisor_nip,
            stage=stage,
        )
        change = AppraisalChange(
            workflow_id=f"appraisal-2026-{record.nip}", state=state, action="t", actor="t", at=AT
        )
        await env.run(records.record_appraisal_change, change)
    bulk = BulkActivities(client=None, sessionmaker=sessionmaker)  # type: ignore[arg-type]

    async def walk(scope: ExtensionScope) -> list[str]:
        seen: list[str] = []
        after = None
        while True:
            page = await env.run(
                bulk.load_appraisal_page,
                AppraisalPageRequest(period_id="2026", scope=scope, after_nip=after, limit=2),
            )
            seen += page
            if len(page) < 2:
                return seen
            after = page[-1]

    dinkes = await walk(ExtensionScope(agency_code="DINKES"))
    everyone = await walk(ExtensionScope())

    expected_dinkes = sorted(
        r.nip for r in SMALL_ORG if r.agency_code == "DINKES" and r.nip != PEER
    )
    assert dinkes == expected_dinkes
    assert everyone == sorted(r.nip for r in SMALL_ORG if r.nip != PEER)
    assert OUTSIDER in everyone and OUTSIDER not in dinkes
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Notification)) == 0
