"""The worker: which workflows and activities one worker process hosts, how it is built,
and how it runs and stops."""

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.bulk import BulkActivities
from activities.closure import ClosureActivities
from activities.fanout import FanoutActivities
from activities.notices import NoticeActivities
from activities.periods import PeriodActivities
from activities.records import RecordActivities
from activities.units import UnitActivities
from runtime.settings import Settings
from runtime.temporal import ensure_search_attributes, temporal_keys
from workflows.appraisal import AppraisalWorkflow
from workflows.closure import PeriodClosureWorkflow
from workflows.cycle import CycleWorkflow
from workflows.extension import DeadlineExtensionWorkflow
from workflows.unit import UnitAssessmentWorkflow

WORKFLOWS: Sequence[type] = (
    AppraisalWorkflow,
    CycleWorkflow,
    DeadlineExtensionWorkflow,
    UnitAssessmentWorkflow,
    PeriodClosureWorkflow,
)


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox, with pure modules passed through: they are deterministic and importing
    them once (not per workflow run) is what keeps cached workflows cheap.

    ``workflows`` itself is passed through too: otherwise every new workflow run re-executes
    ``workflows/appraisal.py`` (a class with some twenty update handlers and validators)
    inside its sandbox, which costs worker memory per cached appraisal and time per period
    start (``bench/`` measures both). The price is that the sandbox no longer proxies the
    modules our workflow files import, so determinism rests on the workflow code rules in
    ARCHITECTURE.md (no I/O, ``workflow.now()``, ``workflow.random()``) and on the replay
    tests over committed histories."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            "domain", "pydantic", "workflows"
        )
    )


def build_activities(
    client: Client,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    task_queue: str,
    fanout_concurrency: int = 20,
    workflow_id_key: bytes | None = None,
) -> list[Any]:
    """``workflow_id_key`` (the appraisal id pseudonym's) defaults to the environment's."""
    if workflow_id_key is None:
        workflow_id_key = temporal_keys().workflow_ids
    records = RecordActivities(sessionmaker, client)
    periods = PeriodActivities(sessionmaker)
    notices = NoticeActivities(sessionmaker)
    # One cap on the Temporal calls that activities make, shared by all of them: those
    # calls travel on the worker's own client, and an unbounded number of long updates
    # (14 units finalised at once, 20 each) left the worker no longer polling.
    calls = asyncio.Semaphore(fanout_concurrency)
    fanout = FanoutActivities(
        client, task_queue, calls=calls, workflow_id_key=workflow_id_key, sessionmaker=sessionmaker
    )
    bulk = BulkActivities(client, sessionmaker, calls=calls)
    unit = UnitActivities(client, sessionmaker, calls=calls)
    closure = ClosureActivities(client, sessionmaker, calls=calls)
    return [
        closure.stop_cycle,
        closure.load_closure_page,
        closure.close_appraisals,
        closure.finish_closure,
        unit.load_unit_members,
        unit.deliver_unit_results,
        unit.record_unit_change,
        bulk.load_appraisal_page,
        bulk.extend_deadlines,
        notices.deliver_notice,
        notices.record_mutasi,
        records.record_appraisal_change,
        periods.register_period,
        periods.record_period_progress,
        periods.load_roster_page,
        fanout.start_appraisals,
    ]


def build_worker(
    client: Client,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    task_queue: str,
    fanout_concurrency: int = 20,
    workflow_cache: int = 1000,
    workflow_id_key: bytes | None = None,
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        activities=build_activities(
            client,
            sessionmaker,
            task_queue=task_queue,
            fanout_concurrency=fanout_concurrency,
            workflow_id_key=workflow_id_key,
        ),
        workflow_runner=workflow_runner(),
        max_concurrent_activities=100,
        max_cached_workflows=workflow_cache,
    )


async def run_worker(
    settings: Settings,
    client: Client,
    sessionmaker: async_sessionmaker[AsyncSession],
    stop: asyncio.Event | None = None,
) -> None:
    """Run until the worker fails or, when ``stop`` is given, until it is set: then shut
    down gracefully while the Temporal server is still up (polling ends, workflow tasks
    complete, running activities are cancelled; they are idempotent and retried by the
    next worker)."""
    await ensure_search_attributes(client)
    worker = build_worker(
        client,
        sessionmaker,
        task_queue=settings.task_queue,
        fanout_concurrency=settings.fanout_concurrency,
        workflow_cache=settings.workflow_cache,
    )
    if stop is None:
        await worker.run()
        return
    running = asyncio.create_task(worker.run())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if running.done():
        running.result()  # a fatal worker error
        return
    try:
        await asyncio.wait_for(worker.shutdown(), WORKER_SHUTDOWN_PATIENCE)
    except TimeoutError:
        running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running


WORKER_SHUTDOWN_PATIENCE = 8.0  # seconds; kinerja dev must be gone within 15
