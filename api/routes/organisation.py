"""Reads of the organisation: agencies, a unit's people and heads, a person with their
chain of supervisors and their direct reports, scoped as appraisals are. The bodies live
in ``api.organisation_service``, which the web's organisation pages call too."""

from typing import Annotated

from fastapi import APIRouter, Query

from api import organisation_service as service
from api.deps import CurrentActor, Session
from api.paths import Nip, UnitCode
from api.schemas import AgencyList, PersonView, UnitView

router = APIRouter(tags=["organisation"])


@router.get("/organisation/agencies")
async def list_agencies(actor: CurrentActor, session: Session) -> AgencyList:
    """Agencies with their active employees and units counted: every agency for HR and
    the auditor, the caller's own agency for everyone else (a tim penilai included)."""
    return await service.agencies(session, actor)


@router.get("/organisation/units/{unit_code}")
async def unit_view(
    unit_code: UnitCode,
    actor: CurrentActor,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=service.MAX_UNIT_PAGE)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UnitView:
    """The unit, its agency, its active people the caller may see (by NIP, at most 500 a
    page) and its heads. A unit the caller sees nobody of (unless HR, the auditor or the
    agency's tim penilai) is a 404, as one that does not exist."""
    return await service.unit_view(session, actor, unit_code, limit=limit, offset=offset)


@router.get("/people/{nip}")
async def person_view(nip: Nip, actor: CurrentActor, session: Session) -> PersonView:
    """A person's position, grade, unit, agency and employment, the chain of supervisors
    above them (nearest first) and their active direct reports, for someone the caller
    may see; anyone else is a 404. The roster's roles are included for HR only."""
    return await service.person_view(session, actor, nip)
