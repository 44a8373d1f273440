"""A unit's assessment for the caller: who may manage it, its distribution report, and
its three commands. The one service behind the API's ``/periods/{id}/units/{code}`` and
the web's unit page, so the access rule and the report are written once."""

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from api.access import actor_agency
from api.commands import CommandSender
from api.problems import Problem
from api.schemas import DistributionReport, OverrideView
from domain.appraisal import Actor
from domain.distribusi import UnitPredikat, check_distribution
from domain.errors import NotPermittedError
from domain.nip import is_valid_nip
from domain.predikat import Predikat
from domain.roles import Role
from domain.segregation import require_independent_of_all
from domain.unit import (
    OVERRIDE_ROLE,
    FinaliseUnit,
    Override,
    RecordOverride,
    SetUnitPredikat,
    UnitState,
    can_finalise,
)
from persistence.repositories import units
from persistence.repositories.organisation import names_of
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
        override=(await override_views(session, [state])).get(unit_code),
        finalised_at=state.finalised_at,
        can_finalise=can_finalise(state, ratings),
    )


def _recorder_nip(override: Override) -> str | None:
    """The NIP behind an override; older ones kept only the subject, which is the NIP
    when the token names employees by it."""
    if override.by_nip is not None:
        return override.by_nip
    return override.by if is_valid_nip(override.by) else None


async def override_views(
    session: AsyncSession, states: Iterable[UnitState]
) -> dict[str, OverrideView]:
    """Each overridden unit's override with who recorded it by name, by unit code; the
    names are read in one query however many units there are."""
    overridden = {s.unit_code: s.override for s in states if s.override is not None}
    nips = [nip for o in overridden.values() if (nip := _recorder_nip(o)) is not None]
    names = await names_of(session, nips)
    views = {}
    for unit_code, override in overridden.items():
        nip = _recorder_nip(override)
        views[unit_code] = OverrideView(
            reason=override.reason,
            by=override.by,
            by_nip=nip,
            by_name=names.get(nip) if nip else None,
            by_role=OVERRIDE_ROLE,
            at=override.at,
            violations=list(override.violations),
            covers=[violation.message for violation in override.violations],
        )
    return views


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
