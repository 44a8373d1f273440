"""Wawancara: the performance dialogue between the pejabat penilai and the employee,
planned and then recorded, after which scoring opens. Each endpoint is one domain
command sent as an Update (``api.commands``)."""

from fastapi import APIRouter

from api.commands import COMMAND_RESPONSES, Commander
from api.paths import Nip, PeriodId
from api.schemas import AppraisalView
from domain.wawancara import RecordDialogue, ScheduleDialogue
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(prefix="/appraisals", tags=["wawancara"])


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
