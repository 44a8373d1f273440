"""Closing a period opened by mistake (id ``closure-{period}``): stop the period's cycle
so it starts nobody more, then page through the period's appraisals cancelling each
workflow, then mark the period closed. Pages as ``workflows.extension`` does, and
continues as new every ``pages_per_run`` pages, so a regency of 15,000 is one small
history after another.

The API marks the period ``closing`` before this starts; from then on the fan-out skips
it, and an appraisal whose first row is written afterwards stops itself
(``persistence.repositories.period_closure`` says why none slips between the two). So
paging the rows after the cycle is stopped finds every appraisal that did not.

Cancelling an appraisal ends it as *cancelled* (its run loop raises ``CancelledError``
at whatever it awaits, which nothing in it catches): no change to ``AppraisalWorkflow``.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflows.activity_contracts import ClosureContract
    from workflows.contracts import (
        CloseAppraisals,
        ClosureInput,
        ClosurePageRequest,
        ClosureTally,
        FinishClosure,
    )

DB_TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


@workflow.defn(name="PeriodClosureWorkflow")
class PeriodClosureWorkflow:
    @workflow.init
    def __init__(self, input: ClosureInput) -> None:
        self._tally = input.tally

    @workflow.run
    async def run(self, input: ClosureInput) -> ClosureTally:
        if not input.cycle_stopped:
            await workflow.execute_activity_method(
                ClosureContract.stop_cycle,
                input.period_id,
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=RETRY,
            )
            input = input.model_copy(update={"cycle_stopped": True})
        cursor = input.cursor
        for _ in range(input.pages_per_run):
            nips: list[str] = await workflow.execute_activity_method(
                ClosureContract.load_closure_page,
                ClosurePageRequest(
                    period_id=input.period_id, after_nip=cursor, limit=input.page_size
                ),
                start_to_close_timeout=DB_TIMEOUT,
                retry_policy=RETRY,
            )
            if nips:
                page: ClosureTally = await workflow.execute_activity_method(
                    ClosureContract.close_appraisals,
                    CloseAppraisals(period_id=input.period_id, nips=nips, at=workflow.now()),
                    start_to_close_timeout=timedelta(minutes=10),
                    heartbeat_timeout=timedelta(seconds=60),
                    retry_policy=RETRY,
                )
                self._tally = self._tally.plus(page)
                cursor = nips[-1]
            if len(nips) < input.page_size:
                await workflow.execute_activity_method(
                    ClosureContract.finish_closure,
                    FinishClosure(
                        period_id=input.period_id,
                        reason=input.reason,
                        closed_by=input.closed_by,
                        request_id=input.request_id,
                        tally=self._tally,
                        at=workflow.now(),
                    ),
                    start_to_close_timeout=DB_TIMEOUT,
                    retry_policy=RETRY,
                )
                return self._tally
        workflow.continue_as_new(input.model_copy(update={"cursor": cursor, "tally": self._tally}))

    @workflow.query
    def progress(self) -> ClosureTally:
        return self._tally
