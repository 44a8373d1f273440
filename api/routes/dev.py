"""Demo tokens. Mounted only in dev mode: production takes tokens from the OIDC provider."""

from fastapi import APIRouter

from api.deps import Context, Session
from api.problems import Problem
from api.schemas import DevToken, DevTokenRequest
from persistence.repositories.organisation import get_employee, has_subordinates

router = APIRouter(prefix="/dev", tags=["dev"])


def roles_of(
    *, is_hr_admin: bool, is_tim_penilai: bool, is_auditor: bool, is_supervisor: bool
) -> list[str]:
    """Roles a demo employee gets, from the organisation's flags and tree."""
    roles = ["pegawai"]
    if is_supervisor:
        roles.append("pejabat_penilai")
    if is_tim_penilai:
        roles.append("tim_penilai")
    if is_hr_admin:
        roles.append("hr_admin")
    if is_auditor:
        roles.append("auditor")
    return roles


@router.post("/token")
async def issue_dev_token(body: DevTokenRequest, ctx: Context, session: Session) -> DevToken:
    """Issue a signed demo token for an employee of the demo organisation."""
    assert ctx.dev_issuer is not None  # the router is mounted only with an issuer
    employee = await get_employee(session, body.nip)
    if employee is None or not employee.active:
        raise Problem("not-found", "Pegawai tidak ditemukan")
    roles = roles_of(
        is_hr_admin=employee.is_hr_admin,
        is_tim_penilai=employee.is_tim_penilai,
        is_auditor=employee.is_auditor,
        is_supervisor=await has_subordinates(session, employee.nip),
    )
    token = ctx.dev_issuer.issue(
        subject=employee.nip, nip=employee.nip, roles=roles, ttl_seconds=body.ttl_seconds
    )
    return DevToken(access_token=token, roles=roles)
