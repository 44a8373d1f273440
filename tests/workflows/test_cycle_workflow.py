"""The cycle workflow fans out one appraisal per active employee, page by page, and
continues as new between pages so its history stays small for any regency."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from domain.stages import Stage
from persistence.models import Appraisal, Period
from persistence.repositories.organisation import upsert_roster
from runtime.worker import build_worker
from tests.factories import make_period
from tests.orgs import SMALL_ORG
from tests.waiting import eventually
from workflows.contracts import CycleInput
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id


async def test_fanout_pages_continue_as_new_and_start_everyone_once(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    task_queue: str,
) -> None:
    async with sessionmaker.begin() as session:
        await upsert_roster(session, SMALL_ORG)
    period = make_period(f"c{uuid.uuid4().hex[:8]}")
    client = temporal_env.client

    async with build_worker(client, sessionmaker, task_queue=task_queue):
        handle = await client.start_workflow(
            CycleWorkflow.run,
            CycleInput(period=period, started_by="hr", page_size=2, pages_per_run=1),
            id=cycle_workflow_id(period.period_id),
            task_queue=task_queue,
        )

        async def stored() -> tuple[int, str | None, int | None]:
            async with sessionmaker() as session:
                appraisals = await session.scalar(
                    select(func.count())
                    .select_from(Appraisal)
                    .where(
                        Appraisal.period_id == period.period_id,
                        Appraisal.stage == Stage.SOSIALISASI,
                    )
                )
                row = await session.get(Period, period.period_id)
                await session.commit()
            return int(appraisals or 0), row and row.status, row and row.employees_started

        assert await eventually(
            stored, lambda value: value == (len(SMALL_ORG), "running", len(SMALL_ORG))
        )

        runs = [
            execution
            async for execution in client.list_workflows(
                f"WorkflowId = '{cycle_workflow_id(period.period_id)}'"
            )
        ]
        progress = await handle.query(CycleWorkflow.progress)
        appraisals = [
            wf
            async for wf in client.list_workflows(
                f"WorkflowId STARTS_WITH 'appraisal-{period.period_id}-'"
            )
        ]

    # 7 employees in pages of 2: four pages, so three continue-as-new hand-overs
    assert len(runs) == 4
    assert progress.employees_started == len(SMALL_ORG)
    assert len(appraisals) == len(SMALL_ORG)
    history = [event async for event in handle.fetch_history_events()]
    assert not any(
        e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW for e in history
    )  # the current run is the last page, waiting for completions
