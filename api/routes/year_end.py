"""The second half of one appraisal: wawancara, penilaian, keberatan and tindak lanjut.
Each endpoint is one domain command sent as an Update (see ``api.commands``)."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.commands import COMMAND_RESPONSES, Commander, Nip, PeriodId
from api.schemas import AppraisalView, DevelopmentReportBody
from domain.penilaian import AddKeberatanStatement, DecideKeberatan, FileKeberatan, RateAppraisal
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from domain.wawancara import RecordDialogue, ScheduleDialogue
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(prefix="/appraisals", tags=["penilaian"])
ActionNumber = Annotated[int, Path(ge=1, le=50)]


@router.post("/{period_id}/{nip}/wawancara/schedule", responses=COMMAND_RESPONSES)
async def schedule_dialogue(
    period_id: PeriodId, nip: Nip, body: ScheduleDialogue, commander: Commander
) -> AppraisalView:
    """Plan the performance dialogue (pejabat penilai or the agency's tim penilai)."""
    return await commander.send(period_id, nip, AppraisalWorkflow.schedule_dialogue, body)


@router.post("/{period_id}/{nip}/wawancara", responses=COMMAND_RESPONSES)
async def record_dialogue(
    period_id: PeriodId, nip: Nip, body: RecordDialogue, commander: Commander
) -> AppraisalView:
    """Record the dialogue held: participants, notes, agreed actions, follow-ups.
    Scoring opens."""
    return await commander.send(period_id, nip, AppraisalWorkflow.record_dialogue, body)


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
