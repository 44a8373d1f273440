"""Sending one command to many appraisals: the pages a bulk operation walks, and the
updates it sends. A retried page re-sends the same absolute extension, which the
appraisals that already took it refuse as 'not later' — so nothing moves twice. Each page
also records one audit event for the batch (each appraisal records its own as well)."""

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.records import extension_page_event
from persistence.repositories import audit
from persistence.repositories.appraisals import open_appraisal_nips, workflow_ids
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import (
    ActivityNames,
    ApplyExtension,
    AppraisalPageRequest,
    ExtensionTally,
)


class BulkActivities:
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

    @activity.defn(name=ActivityNames.LOAD_APPRAISAL_PAGE)
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

    @activity.defn(name=ActivityNames.EXTEND_DEADLINES)
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
