"""A period's exports on the web (``/periode/{id}/ekspor``): the appraisals as CSV or
XLSX (one sheet, or one per agency), optionally of one agency or unit, downloaded with
the session. The file is the API's export (``api.export_service``): the same scope, row
limit, columns and audit event, called with the person at the browser."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from api import export_service, period_service
from api.deps import Session, context
from api.export_service import ExportFormat, SheetLayout
from api.paths import CODE_PATTERN, PeriodId
from api.problems import Problem
from api.rate_limits import limiters
from api.roles import require_role
from domain.roles import Role
from persistence.repositories.appraisal_lists import AppraisalFilter
from web.forms import FormErrors
from web.page import page_context
from web.route import HtmlRoute, problem_text
from web.sessions import Caller, WebCaller
from web.templating import render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
FILES: dict[str, tuple[ExportFormat, SheetLayout]] = {
    "csv": ("csv", "one"),
    "xlsx": ("xlsx", "one"),
    "xlsx-opd": ("xlsx", "agency"),
}
INVALID = "Periksa kembali isian yang ditandai"
NOT_A_CODE = "Isi kode seperti pada data organisasi, misalnya DINKES, atau kosongkan"
CHOOSE_FILE = "Pilih jenis berkas"


async def _reader(found: Caller) -> WebCaller:
    require_role(found.actor, Role.HR_ADMIN, Role.AUDITOR, Role.TIM_PENILAI)
    return found


ExportReader = Annotated[WebCaller, Depends(_reader)]


async def _page(
    request: Request,
    db: Session,
    caller: WebCaller,
    period_id: str,
    *,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    view = await period_service.period_view(db, caller.actor, period_id)  # 404, or 403
    status_code, shown = 200, None
    if errors:
        status_code, title, detail = problem_text(request, Problem("validation-error", INVALID))
        shown = {"title": title, "detail": detail}
    page: dict[str, Any] = {
        **await page_context(db, caller),
        "view": view,
        "form": form or {},
        "errors": errors or FormErrors(),
        "problem": shown,
    }
    return render(request, "ekspor.html", page, status_code=status_code)


@router.get("/periode/{period_id}/ekspor")
async def export_page(
    request: Request, period_id: PeriodId, caller: ExportReader, db: Session
) -> Response:
    return await _page(request, db, caller, period_id)


@router.get("/periode/{period_id}/ekspor/unduh", response_model=None)
async def download(
    request: Request, period_id: PeriodId, caller: ExportReader, db: Session
) -> Response:
    """The file; what cannot be read sends the person back to the form, marked."""
    query = request.query_params
    form = {name: query.get(name, "").strip() for name in ("agency_code", "unit_code", "berkas")}
    errors = FormErrors()
    for name in ("agency_code", "unit_code"):
        if form[name] and not re.fullmatch(CODE_PATTERN, form[name]):
            errors.fields[name] = NOT_A_CODE
    if form["berkas"] not in FILES:
        errors.fields["berkas"] = CHOOSE_FILE
    if errors:
        return await _page(request, db, caller, period_id, form=form, errors=errors)
    await period_service.period_view(db, caller.actor, period_id)  # 404 for no such period
    format, sheets = FILES[form["berkas"]]
    found = limiters(request)
    exported = await export_service.export_appraisals(
        db,
        caller.actor,
        AppraisalFilter(
            period_id=period_id,
            agency_code=form["agency_code"] or None,
            unit_code=form["unit_code"] or None,
        ),
        format=format,
        sheets=sheets,
        request_id=getattr(request.state, "request_id", None),
        row_limit=context(request).export_row_limit,
        limiter=found.exports if found else None,
    )
    return StreamingResponse(
        exported.chunks,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
