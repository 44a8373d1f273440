"""What the period operations do, for both faces: the JSON routes (``api.routes.periods``)
and the web's pages (``web.routes.periods``) call these, so a period is listed, previewed,
opened and read one way and a refusal is the same problem on both."""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.access import actor_agency
from api.deps import ApiContext
from api.holidays import national_holidays
from api.idempotency import fingerprint, remember_answer, remembered_answer, start_once
from api.messages import english
from api.period_closure import closure_note
from api.problems import Problem
from api.schemas import (
    PeriodFromYear,
    PeriodListItem,
    PeriodPage,
    PeriodPreview,
    PeriodRequest,
    PeriodStarted,
    PeriodView,
    PreviewRefusal,
    ScheduleWarningView,
)
from domain.appraisal import Actor
from domain.roles import Role
from domain.schedule import Period, schedule_issues
from domain.schedule_warnings import schedule_warnings
from domain.stages import Stage
from persistence.repositories import appraisals, organisation, periods
from workflows.contracts import CycleInput
from workflows.cycle import CycleWorkflow
from workflows.ids import cycle_workflow_id

NOBODY_ACTIVE = "Belum ada pegawai aktif; impor organisasi terlebih dahulu"


def period_location(period_id: str) -> str:
    return f"/periods/{period_id}"


async def visible_agency(session: AsyncSession, actor: Actor) -> str | None:
    """Whose appraisals a period reader counts: None for HR and the auditor (all), the
    agency of a tim penilai (refused, 403, when they have none)."""
    if actor.has(Role.HR_ADMIN) or actor.has(Role.AUDITOR):
        return None
    agency = await actor_agency(session, actor)
    if agency is None:
        raise Problem("forbidden", "Tim penilai tanpa OPD tidak dapat melihat periode")
    return agency


async def period_page(
    session: AsyncSession, actor: Actor, *, limit: int, offset: int
) -> PeriodPage:
    """Every period, newest first, with its status and appraisal counts per stage."""
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
            closure=closure_note(row),
            created_at=row.created_at,
        )
        for row in rows
    ]
    return PeriodPage(total=total, limit=limit, offset=offset, items=items)


async def period_view(session: AsyncSession, actor: Actor, period_id: str) -> PeriodView:
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
        closure=closure_note(period),
    )


def holidays_around(*years: int) -> dict[date, str]:
    """National holidays of ``years`` and the year after each (tindak lanjut is due in
    the next year's March)."""
    return national_holidays({y for year in years for y in (year, year + 1)})


def period_of(body: PeriodRequest | PeriodFromYear) -> Period:
    """The period a body describes; a year-only one on the customary schedule, every due
    moved off the national holidays."""
    if isinstance(body, PeriodFromYear):
        return body.period(non_working=holidays_around(body.year))
    return body.period()


async def preview_period(
    body: PeriodRequest | PeriodFromYear, *, ctx: ApiContext, session: AsyncSession
) -> PeriodPreview:
    """What opening this period would do, starting nothing: the resolved period, how
    many active employees it includes, warnings, and the refusals starting it would meet
    now."""
    period = period_of(body)
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
        refusals.append(("body", NOBODY_ACTIVE))
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


def refuse_unfit_schedule(period: Period, *, allow_past: bool, ctx: ApiContext) -> None:
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


def start_fingerprint(actor: Actor, body: PeriodRequest | PeriodFromYear) -> str:
    """What an Idempotency-Key is bound to: the full period, or the year-only body as
    sent."""
    if isinstance(body, PeriodFromYear):
        return fingerprint(actor.subject, {"from_year": body.model_dump(mode="json")})
    return fingerprint(actor.subject, body.period().model_dump(mode="json"))


async def open_period(
    body: PeriodRequest | PeriodFromYear,
    *,
    actor: Actor,
    ctx: ApiContext,
    session: AsyncSession,
    request_id: str | None,
    idempotency_key: str | None = None,
) -> Any:
    """Open a period: one appraisal workflow per active employee (the caller's role is
    checked by the caller). Answers ``PeriodStarted``, or the remembered answer when the
    Idempotency-Key was seen with this body. Refused (422) for an unfit schedule, (409)
    with nobody active or when the period exists."""
    period = period_of(body)
    print_ = start_fingerprint(actor, body)
    remembered = await remembered_answer(
        session, actor.subject, idempotency_key, print_, lambda _: period_location(period.period_id)
    )
    if remembered is not None:
        return remembered
    refuse_unfit_schedule(period, allow_past=body.allow_past, ctx=ctx)
    if await organisation.count_active(session) == 0:
        raise Problem("wrong-state", NOBODY_ACTIVE)
    workflow_id = cycle_workflow_id(period.period_id)
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
