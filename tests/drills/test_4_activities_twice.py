"""Drill 4: every activity the worker registers, run twice with the same input, writes
nothing the second time: not a row, not a row version (``xmin``), not a workflow, not a
history event. One scenario per activity; a new activity without one fails
``test_every_registered_activity_has_a_drill``.

Temporal runs activities at least once: this is the property that makes a retry after a
timeout, a killed worker or a lost completion harmless."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from domain.administrasi import ExtendDeadline
from domain.appraisal import Actor, AppraisalState
from domain.notices import NoticeKind, StepKind
from domain.organisation import RosterMember
from domain.predikat import Predikat
from domain.roles import Role
from domain.stages import Stage
from domain.unit import UnitMember, UnitState
from persistence.models import Base
from persistence.repositories import period_closure
from persistence.repositories.organisation import upsert_roster
from runtime.worker import build_activities, build_worker
from tests.drills.drive import Sender, to_rated
from tests.drills.scale import report
from tests.factories import make_period, next_hour
from tests.keys import appraisal_id
from tests.orgs import HR, PEER, SMALL_ORG, STAFF, SUPERVISOR, TIM
from workflows.contracts import (
    ApplyExtension,
    AppraisalChange,
    AppraisalPageRequest,
    CloseAppraisals,
    ClosurePageRequest,
    ClosureTally,
    CycleInput,
    DeliverUnitResults,
    Envelope,
    ExtensionScope,
    FinishClosure,
    MutasiRecord,
    NoticeDelivery,
    PeriodProgress,
    RegisterPeriod,
    RosterPageRequest,
    StartAppraisals,
    UnitChange,
    UnitMembersRequest,
)
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id, unit_workflow_id

Sessions = async_sessionmaker[AsyncSession]
AT = datetime(2026, 2, 1, 9, tzinfo=UTC)
BKPSDM = Actor(subject=HR, nip=HR, roles=frozenset({Role.HR_ADMIN}))
UNIT = "DINKES-UMUM"
FIGURES: dict[str, str] = {}


def activity_name(fn: Callable[..., Any]) -> str:
    definition = activity._Definition.from_callable(fn)
    assert definition is not None and definition.name is not None
    return definition.name


@dataclass
class Ctx:
    client: Client
    sessionmaker: Sessions
    queue: str
    period_id: str

    @property
    def period(self) -> Any:
        start = next_hour()
        return make_period(self.period_id, start=start, checkin_dues=(start + timedelta(days=150),))

    async def register(self) -> None:
        await ActivityEnvironment().run(
            _activities(self)["register_period"],
            RegisterPeriod(
                period=self.period,
                started_by=HR,
                workflow_id=cycle_workflow_id(self.period_id),
                at=AT,
            ),
        )

    def change(self, nip: str, version: int = 2) -> AppraisalChange:
        member = next(r for r in SMALL_ORG if r.nip == nip)
        state = AppraisalState(
            period_id=self.period_id,
            nip=nip,
            agency_code=member.agency_code,
            unit_code=member.unit_code,
            supervisor_nip=member.supervisor_nip,
            stage=Stage.PERENCANAAN,
            version=version,
        )
        return AppraisalChange(
            workflow_id=appraisal_id(self.period_id, nip),
            state=state,
            action="sosialisasi.acknowledged",
            actor=nip,
            actor_role="pegawai",
            at=AT,
            before={"stage": "sosialisasi", "version": version - 1},
            after={"stage": "perencanaan", "version": version},
        )

    async def projections(self) -> None:
        """Every member's appraisal in the read model, as the workflows would write it."""
        await self.register()
        for record in SMALL_ORG:
            await ActivityEnvironment().run(
                _activities(self)["record_appraisal_change"], self.change(record.nip)
            )

    async def running(self, nips: list[str]) -> None:
        """Real appraisal workflows (on the drill's worker) for ``nips``, opened."""
        await self.register()
        members = [_member(nip) for nip in nips]
        await ActivityEnvironment().run(
            _activities(self)["start_appraisals"],
            StartAppraisals(
                period_id=self.period_id, schedule=self.period.resolved_schedule(), members=members
            ),
        )
        await settle(self, nips)


def _member(nip: str) -> RosterMember:
    record = next(r for r in SMALL_ORG if r.nip == nip)
    return RosterMember(
        nip=nip,
        agency_code=record.agency_code,
        unit_code=record.unit_code,
        supervisor_nip=record.supervisor_nip,
    )


_CACHE: dict[int, dict[str, Callable[..., Any]]] = {}


def _activities(ctx: Ctx) -> dict[str, Callable[..., Any]]:
    """The activities exactly as the worker registers them (same constructor, same args)."""
    key = id(ctx)
    if key not in _CACHE:
        built = build_activities(ctx.client, ctx.sessionmaker, task_queue=ctx.queue)
        _CACHE[key] = {activity_name(fn): fn for fn in built}
    return _CACHE[key]


# --- the state of the world: every row with its row version, every workflow's history ---


async def database(sessionmaker: Sessions) -> dict[str, list[tuple[Any, ...]]]:
    tables = {}
    async with sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            rows = await session.execute(
                select(table, literal_column("xmin::text").label("row_version")).order_by(
                    *table.primary_key.columns
                )
            )
            tables[table.name] = [tuple(row) for row in rows.all()]
    return tables


async def workflows(ctx: Ctx, nips: list[str]) -> dict[str, tuple[str, int] | None]:
    """Run id and history length of each appraisal (and the unit's and the cycle's)
    workflow, or None."""
    ids = [appraisal_id(ctx.period_id, nip) for nip in nips]
    ids += [unit_workflow_id(ctx.period_id, UNIT), cycle_workflow_id(ctx.period_id)]
    seen: dict[str, tuple[str, int] | None] = {}
    for workflow_id in ids:
        try:
            description = await ctx.client.get_workflow_handle(workflow_id).describe()
        except RPCError:
            seen[workflow_id] = None
            continue
        info = description.raw_description.workflow_execution_info
        seen[workflow_id] = (description.run_id or "", info.history_length)
    return seen


async def settle(ctx: Ctx, nips: list[str]) -> None:
    """Wait until the workflows have nothing left to do (no task, no activity pending)."""
    for _ in range(200):
        busy = False
        for nip in nips:
            try:
                description = await ctx.client.get_workflow_handle(
                    appraisal_id(ctx.period_id, nip)
                ).describe()
            except RPCError:
                busy = True
                break
            raw = description.raw_description
            if raw.HasField("pending_workflow_task") or raw.pending_activities:
                busy = True
                break
        if not busy:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("workflows did not settle")


# --- one scenario per activity: (prepare the world, the input) ---------------------------

Scenario = Callable[[Ctx], Awaitable[Any]]


async def register_period(ctx: Ctx) -> Any:
    return RegisterPeriod(
        period=ctx.period, started_by=HR, workflow_id=cycle_workflow_id(ctx.period_id), at=AT
    )


async def load_roster_page(ctx: Ctx) -> Any:
    return RosterPageRequest(after_nip=None, limit=100)


async def start_appraisals(ctx: Ctx) -> Any:
    await ctx.register()
    return StartAppraisals(
        period_id=ctx.period_id,
        schedule=ctx.period.resolved_schedule(),
        members=[_member(r.nip) for r in SMALL_ORG],
    )


async def record_period_progress(ctx: Ctx) -> Any:
    await ctx.register()
    return PeriodProgress(period_id=ctx.period_id, status="running", employees_started=7)


async def record_appraisal_change(ctx: Ctx) -> Any:
    await ctx.register()
    return ctx.change(STAFF)


async def deliver_notice(ctx: Ctx) -> Any:
    await ctx.projections()
    return NoticeDelivery(
        workflow_id=appraisal_id(ctx.period_id, STAFF),
        notice_key="skp_penyusunan/eskalasi/2",
        period_id=ctx.period_id,
        nip=STAFF,
        supervisor_nip=SUPERVISOR,
        kind=NoticeKind.ESKALASI,
        level=2,
        step=StepKind.SKP_PENYUSUNAN,
        recipient_role=Role.ATASAN_PENILAI,
        due=AT,
        at=AT,
    )


async def record_mutasi(ctx: Ctx) -> Any:
    return MutasiRecord(nip=STAFF, new_supervisor_nip=TIM)


async def load_appraisal_page(ctx: Ctx) -> Any:
    await ctx.projections()
    return AppraisalPageRequest(
        period_id=ctx.period_id, scope=ExtensionScope(agency_code="DINKES"), after_nip=None, limit=3
    )


async def extend_deadlines(ctx: Ctx) -> Any:
    nips = [STAFF, PEER, SUPERVISOR]
    await ctx.running(nips)
    return ApplyExtension(
        period_id=ctx.period_id,
        nips=nips,
        envelope=Envelope[ExtendDeadline](
            actor=BKPSDM,
            command=ExtendDeadline(
                deadline="sosialisasi_due",
                new_due=ctx.period.schedule.sosialisasi_due + timedelta(days=14),
                reason="Jaringan di puskesmas terputus dua minggu",
            ),
        ),
    )


async def load_unit_members(ctx: Ctx) -> Any:
    await ctx.projections()
    return UnitMembersRequest(period_id=ctx.period_id, unit_code=UNIT)


async def deliver_unit_results(ctx: Ctx) -> Any:
    nips = [STAFF, PEER]
    await ctx.running(nips)
    sender = Sender(ctx.client, ctx.period_id)
    for nip in nips:
        assert await to_rated(sender, nip, SUPERVISOR) is not None, sender.refused
    await settle(ctx, nips)
    return DeliverUnitResults(
        period_id=ctx.period_id,
        members=[
            UnitMember(nip=nip, predikat=Predikat.BAIK, supervisor_nip=SUPERVISOR) for nip in nips
        ],
        actor=BKPSDM,
    )


async def record_unit_change(ctx: Ctx) -> Any:
    await ctx.register()
    from domain.distribusi import UnitPredikat

    return UnitChange(
        workflow_id=unit_workflow_id(ctx.period_id, UNIT),
        state=UnitState(
            period_id=ctx.period_id,
            unit_code=UNIT,
            agency_code="DINKES",
            unit_predikat=UnitPredikat.BAIK,
            predikat_set_by=HR,
            version=2,
        ),
        action="unit.predikat_set",
        actor=HR,
        at=AT,
        details={"predikat": "baik"},
    )


async def stop_cycle(ctx: Ctx) -> Any:
    """A cycle past its fan-out, waiting for its appraisals to finish."""
    await ctx.register()
    await ctx.client.start_workflow(
        CycleWorkflow.run,
        CycleInput(
            period=ctx.period, started_by=HR, registered=True, fanout_done=True, employees_started=1
        ),
        id=cycle_workflow_id(ctx.period_id),
        task_queue=ctx.queue,
    )
    return ctx.period_id


async def load_closure_page(ctx: Ctx) -> Any:
    await ctx.projections()
    return ClosurePageRequest(period_id=ctx.period_id, after_nip=None, limit=3)


async def close_appraisals(ctx: Ctx) -> Any:
    nips = [STAFF, PEER]
    await ctx.running(nips)
    return CloseAppraisals(period_id=ctx.period_id, nips=nips, at=AT)


async def finish_closure(ctx: Ctx) -> Any:
    await ctx.register()
    async with ctx.sessionmaker.begin() as session:
        await period_closure.mark_closing(
            session, ctx.period_id, reason="Dibuka karena keliru", by=HR, at=AT
        )
    return FinishClosure(
        period_id=ctx.period_id,
        reason="Dibuka karena keliru",
        closed_by=HR,
        tally=ClosureTally(closed=2, skipped=1),
        at=AT,
    )


SCENARIOS: dict[str, Scenario] = {
    scenario.__name__: scenario
    for scenario in (
        register_period,
        load_roster_page,
        start_appraisals,
        record_period_progress,
        record_appraisal_change,
        deliver_notice,
        record_mutasi,
        load_appraisal_page,
        extend_deadlines,
        load_unit_members,
        deliver_unit_results,
        record_unit_change,
        stop_cycle,
        load_closure_page,
        close_appraisals,
        finish_closure,
    )
}
READ_ONLY = {"load_roster_page", "load_appraisal_page", "load_unit_members", "load_closure_page"}


def test_every_registered_activity_has_a_drill() -> None:
    registered = {
        activity_name(fn)
        for fn in build_activities(None, None, task_queue="unused")  # type: ignore[arg-type]
    }
    assert registered == set(SCENARIOS), (
        f"activities without a run-twice drill: {sorted(registered - set(SCENARIOS))}; "
        f"drills of activities no longer registered: {sorted(set(SCENARIOS) - registered)}"
    )


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_running_an_activity_twice_writes_nothing_the_second_time(
    name: str, temporal_env: WorkflowEnvironment, sessionmaker: Sessions
) -> None:
    async with sessionmaker.begin() as session:
        await upsert_roster(session, SMALL_ORG)
    ctx = Ctx(
        temporal_env.client,
        sessionmaker,
        queue=f"drill4-{uuid.uuid4().hex[:8]}",
        period_id=f"d4{uuid.uuid4().hex[:8]}",
    )
    nips = [r.nip for r in SMALL_ORG]
    worker = build_worker(ctx.client, sessionmaker, task_queue=ctx.queue)
    async with worker:
        payload = await SCENARIOS[name](ctx)
        run = _activities(ctx)[name]
        before = (await database(sessionmaker), await workflows(ctx, nips))

        first = await ActivityEnvironment().run(run, payload)
        await settle(ctx, [n for n in nips if (await workflows(ctx, [n]))[_wid(ctx, n)]])
        after_first = (await database(sessionmaker), await workflows(ctx, nips))
        second = await ActivityEnvironment().run(run, payload)
        await settle(ctx, [n for n in nips if (await workflows(ctx, [n]))[_wid(ctx, n)]])
        after_second = (await database(sessionmaker), await workflows(ctx, nips))

    if name in READ_ONLY:
        assert after_first == before, "a read-only activity wrote something"
        assert second == first
    else:
        assert after_first != before, "the first run should have changed something"
    changed = _differences(after_first, after_second)
    assert not changed, f"{name} wrote again on the second run: {changed}"
    FIGURES[name] = f"first={_short(first)} second={_short(second)} rewrites=0"
    _CACHE.pop(id(ctx), None)
    if len(FIGURES) == len(SCENARIOS):
        report(4, "every activity run twice", activities=len(SCENARIOS), second_run_writes=0)


def _wid(ctx: Ctx, nip: str) -> str:
    return appraisal_id(ctx.period_id, nip)


def _differences(a: Any, b: Any) -> list[str]:
    (db_a, wf_a), (db_b, wf_b) = a, b
    tables = [f"table {t}" for t in db_a if db_a[t] != db_b.get(t)]
    flows = [f"workflow {w}: {wf_a[w]} -> {wf_b.get(w)}" for w in wf_a if wf_a[w] != wf_b.get(w)]
    return tables + flows


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."
