"""The closure workflow on its own, with in-memory activities: the cycle is stopped
first, every page is closed across continue-as-new, the tally adds up and is queryable,
and the period is finished once with it."""

import uuid

from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from runtime.worker import workflow_runner
from tests.workflows.fakes import FakeClosureActivities
from workflows.closure import PeriodClosureWorkflow
from workflows.contracts import ClosureInput, ClosureTally

NIPS = [f"19900101201501{n:04d}" for n in range(1, 8)]


async def test_every_page_is_closed_across_runs_and_the_period_finished_once(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    fakes = FakeClosureActivities(NIPS, running=set(NIPS[:5]))  # two already over
    queue = f"closure-{uuid.uuid4().hex[:6]}"
    async with Worker(
        time_skipping_env.client,
        task_queue=queue,
        workflows=[PeriodClosureWorkflow],
        activities=fakes.all(),
        workflow_runner=workflow_runner(),
    ):
        handle = await time_skipping_env.client.start_workflow(
            PeriodClosureWorkflow.run,
            ClosureInput(
                period_id="uji",
                reason="Dibuka karena keliru",
                closed_by="hr",
                page_size=2,
                pages_per_run=1,
            ),
            id=f"closure-uji-{queue}",
            task_queue=queue,
        )
        tally = await handle.result()
        progress = await handle.query(PeriodClosureWorkflow.progress)

    assert tally == ClosureTally(closed=5, skipped=2) == progress
    assert fakes.running == set()
    assert fakes.cycle_stopped == 1  # not again after continue-as-new
    [finished] = fakes.finished
    assert (finished.tally, finished.reason, finished.closed_by) == (
        tally,
        "Dibuka karena keliru",
        "hr",
    )
    first = time_skipping_env.client.get_workflow_handle(
        handle.id, run_id=handle.first_execution_run_id
    )
    assert (await first.describe()).status is WorkflowExecutionStatus.CONTINUED_AS_NEW
