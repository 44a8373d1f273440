"""Persisting an appraisal's state: its projection and its audit event in one transaction.
The event carries what the change decided as its workflow derived it (``domain.audit``);
the key stays ``{workflow id}/v{version}``, so a retry writes nothing.

An appraisal of a period being closed is stopped from here: its row is stamped closed
and its own workflow is asked to cancel. That catches one the fan-out started just before
the period was marked closing and whose first row is written only afterwards, which the
closure's paging may not have seen (``persistence.repositories.period_closure``)."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.client import Client

from activities.closure import cancel_workflow
from persistence.repositories import appraisals, audit, period_closure
from persistence.repositories.audit import AuditRecord
from workflows.activity_contracts import RecordContract, contract_name
from workflows.contracts import AppraisalChange


class RecordActivities(RecordContract):
    """Bound to a session factory at worker start-up, and to the client that stops an
    appraisal of a closing period (without one, e.g. in unit tests, only its row is
    stamped)."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], client: Client | None = None
    ) -> None:
        self._sessionmaker = sessionmaker
        self._client = client

    @activity.defn(name=contract_name(RecordContract.record_appraisal_change))
    async def record_appraisal_change(self, change: AppraisalChange) -> bool:
        state = change.state
        async with self._sessionmaker.begin() as session:
            closing = await period_closure.hold_for_appraisal_write(session, state.period_id)
            saved = await appraisals.save_state(
                session, workflow_id=change.workflow_id, state=state, at=change.at
            )
            if closing:
                await period_closure.mark_appraisals_closed(
                    session, state.period_id, [state.nip], at=datetime.now(UTC)
                )
            audited = await audit.append_event(
                session,
                AuditRecord(
                    event_key=f"{change.workflow_id}/v{state.version}",
                    at=change.at,
                    actor=change.actor,
                    actor_role=change.actor_role,
                    action=change.action,
                    subject_type="appraisal",
                    subject_id=f"{state.period_id}/{state.nip}",
                    period_id=state.period_id,
                    workflow_id=change.workflow_id,
                    request_id=change.request_id,
                    before=change.before,
                    after=change.after,
                    decision=change.decision,
                ),
            )
        if closing and self._client is not None:
            await cancel_workflow(self._client, change.workflow_id)
        return saved or audited
