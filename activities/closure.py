"""Closing a period: cancelling its cycle and its appraisals through the client, and
keeping the period and appraisal rows. Every step is idempotent: cancelling a workflow
that is already over answers "not found", which is counted as skipped, not retried; rows
are stamped once; the closing audit event is keyed by the closure's workflow id."""

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from domain.audit import PERIOD_CLOSED
from domain.period_closure import CLOSED
from domain.roles import Role
from persistence.repositories import audit, period_closure
from persistence.repositories.appraisals import workflow_ids
from persistence.repositories.audit import AuditRecord
from workflows.activity_contracts import ClosureContract, contract_name
from workflows.contracts import CloseAppraisals, ClosurePageRequest, ClosureTally, FinishClosure
from workflows.ids import closure_workflow_id, cycle_workflow_id


async def cancel_workflow(client: Client, workflow_id: str) -> bool:
    """Ask Temporal to cancel ``workflow_id``; False when it is already over (or never
    ran), which is what a retry or a second closure finds."""
    try:
        await client.get_workflow_handle(workflow_id).cancel()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


class ClosureActivities(ClosureContract):
    def __init__(
        self,
        client: Client,
        sessionmaker: async_sessionmaker[AsyncSession],
        concurrency: int = 20,
        *,
        calls: asyncio.Semaphore | None = None,
    ) -> None:
        self._client = client
        self._sessionmaker = sessionmaker
        self._calls = calls or asyncio.Semaphore(concurrency)

    @activity.defn(name=contract_name(ClosureContract.stop_cycle))
    async def stop_cycle(self, period_id: str) -> bool:
        return await cancel_workflow(self._client, cycle_workflow_id(period_id))

    @activity.defn(name=contract_name(ClosureContract.load_closure_page))
    async def load_closure_page(self, request: ClosurePageRequest) -> list[str]:
        async with self._sessionmaker() as session:
            return await period_closure.open_appraisal_page(
                session, request.period_id, after_nip=request.after_nip, limit=request.limit
            )

    @activity.defn(name=contract_name(ClosureContract.close_appraisals))
    async def close_appraisals(self, request: CloseAppraisals) -> ClosureTally:
        """Each appraisal is reached by the workflow id its row stores (older id schemes
        included); the rows are stamped after their workflows were asked to stop."""
        limit = self._calls
        async with self._sessionmaker() as session:
            ids = await workflow_ids(session, request.period_id, request.nips)

        async def stop(nip: str) -> bool:
            if nip not in ids:
                return False
            async with limit:
                try:
                    return await cancel_workflow(self._client, ids[nip])
                finally:
                    activity.heartbeat()

        outcomes = await asyncio.gather(*(stop(nip) for nip in request.nips))
        async with self._sessionmaker.begin() as session:
            await period_closure.mark_appraisals_closed(
                session, request.period_id, request.nips, at=request.at
            )
        closed = sum(outcomes)
        return ClosureTally(closed=closed, skipped=len(outcomes) - closed)

    @activity.defn(name=contract_name(ClosureContract.finish_closure))
    async def finish_closure(self, request: FinishClosure) -> bool:
        workflow_id = closure_workflow_id(request.period_id)
        async with self._sessionmaker.begin() as session:
            changed = await period_closure.mark_closed(
                session,
                request.period_id,
                closed=request.tally.closed,
                skipped=request.tally.skipped,
                at=request.at,
            )
            await audit.append_event(
                session,
                AuditRecord(
                    event_key=f"{workflow_id}/{CLOSED}",
                    at=request.at,
                    actor=request.closed_by,
                    actor_role=Role.HR_ADMIN.value,  # only HR closes a period
                    action=PERIOD_CLOSED,
                    subject_type="period",
                    subject_id=request.period_id,
                    period_id=request.period_id,
                    workflow_id=workflow_id,
                    request_id=request.request_id,
                    after={"status": CLOSED, **request.tally.model_dump()},
                    decision={"reason": request.reason},
                ),
            )
        return changed
