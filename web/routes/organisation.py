"""The organisation in the web: the agencies and their units, a unit with its heads and
people, a person with the chain of supervisors above and the direct reports below, and
HR's two ways of changing it: a mutasi from a person's page (a new pejabat penilai for
one open appraisal) and a roster upload (a dry run shown row by row or as the change it
makes, then applied). Every page calls the JSON API's own services
(``api.organisation_service``, ``api.mutasi``, ``api.roster_uploads``), so the scope, the
checks and the refusals are written once."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from api import mutasi, roster_uploads
from api import organisation_service as service
from api.commands import CommandSender
from api.deps import Session, context
from api.paths import Nip, UnitCode
from api.problems import Problem
from api.roles import require_role
from api.roster_uploads import RosterUploadAnswer
from domain.administrasi import ChangeSupervisor
from domain.nip import NipError, parse_nip
from domain.notices import STEP_TITLES
from domain.roles import Role
from persistence.repositories import roster_changes
from persistence.repositories.organisation import names_of
from web.forms import FormErrors
from web.page import page_context
from web.route import HtmlRoute, problem_text
from web.sessions import Caller, PostingCaller, WebCaller
from web.templating import render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
IMPORT_PATH = "/organisasi/impor"
UNIT_PAGE = 500
INVALID = "Periksa kembali isian yang ditandai"
NO_FILE = "Pilih berkas daftar pegawai (.csv atau .xlsx)"
PICK_PERIOD = "Pilih penilaian yang dialihkan"
NOT_A_NIP = "Isi NIP atasan baru (18 angka)"
SHORT_REASON = "Tuliskan alasan mutasi (paling sedikit 3 huruf)"
UploadId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


async def _hr_page(found: Caller) -> WebCaller:
    require_role(found.actor, Role.HR_ADMIN)
    return found


async def _hr_post(found: PostingCaller) -> WebCaller:
    require_role(found.actor, Role.HR_ADMIN)
    return found


HrPage = Annotated[WebCaller, Depends(_hr_page)]
HrPost = Annotated[WebCaller, Depends(_hr_post)]  # CSRF checked


def _request_id(request: Request) -> str | None:
    found: str | None = getattr(request.state, "request_id", None)
    return found


def _shown(request: Request, problem: Problem) -> tuple[int, dict[str, str]]:
    status, title, detail = problem_text(request, problem)
    return status, {"title": title, "detail": detail}


@router.get("/organisasi")
async def agencies_page(request: Request, caller: Caller, db: Session) -> Response:
    """The agencies the caller may see, each with the units they may open."""
    listed = await service.agencies(db, caller.actor)
    units = await service.visible_units(db, caller.actor)
    by_agency: dict[str, list[Any]] = {}
    for unit in units:
        by_agency.setdefault(unit.agency_code, []).append(unit)
    page = {**await page_context(db, caller), "agencies": listed.items, "units": by_agency}
    return render(request, "organisasi.html", page)


@router.get("/organisasi/unit/{unit_code}")
async def unit_page(
    request: Request, unit_code: UnitCode, caller: Caller, db: Session, mulai: int = 0
) -> Response:
    offset = max(0, min(mulai, 1_000_000))
    unit = await service.unit_view(db, caller.actor, unit_code, limit=UNIT_PAGE, offset=offset)
    page = {**await page_context(db, caller), "unit": unit, "page_size": UNIT_PAGE}
    return render(request, "organisasi_unit.html", page)


async def _person(
    request: Request,
    db: AsyncSession,
    caller: WebCaller,
    nip: str,
    *,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    problem: Problem | None = None,
    done: str | None = None,
) -> Response:
    person = await service.person_view(db, caller.actor, nip)
    hr = caller.actor.has(Role.HR_ADMIN)
    appraisals = await roster_changes.open_appraisals_of(db, [nip]) if hr else []
    supervisors = [row.supervisor_nip for row in appraisals if row.supervisor_nip]
    status_code, shown = 200, None
    if problem is not None:
        status_code, shown = _shown(request, problem)
    page = {
        **await page_context(db, caller),
        "person": person,
        "hr": hr,
        "appraisals": appraisals,
        "names": await names_of(db, supervisors),
        "form": form or {},
        "errors": errors or FormErrors(),
        "problem": shown,
        "done": done,
    }
    return render(request, "organisasi_orang.html", page, status_code=status_code)


@router.get("/organisasi/orang/{nip}")
async def person_page(
    request: Request, nip: Nip, caller: Caller, db: Session, mutasi: str | None = None
) -> Response:
    return await _person(request, db, caller, nip, done=mutasi)


def _read_mutasi(form: dict[str, str]) -> ChangeSupervisor | FormErrors:
    errors = FormErrors()
    if not form.get("period_id"):
        errors.fields["period_id"] = PICK_PERIOD
    try:
        new_supervisor = parse_nip(form.get("atasan_baru", ""))
    except NipError:
        errors.fields["atasan_baru"] = NOT_A_NIP
    if len(form.get("alasan", "")) < 3:
        errors.fields["alasan"] = SHORT_REASON
    if errors:
        return errors
    try:
        return ChangeSupervisor(new_supervisor_nip=new_supervisor, reason=form["alasan"])
    except ValidationError:
        errors.fields["alasan"] = SHORT_REASON
        return errors


@router.post("/organisasi/orang/{nip}/mutasi")
async def record_mutasi(request: Request, nip: Nip, caller: HrPost, db: Session) -> Response:
    """A new pejabat penilai for one open appraisal of this person: the same service as
    ``POST /appraisals/{period}/{nip}/supervisor``, its refusal shown beside the form."""
    raw = await request.form()
    form = {
        name: value.strip()
        for name in ("period_id", "atasan_baru", "alasan")
        if isinstance(value := raw.get(name), str)
    }
    body = _read_mutasi(form)
    if isinstance(body, FormErrors):
        refusal = Problem("validation-error", INVALID)
        return await _person(request, db, caller, nip, form=form, errors=body, problem=refusal)
    sender = CommandSender(
        context(request), db, caller.actor, _request_id(request), required_roles=(Role.HR_ADMIN,)
    )
    try:
        await mutasi.change_supervisor(sender, form["period_id"], nip, body)
    except Problem as problem:
        return await _person(request, db, caller, nip, form=form, problem=problem)
    return RedirectResponse(
        f"/organisasi/orang/{nip}?mutasi={form['period_id']}#penilaian", status_code=303
    )


async def _import_page(
    request: Request,
    frame: dict[str, Any],
    *,
    answer: RosterUploadAnswer | None = None,
    problem: Problem | None = None,
) -> Response:
    status_code, shown = (422 if answer is not None and answer.errors else 200), None
    if problem is not None:
        status_code, shown = _shown(request, problem)
    page = {
        **frame,
        "answer": answer,
        "problem": shown,
        "step_titles": STEP_TITLES,
    }
    return render(request, "organisasi_impor.html", page, status_code=status_code)


@router.get(IMPORT_PATH)
async def import_form(request: Request, caller: HrPage, db: Session) -> Response:
    return await _import_page(request, await page_context(db, caller))


@router.post(IMPORT_PATH)
async def import_preview(request: Request, caller: HrPost, db: Session) -> Response:
    """The dry run: every bad row against its spreadsheet row and column, or the change
    the file makes with the button that applies it. The page's frame is read first: a
    refused import rolls its transaction back, which expires what the session loaded."""
    frame = await page_context(db, caller)
    form = await request.form()
    upload, sheet = form.get("berkas"), form.get("lembar")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _import_page(request, frame, problem=Problem("validation-error", NO_FILE))
    ctx = context(request)
    data = await upload.read(ctx.roster_limits.max_file_bytes + 1)
    try:
        answer = await roster_uploads.upload(
            ctx,
            db,
            caller.actor,
            _request_id(request),
            data=data,
            name=upload.filename,
            sheet=(sheet.strip()[:100] or None) if isinstance(sheet, str) else None,
            dry_run=True,
        )
    except Problem as problem:
        return await _import_page(request, frame, problem=problem)
    return await _import_page(request, frame, answer=answer)


@router.post(IMPORT_PATH + "/{upload_id}/terapkan")
async def import_apply(
    request: Request, upload_id: UploadId, caller: HrPost, db: Session
) -> Response:
    """Apply the dry run just shown, exactly; refused once the organisation changed."""
    frame = await page_context(db, caller)
    try:
        answer = await roster_uploads.apply(
            context(request), db, caller.actor, _request_id(request), upload_id
        )
    except Problem as problem:
        return await _import_page(request, frame, problem=problem)
    return await _import_page(request, frame, answer=answer)
