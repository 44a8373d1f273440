"""Sending a command on behalf of the caller: the one way every write reaches a workflow.

``CommandSender.send`` writes to one appraisal: first the caller must be able to see it
(else 404, so a stranger learns nothing), then a role the route declared is checked
(``HrCommander``), then the actor is scoped to this object, then the Update goes to the
workflow, whose validator asks the domain. ``send_to_unit`` writes to a unit's
workflow, creating it on first use (update-with-start). Both map Temporal's answers to
the same problems: a refusal by the domain is 403/409/422 and leaves the workflow
untouched, a workflow that has closed is 409, an unreachable Temporal is 503. Nothing is
sent in a period HR has closed (409, ``domain.period_closure``).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import WithStartWorkflowOperation, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from api.access import actor_agency
from api.appraisal_reads import period_schedule, view_of, visible_appraisal
from api.deps import ApiContext, Context, RequestId, Session, release_connection
from api.guards import WritingActor
from api.problems import CONFLICT_RESPONSE, Problem
from api.roles import require_role
from api.schemas import AppraisalView
from api.temporal_errors import UNAVAILABLE, problem_from_update_failure
from domain.appraisal import Actor, AppraisalState, Command
from domain.period_closure import closed_refusal, is_closed
from domain.roles import Role
from domain.stages import Stage
from domain.unit import UnitCommand, UnitState
from persistence.models import Appraisal
from persistence.repositories.period_closure import period_status
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import Envelope, UnitInput
from workflows.ids import unit_workflow_id
from workflows.unit import UnitAssessmentWorkflow

FINISHED = "Penilaian sudah selesai; hasilnya terkunci"
UNIT_FINAL = "Penilaian unit ini sudah final"
COMMAND_RESPONSES = CONFLICT_RESPONSE
# an ``@workflow.update`` method taking an envelope, e.g. ``AppraisalWorkflow.rate``
AppraisalUpdate = UpdateMethodMultiParam[[AppraisalWorkflow, Envelope[Any]], AppraisalState]
UnitUpdate = UpdateMethodMultiParam[[UnitAssessmentWorkflow, Envelope[Any]], UnitState]
T = TypeVar("T")


@dataclass(frozen=True)
class CommandSender:
    ctx: ApiContext
    session: AsyncSession
    actor: Actor
    request_id: str | None
    required_roles: tuple[Role, ...] = ()  # checked once the appraisal is known visible

    async def send(
        self,
        period_id: str,
        nip: str,
        update: AppraisalUpdate,
        command: Command,
        precheck: Callable[[], Awaitable[None]] | None = None,
    ) -> AppraisalView:
        row = await visible_appraisal(self.session, self.actor, period_id, nip)
        if row.stage == Stage.SELESAI:
            # the workflow has finished: nothing can change any more
            raise Problem("wrong-state", FINISHED)
        if self.required_roles:
            require_role(self.actor, *self.required_roles)
        await self._refuse_closed(period_id)
        if precheck is not None:
            await precheck()
        envelope = Envelope[Any](
            actor=await self._scoped_actor(row), command=command, request_id=self.request_id
        )
        # the id the row stores, not one recomputed: older appraisals run under older ids
        handle = self.ctx.temporal.get_workflow_handle(row.workflow_id)
        schedule = await period_schedule(self.session, period_id)  # read now, not after
        state = await self._deliver(
            lambda: handle.execute_update(update, envelope),
            finished=FINISHED,
        )
        return view_of(row, schedule, state)

    async def send_to_unit(
        self, fresh: UnitState, update: UnitUpdate, command: UnitCommand
    ) -> UnitState:
        """``fresh`` is the state the unit's workflow starts from if this is its first
        command; the caller's right to manage the unit has been checked by the route."""
        start = WithStartWorkflowOperation(
            UnitAssessmentWorkflow.run,
            UnitInput(state=fresh),
            id=unit_workflow_id(fresh.period_id, fresh.unit_code),
            task_queue=self.ctx.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
        envelope = Envelope[Any](actor=self.actor, command=command, request_id=self.request_id)
        return await self._deliver(
            lambda: self.ctx.temporal.execute_update_with_start_workflow(
                update, envelope, start_workflow_operation=start
            ),
            finished=UNIT_FINAL,
        )

    async def _refuse_closed(self, period_id: str) -> None:
        status = await period_status(self.session, period_id)
        if status is not None and is_closed(status):
            raise Problem("wrong-state", closed_refusal(period_id))

    async def _scoped_actor(self, row: Appraisal) -> Actor:
        """The actor as the workflow should see them for *this* appraisal: a tim penilai
        acts only within their own agency, so elsewhere the role is dropped."""
        actor = self.actor
        if (
            actor.has(Role.TIM_PENILAI)
            and await actor_agency(self.session, actor) != row.agency_code
        ):
            return actor.model_copy(update={"roles": actor.roles - {Role.TIM_PENILAI}})
        return actor

    async def _deliver(self, call: Callable[[], Awaitable[T]], *, finished: str) -> T:
        """Run ``call`` against Temporal with no database connection held: the workflow's
        persistence activity may need one from the same pool."""
        await release_connection(self.session)
        try:
            return await call()
        except WorkflowUpdateFailedError as error:
            raise problem_from_update_failure(error) from error
        except WorkflowAlreadyStartedError as error:  # closed, and its id may not be reused
            raise Problem("wrong-state", finished) from error
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:  # completed since we looked
                raise Problem("wrong-state", finished) from error
            raise Problem("service-unavailable", UNAVAILABLE) from error


def _commander(
    ctx: Context, actor: WritingActor, session: Session, request_id: RequestId
) -> CommandSender:
    return CommandSender(ctx, session, actor, request_id)


def commander_with(*roles: Role) -> Callable[[CommandSender], CommandSender]:
    """A commander that refuses (403) a caller without one of ``roles``, but only after
    the appraisal has been found visible to them: a stranger still gets 404, and a route's
    own precheck (which may look others up) runs only for the entitled."""

    def commander(sender: Annotated[CommandSender, Depends(_commander)]) -> CommandSender:
        return replace(sender, required_roles=roles)

    return commander


Commander = Annotated[CommandSender, Depends(_commander)]
HrCommander = Annotated[CommandSender, Depends(commander_with(Role.HR_ADMIN))]
