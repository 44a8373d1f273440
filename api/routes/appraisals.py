"""One employee's appraisal: read it, and act on it in the first half of the year
(sosialisasi, perencanaan, pemantauan; the later stages are in ``wawancara``,
``penilaian`` and ``tindak_lanjut``). Every action is a workflow Update that the domain
validates: wrong stage → 409, wrong person → 403, and either way the workflow is left
exactly as it was."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.appraisal_reads import appraisal_view, visible_appraisal
from api.commands import COMMAND_RESPONSES, Commander
from api.deps import CurrentActor, Session
from api.paths import Nip, PeriodId
from api.schemas import AppraisalView, CheckInReportBody, FeedbackBody
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.sosialisasi import Acknowledge
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(prefix="/appraisals", tags=["appraisals"])


@router.get("/{period_id}/{nip}")
async def read_appraisal(
    period_id: PeriodId, nip: Nip, actor: CurrentActor, session: Session
) -> AppraisalView:
    """The appraisal with its SKP, check-ins, notices sent and the steps owed now."""
    return await appraisal_view(session, await visible_appraisal(session, actor, period_id, nip))


@router.post("/{period_id}/{nip}/acknowledge", responses=COMMAND_RESPONSES)
async def acknowledge(
    period_id: PeriodId,
    nip: Nip,
    commander: Commander,
) -> AppraisalView:
    """Sosialisasi: the employee confirms the policy briefing (own appraisal only)."""
    return await commander.send(
        period_id,
        nip,
        AppraisalWorkflow.acknowledge,
        Acknowledge(),
    )


@router.put("/{period_id}/{nip}/skp", responses=COMMAND_RESPONSES)
async def draft_skp(
    period_id: PeriodId,
    nip: Nip,
    body: DraftSkp,
    commander: Commander,
) -> AppraisalView:
    """Write the SKP draft: RHK with indicators, and behaviour per BerAKHLAK value. The
    employee; the agency's tim penilai once the draft deadline has passed."""
    return await commander.send(period_id, nip, AppraisalWorkflow.draft_skp, body)


@router.post("/{period_id}/{nip}/skp/submit", responses=COMMAND_RESPONSES)
async def submit_skp(
    period_id: PeriodId,
    nip: Nip,
    commander: Commander,
) -> AppraisalView:
    """Submit the draft to the pejabat penilai."""
    return await commander.send(period_id, nip, AppraisalWorkflow.submit_skp, SubmitSkp())


@router.post("/{period_id}/{nip}/skp/approve", responses=COMMAND_RESPONSES)
async def approve_skp(
    period_id: PeriodId,
    nip: Nip,
    body: ApproveSkp,
    commander: Commander,
) -> AppraisalView:
    """The pejabat penilai approves the SKP; monitoring starts."""
    return await commander.send(period_id, nip, AppraisalWorkflow.approve_skp, body)


@router.post("/{period_id}/{nip}/skp/return", responses=COMMAND_RESPONSES)
async def return_skp(
    period_id: PeriodId,
    nip: Nip,
    body: ReturnSkp,
    commander: Commander,
) -> AppraisalView:
    """The pejabat penilai returns the SKP with a note on what to change."""
    return await commander.send(period_id, nip, AppraisalWorkflow.return_skp, body)


@router.post("/{period_id}/{nip}/checkins/{index}/report", responses=COMMAND_RESPONSES)
async def report_checkin(
    period_id: PeriodId,
    nip: Nip,
    index: Annotated[int, Path(ge=1, le=52)],
    body: CheckInReportBody,
    commander: Commander,
) -> AppraisalView:
    """The employee reports realisation per indicator, with evidence."""
    command = ReportCheckIn(index=index, **body.model_dump())
    return await commander.send(period_id, nip, AppraisalWorkflow.report_checkin, command)


@router.post("/{period_id}/{nip}/checkins/{index}/feedback", responses=COMMAND_RESPONSES)
async def give_feedback(
    period_id: PeriodId,
    nip: Nip,
    index: Annotated[int, Path(ge=1, le=52)],
    body: FeedbackBody,
    commander: Commander,
) -> AppraisalView:
    """The pejabat penilai answers a reported check-in."""
    command = GiveFeedback(index=index, **body.model_dump())
    return await commander.send(period_id, nip, AppraisalWorkflow.give_feedback, command)
