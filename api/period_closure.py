"""Closing a period opened by mistake, for both faces: the JSON routes
(``api.routes.period_closure``) and the period page (``web.routes.periods``) call these,
so the refusal (a result already delivered, already closed) is written once.

The period is marked ``closing`` here, in the same transaction that checks it may be
closed (under the period's closure lock, see ``persistence.repositories.period_closure``),
and only then is the durable closure started. If that start is lost (Temporal
unreachable), the period stays ``closing`` and asking again starts it, with the reason
first given; a closure that runs already answers 409, or with an Idempotency-Key seen
before, the first answer.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from api.deps import ApiContext, release_connection
from api.idempotency import fingerprint, remember_answer, remembered_answer, start_once
from api.problems import Problem
from api.schemas import ClosureStatus, PeriodClosureNote
from api.temporal_errors import problem_from_rpc
from domain.appraisal import Actor
from domain.audit import PERIOD_CLOSING
from domain.period_closure import (
    CLOSED,
    CLOSING,
    ClosePeriod,
    PeriodClosureRefusedError,
    check_closable,
    is_closed,
)
from domain.roles import Role
from persistence.models import Period
from persistence.repositories import audit, period_closure, periods
from persistence.repositories.audit import AuditRecord
from workflows.closure import PeriodClosureWorkflow
from workflows.contracts import ClosureInput, ClosureTally
from workflows.ids import closure_workflow_id

NOT_CLOSING = "Periode {period_id} tidak sedang atau belum pernah ditutup"


def closure_location(period_id: str) -> str:
    return f"/periods/{period_id}/closure"


def closure_note(period: Period) -> PeriodClosureNote | None:
    """The closure as the period row records it; None before HR asked."""
    if period.closing_at is None or period.closure_reason is None or period.closed_by is None:
        return None
    return PeriodClosureNote(
        reason=period.closure_reason,
        closed_by=period.closed_by,
        closing_at=period.closing_at,
        closed_at=period.closed_at,
        closed=period.appraisals_closed,
        skipped=period.appraisals_skipped,
    )


async def closure_refusal(session: AsyncSession, period: Period) -> str | None:
    """Why this period could not be closed now (None: it could), for a page to say so
    before HR fills the form in; the close itself checks again under the lock."""
    try:
        check_closable(
            period.id, period.status, await period_closure.count_delivered(session, period.id)
        )
    except PeriodClosureRefusedError as refused:
        return str(refused)
    return None


def _not_found(period_id: str) -> Problem:
    return Problem("not-found", f"Periode {period_id} tidak ditemukan")


async def close_period(
    period_id: str,
    body: ClosePeriod,
    *,
    actor: Actor,
    ctx: ApiContext,
    session: AsyncSession,
    request_id: str | None,
    idempotency_key: str | None = None,
) -> Any:
    """Mark the period closing and start its closure (the caller's role is checked by
    the caller). Answers the ``ClosureStatus`` as accepted, or the remembered answer.
    Refused 404 for an unknown period, 409 when already closed or closing, or once any
    result of it has been delivered."""
    print_ = fingerprint(actor.subject, {"close": period_id, **body.model_dump(mode="json")})
    remembered = await remembered_answer(
        session, actor.subject, idempotency_key, print_, lambda _: closure_location(period_id)
    )
    if remembered is not None:
        return remembered
    period = await period_closure.lock_for_closure(session, period_id)
    if period is None:
        raise _not_found(period_id)
    if period.status != CLOSING:
        delivered = await period_closure.count_delivered(session, period_id)
        try:
            check_closable(period_id, period.status, delivered)
        except PeriodClosureRefusedError as refused:
            raise Problem("wrong-state", str(refused), delivered=delivered) from refused
        now = datetime.now(UTC)
        await period_closure.mark_closing(
            session, period_id, reason=body.reason, by=actor.subject, at=now
        )
        await audit.append_event(
            session,
            AuditRecord(
                event_key=f"{closure_workflow_id(period_id)}/{CLOSING}",
                at=now,
                actor=actor.subject,
                actor_role=Role.HR_ADMIN.value,
                action=PERIOD_CLOSING,
                subject_type="period",
                subject_id=period_id,
                period_id=period_id,
                request_id=request_id,
                before={"status": period.status},
                after={"status": CLOSING},
                decision={"reason": body.reason},
            ),
        )
        await session.refresh(period)
    note = closure_note(period)
    if note is None:  # closing without a record of who asked: cannot happen by this code
        raise Problem("wrong-state", f"Periode {period_id} sedang ditutup")
    await session.commit()  # closing is recorded before anything is cancelled
    await start_once(
        ctx.temporal,
        PeriodClosureWorkflow.run,
        ClosureInput(
            period_id=period_id,
            reason=note.reason,
            closed_by=note.closed_by,
            request_id=request_id,
        ),
        workflow_id=closure_workflow_id(period_id),
        task_queue=ctx.task_queue,
        key=idempotency_key,
        print_=print_,
        conflict=Problem("wrong-state", f"Periode {period_id} sedang ditutup"),
    )
    accepted = ClosureStatus(
        period_id=period_id,
        status="running",
        closed=0,
        skipped=0,
        reason=note.reason,
        closed_by=note.closed_by,
        closing_at=note.closing_at,
    )
    await remember_answer(session, actor.subject, idempotency_key, print_, 202, accepted)
    return accepted


_RUNNING = (WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.CONTINUED_AS_NEW)


async def closure_status(
    period_id: str, *, ctx: ApiContext, session: AsyncSession
) -> ClosureStatus:
    """How far the closure has got: the row's counts once closed; while closing, the
    durable closure's own tally (``failed`` if it ended without closing the period, or
    never started: asking to close again resumes it)."""
    period = await periods.get_period(session, period_id)
    if period is None:
        raise _not_found(period_id)
    note = closure_note(period)
    if note is None or not is_closed(period.status):
        raise Problem("not-found", NOT_CLOSING.format(period_id=period_id))
    shown = {
        "period_id": period_id,
        "reason": note.reason,
        "closed_by": note.closed_by,
        "closing_at": note.closing_at,
        "closed_at": note.closed_at,
    }
    if period.status == CLOSED:
        return ClosureStatus(
            status="completed", closed=note.closed or 0, skipped=note.skipped or 0, **shown
        )
    await release_connection(session)
    handle = ctx.temporal.get_workflow_handle_for(
        PeriodClosureWorkflow.run, closure_workflow_id(period_id)
    )
    status, tally = "failed", ClosureTally()
    try:
        description = await handle.describe()
        if description.status is WorkflowExecutionStatus.COMPLETED:  # closed since we looked
            status, tally = "completed", await handle.result()
        elif description.status in _RUNNING:
            status, tally = "running", await handle.query(PeriodClosureWorkflow.progress)
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:  # not found: its start was lost
            raise problem_from_rpc(error, not_found=NOT_CLOSING) from error
    return ClosureStatus(status=status, **tally.model_dump(), **shown)
