"""Mutasi: HR names a new pejabat penilai for one appraisal; pending approvals move to
them and the previous one stays on record. The one service behind the API's
``POST /appraisals/{period}/{nip}/supervisor``, the web's person page and a roster
import that changes someone's supervisor."""

from sqlalchemy.ext.asyncio import AsyncSession

from api.commands import CommandSender
from api.problems import Problem
from api.schemas import AppraisalView
from domain.administrasi import ChangeSupervisor
from persistence.repositories.organisation import get_employee
from workflows.appraisal import AppraisalWorkflow

SUPERVISOR_BELOW = "Atasan baru berada di bawah pegawai ini (siklus)"
SUPERVISOR_INACTIVE = "Atasan baru bukan pegawai aktif"
CHAIN_TOO_LONG = "Rantai atasan terlalu panjang"


async def change_supervisor(
    sender: CommandSender, period_id: str, nip: str, body: ChangeSupervisor
) -> AppraisalView:
    """HR only (the sender's declared role), checked before the new supervisor is looked
    up (others must not probe the roster), after the appraisal is found visible (a
    stranger gets 404)."""

    async def new_supervisor_is_valid() -> None:
        if body.new_supervisor_nip is not None:
            await require_valid_new_supervisor(sender.session, nip, body.new_supervisor_nip)

    return await sender.send(
        period_id,
        nip,
        AppraisalWorkflow.change_supervisor,
        body,
        precheck=new_supervisor_is_valid,
    )


async def require_valid_new_supervisor(
    session: AsyncSession, nip: str, supervisor_nip: str
) -> None:
    """The new supervisor must be an active employee and not report (indirectly) to ``nip``."""
    current: str | None = supervisor_nip
    for _ in range(64):
        if current is None:
            return
        if current == nip:
            raise Problem("validation-error", SUPERVISOR_BELOW)
        employee = await get_employee(session, current)
        if employee is None or not employee.active:
            if current == supervisor_nip:
                raise Problem("validation-error", SUPERVISOR_INACTIVE)
            return
        current = employee.supervisor_nip
    raise Problem("validation-error", CHAIN_TOO_LONG)
