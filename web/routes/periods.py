"""HR's period pages: the list, the wizard that opens one (year → preview of the schedule,
the people included, the warnings and refusals → open), a period's progress while it
starts, and closing a period opened by mistake (a reason and a confirmation, then the
closure's progress, then who closed it, when and why). Every step calls the same service
as the JSON API (``api.period_service``, ``api.period_closure``), so the schedule is
derived and a refusal is written once; who may do what is declared in each route's
signature."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api import period_closure, period_service
from api.deps import Session, context
from api.messages import english
from api.paths import PeriodId
from api.problems import Problem
from api.roles import require_role
from api.schemas import ClosureStatus, PeriodFromYear, PeriodPreview, PeriodView
from domain.customary_schedule import FIRST_YEAR, LAST_YEAR
from domain.period_closure import CLOSING, ClosePeriod, is_closed
from domain.roles import Role
from domain.schedule import MonitoringFrequency
from persistence.repositories import organisation, periods
from persistence.repositories.organisation import names_of
from web import i18n
from web.forms import PYDANTIC_PREFIX, FormErrors
from web.page import page_context
from web.route import HtmlRoute, problem_text
from web.sessions import Caller, PostingCaller, WebCaller
from web.templating import is_htmx, render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
LIST_LIMIT = 100
FIELDS = ("period_id", "year", "name", "monitoring_frequency", "briefing")
INVALID = "Periksa kembali isian yang ditandai"
NOT_A_YEAR = "Isi tahun dengan empat angka, misalnya 2028"
NOT_AN_ID = "Gunakan huruf kecil, angka dan tanda hubung (paling banyak 40), misalnya 2028"
READERS = (Role.HR_ADMIN, Role.AUDITOR, Role.TIM_PENILAI)
CLOSE_FIELDS = ("alasan", "mengerti")
NO_REASON = "Tuliskan alasan penutupan (3 sampai 1000 huruf)"
NOT_CONFIRMED = "Centang pernyataan ini untuk menutup periode"


def _caller_with(*roles: Role) -> Callable[[WebCaller], Awaitable[WebCaller]]:
    async def caller(found: Caller) -> WebCaller:
        require_role(found.actor, *roles)
        return found

    return caller


def _poster_with(*roles: Role) -> Callable[[WebCaller], Awaitable[WebCaller]]:
    async def poster(found: PostingCaller) -> WebCaller:
        require_role(found.actor, *roles)
        return found

    return poster


PeriodReader = Annotated[WebCaller, Depends(_caller_with(*READERS))]
HrPage = Annotated[WebCaller, Depends(_caller_with(Role.HR_ADMIN))]
HrPost = Annotated[WebCaller, Depends(_poster_with(Role.HR_ADMIN))]  # CSRF checked


async def _typed(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: value.strip() for name in FIELDS if isinstance(value := form.get(name), str)}


def read_period(form: dict[str, str]) -> PeriodFromYear | FormErrors:
    """The wizard's fields as the year-only body of ``POST /periods/from-year``; the id
    is the year unless another is typed."""
    errors = FormErrors()
    year = form.get("year", "")
    if not (year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR):
        errors.fields["year"] = NOT_A_YEAR
        return errors
    data: dict[str, Any] = {
        "period_id": form.get("period_id") or year,
        "year": int(year),
        "monitoring_frequency": form.get("monitoring_frequency") or MonitoringFrequency.TRIWULAN,
    }
    for name in ("name", "briefing"):
        if form.get(name):
            data[name] = form[name]
    try:
        return PeriodFromYear.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "year"
            message = NOT_AN_ID if name == "period_id" else str(item["msg"])
            errors.fields.setdefault(name, message.removeprefix(PYDANTIC_PREFIX))
        return errors


async def _wizard(
    request: Request,
    caller: WebCaller,
    db: Session,
    *,
    form: dict[str, str] | None = None,
    preview: PeriodPreview | None = None,
    errors: FormErrors | None = None,
    problem: Problem | None = None,
) -> Response:
    status_code, shown = 200, None
    if problem is not None:
        status_code, title, detail = problem_text(request, problem)
        english_page = i18n.locale_of(request) == "en"
        listed = problem.extensions.get("errors")
        shown = {
            "title": title,
            "detail": detail,
            "errors": [
                english(str(item.get("message", ""))) if english_page else item.get("message", "")
                for item in (listed if isinstance(listed, list) else [])
                if isinstance(item, dict)
            ],
        }
    return render(
        request,
        "periode_baru.html",
        {
            **await page_context(db, caller),
            "form": form or {},
            "errors": errors or FormErrors(),
            "problem": shown,
            "preview": preview,
            "english": i18n.locale_of(request) == "en",
            "frequencies": list(MonitoringFrequency),
            "first_year": FIRST_YEAR,
            "last_year": LAST_YEAR,
        },
        status_code=status_code,
    )


@router.get("/periode")
async def period_list(request: Request, caller: PeriodReader, db: Session) -> Response:
    page = await period_service.period_page(db, caller.actor, limit=LIST_LIMIT, offset=0)
    return render(
        request,
        "periode_daftar.html",
        {**await page_context(db, caller), "page": page},
    )


async def _unreadable(
    request: Request, caller: WebCaller, db: Session, form: dict[str, str], errors: FormErrors
) -> Response:
    """The wizard again, each unreadable field marked and what was typed kept (422)."""
    problem = Problem("validation-error", INVALID)
    return await _wizard(request, caller, db, form=form, errors=errors, problem=problem)


@router.get("/periode/baru")
async def new_period(request: Request, caller: HrPage, db: Session) -> Response:
    return await _wizard(request, caller, db)


@router.post("/periode/baru/pratinjau")
async def preview_new_period(request: Request, caller: HrPost, db: Session) -> Response:
    """Step 2: what opening would do, starting nothing."""
    form = await _typed(request)
    body = read_period(form)
    if isinstance(body, FormErrors):
        return await _unreadable(request, caller, db, form, body)
    try:
        preview = await period_service.preview_period(body, ctx=context(request), session=db)
    except Problem as problem:
        return await _wizard(request, caller, db, form=form, problem=problem)
    return await _wizard(request, caller, db, form=form, preview=preview)


@router.post("/periode/baru")
async def open_new_period(request: Request, caller: HrPost, db: Session) -> Response:
    """Step 3: open it, then watch it start."""
    form = await _typed(request)
    body = read_period(form)
    if isinstance(body, FormErrors):
        return await _unreadable(request, caller, db, form, body)
    try:
        await period_service.open_period(
            body,
            actor=caller.actor,
            ctx=context(request),
            session=db,
            request_id=getattr(request.state, "request_id", None),
        )
    except Problem as problem:
        return await _wizard(request, caller, db, form=form, problem=problem)
    return RedirectResponse(f"/periode/{body.period_id}?baru=1", status_code=303)


@router.get("/periode/{period_id}")
async def period_page(
    request: Request, period_id: PeriodId, caller: PeriodReader, db: Session, baru: bool = False
) -> Response:
    """Status and counts; while it starts or closes, the progress block polls itself
    (htmx asks for that block alone). ``baru`` is set by the wizard's redirect: the
    period's row is written by its workflow a moment after it is opened, so until then
    the page says it is being recorded instead of answering 404."""
    return await _period(request, period_id, caller, db, baru=baru)


async def _period(
    request: Request,
    period_id: str,
    caller: WebCaller,
    db: Session,
    *,
    baru: bool = False,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    problem: Problem | None = None,
) -> Response:
    try:
        view: PeriodView | None = await period_service.period_view(db, caller.actor, period_id)
    except Problem as not_found:
        if not_found.kind != "not-found" or not baru:
            raise
        view = None
    if view is None or view.status == "starting":
        expected = await organisation.count_active(db)
    else:
        expected = view.total
    started = view.employees_started if view else 0
    shown: dict[str, Any] = {
        "view": view,
        "period_id": period_id,
        "expected": max(expected, started),
        **await _closure_shown(request, db, caller, view),
    }
    if is_htmx(request):
        return render(request, "periode.html", shown, block="kemajuan")
    status_code, refused = 200, None
    if problem is not None:
        status_code, title, detail = problem_text(request, problem)
        refused = {"title": title, "detail": detail}
    page = {
        **await page_context(db, caller),
        **shown,
        "form": form or {},
        "errors": errors or FormErrors(),
        "problem": refused,
    }
    return render(request, "periode.html", page, status_code=status_code)


async def _closure_shown(
    request: Request, db: Session, caller: WebCaller, view: PeriodView | None
) -> dict[str, Any]:
    """What the page says of closing: HR's form, or why it cannot be closed; while it
    closes, the closure's progress (HR and the auditor); once closed, who, when, why."""
    actor = caller.actor
    closure: ClosureStatus | None = None
    refusal: str | None = None
    if view is not None and is_closed(view.status):
        if view.status == CLOSING and (actor.has(Role.HR_ADMIN) or actor.has(Role.AUDITOR)):
            closure = await period_closure.closure_status(
                view.period_id, ctx=context(request), session=db
            )
    elif view is not None and actor.has(Role.HR_ADMIN):
        row = await periods.get_period(db, view.period_id)
        refusal = await period_closure.closure_refusal(db, row) if row else None
        if refusal is not None and i18n.locale_of(request) == "en":
            refusal = english(refusal)
    note = view.closure if view else None
    return {
        "closure": closure,
        "closure_note": note,
        "closer_name": (await names_of(db, [note.closed_by])).get(note.closed_by) if note else None,
        "may_close": view is not None and actor.has(Role.HR_ADMIN) and not is_closed(view.status),
        "close_refusal": refusal,
    }


def read_closure(form: dict[str, str]) -> ClosePeriod | FormErrors:
    """The closing form: a reason, and the box ticked that says HR understands."""
    errors = FormErrors()
    if form.get("mengerti") != "ya":
        errors.fields["mengerti"] = NOT_CONFIRMED
    try:
        body = ClosePeriod(reason=form.get("alasan", ""))
    except ValidationError:
        errors.fields["alasan"] = NO_REASON
        return errors
    return errors if errors else body


@router.post("/periode/{period_id}/tutup")
async def close_period(
    request: Request, period_id: PeriodId, caller: HrPost, db: Session
) -> Response:
    """Close the period, then watch the closure on its page; a refusal (a result already
    delivered, already closed) is shown on the page in words."""
    raw = await request.form()
    form = {
        name: value for name in ("alasan", "mengerti") if isinstance(value := raw.get(name), str)
    }
    body = read_closure(form)
    if isinstance(body, FormErrors):
        invalid = Problem("validation-error", INVALID)
        return await _period(
            request, period_id, caller, db, form=form, errors=body, problem=invalid
        )
    try:
        await period_closure.close_period(
            period_id,
            body,
            actor=caller.actor,
            ctx=context(request),
            session=db,
            request_id=getattr(request.state, "request_id", None),
        )
    except Problem as refused:
        if refused.kind == "not-found":
            raise
        return await _period(request, period_id, caller, db, form=form, problem=refused)
    return RedirectResponse(f"/periode/{period_id}", status_code=303)
