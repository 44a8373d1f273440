"""A unit's assessment for the caller: who may manage it, its distribution report, and
its three commands. The one service behind the API's ``/periods/{id}/units/{code}`` and
the web's unit page, so the access rule and the report are written once."""

from sqlalchemy.ext.asyncio import AsyncSession

from api.access import actor_agency
from api.commands import CommandSender
from api.problems import Problem
from api.schemas import DistributionReport
from domain.appraisal import Actor
from domain.distribusi import UnitPredikat, check_distribution
from domain.errors import NotPermittedError
from domain.predikat import Predikat
from domain.roles import Role
from domain.segregation import require_independent_of_all
from domain.unit import FinaliseUnit, RecordOverride, SetUnitPredikat, UnitState, can_finalise
from persistence.repositories import units
from workflows.unit import UnitAssessmentWorkflow

UNIT_NOT_FOUND = "Unit tidak ditemukan pada periode ini"
OTHER_AGENCY = "Tim penilai hanya mengelola unit di OPD-nya sendiri"


async def unit_of(session: AsyncSession, period_id: str, unit_code: str) -> UnitState:
    """The unit as its workflow starts (if no command has reached it yet), or 404."""
    agency = await units.unit_agency(session, period_id, unit_code)
    if agency is None:
        raise Problem("not-found", UNIT_NOT_FOUND)
    return UnitState(period_id=period_id, unit_code=unit_code, agency_code=agency)


async def managed_unit(
    session: AsyncSession, actor: Actor, period_id: str, unit_code: str
) -> UnitState:
    """The unit, after checking the caller may manage (HR) or calibrate (the agency's own
    tim penilai) it. Which roles may come this far is the route's declaration; which unit
    a tim penilai may touch is this object's question."""
    unit = await unit_of(session, period_id, unit_code)
    if actor.has(Role.HR_ADMIN):
        return unit
    if not actor.has(Role.TIM_PENILAI) or await actor_agency(session, actor) != unit.agency_code:
        raise Problem("forbidden", OTHER_AGENCY)
    return unit


async def distribution_report(
    session: AsyncSession, actor: Actor, period_id: str, unit_code: str
) -> DistributionReport:
    """The unit's predicates against its rule (the auditor any unit; HR and tim penilai
    those they manage)."""
    if actor.has(Role.AUDITOR):
        unit = await unit_of(session, period_id, unit_code)
    else:
        unit = await managed_unit(session, actor, period_id, unit_code)
    members = await units.unit_members(session, period_id, unit_code)
    state = await units.get_unit_state(session, period_id, unit_code) or unit
    ratings = [m.predikat for m in members]
    rated = [p for p in ratings if p is not None]
    violations = check_distribution(state.unit_predikat, rated) if state.unit_predikat else []
    return DistributionReport(
        period_id=period_id,
        unit_code=unit_code,
        agency_code=unit.agency_code,
        unit_predikat=state.unit_predikat,
        members=len(members),
        unrated=len(members) - len(rated),
        counts={predikat: sum(1 for p in rated if p is predikat) for predikat in Predikat},
        violations=violations,
        override=state.override,
        finalised_at=state.finalised_at,
        can_finalise=can_finalise(state, ratings),
    )


async def set_unit_predikat(
    sender: CommandSender, period_id: str, unit_code: str, predikat: UnitPredikat
) -> UnitState:
    unit = await managed_unit(sender.session, sender.actor, period_id, unit_code)
    command = SetUnitPredikat(predikat=predikat)
    return await sender.send_to_unit(unit, UnitAssessmentWorkflow.set_predikat, command)


async def record_override(
    sender: CommandSender, period_id: str, unit_code: str, reason: str
) -> UnitState:
    """Refused (403) for someone in the unit or above one of its members: asked before
    the workflow, whose handler sees the ratings, not who holds them."""
    unit = await managed_unit(sender.session, sender.actor, period_id, unit_code)
    members = await units.unit_members(sender.session, period_id, unit_code)
    try:
        require_independent_of_all(sender.actor, [member.nip for member in members])
    except NotPermittedError as refused:
        raise Problem("forbidden", str(refused)) from refused
    command = RecordOverride(reason=reason)
    return await sender.send_to_unit(unit, UnitAssessmentWorkflow.record_override, command)


async def finalise_unit(sender: CommandSender, period_id: str, unit_code: str) -> UnitState:
    unit = await managed_unit(sender.session, sender.actor, period_id, unit_code)
    return await sender.send_to_unit(unit, UnitAssessmentWorkflow.finalise, FinaliseUnit())
