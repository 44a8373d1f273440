"""Tindak lanjut: development actions after the result, assigned by the pejabat penilai,
reported done by the employee and confirmed; the last confirmation completes the
appraisal. Each endpoint is one domain command sent as an Update (``api.commands``)."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.commands import COMMAND_RESPONSES, Commander
from api.paths import Nip, PeriodId
from api.schemas import AppraisalView, DevelopmentReportBody
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(prefix="/appraisals", tags=["tindak lanjut"])
ActionNumber = Annotated[int, Path(ge=1, le=50)]


@router.post("/{period_id}/{nip}/development", responses=COMMAND_RESPONSES)
async def assign_development(
    period_id: PeriodId, nip: Nip, body: AssignDevelopment, commander: Commander
) -> AppraisalView:
    """Assign a development action (training, guidance, coaching, mentoring) with a due date."""
    return await commander.send(period_id, nip, AppraisalWorkflow.assign_development, body)


@router.post("/{period_id}/{nip}/development/{number}/report", responses=COMMAND_RESPONSES)
async def report_development(
    period_id: PeriodId,
    nip: Nip,
    number: ActionNumber,
    body: DevelopmentReportBody,
    commander: Commander,
) -> AppraisalView:
    """The employee reports a development action done."""
    command = ReportDevelopmentDone(number=number, **body.model_dump())
    return await commander.send(period_id, nip, AppraisalWorkflow.report_development, command)


@router.post("/{period_id}/{nip}/development/{number}/confirm", responses=COMMAND_RESPONSES)
async def confirm_development(
    period_id: PeriodId, nip: Nip, number: ActionNumber, commander: Commander
) -> AppraisalView:
    """The pejabat penilai confirms it; the last confirmation completes the appraisal."""
    command = ConfirmDevelopment(number=number)
    return await commander.send(period_id, nip, AppraisalWorkflow.confirm_development, command)
