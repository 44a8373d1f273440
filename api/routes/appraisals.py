"""One employee's appraisal: read it, and act on it. Every action is a workflow Update
that the domain validates: wrong stage → 409, wrong person → 403, and either way the
workflow is left exactly as it was."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from api.access import actor_agency, can_view_appraisal
from api.deps import Context, CurrentActor, RequestId, Session
from api.problems import Problem
from api.schemas import AppraisalView, CheckInReportBody, ExtensionBody, FeedbackBody
from api.temporal_errors import problem_from_rpc, problem_from_update_failure
from domain.administrasi import ChangeSupervisor, ExtendDeadline
from domain.appraisal import Actor, AppraisalState, Command
from domain.deadlines import pending_steps
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.sosialisasi import Acknowledge
from persistence.models import Appraisal
from persistence.repositories.appraisals import get_appraisal
from persistence.repositories.organisation import get_employee
from persistence.repositories.periods import get_period
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import Envelope
from workflows.ids import appraisal_workflow_id

router = APIRouter(prefix="/appraisals", tags=["appraisals"])

NOT_FOUND = "Penilaian tidak ditemukan"
COMMAND_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not this caller's step (e.g. not the pejabat penilai)"},
    404: {"description": "No such appraisal visible to the caller"},
    409: {"description": "Not possible in the appraisal's current stage"},
    422: {"description": "Invalid content"},
}
Nip = Annotated[str, Path(pattern=r"^\d{18}$", description="18-digit NIP")]
PeriodId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


async def _visible_appraisal(session: Session, actor: Actor, period_id: str, nip: str) -> Appraisal:
    """The appraisal, or 404 whether it is missing or merely not the caller's to see:
    a 403 here would confirm to a stranger that this NIP is appraised in this period."""
    row = await get_appraisal(session, period_id, nip)
    if row is None or not await can_view_appraisal(session, actor, row):
        raise Problem("not-found", NOT_FOUND)
    return row


async def _scoped_actor(session: Session, actor: Actor, row: Appraisal) -> Actor:
    """The actor as the workflow should see them for *this* appraisal: a tim penilai
    acts only within their own agency, so elsewhere the role is dropped."""
    if actor.has(Role.TIM_PENILAI) and await actor_agency(session, actor) != row.agency_code:
        return actor.model_copy(update={"roles": actor.roles - {Role.TIM_PENILAI}})
    return actor


async def _view(
    session: Session, row: Appraisal, state: AppraisalState | None = None
) -> AppraisalView:
    state = state or AppraisalState.model_validate(row.state)
    period = await get_period(session, row.period_id)
    pending = ()
    if period is not None:
        pending = tuple(pending_steps(state, PeriodSchedule.model_validate(period.schedule)))
    return AppraisalView(**state.model_dump(), updated_at=row.updated_at, pending=pending)


async def _send(
    ctx: Context,
    session: Session,
    actor: Actor,
    request_id: str | None,
    period_id: str,
    nip: str,
    update: Any,
    command: Command,
    precheck: Callable[[], Awaitable[None]] | None = None,
) -> AppraisalView:
    """Check visibility first (a stranger learns nothing, not even from a validation
    error), then ``precheck``, then send the Update."""
    row = await _visible_appraisal(session, actor, period_id, nip)
    if precheck is not None:
        await precheck()
    envelope = Envelope[Any](
        actor=await _scoped_actor(session, actor, row), command=command, request_id=request_id
    )
    handle = ctx.temporal.get_workflow_handle(appraisal_workflow_id(period_id, nip))
    try:
        state = await handle.execute_update(update, envelope, result_type=AppraisalState)
    except WorkflowUpdateFailedError as error:
        raise problem_from_update_failure(error) from error
    except RPCError as error:
        raise problem_from_rpc(error, not_found=NOT_FOUND) from error
    return await _view(session, row, state)


@router.get("/{period_id}/{nip}", responses={404: COMMAND_RESPONSES[404]})
async def read_appraisal(
    period_id: PeriodId, nip: Nip, actor: CurrentActor, session: Session
) -> AppraisalView:
    """The appraisal with its SKP, check-ins, notices sent and the steps owed now."""
    return await _view(session, await _visible_appraisal(session, actor, period_id, nip))


@router.post("/{period_id}/{nip}/acknowledge", responses=COMMAND_RESPONSES)
async def acknowledge(
    period_id: PeriodId,
    nip: Nip,
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """Sosialisasi: the employee confirms the policy briefing (own appraisal only)."""
    return await _send(
        ctx,
        session,
        actor,
        request_id,
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
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """Write the SKP draft: RHK with indicators, and behaviour per BerAKHLAK value. The
    employee; the agency's tim penilai once the draft deadline has passed."""
    return await _send(
        ctx, session, actor, request_id, period_id, nip, AppraisalWorkflow.draft_skp, body
    )


@router.post("/{period_id}/{nip}/skp/submit", responses=COMMAND_RESPONSES)
async def submit_skp(
    period_id: PeriodId,
    nip: Nip,
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """Submit the draft to the pejabat penilai."""
    return await _send(
        ctx, session, actor, request_id, period_id, nip, AppraisalWorkflow.submit_skp, SubmitSkp()
    )


@router.post("/{period_id}/{nip}/skp/approve", responses=COMMAND_RESPONSES)
async def approve_skp(
    period_id: PeriodId,
    nip: Nip,
    body: ApproveSkp,
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """The pejabat penilai approves the SKP; monitoring starts."""
    return await _send(
        ctx, session, actor, request_id, period_id, nip, AppraisalWorkflow.approve_skp, body
    )


@router.post("/{period_id}/{nip}/skp/return", responses=COMMAND_RESPONSES)
async def return_skp(
    period_id: PeriodId,
    nip: Nip,
    body: ReturnSkp,
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """The pejabat penilai returns the SKP with a note on what to change."""
    return await _send(
        ctx, session, actor, request_id, period_id, nip, AppraisalWorkflow.return_skp, body
    )


@router.post("/{period_id}/{nip}/checkins/{index}/report", responses=COMMAND_RESPONSES)
async def report_checkin(
    period_id: PeriodId,
    nip: Nip,
    index: Annotated[int, Path(ge=1, le=52)],
    body: CheckInReportBody,
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """The employee reports realisation per indicator, with evidence."""
    command = ReportCheckIn(index=index, **body.model_dump())
    return await _send(
        ctx, session, actor, request_id, period_id, nip, AppraisalWorkflow.report_checkin, command
    )


@router.post("/{period_id}/{nip}/checkins/{index}/feedback", responses=COMMAND_RESPONSES)
async def give_feedback(
    period_id: PeriodId,
    nip: Nip,
    index: Annotated[int, Path(ge=1, le=52)],
    body: FeedbackBody,
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """The pejabat penilai answers a reported check-in."""
    command = GiveFeedback(index=index, **body.model_dump())
    return await _send(
        ctx, session, actor, request_id, period_id, nip, AppraisalWorkflow.give_feedback, command
    )


@router.post("/{period_id}/{nip}/deadlines/{deadline}/extend", responses=COMMAND_RESPONSES)
async def extend_deadline(
    period_id: PeriodId,
    nip: Nip,
    deadline: Annotated[
        str, Path(pattern=r"^(sosialisasi_due|skp_draft_due|skp_approval_due|checkin_due:\d{1,2})$")
    ],
    body: ExtensionBody,
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """BKPSDM extends one deadline for this employee; reminders and escalation follow."""
    command = ExtendDeadline(deadline=deadline, **body.model_dump())
    return await _send(
        ctx, session, actor, request_id, period_id, nip, AppraisalWorkflow.extend_deadline, command
    )


@router.post("/{period_id}/{nip}/supervisor", responses=COMMAND_RESPONSES)
async def change_supervisor(
    period_id: PeriodId,
    nip: Nip,
    body: ChangeSupervisor,
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """Mutasi: BKPSDM assigns a new pejabat penilai; pending approvals move to them and
    the previous one stays on record."""

    async def new_supervisor_is_valid() -> None:
        if body.new_supervisor_nip is not None:
            await _require_valid_new_supervisor(session, nip, body.new_supervisor_nip)

    return await _send(
        ctx,
        session,
        actor,
        request_id,
        period_id,
        nip,
        AppraisalWorkflow.change_supervisor,
        body,
        precheck=new_supervisor_is_valid,
    )


async def _require_valid_new_supervisor(session: Session, nip: str, supervisor_nip: str) -> None:
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
