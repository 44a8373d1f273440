"""Object-level authorisation: may *this* caller see or act on *this* object?

Checked on every request that names an object (OWASP API1: broken object level
authorisation), against the organisation tree in PostgreSQL. What a role alone allows is
declared in route signatures (``api.roles``).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from domain.appraisal import Actor
from domain.roles import Role
from persistence.models import Appraisal
from persistence.repositories.appraisal_lists import Scope
from persistence.repositories.organisation import get_employee
from persistence.repositories.organisation_reads import PeopleScope

SEES_EVERYTHING = frozenset({Role.HR_ADMIN, Role.AUDITOR})


async def actor_agency(session: AsyncSession, actor: Actor) -> str | None:
    if actor.nip is None:
        return None
    employee = await get_employee(session, actor.nip)
    return employee.agency_code if employee else None


async def can_view_appraisal(session: AsyncSession, actor: Actor, appraisal: Appraisal) -> bool:
    """The employee, their supervisor and the supervisor's supervisor, the agency's tim
    penilai, HR and the auditor."""
    if actor.roles & SEES_EVERYTHING:
        return True
    if actor.nip is None:
        return False
    if actor.nip in (appraisal.nip, appraisal.supervisor_nip):
        return True
    if actor.has(Role.TIM_PENILAI) and await actor_agency(session, actor) == appraisal.agency_code:
        return True
    if appraisal.supervisor_nip:
        supervisor = await get_employee(session, appraisal.supervisor_nip)
        if supervisor is not None and supervisor.supervisor_nip == actor.nip:
            return True
    return False


async def scope_of(session: AsyncSession, actor: Actor) -> Scope:
    """What the caller may see in lists: HR and the auditor everything; everyone else
    their own appraisals, those they supervise and those their reports supervise; a tim
    penilai also their whole agency."""
    if actor.roles & SEES_EVERYTHING:
        return Scope(everything=True)
    agency = await actor_agency(session, actor) if actor.has(Role.TIM_PENILAI) else None
    return Scope(own_nip=actor.nip, agency_code=agency)


async def people_scope_of(session: AsyncSession, actor: Actor) -> PeopleScope:
    """Whom the caller may see in the organisation (``/organisation/...``, ``/people/...``),
    scoped as appraisals are: HR and the auditor everyone; everyone else themselves, their
    whole chain of supervisors upward (the people who rate them and decide their keberatan)
    and the active people below them two levels deep (their direct reports and the
    reports' reports, the appraisals they rate or decide on); a tim penilai also everyone
    of their own agency. Anyone else is answered 404, as an appraisal would be, so a
    stranger learns nothing of who works where. Roster roles (HR, tim penilai, auditor)
    are shown to HR alone (``api.routes.organisation``)."""
    if actor.roles & SEES_EVERYTHING:
        return PeopleScope(everything=True)
    agency = await actor_agency(session, actor) if actor.has(Role.TIM_PENILAI) else None
    return PeopleScope(own_nip=actor.nip, superiors=actor.superiors, agency_code=agency)
