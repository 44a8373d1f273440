"""Starting appraisal workflows through the client, a page at a time.

Client starts get a whole period running sooner than child workflows of the cycle
(``bench/`` compares the two; ARCHITECTURE.md says why the cycle hands pages to this
activity). Deterministic workflow ids make a retried page harmless: an id that already
runs is counted, not started twice. The ids are keyed pseudonyms of the NIP
(``workflows.ids``); each workflow records its own id in its PostgreSQL row, which is how
everything else finds it.
"""

import asyncio
import contextlib

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
from workflows.activity_contracts import FanoutContract, contract_name
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import AppraisalInput, StartAppraisals
from workflows.ids import appraisal_workflow_id
from workflows.search import AGENCY, STAGE


class FanoutActivities(FanoutContract):
    def __init__(
        self,
        client: Client,
        task_queue: str,
        concurrency: int = 20,
        *,
        calls: asyncio.Semaphore | None = None,
        workflow_id_key: bytes,
    ) -> None:
        self._client = client
        self._task_queue = task_queue
        self._calls = calls or asyncio.Semaphore(concurrency)
        self._workflow_id_key = workflow_id_key

    @activity.defn(name=contract_name(FanoutContract.start_appraisals))
    async def start_appraisals(self, request: StartAppraisals) -> int:
        limit = self._calls

        async def start(member: RosterMember) -> None:
            async with limit:
                await self._start_one(request, member)
                activity.heartbeat()

        await asyncio.gather(*(start(member) for member in request.members))
        return len(request.members)

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
