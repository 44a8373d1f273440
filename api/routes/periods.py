"""Appraisal periods: HR opens one for every active employee at once."""

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from api import period_service
from api.deps import Context, RequestId, Session
from api.idempotency import (
    IdempotencyKey,
    fingerprint,
    remember_answer,
    remembered_answer,
    start_once,
)
from api.paths import PeriodId
from api.problems import CONFLICT_RESPONSE, Problem
from api.roles import HrAuditorOrTimPenilai, HrOrAuditor, HrReader, HrWriter
from api.schemas import (
    ExtensionStatus,
    PeriodExtensionBody,
    PeriodFromYear,
    PeriodPage,
    PeriodPreview,
    PeriodPreviewBody,
    PeriodRequest,
    PeriodStarted,
    PeriodView,
)
from api.temporal_errors import problem_from_rpc
from domain.administrasi import ExtendDeadline
from domain.appraisal import Actor
from persistence.repositories import periods
from workflows.contracts import (
    Envelope,
    ExtensionInput,
    ExtensionScope,
)
from workflows.extension import DeadlineExtensionWorkflow

router = APIRouter(prefix="/periods", tags=["periods"])

MAX_PAGE = 200


@router.get("")
async def list_periods(
    actor: HrAuditorOrTimPenilai,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PeriodPage:
    """Every period, newest first, with its status and appraisal counts per stage (HR
    and the auditor: all appraisals; a tim penilai: their own agency's, as on
    ``GET /periods/{period_id}``)."""
    return await period_service.period_page(session, actor, limit=limit, offset=offset)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=CONFLICT_RESPONSE,
    response_model=PeriodStarted,
)
async def start_period(
    body: PeriodRequest,
    actor: HrWriter,
    ctx: Context,
    session: Session,
    response: Response,
    request_id: RequestId,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Open a period: one appraisal workflow per active employee (HR only). With an
    Idempotency-Key, repeating the request returns the first answer. Due times already
    passed are refused unless ``allow_past``, and so is pacing below the configured floor
    (422, each field named). To open one with the customary schedule from its year
    alone, see ``POST /periods/from-year``; ``POST /periods/preview`` shows either
    without starting anything."""
    return await _start(body, actor, ctx, session, response, request_id, idempotency_key)


@router.post(
    "/from-year",
    status_code=status.HTTP_201_CREATED,
    responses=CONFLICT_RESPONSE,
    response_model=PeriodStarted,
)
async def start_period_from_year(
    body: PeriodFromYear,
    actor: HrWriter,
    ctx: Context,
    session: Session,
    response: Response,
    request_id: RequestId,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Open a calendar-year period on the customary schedule (HR only): only the id,
    the year and optionally the name, the monitoring frequency and the briefing are
    given. It is a separate operation rather than a second body of ``POST /periods`` so
    that each keeps one plain schema (a union would prefix every validation error of the
    full body with its branch and blur both in the OpenAPI). Otherwise as
    ``POST /periods``: same answers, same refusals, same Idempotency-Key handling (the
    key is bound to this body as sent)."""
    return await _start(body, actor, ctx, session, response, request_id, idempotency_key)


@router.post("/preview", response_model=PeriodPreview)
async def preview_period(
    body: PeriodPreviewBody, _actor: HrReader, ctx: Context, session: Session
) -> PeriodPreview:
    """What opening this period would do, starting nothing (HR only): the body of
    ``POST /periods`` or of ``POST /periods/from-year``; the answer holds the resolved
    period, how many active employees it would include, warnings (check-ins dropped for
    falling before SKP approval, due times on weekends or national holidays, an
    escalation interval that floods people) and the refusals starting it would meet
    now (a schedule unfit to open, an id already used, nobody active)."""
    return await period_service.preview_period(body, ctx=ctx, session=session)


async def _start(
    body: PeriodRequest | PeriodFromYear,
    actor: Actor,
    ctx: Context,
    session: Session,
    response: Response,
    request_id: RequestId,
    idempotency_key: IdempotencyKey,
) -> Any:
    answer = await period_service.open_period(
        body,
        actor=actor,
        ctx=ctx,
        session=session,
        request_id=request_id,
        idempotency_key=idempotency_key,
    )
    if isinstance(answer, PeriodStarted):
        response.headers["Location"] = period_service.period_location(answer.period_id)
    return answer


@router.get("/{period_id}")
async def get_period(
    period_id: PeriodId, actor: HrAuditorOrTimPenilai, session: Session
) -> PeriodView:
    """Counts per stage (HR and auditor: all; tim penilai: their own agency)."""
    return await period_service.period_view(session, actor, period_id)


@router.post(
    "/{period_id}/extensions",
    status_code=status.HTTP_202_ACCEPTED,
    responses=CONFLICT_RESPONSE,
    response_model=ExtensionStatus,
)
async def extend_for_many(
    period_id: PeriodId,
    body: PeriodExtensionBody,
    actor: HrWriter,
    ctx: Context,
    session: Session,
    response: Response,
    request_id: RequestId,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Extend a deadline for a unit, an agency or the whole period (HR only). Runs as a
    durable batch; every running reminder and escalation follows the new time. With an
    Idempotency-Key, repeating the request returns the first answer."""
    if await periods.get_period(session, period_id) is None:
        raise Problem("not-found", f"Periode {period_id} tidak ditemukan")
    command = ExtendDeadline(deadline=body.deadline, new_due=body.new_due, reason=body.reason)
    print_ = fingerprint(actor.subject, {"period_id": period_id, **body.model_dump(mode="json")})
    remembered = await remembered_answer(
        session,
        actor.subject,
        idempotency_key,
        print_,
        lambda answer: f"/periods/{period_id}/extensions/{answer['extension_id']}",
    )
    if remembered is not None:
        return remembered
    suffix = hashlib.sha256(f"{actor.subject}\n{idempotency_key}".encode()).hexdigest()[:16]
    extension_id = f"extension-{period_id}-{suffix if idempotency_key else uuid.uuid4().hex[:16]}"
    response.headers["Location"] = f"/periods/{period_id}/extensions/{extension_id}"
    await start_once(
        ctx.temporal,
        DeadlineExtensionWorkflow.run,
        ExtensionInput(
            period_id=period_id,
            scope=ExtensionScope(agency_code=body.agency_code, unit_code=body.unit_code),
            envelope=Envelope(actor=actor, command=command, request_id=request_id),
        ),
        workflow_id=extension_id,
        task_queue=ctx.task_queue,
        key=idempotency_key,
        print_=print_,
        conflict=Problem("already-exists", "Perpanjangan ini sudah berjalan"),
    )
    accepted = ExtensionStatus(
        extension_id=extension_id, status="running", extended=0, refused=0, refusals={}
    )
    await remember_answer(session, actor.subject, idempotency_key, print_, 202, accepted)
    return accepted


_STATUS_NAMES = {
    WorkflowExecutionStatus.RUNNING: "running",
    WorkflowExecutionStatus.CONTINUED_AS_NEW: "running",
    WorkflowExecutionStatus.COMPLETED: "completed",
}


@router.get("/{period_id}/extensions/{extension_id}")
async def extension_status(
    period_id: PeriodId, extension_id: str, _actor: HrOrAuditor, ctx: Context
) -> ExtensionStatus:
    """How far a bulk extension has got (HR and the auditor)."""
    if not extension_id.startswith(f"extension-{period_id}-"):
        raise Problem("not-found", "Perpanjangan tidak ditemukan")
    handle = ctx.temporal.get_workflow_handle_for(DeadlineExtensionWorkflow.run, extension_id)
    try:
        description = await handle.describe()
        if description.status is WorkflowExecutionStatus.COMPLETED:
            tally = await handle.result()
        else:
            tally = await handle.query(DeadlineExtensionWorkflow.progress)
    except RPCError as error:
        raise problem_from_rpc(error, not_found="Perpanjangan tidak ditemukan") from error
    state = _STATUS_NAMES.get(description.status, "failed") if description.status else "failed"
    return ExtensionStatus(extension_id=extension_id, status=state, **tally.model_dump())
