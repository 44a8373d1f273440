"""Persisting an appraisal's state: its projection and its audit event in one transaction.
The event carries what the change decided as its workflow derived it (``domain.audit``);
the key stays ``{workflow id}/v{version}``, so a retry writes nothing."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from persistence.repositories import appraisals, audit
from persistence.repositories.audit import AuditRecord
from workflows.activity_contracts import RecordContract, contract_name
from workflows.contracts import AppraisalChange


class RecordActivities(RecordContract):
    """Bound to a session factory at worker start-up."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    @activity.defn(name=contract_name(RecordContract.record_appraisal_change))
    async def record_appraisal_change(self, change: AppraisalChange) -> bool:
        state = change.state
        async with self._sessionmaker.begin() as session:
            saved = await appraisals.save_state(
                session, workflow_id=change.workflow_id, state=state, at=change.at
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
        return saved or audited
