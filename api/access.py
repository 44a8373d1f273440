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
