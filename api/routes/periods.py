"""Appraisal periods: HR opens one for every active employee at once."""

import hashlib
import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from api.access import actor_agency
from api.deps import Context, RequestId, Session
from api.holidays import national_holidays
from api.idempotency import (
    IdempotencyKey,
    fingerprint,
    remember_answer,
    remembered_answer,
    start_once,
)
from api.messages import english
from api.paths import PeriodId
from api.problems import CONFLICT_RESPONSE, Problem
from api.roles import HrAuditorOrTimPenilai, HrOrAuditor, HrReader, HrWriter
from api.schemas import (
    ExtensionStatus,
    PeriodExtensionBody,
    PeriodFromYear,
    PeriodListItem,
    PeriodPage,
    PeriodPreview,
    PeriodPreviewBody,
    PeriodRequest,
    PeriodStarted,
    PeriodView,
    PreviewRefusal,
    ScheduleWarningView,
)
from api.temporal_errors import problem_from_rpc
from domain.administrasi import ExtendDeadline
from domain.appraisal import Actor
from domain.roles import Role
from domain.schedule import Period, schedule_issues
from domain.schedule_warnings import schedule_warnings
from domain.stages import Stage
from persistence.repositories import appraisals, organisation, periods
from workflows.contracts import (
    CycleInput,
    Envelope,
    ExtensionInput,
    ExtensionScope,
)
from workflows.cycle import CycleWorkflow
from workflows.extension import DeadlineExtensionWorkflow
from workflows.ids import cycle_workflow_id

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
    agency = await visible_agency(session, actor)
    total, rows = await periods.list_periods(session, limit=limit, offset=offset)
    counts = await appraisals.count_by_period_and_stage(
        session, [row.id for row in rows], agency_code=agency
    )
    items = [
        PeriodListItem(
            period_id=row.id,
            name=row.name,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            status=row.status,
            employees_started=row.employees_started,
            total=sum(counts.get(row.id, {}).values()),
            stages={stage: counts.get(row.id, {}).get(stage.value, 0) for stage in Stage},
            created_at=row.created_at,
        )
        for row in rows
    ]
    return PeriodPage(total=total, limit=limit, offset=offset, items=items)


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
    period = body.period()
    return await _start(
        period,
        allow_past=body.allow_past,
        print_=fingerprint(actor.subject, period.model_dump(mode="json")),
        actor=actor,
        ctx=ctx,
        session=session,
        response=response,
        request_id=request_id,
        idempotency_key=idempotency_key,
    )


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
    period = body.period(non_working=holidays_around(body.year))
    return await _start(
        period,
        allow_past=body.allow_past,
        print_=fingerprint(actor.subject, {"from_year": body.model_dump(mode="json")}),
        actor=actor,
        ctx=ctx,
        session=session,
        response=response,
        request_id=request_id,
        idempotency_key=idempotency_key,
    )


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
    if isinstance(body, PeriodFromYear):
        period = body.period(non_working=holidays_around(body.year))
    else:
        period = body.period()
    holidays = holidays_around(period.starts_on.year, period.ends_on.year + 1)
    issues = schedule_issues(
        period,
        now=datetime.now(UTC),
        minimum_pacing=ctx.minimum_pacing,
        allow_past=body.allow_past,
    )
    refusals = [(f"body.{issue.field}", issue.message) for issue in issues]
    if await periods.get_period(session, period.period_id) is not None:
        refusals.append(("body.period_id", f"Periode {period.period_id} sudah ada"))
    included = await organisation.count_active(session)
    if included == 0:
        refusals.append(("body", "Belum ada pegawai aktif; impor organisasi terlebih dahulu"))
    return PeriodPreview(
        period=period.model_copy(update={"schedule": period.resolved_schedule()}),
        employees_included=included,
        warnings=[
            ScheduleWarningView(
                kind=warning.kind,
                field=warning.field,
                message=warning.message,
                message_en=english(warning.message),
                due=warning.due,
                escalations=warning.escalations,
            )
            for warning in schedule_warnings(period, holidays)
        ],
        refusals=[
            PreviewRefusal(field=field, message=message, message_en=english(message))
            for field, message in refusals
        ],
        holidays_checked=True,
    )


def holidays_around(*years: int) -> dict[date, str]:
    """National holidays of ``years`` and the year after each (tindak lanjut is due in
    the next year's March)."""
    return national_holidays({y for year in years for y in (year, year + 1)})


async def _start(
    period: Period,
    *,
    allow_past: bool,
    print_: str,
    actor: Actor,
    ctx: Context,
    session: Session,
    response: Response,
    request_id: RequestId,
    idempotency_key: IdempotencyKey,
) -> Any:
    remembered = await remembered_answer(
        session, actor.subject, idempotency_key, print_, lambda _: f"/periods/{period.period_id}"
    )
    if remembered is not None:
        return remembered
    refuse_unfit_schedule(period, allow_past=allow_past, ctx=ctx)
    if await organisation.count_active(session) == 0:
        raise Problem("wrong-state", "Belum ada pegawai aktif; impor organisasi terlebih dahulu")
    workflow_id = cycle_workflow_id(period.period_id)
    response.headers["Location"] = f"/periods/{period.period_id}"
    await start_once(
        ctx.temporal,
        CycleWorkflow.run,
        CycleInput(period=period, started_by=actor.subject, request_id=request_id),
        workflow_id=workflow_id,
        task_queue=ctx.task_queue,
        key=idempotency_key,
        print_=print_,
        conflict=Problem(
            "already-exists",
            f"Periode {period.period_id} sudah dimulai; tidak ada yang dimulai ulang",
            period_id=period.period_id,
        ),
    )
    started = PeriodStarted(period_id=period.period_id, workflow_id=workflow_id, status="starting")
    await remember_answer(session, actor.subject, idempotency_key, print_, 201, started)
    return started


def refuse_unfit_schedule(period: Period, *, allow_past: bool, ctx: Context) -> None:
    issues = schedule_issues(
        period,
        now=datetime.now(UTC),
        minimum_pacing=ctx.minimum_pacing,
        allow_past=allow_past,
    )
    if issues:
        raise Problem(
            "validation-error",
            "Jadwal periode tidak dapat dipakai; periksa isian yang ditandai",
            errors=[{"field": f"body.{issue.field}", "message": issue.message} for issue in issues],
        )


@router.get("/{period_id}")
async def get_period(
    period_id: PeriodId, actor: HrAuditorOrTimPenilai, session: Session
) -> PeriodView:
    """Counts per stage (HR and auditor: all; tim penilai: their own agency)."""
    period = await periods.get_period(session, period_id)
    if period is None:
        raise Problem("not-found", f"Periode {period_id} tidak ditemukan")
    agency = await visible_agency(session, actor)
    counts = await appraisals.count_by_stage(session, period_id, agency_code=agency)
    return PeriodView(
        period_id=period.id,
        name=period.name,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        status=period.status,
        employees_started=period.employees_started,
        total=sum(counts.values()),
        stages={stage: counts.get(stage.value, 0) for stage in Stage},
    )


async def visible_agency(session: Session, actor: Actor) -> str | None:
    """Whose appraisals a period reader counts: None for HR and the auditor (all), the
    agency of a tim penilai (refused, 403, when they have none)."""
    if actor.has(Role.HR_ADMIN) or actor.has(Role.AUDITOR):
        return None
    agency = await actor_agency(session, actor)
    if agency is None:
        raise Problem("forbidden", "Tim penilai tanpa OPD tidak dapat melihat periode")
    return agency


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
