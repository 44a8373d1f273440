"""The raw baseline workflow (import-light: the sandbox imports this file for every run).

``RawWorkflow`` starts, runs one activity that writes one row to PostgreSQL, and waits for
one signal; its ``touch`` update runs the same one-row activity and returns. That is the
shape of an appraisal (open → persist → wait; command → persist → answer) with none of
the domain, so the ratio of an appraisal figure to its raw twin is what our code costs.
"""

from datetime import timedelta

from temporalio import workflow


@workflow.defn(name="RawWorkflow")
class RawWorkflow:
    def __init__(self) -> None:
        self._finished = False
        self._version = 0
        self._batch = ""

    @workflow.run
    async def run(self, batch: str) -> int:
        self._batch = batch
        await self._record()
        await workflow.wait_condition(lambda: self._finished and workflow.all_handlers_finished())
        return self._version

    @workflow.signal
    def finish(self) -> None:
        self._finished = True

    @workflow.update
    async def touch(self, value: int) -> int:
        await self._record()
        return self._version

    @touch.validator
    def _check_touch(self, value: int) -> None:
        if self._finished or value < 0:
            raise ValueError("finished")

    async def _record(self) -> None:
        self._version += 1
        await workflow.execute_activity(
            "raw_record",
            args=[self._batch, workflow.info().workflow_id, self._version],
            start_to_close_timeout=timedelta(seconds=30),
        )
