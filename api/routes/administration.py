"""BKPSDM's interventions in one appraisal: extending a deadline, and mutasi (a new
pejabat penilai)."""

from fastapi import APIRouter

from api import mutasi
from api.commands import COMMAND_RESPONSES, Commander, HrCommander
from api.paths import DeadlineKey, Nip, PeriodId
from api.schemas import AppraisalView, ExtensionBody
from domain.administrasi import ChangeSupervisor, ExtendDeadline
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
    return await mutasi.change_supervisor(commander, period_id, nip, body)
