"""A period's cycle in PostgreSQL: the period row, its fan-out progress (each change of
status audited once) and the pages of the active roster the fan-out walks."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from persistence.repositories import audit, organisation, periods
from persistence.repositories.audit import AuditRecord
from workflows.activity_contracts import PeriodContract, contract_name
from workflows.contracts import PeriodProgress, RegisterPeriod, RosterPage, RosterPageRequest
from workflows.ids import cycle_workflow_id


class PeriodActivities(PeriodContract):
    """Bound to a session factory at worker start-up."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    @activity.defn(name=contract_name(PeriodContract.register_period))
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

    @activity.defn(name=contract_name(PeriodContract.record_period_progress))
    async def record_period_progress(self, progress: PeriodProgress) -> None:
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

    @activity.defn(name=contract_name(PeriodContract.load_roster_page))
    async def load_roster_page(self, request: RosterPageRequest) -> RosterPage:
        async with self._sessionmaker() as session:
            members = await organisation.active_roster_page(
                session, after_nip=request.after_nip, limit=request.limit
            )
        return RosterPage(members=members)
