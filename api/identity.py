"""Who the caller is, for this request: the token names an employee, the roster says what
they are. Read on every request, so a change of the roster (an HR admin appointed or
removed) takes effect at once, without a new token."""

from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import TokenIdentity
from api.problems import Problem
from domain.appraisal import Actor
from domain.nip import is_valid_nip
from domain.roles import narrowed, roster_roles
from persistence.repositories.organisation import caller_record

NOT_IN_ROSTER = "Identitas pada token tidak terdaftar sebagai pegawai aktif di organisasi ini"


async def resolve_actor(session: AsyncSession, identity: TokenIdentity) -> Actor:
    """The Actor for a verified token, or 403 when it names nobody active in the roster."""
    key = identity.employee_key
    record = await caller_record(session, key) if is_valid_nip(key) else None
    if record is None or not record.active:
        raise Problem("forbidden", NOT_IN_ROSTER)
    roles = roster_roles(
        is_hr_admin=record.is_hr_admin,
        is_tim_penilai=record.is_tim_penilai,
        is_auditor=record.is_auditor,
        is_supervisor=record.is_supervisor,
    )
    if identity.client_roles is not None:
        roles = narrowed(roles, identity.client_roles)
    return Actor(subject=identity.subject, nip=record.nip, roles=roles, superiors=record.superiors)
