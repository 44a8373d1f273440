"""Sending one command to many appraisals: the pages a bulk operation walks, and the
updates it sends. A retried page re-sends the same absolute extension, which the
appraisals that already took it refuse as 'not later' — so nothing moves twice. Each page
also records one audit event for the batch (each appraisal records its own as well)."""

import asyncio
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.audit import EXTENSION_BATCH
from domain.roles import Role
from persistence.repositories import audit
from persistence.repositories.appraisals import open_appraisal_nips, workflow_ids
from persistence.repositories.audit import AuditRecord
from workflows.activity_contracts import BulkContract, contract_name
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import ApplyExtension, AppraisalPageRequest, ExtensionTally


def extension_page_event(
    info: activity.Info, request: ApplyExtension, tally: ExtensionTally
) -> AuditRecord:
    """One page of a batch extension (``DeadlineExtensionWorkflow``): who moved which
    deadline to when, why, over which scope, and how many appraisals took it. Keyed by the
    activity's own run and id, which a retry keeps, so a retried page is recorded once
    (with the first attempt's tally)."""
    command = request.envelope.command
    scope = request.scope.model_dump(exclude_none=True) if request.scope else None
    batch = info.workflow_id or f"activity-{info.activity_id}"  # always run by its workflow
    return AuditRecord(
        event_key=f"{batch}/{info.workflow_run_id}/{info.activity_id}",
        at=datetime.now(UTC),
        actor=request.envelope.actor.subject,
        actor_role=Role.HR_ADMIN.value,  # only HR may extend (ExtendDeadline)
        action=EXTENSION_BATCH,
        subject_type="extension",
        subject_id=batch,
        period_id=request.period_id,
        workflow_id=info.workflow_id,
        request_id=request.envelope.request_id,
        after=tally.model_dump() | {"appraisals": len(request.nips)},
        decision={
            "deadline": command.deadline,
            "new_due": command.new_due.isoformat(),
            "reason": command.reason,
            "scope": scope,
        },
    )


class BulkActivities(BulkContract):
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

    @activity.defn(name=contract_name(BulkContract.load_appraisal_page))
    async def load_appraisal_page(self, request: AppraisalPageRequest) -> list[str]:
        async with self._sessionmaker() as session:
            return await open_appraisal_nips(
                session,
                request.period_id,
                agency_code=request.scope.agency_code,
                unit_code=request.scope.unit_code,
                after_nip=request.after_nip,
                limit=request.limit,
            )

    @activity.defn(name=contract_name(BulkContract.extend_deadlines))
    async def extend_deadlines(self, request: ApplyExtension) -> ExtensionTally:
        limit = self._calls
        # the ids the appraisals run under, as their rows store them (old ids included)
        async with self._sessionmaker() as session:
            ids = await workflow_ids(session, request.period_id, request.nips)

        async def extend(nip: str) -> str | None:
            """None when extended, else the reason it was refused."""
            if nip not in ids:
                return "NotFound"
            handle = self._client.get_workflow_handle(ids[nip])
            async with limit:
                try:
                    await handle.execute_update(AppraisalWorkflow.extend_deadline, request.envelope)
                except WorkflowUpdateFailedError as error:
                    cause = error.cause
                    if isinstance(cause, ApplicationError) and cause.type:
                        return cause.type
                    return "refused"
                except RPCError as error:
                    if error.status is RPCStatusCode.NOT_FOUND:
                        return "NotFound"
                    raise
                finally:
                    activity.heartbeat()
            return None

        outcomes = await asyncio.gather(*(extend(nip) for nip in request.nips))
        refusals: dict[str, int] = {}
        for reason in outcomes:
            if reason is not None:
                refusals[reason] = refusals.get(reason, 0) + 1
        refused = sum(refusals.values())
        tally = ExtensionTally(extended=len(outcomes) - refused, refused=refused, refusals=refusals)
        async with self._sessionmaker.begin() as session:  # the batch's own audit event
            await audit.append_event(session, extension_page_event(activity.info(), request, tally))
        return tally
