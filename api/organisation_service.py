"""The organisation as a caller may see it: agencies, a unit's people and heads, a person
with their chain of supervisors and their direct reports. The one service behind the API's
``/organisation/...`` and ``/people/...`` and the web's organisation pages.

Scoped as appraisals are (``api.access.people_scope_of``): HR and the auditor see everyone,
a tim penilai their agency, everyone else themselves, their chain upward and the people
below them two levels deep. Everyone named in an answer is someone the caller may see:
a unit or a person outside the scope is a 404, exactly as one that does not exist, and
a chain is cut where it leaves the scope. Roster roles are shown to HR alone."""

from sqlalchemy.ext.asyncio import AsyncSession

from api.access import SEES_EVERYTHING, actor_agency, people_scope_of
from api.problems import Problem
from api.schemas import (
    AgencyList,
    AgencyOverview,
    OrgRef,
    PersonRef,
    PersonRoles,
    PersonView,
    UnitMember,
    UnitView,
)
from domain.appraisal import Actor
from domain.roles import Role
from persistence.models import Employee
from persistence.repositories import organisation_reads as reads
from persistence.repositories.organisation import get_employee
from persistence.repositories.organisation_reads import UnitCounts

UNIT_NOT_FOUND = "Unit tidak ditemukan"
PERSON_NOT_FOUND = "Pegawai tidak ditemukan"
MAX_UNIT_PAGE = 500


def _member(employee: Employee) -> UnitMember:
    return UnitMember(
        nip=employee.nip,
        name=employee.name,
        position=employee.position,
        supervisor_nip=employee.supervisor_nip,
    )


def _ref(employee: Employee) -> PersonRef:
    return PersonRef(nip=employee.nip, name=employee.name, position=employee.position)


async def agencies(session: AsyncSession, actor: Actor) -> AgencyList:
    """Agencies with their active employees and units counted: every agency for HR and
    the auditor, the caller's own agency for everyone else (a tim penilai included)."""
    if actor.roles & SEES_EVERYTHING:
        found = await reads.agency_counts(session)
    else:
        own = await actor_agency(session, actor)
        found = await reads.agency_counts(session, [own]) if own else []
    return AgencyList(
        items=[
            AgencyOverview(
                code=agency.code,
                name=agency.name,
                active_employees=agency.active_employees,
                units=agency.units,
            )
            for agency in found
        ]
    )


async def unit_view(
    session: AsyncSession, actor: Actor, unit_code: str, *, limit: int, offset: int
) -> UnitView:
    """The unit, its agency, its active people the caller may see (by NIP, at most 500 a
    page) and its heads. A unit the caller sees nobody of (unless HR, the auditor or the
    agency's tim penilai) is a 404, as one that does not exist."""
    found = await reads.unit_with_agency(session, unit_code)
    if found is None:
        raise Problem("not-found", UNIT_NOT_FOUND)
    unit, agency = found
    scope = await people_scope_of(session, actor)
    total, people = await reads.unit_people(session, scope, unit.code, limit=limit, offset=offset)
    if total == 0 and not scope.covers_agency(unit.agency_code):
        raise Problem("not-found", UNIT_NOT_FOUND)
    heads = await reads.unit_heads(session, scope, unit.code)
    return UnitView(
        code=unit.code,
        name=unit.name,
        agency=OrgRef(code=agency.code, name=agency.name),
        total=total,
        limit=limit,
        offset=offset,
        people=[_member(person) for person in people],
        heads=[_member(head) for head in heads],
    )


async def person_view(session: AsyncSession, actor: Actor, nip: str) -> PersonView:
    """A person's position, grade, unit, agency and employment, the chain of supervisors
    above them (nearest first) and their active direct reports, for someone the caller
    may see; anyone else is a 404. The roster's roles are included for HR only."""
    scope = await people_scope_of(session, actor)
    person = await reads.visible_employee(session, scope, nip)
    if person is None:
        raise Problem("not-found", PERSON_NOT_FOUND)
    agency, unit = await reads.agency_and_unit(session, person.agency_code, person.unit_code)
    if agency is None or unit is None:  # the foreign keys forbid it
        raise Problem("not-found", PERSON_NOT_FOUND)
    chain = await reads.supervisor_chain(session, person.nip)
    visible = await reads.visible_nips(session, scope, [above.nip for above in chain])
    supervisors: list[PersonRef] = []
    seen = {person.nip}
    for above in chain:  # cut where it leaves the scope (or, on a corrupted tree, loops)
        if above.nip not in visible or above.nip in seen:
            break
        seen.add(above.nip)
        supervisors.append(_ref(above))
    reports = await reads.direct_reports(session, scope, person.nip)
    roles = (
        PersonRoles(
            hr_admin=person.is_hr_admin,
            tim_penilai=person.is_tim_penilai,
            auditor=person.is_auditor,
        )
        if actor.has(Role.HR_ADMIN)
        else None
    )
    return PersonView(
        nip=person.nip,
        name=person.name,
        position=person.position,
        grade=person.grade,
        employment_type=person.employment_type,
        active=person.active,
        unit=OrgRef(code=unit.code, name=unit.name),
        agency=OrgRef(code=agency.code, name=agency.name),
        supervisors=supervisors,
        direct_reports=[_ref(report) for report in reports],
        roles=roles,
    )


async def visible_units(session: AsyncSession, actor: Actor) -> list[UnitCounts]:
    """The units whose page the caller may open from the agencies list: every unit for HR
    and the auditor, the agency's for a tim penilai, else the caller's own unit."""
    if actor.roles & SEES_EVERYTHING:
        return await reads.unit_counts(session)
    own = await get_employee(session, actor.nip) if actor.nip else None
    if own is None:
        return []
    if actor.has(Role.TIM_PENILAI):
        return await reads.unit_counts(session, agency_codes=[own.agency_code])
    return await reads.unit_counts(session, code=own.unit_code)
