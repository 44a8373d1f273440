"""Sending a command to one appraisal on behalf of the caller.

Every write endpoint goes through ``AppraisalCommander.send``: first the caller must be
able to see the appraisal (else 404, so a stranger learns nothing), then the actor is
scoped to this object, then the Update goes to the workflow, whose validator asks the
domain. Refusals map to 403/409/422 and leave the workflow untouched.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from api.access import actor_agency, can_view_appraisal
from api.deps import ApiContext, context, db_session, release_connection, request_id
from api.guards import writing_actor
from api.problems import CONFLICT_RESPONSE, Problem
from api.schemas import AppraisalView
from api.temporal_errors import problem_from_rpc, problem_from_update_failure
from domain.appraisal import Actor, AppraisalState, Command
from domain.deadlines import pending_steps
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.stages import Stage
from persistence.models import Appraisal
from persistence.repositories.appraisals import get_appraisal
from persistence.repositories.periods import get_period
from workflows.contracts import Envelope

NOT_FOUND = "Penilaian tidak ditemukan"
FINISHED = "Penilaian sudah selesai; hasilnya terkunci"
COMMAND_RESPONSES = CONFLICT_RESPONSE
Nip = Annotated[str, Path(pattern=r"^\d{18}$", description="18-digit NIP")]
PeriodId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


async def visible_appraisal(session: Any, actor: Actor, period_id: str, nip: str) -> Appraisal:
    """The appraisal, or 404 whether it is missing or merely not the caller's to see:
    a 403 here would confirm to a stranger that this NIP is appraised in this period."""
    row = await get_appraisal(session, period_id, nip)
    if row is None or not await can_view_appraisal(session, actor, row):
        raise Problem("not-found", NOT_FOUND)
    return row


async def appraisal_view(
    session: Any, row: Appraisal, state: AppraisalState | None = None
) -> AppraisalView:
    return view_of(row, await period_schedule(session, row.period_id), state)


async def period_schedule(session: Any, period_id: str) -> PeriodSchedule | None:
    period = await get_period(session, period_id)
    return None if period is None else PeriodSchedule.model_validate(period.schedule)


def view_of(
    row: Appraisal, schedule: PeriodSchedule | None, state: AppraisalState | None = None
) -> AppraisalView:
    """The appraisal as the API shows it, with the steps still owed under ``schedule``.

    ``state``, when given, is what an update just returned: newer than ``row``, which was
    read before the change, so the answer carries the time of the change (now, as the
    workflow's projection will record it), not the row's old ``updated_at``."""
    if state is None or state.version == row.version:
        state, updated_at = state or AppraisalState.model_validate(row.state), row.updated_at
    else:
        updated_at = datetime.now(UTC)
    pending = () if schedule is None else tuple(pending_steps(state, schedule))
    return AppraisalView(**state.model_dump(), updated_at=updated_at, pending=pending)


@dataclass
class AppraisalCommander:
    ctx: ApiContext
    session: Any
    actor: Actor
    request_id: str | None

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

    async def send(
        self,
        period_id: str,
        nip: str,
        update: Any,
        command: Command,
        precheck: Callable[[], Awaitable[None]] | None = None,
    ) -> AppraisalView:
        row = await visible_appraisal(self.session, self.actor, period_id, nip)
        if row.stage == Stage.SELESAI:
            # the workflow has finished: nothing can change any more
            raise Problem("wrong-state", FINISHED)
        if precheck is not None:
            await precheck()
        envelope = Envelope[Any](
            actor=await self._scoped_actor(row), command=command, request_id=self.request_id
        )
        # the id the row stores, not one recomputed: older appraisals run under older ids
        handle = self.ctx.temporal.get_workflow_handle(row.workflow_id)
        schedule = await period_schedule(self.session, period_id)  # read now, not after
        await release_connection(self.session)
        try:
            state = await handle.execute_update(update, envelope, result_type=AppraisalState)
        except WorkflowUpdateFailedError as error:
            raise problem_from_update_failure(error) from error
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:  # completed since we read the row
                raise Problem("wrong-state", FINISHED) from error
            raise problem_from_rpc(error, not_found=NOT_FOUND) from error
        return view_of(row, schedule, state)


def _commander(
    request: Request,
    actor: Annotated[Actor, Depends(writing_actor)],
    session: Annotated[Any, Depends(db_session)],
) -> AppraisalCommander:
    return AppraisalCommander(context(request), session, actor, request_id(request))


Commander = Annotated[AppraisalCommander, Depends(_commander)]
