"""One employee's appraisal: read it, and act on it (each action is a workflow Update)."""

from fastapi import APIRouter
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from api.access import can_view_appraisal
from api.deps import Context, CurrentActor, RequestId, Session
from api.problems import Problem
from api.schemas import AppraisalView
from api.temporal_errors import problem_from_rpc, problem_from_update_failure
from domain.appraisal import AppraisalState
from persistence.models import Appraisal
from persistence.repositories.appraisals import get_appraisal
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import AcknowledgeCommand
from workflows.ids import appraisal_workflow_id

router = APIRouter(prefix="/appraisals", tags=["appraisals"])

NOT_FOUND = "Penilaian tidak ditemukan"


def _view(row: Appraisal) -> AppraisalView:
    state = AppraisalState.model_validate(row.state)
    return AppraisalView(
        **state.model_dump(include={"period_id", "nip", "agency_code", "unit_code"}),
        supervisor_nip=state.supervisor_nip,
        stage=state.stage,
        version=state.version,
        acknowledged_at=state.acknowledged_at,
        updated_at=row.updated_at,
    )


async def _visible_appraisal(
    session: Session, actor: CurrentActor, period_id: str, nip: str
) -> Appraisal:
    """The appraisal, or 404 whether it is missing or merely not the caller's to see:
    a 403 here would confirm to a stranger that this NIP is appraised in this period."""
    row = await get_appraisal(session, period_id, nip)
    if row is None or not await can_view_appraisal(session, actor, row):
        raise Problem("not-found", NOT_FOUND)
    return row


@router.get("/{period_id}/{nip}", responses={404: {}})
async def read_appraisal(
    period_id: str, nip: str, actor: CurrentActor, session: Session
) -> AppraisalView:
    return _view(await _visible_appraisal(session, actor, period_id, nip))


@router.post(
    "/{period_id}/{nip}/acknowledge",
    responses={403: {}, 404: {}, 409: {"description": "Already acknowledged"}},
)
async def acknowledge(
    period_id: str,
    nip: str,
    actor: CurrentActor,
    ctx: Context,
    session: Session,
    request_id: RequestId,
) -> AppraisalView:
    """Sosialisasi: the employee confirms the policy briefing (own appraisal only)."""
    row = await _visible_appraisal(session, actor, period_id, nip)
    if actor.nip != nip:
        raise Problem(
            "forbidden", "Hanya pegawai yang bersangkutan yang dapat menyatakan sosialisasi"
        )
    handle = ctx.temporal.get_workflow_handle(appraisal_workflow_id(period_id, nip))
    try:
        state = await handle.execute_update(
            AppraisalWorkflow.acknowledge,
            AcknowledgeCommand(actor=actor, request_id=request_id),
            result_type=AppraisalState,
        )
    except WorkflowUpdateFailedError as error:
        raise problem_from_update_failure(error) from error
    except RPCError as error:
        raise problem_from_rpc(error, not_found=NOT_FOUND) from error
    view = _view(row)
    return view.model_copy(
        update={
            "stage": state.stage,
            "version": state.version,
            "acknowledged_at": state.acknowledged_at,
        }
    )
