"""A unit's assessment in a period: its organisational predicate, the distribution gate,
an override with a reason, and finalisation, which delivers every result of the unit.
Writes are Updates on the unit's workflow, created on first use (update-with-start);
the access rule, the report and the commands live in ``api.units``."""

from fastapi import APIRouter

from api import units as unit_service
from api.commands import Commander
from api.deps import Session
from api.paths import PeriodId, UnitCode
from api.problems import CONFLICT_RESPONSE
from api.roles import HrAuditorOrTimPenilai, HrOrTimPenilaiWriter
from api.schemas import DistributionReport, OverrideBody, UnitPredikatBody
from domain.unit import UnitState

router = APIRouter(prefix="/periods/{period_id}/units/{unit_code}", tags=["unit"])


@router.put("/predikat", responses=CONFLICT_RESPONSE)
async def set_unit_predikat(
    period_id: PeriodId,
    unit_code: UnitCode,
    body: UnitPredikatBody,
    actor: HrOrTimPenilaiWriter,
    commander: Commander,
) -> UnitState:
    """Set the unit's organisational predicate (from its plan achievement)."""
    return await unit_service.set_unit_predikat(commander, period_id, unit_code, body.predikat)


@router.post("/override", responses=CONFLICT_RESPONSE)
async def record_override(
    period_id: PeriodId,
    unit_code: UnitCode,
    body: OverrideBody,
    actor: HrOrTimPenilaiWriter,
    commander: Commander,
) -> UnitState:
    """The tim penilai accepts the current distribution despite the rule, with a reason."""
    return await unit_service.record_override(commander, period_id, unit_code, body.reason)


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
    return await unit_service.finalise_unit(commander, period_id, unit_code)


@router.get("/distribution")
async def distribution(
    period_id: PeriodId, unit_code: UnitCode, actor: HrAuditorOrTimPenilai, session: Session
) -> DistributionReport:
    """The unit's predicates against its rule: counts, unrated, and each broken bound
    (the auditor any unit; HR and tim penilai those they manage)."""
    return await unit_service.distribution_report(session, actor, period_id, unit_code)
