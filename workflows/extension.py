"""Extending a deadline for a unit, an agency or a whole period (id
``extension-{period}-{request}``): page through the period's open appraisals and send
each the same ExtendDeadline update, so every running timer follows the new time.

An appraisal that refuses (its step is already done, or the new time is not later than
its own) is counted with the reason, not retried.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflows.activity_contracts import BulkContract
    from workflows.contracts import (
        ApplyExtension,
        AppraisalPageRequest,
        ExtensionInput,
        ExtensionTally,
    )

RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


@workflow.defn(name="DeadlineExtensionWorkflow")
class DeadlineExtensionWorkflow:
    @workflow.init
    def __init__(self, input: ExtensionInput) -> None:
        self._tally = input.tally

    @workflow.run
    async def run(self, input: ExtensionInput) -> ExtensionTally:
        cursor = input.cursor
        for _ in range(input.pages_per_run):
            nips: list[str] = await workflow.execute_activity_method(
                BulkContract.load_appraisal_page,
                AppraisalPageRequest(
                    period_id=input.period_id,
                    scope=input.scope,
                    after_nip=cursor,
                    limit=input.page_size,
                ),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RETRY,
            )
            if nips:
                page: ExtensionTally = await workflow.execute_activity_method(
                    BulkContract.extend_deadlines,
                    ApplyExtension(
                        period_id=input.period_id,
                        nips=nips,
                        envelope=input.envelope,
                        scope=input.scope,  # data for the audit event only: replays as before
                    ),
                    start_to_close_timeout=timedelta(minutes=10),
                    heartbeat_timeout=timedelta(seconds=60),
                    retry_policy=RETRY,
                )
                self._tally = self._tally.plus(page)
                cursor = nips[-1]
            if len(nips) < input.page_size:
                return self._tally
        workflow.continue_as_new(input.model_copy(update={"cursor": cursor, "tally": self._tally}))

    @workflow.query
    def progress(self) -> ExtensionTally:
        return self._tally
