"""A unit's assessment in a period: its organisational predicate, the distribution gate,
an override with a reason, and finalisation, which delivers every result of the unit.

Writes are Updates on the unit's workflow, created on first use (update-with-start)."""

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import actor_agency
from api.commands import Commander
from api.deps import Session
from api.paths import PeriodId, UnitCode
from api.problems import CONFLICT_RESPONSE, Problem
from api.roles import HrAuditorOrTimPenilai, HrOrTimPenilaiWriter
from api.schemas import DistributionReport, OverrideBody, UnitPredikatBody
from domain.appraisal import Actor
from domain.distribusi import check_distribution
from domain.errors import NotPermittedError
from domain.predikat import Predikat
from domain.roles import Role
from domain.segregation import require_independent_of_all
from domain.unit import FinaliseUnit, RecordOverride, SetUnitPredikat, UnitState, can_finalise
from persistence.repositories import units
from workflows.unit import UnitAssessmentWorkflow

router = APIRouter(prefix="/periods/{period_id}/units/{unit_code}", tags=["unit"])
UNIT_NOT_FOUND = "Unit tidak ditemukan pada periode ini"


async def _unit(session: AsyncSession, period_id: str, unit_code: str) -> UnitState:
    """The unit as its workflow starts (if no command has reached it yet), or 404."""
    agency = await units.unit_agency(session, period_id, unit_code)
    if agency is None:
        raise Problem("not-found", UNIT_NOT_FOUND)
    return UnitState(period_id=period_id, unit_code=unit_code, agency_code=agency)


async def _managed_unit(
    session: AsyncSession, actor: Actor, period_id: str, unit_code: str
) -> UnitState:
    """The unit, after checking the caller may manage (HR) or calibrate (the agency's own
    tim penilai) it. The route has already required one of the two roles; which unit a
    tim penilai may touch is this object's question."""
    unit = await _unit(session, period_id, unit_code)
    if actor.has(Role.HR_ADMIN):
        return unit
    if not actor.has(Role.TIM_PENILAI) or await actor_agency(session, actor) != unit.agency_code:
        raise Problem("forbidden", "Tim penilai hanya mengelola unit di OPD-nya sendiri")
    return unit


@router.put("/predikat", responses=CONFLICT_RESPONSE)
async def set_unit_predikat(
    period_id: PeriodId,
    unit_code: UnitCode,
    body: UnitPredikatBody,
    actor: HrOrTimPenilaiWriter,
    commander: Commander,
) -> UnitState:
    """Set the unit's organisational predicate (from its plan achievement)."""
    unit = await _managed_unit(commander.session, actor, period_id, unit_code)
    command = SetUnitPredikat(predikat=body.predikat)
    return await commander.send_to_unit(unit, UnitAssessmentWorkflow.set_predikat, command)


@router.post("/override", responses=CONFLICT_RESPONSE)
async def record_override(
    period_id: PeriodId,
    unit_code: UnitCode,
    body: OverrideBody,
    actor: HrOrTimPenilaiWriter,
    commander: Commander,
) -> UnitState:
    """The tim penilai accepts the current distribution despite the rule, with a reason."""
    unit = await _managed_unit(commander.session, actor, period_id, unit_code)
    members = await units.unit_members(commander.session, period_id, unit_code)
    try:
        # asked before the workflow: its handler sees the ratings, not who holds them
        require_independent_of_all(actor, [member.nip for member in members])
    except NotPermittedError as refused:
        raise Problem("forbidden", str(refused)) from refused
    command = RecordOverride(reason=body.reason)
    return await commander.send_to_unit(unit, UnitAssessmentWorkflow.record_override, command)


@router.post("/finalise", responses=CONFLICT_RESPONSE)
async def finalise_unit(
    period_id: PeriodId,
    unit_code: UnitCode,
    actor: HrOrTimPenilaiWriter,
    commander: Commander,
) -> UnitState:
    """Finalise the unit: refused (409, with each broken rule and by how much) unless
    everyone is rated and the distribution holds or is overridden. On success every
    result is delivered and the keberatan windows open."""
    unit = await _managed_unit(commander.session, actor, period_id, unit_code)
    return await commander.send_to_unit(unit, UnitAssessmentWorkflow.finalise, FinaliseUnit())


@router.get("/distribution")
async def distribution(
    period_id: PeriodId, unit_code: UnitCode, actor: HrAuditorOrTimPenilai, session: Session
) -> DistributionReport:
    """The unit's predicates against its rule: counts, unrated, and each broken bound
    (the auditor any unit; HR and tim penilai those they manage)."""
    if actor.has(Role.AUDITOR):
        unit = await _unit(session, period_id, unit_code)
    else:
        unit = await _managed_unit(session, actor, period_id, unit_code)
    members = await units.unit_members(session, period_id, unit_code)
    state = await units.get_unit_state(session, period_id, unit_code) or unit
    ratings = [m.predikat for m in members]
    rated = [p for p in ratings if p is not None]
    unrated = len(members) - len(rated)
    violations = check_distribution(state.unit_predikat, rated) if state.unit_predikat else []
    counts = {predikat: sum(1 for p in rated if p is predikat) for predikat in Predikat}
    return DistributionReport(
        period_id=period_id,
        unit_code=unit_code,
        agency_code=unit.agency_code,
        unit_predikat=state.unit_predikat,
        members=len(members),
        unrated=unrated,
        counts=counts,
        violations=violations,
        override=state.override,
        finalised_at=state.finalised_at,
        can_finalise=can_finalise(state, ratings),
    )
