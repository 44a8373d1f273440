"""Penilaian: the pejabat penilai's rating (the predicate follows from the matrix), then
keberatan, the employee's objection decided by the atasan penilai. Each endpoint is one
domain command sent as an Update (``api.commands``)."""

from fastapi import APIRouter

from api.commands import COMMAND_RESPONSES, Commander
from api.paths import Nip, PeriodId
from api.schemas import AppraisalView
from domain.penilaian import AddKeberatanStatement, DecideKeberatan, FileKeberatan, RateAppraisal
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(prefix="/appraisals", tags=["penilaian"])


@router.post("/{period_id}/{nip}/rating", responses=COMMAND_RESPONSES)
async def rate(
    period_id: PeriodId, nip: Nip, body: RateAppraisal, commander: Commander
) -> AppraisalView:
    """Rate hasil kerja and perilaku; the predicate follows from the matrix. Revisable
    until the unit is finalised."""
    return await commander.send(period_id, nip, AppraisalWorkflow.rate, body)


@router.post("/{period_id}/{nip}/keberatan", responses=COMMAND_RESPONSES)
async def file_keberatan(
    period_id: PeriodId, nip: Nip, body: FileKeberatan, commander: Commander
) -> AppraisalView:
    """The employee objects to the delivered result, within the keberatan window."""
    return await commander.send(period_id, nip, AppraisalWorkflow.file_keberatan, body)


@router.post("/{period_id}/{nip}/keberatan/statements", responses=COMMAND_RESPONSES)
async def add_keberatan_statement(
    period_id: PeriodId, nip: Nip, body: AddKeberatanStatement, commander: Commander
) -> AppraisalView:
    """The employee or the pejabat penilai adds a statement for the atasan penilai."""
    return await commander.send(period_id, nip, AppraisalWorkflow.add_keberatan_statement, body)


@router.post("/{period_id}/{nip}/keberatan/decision", responses=COMMAND_RESPONSES)
async def decide_keberatan(
    period_id: PeriodId, nip: Nip, body: DecideKeberatan, commander: Commander
) -> AppraisalView:
    """The atasan penilai decides, finally; the result locks."""
    return await commander.send(period_id, nip, AppraisalWorkflow.decide_keberatan, body)
