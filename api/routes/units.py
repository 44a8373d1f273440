"""A unit's assessment in a period: its organisational predicate, the distribution gate,
an override with a reason, and finalisation, which delivers every result of the unit.

Writes are Updates on the unit's workflow, created on first use (update-with-start)."""

from typing import Annotated, Any

from fastapi import APIRouter, Path
from temporalio.client import WithStartWorkflowOperation, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.access import actor_agency, require_role
from api.commands import PeriodId
from api.deps import Context, CurrentActor, RequestId, Session, release_connection
from api.guards import WritingActor
from api.problems import CONFLICT_RESPONSE, Problem
from api.schemas import DistributionReport, OverrideBody, UnitPredikatBody
from api.temporal_errors import problem_from_rpc, problem_from_update_failure
from domain.appraisal import Actor
from domain.distribusi import check_distribution
from domain.errors import NotPermittedError
from domain.predikat import Predikat
from domain.roles import Role
from domain.segregation import require_independent_of_all
from domain.unit import (
    FinaliseUnit,
    RecordOverride,
    SetUnitPredikat,
    UnitCommand,
    UnitState,
    can_finalise,
)
from persistence.repositories import units
from workflows.contracts import Envelope, UnitInput
from workflows.ids import unit_workflow_id
from workflows.unit import UnitAssessmentWorkflow

router = APIRouter(prefix="/periods/{period_id}/units/{unit_code}", tags=["unit"])
UnitCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9._-]{1,40}$")]


async def _unit_agency(session: Session, actor: Actor, period_id: str, unit_code: str) -> str:
    """The unit's agency, after checking the caller may manage (HR) or calibrate (the
    agency's own tim penilai) this unit."""
    agency = await units.unit_agency(session, period_id, unit_code)
    if agency is None:
        raise Problem("not-found", "Unit tidak ditemukan pada periode ini")
    if actor.has(Role.HR_ADMIN):
        return agency
    require_role(actor, Role.TIM_PENILAI)
    if await actor_agency(session, actor) != agency:
        raise Problem("forbidden", "Tim penilai hanya mengelola unit di OPD-nya sendiri")
    return agency


async def _send(
    ctx: Context,
    session: Session,
    actor: Actor,
    request_id: str | None,
    state: UnitState,
    update: Any,
    command: UnitCommand,
) -> UnitState:
    workflow_id = unit_workflow_id(state.period_id, state.unit_code)
    start = WithStartWorkflowOperation(
        UnitAssessmentWorkflow.run,
        UnitInput(state=state),
        id=workflow_id,
        task_queue=ctx.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )
    envelope = Envelope[Any](actor=actor, command=command, request_id=request_id)
    await release_connection(session)
    try:
        result: UnitState = await ctx.temporal.execute_update_with_start_workflow(
            update, envelope, start_workflow_operation=start
        )
    except WorkflowUpdateFailedError as error:
        raise problem_from_update_failure(error) from error
    except WorkflowAlreadyStartedError as error:
        raise Problem("wrong-state", "Penilaian unit ini sudah final") from error
    except RPCError as error:
        raise problem_from_rpc(error, not_found="Unit tidak ditemukan") from error
    return result


def _fresh(period_id: str, unit_code: str, agency: str) -> UnitState:
    return UnitState(period_id=period_id, unit_code=unit_code, agency_code=agency)


@router.put("/predikat", responses=CONFLICT_RESPONSE)
async def set_unit_predikat(
    period_id: PeriodId,
    unit_code: UnitCode,
    body: UnitPredikatBody,
    actor: WritingActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> UnitState:
    """Set the unit's organisational predicate (from its plan achievement)."""
    agency = await _unit_agency(session, actor, period_id, unit_code)
    command = SetUnitPredikat(predikat=body.predikat)
    state = _fresh(period_id, unit_code, agency)
    return await _send(
        ctx, session, actor, request_id, state, UnitAssessmentWorkflow.set_predikat, command
    )


@router.post("/override", responses=CONFLICT_RESPONSE)
async def record_override(
    period_id: PeriodId,
    unit_code: UnitCode,
    body: OverrideBody,
    actor: WritingActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> UnitState:
    """The tim penilai accepts the current distribution despite the rule, with a reason."""
    agency = await _unit_agency(session, actor, period_id, unit_code)
    members = await units.unit_members(session, period_id, unit_code)
    try:
        # asked before the workflow: its handler sees the ratings, not who holds them
        require_independent_of_all(actor, [member.nip for member in members])
    except NotPermittedError as refused:
        raise Problem("forbidden", str(refused)) from refused
    command = RecordOverride(reason=body.reason)
    state = _fresh(period_id, unit_code, agency)
    return await _send(
        ctx, session, actor, request_id, state, UnitAssessmentWorkflow.record_override, command
    )


@router.post("/finalise", responses=CONFLICT_RESPONSE)
async def finalise_unit(
    period_id: PeriodId,
    unit_code: UnitCode,
    actor: WritingActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> UnitState:
    """Finalise the unit: refused (409, with each broken rule and by how much) unless
    everyone is rated and the distribution holds or is overridden. On success every
    result is delivered and the keberatan windows open."""
    agency = await _unit_agency(session, actor, period_id, unit_code)
    state = _fresh(period_id, unit_code, agency)
    return await _send(
        ctx, session, actor, request_id, state, UnitAssessmentWorkflow.finalise, FinaliseUnit()
    )


@router.get("/distribution")
async def distribution(
    period_id: PeriodId, unit_code: UnitCode, actor: CurrentActor, session: Session
) -> DistributionReport:
    """The unit's predicates against its rule: counts, unrated, and each broken bound."""
    if not actor.has(Role.AUDITOR):
        agency = await _unit_agency(session, actor, period_id, unit_code)
    else:
        found = await units.unit_agency(session, period_id, unit_code)
        if found is None:
            raise Problem("not-found", "Unit tidak ditemukan pada periode ini")
        agency = found
    members = await units.unit_members(session, period_id, unit_code)
    state = await units.get_unit_state(session, period_id, unit_code) or _fresh(
        period_id, unit_code, agency
    )
    ratings = [m.predikat for m in members]
    rated = [p for p in ratings if p is not None]
    unrated = len(members) - len(rated)
    violations = check_distribution(state.unit_predikat, rated) if state.unit_predikat else []
    counts = {predikat: sum(1 for p in rated if p is predikat) for predikat in Predikat}
    return DistributionReport(
        period_id=period_id,
        unit_code=unit_code,
        agency_code=agency,
        unit_predikat=state.unit_predikat,
        members=len(members),
        unrated=unrated,
        counts=counts,
        violations=violations,
        override=state.override,
        finalised_at=state.finalised_at,
        can_finalise=can_finalise(state, ratings),
    )
