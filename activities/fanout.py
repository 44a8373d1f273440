"""Starting appraisal workflows through the client, a page at a time.

Client starts get a whole period running sooner than child workflows of the cycle
(``bench/`` compares the two; ARCHITECTURE.md says why the cycle hands pages to this
activity). Deterministic workflow ids make a retried page harmless: an id that already
runs is counted, not started twice. The ids are keyed pseudonyms of the NIP
(``workflows.ids``); each workflow records its own id in its PostgreSQL row, which is how
everything else finds it.

Nobody more is started once the period is being closed (``domain.period_closure``): the
period's status is read before each start, at most once a second.
"""

import asyncio
import contextlib
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.appraisal import AppraisalState
from domain.organisation import RosterMember
from domain.period_closure import is_closed
from persistence.repositories.period_closure import period_status
from workflows.activity_contracts import FanoutContract, contract_name
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import AppraisalInput, StartAppraisals
from workflows.ids import appraisal_workflow_id
from workflows.search import AGENCY, STAGE

CLOSING_CHECK_SECONDS = 1.0


class ClosingCheck:
    """Whether a period is being closed, read at most once per interval (and never again
    once it is): one query a second, not one per start."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession] | None, period_id: str
    ) -> None:
        self._sessionmaker = sessionmaker
        self._period_id = period_id
        self._closing = False
        self._checked_at: float | None = None
        self._reading = asyncio.Lock()

    async def __call__(self) -> bool:
        if self._sessionmaker is None or self._closing:
            return self._closing
        async with self._reading:
            now = time.monotonic()
            if self._checked_at is None or now - self._checked_at >= CLOSING_CHECK_SECONDS:
                async with self._sessionmaker() as session:
                    status = await period_status(session, self._period_id)
                self._closing = status is not None and is_closed(status)
                self._checked_at = now
        return self._closing


class FanoutActivities(FanoutContract):
    def __init__(
        self,
        client: Client,
        task_queue: str,
        concurrency: int = 20,
        *,
        calls: asyncio.Semaphore | None = None,
        workflow_id_key: bytes,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        """Without ``sessionmaker`` no closing is checked (tests of the starts alone)."""
        self._client = client
        self._task_queue = task_queue
        self._calls = calls or asyncio.Semaphore(concurrency)
        self._workflow_id_key = workflow_id_key
        self._sessionmaker = sessionmaker

    @activity.defn(name=contract_name(FanoutContract.start_appraisals))
    async def start_appraisals(self, request: StartAppraisals) -> int:
        limit = self._calls
        closing = ClosingCheck(self._sessionmaker, request.period_id)

        async def start(member: RosterMember) -> bool:
            async with limit:
                if await closing():
                    return False
                await self._start_one(request, member)
                activity.heartbeat()
                return True

        started = await asyncio.gather(*(start(member) for member in request.members))
        return sum(started)

    async def _start_one(self, request: StartAppraisals, member: RosterMember) -> None:
        state = AppraisalState(
            period_id=request.period_id,
            nip=member.nip,
            agency_code=member.agency_code,
            unit_code=member.unit_code,
            supervisor_nip=member.supervisor_nip,
        )
        # An id that already runs means a retried page: the appraisal is counted, not forked.
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self._client.start_workflow(
                AppraisalWorkflow.run,
                AppraisalInput(state=state, schedule=request.schedule),
                id=appraisal_workflow_id(request.period_id, member.nip, self._workflow_id_key),
                task_queue=self._task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(STAGE, state.stage.value),
                        SearchAttributePair(AGENCY, member.agency_code),
                    ]
                ),
            )
