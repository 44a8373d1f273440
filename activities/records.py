"""Activities that persist workflow state: projections plus their audit events. An
appraisal's event carries what the change decided as its workflow derived it
(``domain.audit``); the key stays ``{workflow id}/v{version}``, so a retry writes nothing."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from domain.audit import EXTENSION_BATCH
from domain.roles import Role
from persistence.repositories import appraisals, audit, organisation, periods
from persistence.repositories.audit import AuditRecord
from workflows.contracts import (
    ActivityNames,
    ApplyExtension,
    AppraisalChange,
    ExtensionTally,
    PeriodProgress,
    RegisterPeriod,
    RosterPage,
    RosterPageRequest,
)
from workflows.ids import cycle_workflow_id


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


class RecordActivities:
    """Bound to a session factory at worker start-up."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    @activity.defn(name=ActivityNames.RECORD_APPRAISAL_CHANGE)
    async def record_appraisal_change(self, change: AppraisalChange) -> bool:
        """Write the projection and its audit event together; True when anything was new."""
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

    @activity.defn(name=ActivityNames.REGISTER_PERIOD)
    async def register_period(self, request: RegisterPeriod) -> bool:
        async with self._sessionmaker.begin() as session:
            created = await periods.register_period(
                session, request.period, created_by=request.started_by
            )
            await audit.append_event(
                session,
                AuditRecord(
                    event_key=f"{request.workflow_id}/registered",
                    at=request.at,
                    actor=request.started_by,
                    actor_role="hr_admin",
                    action="period.started",
                    subject_type="period",
                    subject_id=request.period.period_id,
                    period_id=request.period.period_id,
                    workflow_id=request.workflow_id,
                    request_id=request.request_id,
                    after=request.period.model_dump(mode="json"),
                ),
            )
        return created

    @activity.defn(name=ActivityNames.RECORD_PERIOD_PROGRESS)
    async def record_period_progress(self, progress: PeriodProgress) -> None:
        """Fan-out progress; a change of status (running, completed) is audited once."""
        async with self._sessionmaker.begin() as session:
            replaced = await periods.record_progress(
                session,
                progress.period_id,
                status=progress.status,
                employees_started=progress.employees_started,
            )
            if replaced is not None:
                workflow_id = cycle_workflow_id(progress.period_id)
                await audit.append_event(
                    session,
                    AuditRecord(
                        event_key=f"{workflow_id}/{progress.status}",
                        at=datetime.now(UTC),
                        actor="system",
                        actor_role=None,
                        action=f"period.{progress.status}",
                        subject_type="period",
                        subject_id=progress.period_id,
                        period_id=progress.period_id,
                        workflow_id=workflow_id,
                        before={"status": replaced},
                        after={
                            "status": progress.status,
                            "employees_started": progress.employees_started,
                        },
                    ),
                )

    @activity.defn(name=ActivityNames.LOAD_ROSTER_PAGE)
    async def load_roster_page(self, request: RosterPageRequest) -> RosterPage:
        async with self._sessionmaker() as session:
            members = await organisation.active_roster_page(
                session, after_nip=request.after_nip, limit=request.limit
            )
        return RosterPage(members=members)
