"""The audit trail's decision content against real PostgreSQL: an appraisal's event keeps
what its workflow derived, a unit's event what its state shows (an override's reason and
the violations it covered), a batch extension's page its own event; a retry writes none
of them twice and never replaces what the first attempt recorded."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.bulk import BulkActivities
from activities.periods import PeriodActivities
from activities.records import RecordActivities
from activities.units import UnitActivities
from domain.administrasi import ExtendDeadline
from domain.appraisal import Actor, AppraisalState
from domain.distribusi import UnitPredikat, Violation
from domain.roles import Role
from domain.stages import Stage
from domain.unit import Override, UnitState
from persistence.models import AuditEvent
from tests.factories import make_period
from tests.orgs import HR, STAFF, TIM
from workflows.contracts import (
    ApplyExtension,
    AppraisalChange,
    Envelope,
    ExtensionScope,
    RegisterPeriod,
    UnitChange,
)

AT = datetime(2026, 12, 10, 9, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]
RATED = {"hasil_kerja": "sesuai", "perilaku": "sesuai", "predikat": "baik"}


@pytest.fixture(autouse=True)
async def period(sessionmaker: Sessions) -> None:
    """Projections belong to a period: register 2026 as its cycle would."""
    await ActivityEnvironment().run(
        PeriodActivities(sessionmaker).register_period,
        RegisterPeriod(period=make_period("2026"), started_by=HR, workflow_id="cycle-2026", at=AT),
    )


async def events(sessionmaker: Sessions, action: str) -> list[AuditEvent]:
    async with sessionmaker() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.scalars(query)).all())


def rating_change(decision: dict[str, object] | None) -> AppraisalChange:
    state = AppraisalState(
        period_id="2026",
        nip=STAFF,
        agency_code="DINKES",
        unit_code="DINKES-UMUM",
        supervisor_nip=None,
        stage=Stage.PENILAIAN,
        version=12,
    )
    return AppraisalChange(
        workflow_id="appraisal-2026-x",
        state=state,
        action="penilaian.rated",
        actor="198002022005011002",
        actor_role="pejabat_penilai",
        at=AT,
        before={"stage": "penilaian", "version": 11},
        after={"stage": "penilaian", "version": 12},
        decision=decision,
    )


async def test_an_appraisal_event_keeps_its_decision_and_a_retry_changes_nothing(
    sessionmaker: Sessions,
) -> None:
    records = RecordActivities(sessionmaker)
    env = ActivityEnvironment()

    assert await env.run(records.record_appraisal_change, rating_change(RATED)) is True
    # a retry of the same change (same key), even one carrying something else, is a no-op
    other = {**RATED, "predikat": "sangat_baik"}
    assert await env.run(records.record_appraisal_change, rating_change(other)) is False

    [event] = await events(sessionmaker, "penilaian.rated")
    assert event.event_key == "appraisal-2026-x/v12"
    assert (event.actor, event.actor_role, event.at) == (
        "198002022005011002",
        "pejabat_penilai",
        AT,
    )
    assert event.decision == RATED


async def test_a_change_from_before_decisions_existed_is_recorded_without_one(
    sessionmaker: Sessions,
) -> None:
    """An activity scheduled by older workflow code carries no decision: still recorded."""
    payload = rating_change(None).model_dump(mode="json")
    del payload["decision"]
    old = AppraisalChange.model_validate(payload)
    await ActivityEnvironment().run(RecordActivities(sessionmaker).record_appraisal_change, old)
    [event] = await events(sessionmaker, "penilaian.rated")
    assert event.decision is None


async def test_a_unit_override_records_its_reason_and_the_violations_it_covered(
    sessionmaker: Sessions, temporal_env: WorkflowEnvironment
) -> None:
    violation = Violation(
        rule="baik_at_most_70", actual_count=5, allowed_count=3, unit_size=5, off_by=2
    )
    state = UnitState(
        period_id="2026",
        unit_code="DINKES-UMUM",
        agency_code="DINKES",
        unit_predikat=UnitPredikat.BAIK,
        override=Override(
            reason="Unit baru dibentuk pertengahan tahun", by=TIM, at=AT, violations=(violation,)
        ),
        version=3,
    )
    change = UnitChange(
        workflow_id="unit-2026-DINKES-UMUM",
        state=state,
        action="unit.override",
        actor=TIM,
        at=AT,
        details={"reason": "Unit baru dibentuk pertengahan tahun"},
    )
    units = UnitActivities(temporal_env.client, sessionmaker)
    env = ActivityEnvironment()
    await env.run(units.record_unit_change, change)
    await env.run(units.record_unit_change, change)  # retried

    [event] = await events(sessionmaker, "unit.override")
    assert event.decision == {
        "reason": "Unit baru dibentuk pertengahan tahun",
        "violations": [violation.model_dump(mode="json")],
    }


async def test_a_batch_extension_page_is_audited_once_with_what_was_decided(
    sessionmaker: Sessions, temporal_env: WorkflowEnvironment
) -> None:
    new_due = AT + timedelta(days=14)
    hr = Actor(subject=HR, nip=HR, roles=frozenset({Role.HR_ADMIN}))
    command = ExtendDeadline(deadline="penilaian_due", new_due=new_due, reason="Gangguan jaringan")
    request = ApplyExtension(
        period_id="2026",
        nips=[STAFF, TIM],  # no appraisal rows: both refused as NotFound
        envelope=Envelope(actor=hr, command=command, request_id="rq-bulk"),
        scope=ExtensionScope(unit_code="DINKES-UMUM"),
    )
    bulk = BulkActivities(temporal_env.client, sessionmaker)
    env = ActivityEnvironment()
    env.info = dataclasses.replace(
        env.info, workflow_id="extension-2026-abc", workflow_run_id="run-1", activity_id="7"
    )

    first = await env.run(bulk.extend_deadlines, request)
    retried = await env.run(bulk.extend_deadlines, request)

    assert first == retried
    assert (first.extended, first.refusals) == (0, {"NotFound": 2})
    [event] = await events(sessionmaker, "deadline.extended_batch")
    assert (event.actor, event.actor_role, event.request_id) == (HR, "hr_admin", "rq-bulk")
    assert (event.subject_type, event.subject_id) == ("extension", "extension-2026-abc")
    assert event.decision == {
        "deadline": "penilaian_due",
        "new_due": new_due.isoformat(),
        "reason": "Gangguan jaringan",
        "scope": {"unit_code": "DINKES-UMUM"},
    }
    assert event.after == {
        "appraisals": 2,
        "extended": 0,
        "refused": 2,
        "refusals": {"NotFound": 2},
    }

    # the next page (another activity) is another event of the same batch
    env.info = dataclasses.replace(env.info, activity_id="9")
    await env.run(bulk.extend_deadlines, request)
    assert len(await events(sessionmaker, "deadline.extended_batch")) == 2
