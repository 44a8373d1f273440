"""Workarounds for the time-skipping test server, in one place.

That server jumps from one timer to the next, which is what lets a year pass in minutes.
Now and then it refuses a workflow task's completion ("invalid history builder state for
action"): the task is retried after its timeout, but the server may leak the clock lock
that task held (time stands still for everyone) or stop answering that run's updates.
The same histories replay cleanly, so the fault is the server's, not the workflow's.
What helps, measured on ``kinerja simulate --employees 200``: bound every call, wait for
a quiet moment before acting, hand back a leaked lock, carry a silent run on from its
last state, and, should all that fail, start over on a fresh server (the rehearsal is
seeded, so it comes out the same).
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio.api.testservice.v1 import UnlockTimeSkippingRequest
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError

from domain.appraisal import AppraisalState
from domain.schedule import PeriodSchedule
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import AppraisalInput, Envelope

T = TypeVar("T")
UPDATE_PATIENCE = timedelta(seconds=15)
STALL_PATIENCE = 60.0  # wall seconds a jump in time may take before the server is stuck
ATTEMPTS = 3


class RehearsalStalledError(RuntimeError):
    """The time-skipping test server stopped skipping time, even after its leaked clock
    lock was given back (:meth:`Clock.release_leaked_lock`). A weakness of that server,
    not of the workflow (the same histories replay cleanly). The rehearsal is seeded, so
    it starts over on a fresh server and comes out the same."""


async def in_time(awaitable: Awaitable[T], what: str) -> T:
    """``awaitable`` within ``STALL_PATIENCE``, or :class:`RehearsalStalledError`."""
    try:
        return await asyncio.wait_for(awaitable, STALL_PATIENCE)
    except TimeoutError:
        raise RehearsalStalledError(what) from None
    except RPCError as error:  # the call gave up first ("Timeout expired", "h2 protocol error")
        raise RehearsalStalledError(f"{what}: {error}") from error


@dataclass
class Clock:
    """The server's clock as the environment exposes it (``WorkflowEnvironment.sleep``
    and ``get_current_time``), and the leaked locks handed back to it."""

    client: Client
    sleep: Callable[[timedelta], Awaitable[None]]
    current_time: Callable[[], Awaitable[datetime]]
    releases: int = 0

    async def now(self) -> datetime:
        return await in_time(self.current_time(), "reading the time")

    async def skip(self, moment: datetime) -> None:
        """Let time jump to ``moment``. Should it not move, give back the clock lock the
        server leaked (see :meth:`release_leaked_lock`) and try again."""
        for attempt in range(1, ATTEMPTS + 1):
            current = await self.now()
            if current >= moment:
                return
            try:
                await in_time(self.sleep(moment - current), f"skipping to {moment:%d %b}")
                return
            except RehearsalStalledError:
                if attempt == ATTEMPTS:
                    raise
                await self.release_leaked_lock()

    async def release_leaked_lock(self) -> None:
        """Give back the clock lock that a refused workflow task took and never returned.

        The test server holds time still while a workflow task is open, counting locks.
        When it refuses a task's completion, the task is retried after its timeout and
        the workflow goes on, but its lock is never counted down, so time stands still
        for everyone. One extra unlock balances the count (``kinerja simulate
        --employees 200`` needed it once or twice a year and then ran to the end)."""
        with contextlib.suppress(RPCError):
            await self.client.test_service.unlock_time_skipping(UnlockTimeSkippingRequest())
            self.releases += 1


async def quiet(calls: Callable[[], int], interval: float = 0.05) -> None:
    """Timers fired while time jumped: wait until their activity calls (``calls()``
    counts them) have stopped arriving before anyone acts. An update racing the workflow
    task that follows is what makes the server refuse that task."""
    quiet_for = 0
    last = calls()
    while quiet_for < 2:
        await asyncio.sleep(interval)
        quiet_for = quiet_for + 1 if calls() == last else 0
        last = calls()


async def settle(handle: WorkflowHandle[Any, Any]) -> None:
    """Wait until the workflow has no task in flight (a query is answered after it): an
    update racing a task (one that followed the last update, or a timer that fired as
    time jumped) is what now and then makes the server reject the task."""
    with contextlib.suppress(Exception):
        await handle.query(AppraisalWorkflow.state, rpc_timeout=UPDATE_PATIENCE)


async def answer(
    handle: WorkflowHandle[Any, Any], update: Any, envelope: Envelope[Any], update_id: str
) -> AppraisalState | None:
    """The update's answer, or ``None`` if none came within ``UPDATE_PATIENCE``.

    The SDK turns a cancelled update call into ``WorkflowUpdateRPCTimeoutOrCancelledError``
    and would go on polling the test server for an answer it never gives, so the bound is
    an ``asyncio.timeout`` around the whole call, not only each RPC's timeout."""
    try:
        async with asyncio.timeout(UPDATE_PATIENCE.total_seconds()):
            state: AppraisalState = await handle.execute_update(
                update,
                envelope,
                id=update_id,
                result_type=AppraisalState,
                rpc_timeout=UPDATE_PATIENCE,
            )
            return state
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise  # the caller gave up on this step: do not swallow its cancellation
        return None


async def carry_on(
    client: Client,
    handle: WorkflowHandle[Any, Any],
    latest: AppraisalState,
    schedule: PeriodSchedule,
    task_queue: str,
) -> WorkflowHandle[Any, Any]:
    """Replace a run that no longer answers updates with a fresh one that starts from the
    last state the appraisal wrote, as continue-as-new would. The appraisal state is all
    a run needs to go on (the reminders already sent are part of it)."""
    with contextlib.suppress(RPCError):
        await handle.terminate("gladi: dilanjutkan dari keadaan terakhir")
    return await client.start_workflow(
        AppraisalWorkflow.run,
        AppraisalInput(state=latest, schedule=schedule, persisted_version=latest.version),
        id=handle.id,
        task_queue=task_queue,
    )
