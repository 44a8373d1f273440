"""HR's deadline extensions on the web (``/periode/{id}/perpanjangan``): one deadline of
the period's schedule moved for one person, a unit, an agency or everyone, to a new date
and time in WIB, with a reason. One person is the appraisal's own extend command (as
``POST /appraisals/.../deadlines/{key}/extend``) and the page goes on to that appraisal;
the rest start the same durable batch as ``POST /periods/{id}/extensions``
(``api.extension_service``), whose progress page polls itself while it runs."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api import extension_service
from api.commands import CommandSender
from api.deps import Session, context
from api.paths import CODE_PATTERN, PeriodId
from api.problems import Problem
from api.roles import require_role
from api.schemas import ExtensionStatus, PeriodExtensionBody
from domain.administrasi import ExtendDeadline
from domain.deadlines import schedule_deadlines
from domain.nip import is_valid_nip
from domain.roles import Role
from domain.schedule import Period, PeriodSchedule
from persistence.repositories import periods
from web.appraisal_page import read_form
from web.forms import PYDANTIC_PREFIX, FormErrors
from web.i18n import DISPLAY_ZONE
from web.page import page_context
from web.route import HtmlRoute, problem_text
from web.sessions import Caller, PostingCaller, WebCaller
from web.templating import is_htmx, render
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
SCOPES = ("orang", "unit", "opd", "semua")  # one person, a unit, an agency, everyone
INVALID = "Periksa kembali isian yang ditandai"
NO_PERIOD = "Periode {period_id} tidak ditemukan"
CHOOSE_SCOPE = "Pilih untuk siapa batas waktu diperpanjang"
NEED_NIP = "Isi NIP 18 angka pegawai yang bersangkutan"
NEED_CODE = "Isi kode seperti pada data organisasi, misalnya DINKES"
CHOOSE_DEADLINE = "Pilih batas waktu dari jadwal periode ini"
NEED_DATE = "Isi tanggal, misalnya 2027-02-15"
NEED_TIME = "Isi jam, misalnya 16:00"
NEED_REASON = "Tuliskan alasan (paling sedikit 3 huruf)"
DEFAULT_TIME = "16:00"
EXTENSION_ID = r"^extension-[a-z0-9-]{1,100}$"


def _caller_with(*roles: Role) -> Callable[[WebCaller], Awaitable[WebCaller]]:
    async def caller(found: Caller) -> WebCaller:
        require_role(found.actor, *roles)
        return found

    return caller


async def _hr_poster(found: PostingCaller) -> WebCaller:
    require_role(found.actor, Role.HR_ADMIN)
    return found


HrPage = Annotated[WebCaller, Depends(_caller_with(Role.HR_ADMIN))]
HrPost = Annotated[WebCaller, Depends(_hr_poster)]  # CSRF checked
ProgressReader = Annotated[WebCaller, Depends(_caller_with(Role.HR_ADMIN, Role.AUDITOR))]
ExtensionId = Annotated[str, Path(pattern=EXTENSION_ID)]


async def _schedule(db: AsyncSession, period_id: str) -> PeriodSchedule:
    """The period's schedule with its check-in dues written out, or 404."""
    row = await periods.get_period(db, period_id)
    if row is None:
        raise Problem("not-found", NO_PERIOD.format(period_id=period_id))
    period = Period(
        period_id=row.id,
        name=row.name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        schedule=PeriodSchedule.model_validate(row.schedule),
    )
    return period.resolved_schedule()


@dataclass(frozen=True)
class ExtensionRequest:
    """What the form asks for, read: whom (``scope`` and its code or NIP), which
    deadline, until when, and why."""

    scope: str
    target: str | None
    deadline: str
    new_due: datetime
    reason: str


def read_extension(form: dict[str, str], deadlines: set[str]) -> ExtensionRequest | FormErrors:
    errors = FormErrors()
    scope = form.get("cakupan", "")
    target: str | None = None
    if scope not in SCOPES:
        errors.fields["cakupan"] = CHOOSE_SCOPE
    elif scope == "orang":
        target = form.get("nip", "").strip()
        if not is_valid_nip(target):
            errors.fields["nip"] = NEED_NIP
    elif scope in ("unit", "opd"):
        field = "unit_code" if scope == "unit" else "agency_code"
        target = form.get(field, "").strip()
        if not _is_code(target):
            errors.fields[field] = NEED_CODE
    deadline = form.get("deadline", "")
    if deadline not in deadlines:
        errors.fields["deadline"] = CHOOSE_DEADLINE
    new_due = _moment(form, errors)
    reason = form.get("alasan", "").strip()
    if len(reason) < 3:
        errors.fields["alasan"] = NEED_REASON
    if errors or new_due is None:
        return errors
    return ExtensionRequest(scope, target, deadline, new_due, reason)


def _is_code(text: str) -> bool:
    return re.fullmatch(CODE_PATTERN, text) is not None


def _moment(form: dict[str, str], errors: FormErrors) -> datetime | None:
    """The date and time typed, as a moment in WIB."""
    try:
        day = date.fromisoformat(form.get("tanggal", "").strip())
    except ValueError:
        errors.fields["tanggal"] = NEED_DATE
        return None
    try:
        hour = time.fromisoformat(form.get("jam", "").strip() or DEFAULT_TIME)
    except ValueError:
        errors.fields["jam"] = NEED_TIME
        return None
    return datetime.combine(day, hour.replace(tzinfo=None), tzinfo=DISPLAY_ZONE)


async def _form_page(
    request: Request,
    db: AsyncSession,
    caller: WebCaller,
    period_id: str,
    schedule: PeriodSchedule,
    *,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    problem: Problem | None = None,
) -> Response:
    status_code, shown = 200, None
    if problem is not None:
        status_code, title, detail = problem_text(request, problem)
        shown = {"title": title, "detail": detail}
    page = {
        **await page_context(db, caller),
        "period_id": period_id,
        "deadlines": schedule_deadlines(schedule),
        "scopes": SCOPES,
        "form": form or {"cakupan": "semua", "jam": DEFAULT_TIME},
        "errors": errors or FormErrors(),
        "problem": shown,
    }
    return render(request, "perpanjangan.html", page, status_code=status_code)


@router.get("/periode/{period_id}/perpanjangan")
async def extension_form(
    request: Request, period_id: PeriodId, caller: HrPage, db: Session
) -> Response:
    schedule = await _schedule(db, period_id)
    return await _form_page(request, db, caller, period_id, schedule)


@router.post("/periode/{period_id}/perpanjangan")
async def extend(request: Request, period_id: PeriodId, caller: HrPost, db: Session) -> Response:
    schedule = await _schedule(db, period_id)
    form = await read_form(request)
    deadlines = {key for key, _ in schedule_deadlines(schedule)}
    read = read_extension(form, deadlines)
    page = (request, db, caller, period_id, schedule)
    if isinstance(read, FormErrors):
        return await _form_page(*page, form=form, errors=read, problem=_invalid())
    request_id = getattr(request.state, "request_id", None)
    try:
        if read.scope == "orang" and read.target is not None:
            command = ExtendDeadline(
                deadline=read.deadline, new_due=read.new_due, reason=read.reason
            )
            sender = CommandSender(
                context(request), db, caller.actor, request_id, required_roles=(Role.HR_ADMIN,)
            )
            await sender.send(period_id, read.target, AppraisalWorkflow.extend_deadline, command)
            return RedirectResponse(f"/penilaian/{period_id}/{read.target}", status_code=303)
        body = _batch_body(read)
        if isinstance(body, FormErrors):
            return await _form_page(*page, form=form, errors=body, problem=_invalid())
        started: ExtensionStatus = await extension_service.start_extension(
            period_id,
            body,
            actor=caller.actor,
            ctx=context(request),
            session=db,
            request_id=request_id,
        )
    except Problem as problem:
        return await _form_page(*page, form=form, problem=problem)
    target = f"/periode/{period_id}/perpanjangan/{started.extension_id}"
    return RedirectResponse(target, status_code=303)


def _invalid() -> Problem:
    return Problem("validation-error", INVALID)


def _batch_body(read: ExtensionRequest) -> PeriodExtensionBody | FormErrors:
    try:
        return PeriodExtensionBody.model_validate(
            {
                "deadline": read.deadline,
                "new_due": read.new_due.isoformat(),  # an Instant is sent as ISO text
                "reason": read.reason,
                "agency_code": read.target if read.scope == "opd" else None,
                "unit_code": read.target if read.scope == "unit" else None,
            }
        )
    except ValidationError as error:
        errors = FormErrors()
        fields = {"new_due": "tanggal", "reason": "alasan"}
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "alasan"
            message = str(item["msg"]).removeprefix(PYDANTIC_PREFIX)
            errors.fields.setdefault(fields.get(name, name), message)
        return errors


@router.get("/periode/{period_id}/perpanjangan/{extension_id}")
async def extension_progress(
    request: Request,
    period_id: PeriodId,
    extension_id: ExtensionId,
    caller: ProgressReader,
    db: Session,
) -> Response:
    """The batch's tally; while it runs the block polls itself (htmx asks for the block
    alone), and a reload link serves a browser without JavaScript."""
    status = await extension_service.extension_status(context(request), period_id, extension_id)
    shown = {"period_id": period_id, "status": status}
    if is_htmx(request):
        return render(request, "perpanjangan_kemajuan.html", shown, block="kemajuan")
    page = {**await page_context(db, caller), **shown}
    return render(request, "perpanjangan_kemajuan.html", page)
