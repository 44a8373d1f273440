"""Appraisal periods: HR opens one for every active employee at once."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from api import extension_service, period_service
from api.deps import Context, RequestId, Session
from api.idempotency import IdempotencyKey
from api.paths import PeriodId
from api.problems import CONFLICT_RESPONSE
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
from domain.appraisal import Actor

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
    answer = await extension_service.start_extension(
        period_id,
        body,
        actor=actor,
        ctx=ctx,
        session=session,
        request_id=request_id,
        idempotency_key=idempotency_key,
    )
    if isinstance(answer, ExtensionStatus):
        location = extension_service.extension_location(period_id, answer.extension_id)
        response.headers["Location"] = location
    return answer


@router.get("/{period_id}/extensions/{extension_id}")
async def extension_status(
    period_id: PeriodId, extension_id: str, _actor: HrOrAuditor, ctx: Context
) -> ExtensionStatus:
    """How far a bulk extension has got (HR and the auditor)."""
    return await extension_service.extension_status(ctx, period_id, extension_id)
