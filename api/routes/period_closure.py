"""Closing a period opened by mistake (HR), and watching the closure (HR, the auditor)."""

from typing import Any

from fastapi import APIRouter, Response, status

from api import period_closure
from api.deps import Context, RequestId, Session
from api.idempotency import IdempotencyKey
from api.paths import PeriodId
from api.problems import CONFLICT_RESPONSE
from api.roles import HrOrAuditor, HrWriter
from api.schemas import ClosureStatus
from domain.period_closure import ClosePeriod

router = APIRouter(prefix="/periods", tags=["periods"])


@router.post(
    "/{period_id}/close",
    status_code=status.HTTP_202_ACCEPTED,
    responses=CONFLICT_RESPONSE,
    response_model=ClosureStatus,
)
async def close_period(
    period_id: PeriodId,
    body: ClosePeriod,
    actor: HrWriter,
    ctx: Context,
    session: Session,
    response: Response,
    request_id: RequestId,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Close a period opened by mistake (HR only), with the reason: it starts nobody
    more, every open appraisal of it is stopped by a durable batch (progress at
    ``Location``), its steps leave every inbox and no reminder or escalation goes out;
    audited. Refused (409) once any result of the period has been delivered, and when it
    is already closed or closing. With an Idempotency-Key, repeating the request returns
    the first answer."""
    response.headers["Location"] = period_closure.closure_location(period_id)
    return await period_closure.close_period(
        period_id,
        body,
        actor=actor,
        ctx=ctx,
        session=session,
        request_id=request_id,
        idempotency_key=idempotency_key,
    )


@router.get("/{period_id}/closure")
async def closure_status(
    period_id: PeriodId, _actor: HrOrAuditor, ctx: Context, session: Session
) -> ClosureStatus:
    """How far closing the period has got (HR and the auditor): stopped so far, already
    over; 404 for a period nobody has asked to close."""
    return await period_closure.closure_status(period_id, ctx=ctx, session=session)
