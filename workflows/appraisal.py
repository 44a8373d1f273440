"""One employee's appraisal year as a durable workflow (id ``appraisal-{period}-{nip}``).

Commands arrive as Updates. Each validator asks the domain whether the command is legal
now, so a refused command never reaches history; each handler applies the same domain
function, changes ``self._state`` *before* awaiting anything (so a concurrent duplicate
is refused by its validator), then persists the change through an activity.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain import appraisal as rules
    from domain.appraisal import AppraisalState
    from domain.errors import DomainError
    from domain.stages import Stage
    from workflows.contracts import (
        AcknowledgeCommand,
        ActivityNames,
        AppraisalChange,
        AppraisalInput,
    )
    from workflows.search import STAGE

SYSTEM_ACTOR = "system"
PERSIST_TIMEOUT = timedelta(seconds=30)
PERSIST_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
)


def _as_application_error(error: DomainError) -> ApplicationError:
    """Handlers may raise only ApplicationError; anything else would retry the task forever."""
    return ApplicationError(str(error), type=type(error).__name__, non_retryable=True)


@workflow.defn(name="AppraisalWorkflow")
class AppraisalWorkflow:
    @workflow.init
    def __init__(self, input: AppraisalInput) -> None:
        self._state = input.state
        self._schedule = input.schedule

    @workflow.run
    async def run(self, input: AppraisalInput) -> AppraisalState:
        if input.persisted_version < input.state.version:
            # Persist the state as opened, even if an update has already moved past it:
            # the projection keeps the newest version, the audit trail keeps both events.
            await self._persist(
                input.state,
                action="appraisal.opened",
                actor=SYSTEM_ACTOR,
                actor_role=None,
                request_id=None,
                after={"stage": input.state.stage.value},
            )
        await workflow.wait_condition(lambda: self._state.stage is Stage.SELESAI)
        return self._state

    @workflow.query
    def state(self) -> AppraisalState:
        return self._state

    @workflow.update
    async def acknowledge(self, command: AcknowledgeCommand) -> AppraisalState:
        """Sosialisasi: the employee confirms they were briefed on the policy."""
        before = self._state
        try:
            self._state = rules.acknowledge(before, command.actor, workflow.now())
        except DomainError as error:
            raise _as_application_error(error) from error
        await self._persist(
            self._state,
            action="sosialisasi.acknowledged",
            actor=command.actor.subject,
            actor_role="pegawai",
            request_id=command.request_id,
            before={"stage": before.stage.value},
            after={"stage": self._state.stage.value},
        )
        return self._state

    @acknowledge.validator
    def _validate_acknowledge(self, command: AcknowledgeCommand) -> None:
        rules.check_acknowledge(self._state, command.actor)

    async def _persist(
        self,
        state: AppraisalState,
        *,
        action: str,
        actor: str,
        actor_role: str | None,
        request_id: str | None,
        before: dict[str, str] | None = None,
        after: dict[str, str] | None = None,
    ) -> None:
        workflow.upsert_search_attributes([STAGE.value_set(self._state.stage.value)])
        await workflow.execute_activity(
            ActivityNames.RECORD_APPRAISAL_CHANGE,
            AppraisalChange(
                workflow_id=workflow.info().workflow_id,
                state=state,
                action=action,
                actor=actor,
                actor_role=actor_role,
                request_id=request_id,
                at=workflow.now(),
                before=before,
                after=after,
            ),
            start_to_close_timeout=PERSIST_TIMEOUT,
            retry_policy=PERSIST_RETRY,
        )
