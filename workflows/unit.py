"""One unit's assessment in a period (id ``unit-{period}-{unit}``), started on first use
by update-with-start: its organisational predicate, the distribution gate, an override,
and finalisation, which delivers every result of the unit so the keberatan windows open.
"""

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.errors import DomainError, WrongStateError
    from domain.unit import (
        DistributionViolatedError,
        FinaliseUnit,
        RecordOverride,
        SetUnitPredikat,
        UnitMember,
        UnitState,
    )
    from workflows.activity_contracts import UnitContract
    from workflows.contracts import (
        DeliverUnitResults,
        Envelope,
        UnitChange,
        UnitInput,
        UnitMembersRequest,
    )

RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
DB_TIMEOUT = timedelta(seconds=30)


def _as_application_error(error: DomainError) -> ApplicationError:
    details: list[Any] = []
    if isinstance(error, DistributionViolatedError):
        details = [[v.model_dump() for v in error.violations]]
    return ApplicationError(str(error), *details, type=type(error).__name__, non_retryable=True)


@workflow.defn(name="UnitAssessmentWorkflow")
class UnitAssessmentWorkflow:
    @workflow.init
    def __init__(self, input: UnitInput) -> None:
        self._state = input.state
        self._finalising = False  # a second finalise is refused while the first runs

    @workflow.run
    async def run(self, input: UnitInput) -> UnitState:
        await workflow.wait_condition(
            lambda: self._state.finalised_at is not None and workflow.all_handlers_finished()
        )
        return self._state

    @workflow.query
    def state(self) -> UnitState:
        return self._state

    @workflow.update
    async def set_predikat(self, envelope: Envelope[SetUnitPredikat]) -> UnitState:
        try:
            self._state = envelope.command.apply(self._state, envelope.actor)
        except DomainError as error:
            raise _as_application_error(error) from error
        await self._persist(envelope, {"predikat": envelope.command.predikat.value})
        return self._state

    @set_predikat.validator
    def _check_set_predikat(self, envelope: Envelope[SetUnitPredikat]) -> None:
        envelope.command.apply(self._state, envelope.actor)

    @workflow.update
    async def record_override(self, envelope: Envelope[RecordOverride]) -> UnitState:
        members = await self._members()
        try:
            self._state = envelope.command.apply(
                self._state, envelope.actor, [m.predikat for m in members], workflow.now()
            )
        except DomainError as error:
            raise _as_application_error(error) from error
        await self._persist(envelope, {"reason": envelope.command.reason})
        return self._state

    @record_override.validator
    def _check_record_override(self, envelope: Envelope[RecordOverride]) -> None:
        envelope.command.check(self._state, envelope.actor)

    @workflow.update
    async def finalise(self, envelope: Envelope[FinaliseUnit]) -> UnitState:
        """Check the gate against the stored ratings, then deliver every result."""
        self._finalising = True
        try:
            members = await self._members()
            finalised = envelope.command.apply(
                self._state, envelope.actor, [m.predikat for m in members], workflow.now()
            )
        except DomainError as error:
            self._finalising = False
            raise _as_application_error(error) from error
        delivered: int = await workflow.execute_activity_method(
            UnitContract.deliver_unit_results,
            DeliverUnitResults(
                period_id=self._state.period_id,
                members=members,
                actor=envelope.actor,
                request_id=envelope.request_id,
            ),
            start_to_close_timeout=timedelta(minutes=10),
            heartbeat_timeout=timedelta(seconds=60),
            retry_policy=RETRY,
        )
        self._state = finalised.model_copy(update={"delivered": delivered})
        await self._persist(envelope, {"delivered": delivered, "members": len(members)})
        return self._state

    @finalise.validator
    def _check_finalise(self, envelope: Envelope[FinaliseUnit]) -> None:
        if self._finalising:
            raise WrongStateError("Finalisasi unit ini sedang berjalan")
        envelope.command.check(self._state, envelope.actor)

    async def _members(self) -> list[UnitMember]:
        members: list[UnitMember] = await workflow.execute_activity_method(
            UnitContract.load_unit_members,
            UnitMembersRequest(period_id=self._state.period_id, unit_code=self._state.unit_code),
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=RETRY,
        )
        return members

    async def _persist(self, envelope: Envelope[Any], details: dict[str, Any]) -> None:
        await workflow.execute_activity_method(
            UnitContract.record_unit_change,
            UnitChange(
                workflow_id=workflow.info().workflow_id,
                state=self._state,
                action=envelope.command.action,
                actor=envelope.actor.subject,
                request_id=envelope.request_id,
                at=workflow.now(),
                details=details,
            ),
            start_to_close_timeout=DB_TIMEOUT,
            retry_policy=RETRY,
        )
