"""Extending a deadline for many appraisals at once, for both faces: the JSON routes
(``POST /periods/{id}/extensions`` and its progress) and the web's extension page call
these, so a batch is started, deduplicated and reported one way."""

import hashlib
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from api.deps import ApiContext
from api.idempotency import fingerprint, remember_answer, remembered_answer, start_once
from api.problems import Problem
from api.schemas import ExtensionStatus, PeriodExtensionBody
from api.temporal_errors import problem_from_rpc
from domain.administrasi import ExtendDeadline
from domain.appraisal import Actor
from persistence.repositories import periods
from workflows.contracts import Envelope, ExtensionInput, ExtensionScope
from workflows.extension import DeadlineExtensionWorkflow

NOT_FOUND = "Perpanjangan tidak ditemukan"
_STATUS_NAMES = {
    WorkflowExecutionStatus.RUNNING: "running",
    WorkflowExecutionStatus.CONTINUED_AS_NEW: "running",
    WorkflowExecutionStatus.COMPLETED: "completed",
}


def extension_location(period_id: str, extension_id: str) -> str:
    return f"/periods/{period_id}/extensions/{extension_id}"


async def start_extension(
    period_id: str,
    body: PeriodExtensionBody,
    *,
    actor: Actor,
    ctx: ApiContext,
    session: AsyncSession,
    request_id: str | None,
    idempotency_key: str | None = None,
) -> Any:
    """Start the durable batch (the caller's role is checked by the caller). Answers the
    accepted ``ExtensionStatus``, or the remembered answer when the Idempotency-Key was
    seen with this body. 404 for an unknown period."""
    if await periods.get_period(session, period_id) is None:
        raise Problem("not-found", f"Periode {period_id} tidak ditemukan")
    command = ExtendDeadline(deadline=body.deadline, new_due=body.new_due, reason=body.reason)
    print_ = fingerprint(actor.subject, {"period_id": period_id, **body.model_dump(mode="json")})
    remembered = await remembered_answer(
        session,
        actor.subject,
        idempotency_key,
        print_,
        lambda answer: extension_location(period_id, answer["extension_id"]),
    )
    if remembered is not None:
        return remembered
    suffix = hashlib.sha256(f"{actor.subject}\n{idempotency_key}".encode()).hexdigest()[:16]
    extension_id = f"extension-{period_id}-{suffix if idempotency_key else uuid.uuid4().hex[:16]}"
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


async def extension_status(ctx: ApiContext, period_id: str, extension_id: str) -> ExtensionStatus:
    """How far a batch has got: its tally while it runs, its result once done."""
    if not extension_id.startswith(f"extension-{period_id}-"):
        raise Problem("not-found", NOT_FOUND)
    handle = ctx.temporal.get_workflow_handle_for(DeadlineExtensionWorkflow.run, extension_id)
    try:
        description = await handle.describe()
        if description.status is WorkflowExecutionStatus.COMPLETED:
            tally = await handle.result()
        else:
            tally = await handle.query(DeadlineExtensionWorkflow.progress)
    except RPCError as error:
        raise problem_from_rpc(error, not_found=NOT_FOUND) from error
    state = _STATUS_NAMES.get(description.status, "failed") if description.status else "failed"
    return ExtensionStatus(extension_id=extension_id, status=state, **tally.model_dump())
