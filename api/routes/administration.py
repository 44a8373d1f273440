"""BKPSDM's interventions in one appraisal: extending a deadline, and mutasi (a new
pejabat penilai)."""

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

from api.commands import COMMAND_RESPONSES, Commander, HrCommander
from api.paths import DeadlineKey, Nip, PeriodId
from api.problems import Problem
from api.schemas import AppraisalView, ExtensionBody
from domain.administrasi import ChangeSupervisor, ExtendDeadline
from persistence.repositories.organisation import get_employee
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(prefix="/appraisals", tags=["administrasi"])


@router.post("/{period_id}/{nip}/deadlines/{deadline}/extend", responses=COMMAND_RESPONSES)
async def extend_deadline(
    period_id: PeriodId,
    nip: Nip,
    deadline: DeadlineKey,
    body: ExtensionBody,
    commander: Commander,
) -> AppraisalView:
    """BKPSDM extends one deadline for this employee; reminders and escalation follow."""
    command = ExtendDeadline(deadline=deadline, **body.model_dump())
    return await commander.send(period_id, nip, AppraisalWorkflow.extend_deadline, command)


@router.post("/{period_id}/{nip}/supervisor", responses=COMMAND_RESPONSES)
async def change_supervisor(
    period_id: PeriodId,
    nip: Nip,
    body: ChangeSupervisor,
    commander: HrCommander,
) -> AppraisalView:
    """Mutasi: BKPSDM assigns a new pejabat penilai; pending approvals move to them and
    the previous one stays on record. HR only, checked before the new supervisor is
    looked up (others must not probe the roster), after the appraisal is found visible
    (a stranger gets 404)."""

    async def new_supervisor_is_valid() -> None:
        if body.new_supervisor_nip is not None:
            await _require_valid_new_supervisor(commander.session, nip, body.new_supervisor_nip)

    return await commander.send(
        period_id,
        nip,
        AppraisalWorkflow.change_supervisor,
        body,
        precheck=new_supervisor_is_valid,
    )


async def _require_valid_new_supervisor(
    session: AsyncSession, nip: str, supervisor_nip: str
) -> None:
    """The new supervisor must be an active employee and not report (indirectly) to ``nip``."""
    current: str | None = supervisor_nip
    for _ in range(64):
        if current is None:
            return
        if current == nip:
            raise Problem("validation-error", "Atasan baru berada di bawah pegawai ini (siklus)")
        employee = await get_employee(session, current)
        if employee is None or not employee.active:
            if current == supervisor_nip:
                raise Problem("validation-error", "Atasan baru bukan pegawai aktif")
            return
        current = employee.supervisor_nip
    raise Problem("validation-error", "Rantai atasan terlalu panjang")
