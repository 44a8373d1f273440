"""One appraisal period (id ``cycle-{period}``): registers the period and fans out one
appraisal workflow per active employee.

The fan-out hands pages of the roster to an activity that starts workflows through the
client, and continues-as-new every ``pages_per_run`` pages so its own history stays small
however large the regency.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflows.activity_contracts import FanoutContract, PeriodContract
    from workflows.contracts import (
        CycleInput,
        PeriodProgress,
        RegisterPeriod,
        RosterPageRequest,
        StartAppraisals,
    )

DB_TIMEOUT = timedelta(seconds=30)
FANOUT_TIMEOUT = timedelta(minutes=10)
FANOUT_HEARTBEAT = timedelta(seconds=60)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


@workflow.defn(name="CycleWorkflow")
class CycleWorkflow:
    @workflow.init
    def __init__(self, input: CycleInput) -> None:
        self._input = input
        self._completed = input.completed

    @workflow.run
    async def run(self, input: CycleInput) -> int:
        period = input.period
        if not input.registered:
            await workflow.execute_activity_method(
                PeriodContract.register_period,
                RegisterPeriod(
                    period=period,
                    started_by=input.started_by,
                    request_id=input.request_id,
                    workflow_id=workflow.info().workflow_id,
                    at=workflow.now(),
                ),
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=RETRY,
            )
            input = input.model_copy(update={"registered": True})

        pages = 0
        while not input.fanout_done:
            page = await workflow.execute_activity_method(
                PeriodContract.load_roster_page,
                RosterPageRequest(after_nip=input.cursor, limit=input.page_size),
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=RETRY,
            )
            started = 0
            if page.members:
                started = await workflow.execute_activity_method(
                    FanoutContract.start_appraisals,
                    StartAppraisals(
                        period_id=period.period_id,
                        schedule=period.resolved_schedule(),
                        members=page.members,
                    ),
                    start_to_close_timeout=FANOUT_TIMEOUT,
                    heartbeat_timeout=FANOUT_HEARTBEAT,
                    retry_policy=RETRY,
                )
            input = input.model_copy(
                update={
                    "cursor": page.members[-1].nip if page.members else input.cursor,
                    "employees_started": input.employees_started + started,
                    "fanout_done": len(page.members) < input.page_size,
                }
            )
            self._input = input
            await self._record_progress(input, "running" if input.fanout_done else "starting")
            pages += 1
            if not input.fanout_done and pages >= input.pages_per_run:
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(input.model_copy(update={"completed": self._completed}))

        await workflow.wait_condition(
            lambda: (
                self._completed >= input.employees_started
                or workflow.info().is_continue_as_new_suggested()
            )
        )
        if self._completed < input.employees_started:
            await workflow.wait_condition(workflow.all_handlers_finished)
            workflow.continue_as_new(input.model_copy(update={"completed": self._completed}))
        await self._record_progress(input, "completed")
        return input.employees_started

    @workflow.signal
    def appraisal_completed(self, nip: str) -> None:
        """An employee's appraisal finished; the period completes when all have."""
        self._completed += 1

    @workflow.query
    def progress(self) -> PeriodProgress:
        status = "running" if self._input.fanout_done else "starting"
        return PeriodProgress(
            period_id=self._input.period.period_id,
            status=status,
            employees_started=self._input.employees_started,
        )

    async def _record_progress(self, input: CycleInput, status: str) -> None:
        await workflow.execute_activity_method(
            PeriodContract.record_period_progress,
            PeriodProgress(
                period_id=input.period.period_id,
                status=status,
                employees_started=input.employees_started,
            ),
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=RETRY,
        )
