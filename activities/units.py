"""Unit assessments: loading a unit's ratings for the distribution gate, delivering the
results once the unit is final, and keeping the unit read model."""

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.audit import unit_decision
from domain.penilaian import DeliverResult
from domain.period_closure import is_closed
from domain.unit import UnitMember
from persistence.repositories import audit, period_closure, units
from persistence.repositories.appraisals import workflow_ids
from persistence.repositories.audit import AuditRecord
from persistence.repositories.organisation import supervisor_of
from workflows.activity_contracts import UnitContract, contract_name
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import DeliverUnitResults, Envelope, UnitChange, UnitMembersRequest


class UnitActivities(UnitContract):
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

    @activity.defn(name=contract_name(UnitContract.load_unit_members))
    async def load_unit_members(self, request: UnitMembersRequest) -> list[UnitMember]:
        async with self._sessionmaker() as session:
            return await units.unit_members(session, request.period_id, request.unit_code)

    @activity.defn(name=contract_name(UnitContract.deliver_unit_results))
    async def deliver_unit_results(self, request: DeliverUnitResults) -> int:
        """Deliver each result, naming the atasan penilai who would hear a keberatan.
        A result already delivered (a retried page) is refused by its workflow and not
        counted again. Each appraisal is reached by the workflow id its row stores, so one
        started under an older id scheme is reached as well. Nothing is delivered in a
        period being closed, and an appraisal already stopped is not delivered to."""
        limit = self._calls
        async with self._sessionmaker() as session:
            status = await period_closure.period_status(session, request.period_id)
            if status is not None and is_closed(status):
                return 0
            atasan = {
                member.nip: await supervisor_of(session, member.supervisor_nip)
                if member.supervisor_nip
                else None
                for member in request.members
            }
            ids = await workflow_ids(
                session, request.period_id, [member.nip for member in request.members]
            )

        async def deliver(member: UnitMember) -> bool:
            if member.nip not in ids:
                return False  # no appraisal row: nothing runs to deliver to
            handle = self._client.get_workflow_handle(ids[member.nip])
            envelope = Envelope[DeliverResult](
                actor=request.actor,
                command=DeliverResult(atasan_nip=atasan[member.nip]),
                request_id=request.request_id,
            )
            async with limit:
                try:
                    await handle.execute_update(AppraisalWorkflow.deliver_result, envelope)
                except WorkflowUpdateFailedError:
                    return False
                except RPCError as error:
                    if error.status is RPCStatusCode.NOT_FOUND:  # stopped by a closure
                        return False
                    raise
                finally:
                    activity.heartbeat()
            return True

        outcomes = await asyncio.gather(*(deliver(member) for member in request.members))
        return sum(outcomes)

    @activity.defn(name=contract_name(UnitContract.record_unit_change))
    async def record_unit_change(self, change: UnitChange) -> bool:
        state = change.state
        async with self._sessionmaker.begin() as session:
            saved = await units.save_unit_state(session, state, at=change.at)
            audited = await audit.append_event(
                session,
                AuditRecord(
                    event_key=f"{change.workflow_id}/v{state.version}",
                    at=change.at,
                    actor=change.actor,
                    actor_role=None,
                    action=change.action,
                    subject_type="unit",
                    subject_id=f"{state.period_id}/{state.unit_code}",
                    period_id=state.period_id,
                    workflow_id=change.workflow_id,
                    request_id=change.request_id,
                    after=change.details,
                    decision=unit_decision(change.action, state, change.details),
                ),
            )
        return saved or audited
