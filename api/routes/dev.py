"""Demo tokens. Mounted only in dev mode, answered only on loopback, and rate-limited per
address: production takes tokens from the OIDC provider."""

import ipaddress

from fastapi import APIRouter, Request

from api.deps import Context, Session
from api.problems import Problem
from api.rate_limits import client_address, limit, limiters
from api.schemas import DevToken, DevTokenRequest
from domain.roles import roster_roles
from persistence.repositories.organisation import get_employee, has_subordinates

router = APIRouter(prefix="/dev", tags=["dev"])


def _is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def served_on_loopback(request: Request) -> bool:
    """Both ends of the connection on this machine: the API listens on loopback and the
    caller is local. A dev stack bound to a public address issues no tokens."""
    server = request.scope.get("server")
    return _is_loopback(server[0] if server else None) and _is_loopback(client_address(request))


@router.post("/token")
async def issue_dev_token(
    body: DevTokenRequest, request: Request, ctx: Context, session: Session
) -> DevToken:
    """Issue a signed demo token for an employee of the demo organisation (loopback only)."""
    assert ctx.dev_issuer is not None  # the router is mounted only with an issuer
    if not served_on_loopback(request):
        raise Problem("forbidden", "Token demo hanya diberikan bila API mendengarkan di loopback")
    found = limiters(request)
    await limit(found.dev_tokens if found else None, client_address(request))
    employee = await get_employee(session, body.nip)
    if employee is None or not employee.active:
        raise Problem("not-found", "Pegawai tidak ditemukan")
    roles = roster_roles(
        is_hr_admin=employee.is_hr_admin,
        is_tim_penilai=employee.is_tim_penilai,
        is_auditor=employee.is_auditor,
        is_supervisor=await has_subordinates(session, employee.nip),
    )
    names = sorted(role.value for role in roles)
    token = ctx.dev_issuer.issue(
        subject=employee.nip, nip=employee.nip, roles=names, ttl_seconds=body.ttl_seconds
    )
    return DevToken(access_token=token, roles=names)
