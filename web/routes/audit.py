"""The audit trail on the web (``/jejak-audit``; ``/audit`` is the API's), for HR and
the auditor: filtered by period,
actor (a NIP or a token subject), kind of action and a date range in WIB, newest first,
a page at a time. A GET form, so a filtered view is a link one can keep; what cannot be
read is marked beside its field. The reading is ``api.audit_service``, as for the API's
``GET /audit``."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api import audit_service
from api.deps import Session
from api.problems import Problem
from api.roles import require_role
from domain.audit import AuditKind
from domain.nip import is_valid_nip
from domain.roles import Role
from domain.schedule import PERIOD_ID_PATTERN
from persistence.repositories.appraisal_lists import AuditFilter
from persistence.repositories.organisation import names_of
from web.forms import FormErrors
from web.i18n import DISPLAY_ZONE
from web.page import page_context
from web.route import HtmlRoute, problem_text
from web.sessions import Caller, WebCaller
from web.templating import render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
PAGE = 50
FIELDS = ("periode", "pelaku", "jenis", "dari", "sampai")
INVALID = "Periksa kembali isian yang ditandai"
NOT_A_PERIOD = "Gunakan kode periode, misalnya 2027"
NOT_AN_ACTOR = "Isi NIP atau identitas pelaku (paling banyak 100 karakter)"
NOT_A_KIND = "Pilih jenis tindakan dari daftar"
NOT_A_DATE = "Isi tanggal, misalnya 2027-01-31"
BACKWARDS = "Tanggal akhir tidak boleh sebelum tanggal awal"
PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f]{1,100}$")


async def _reader(found: Caller) -> WebCaller:
    require_role(found.actor, Role.HR_ADMIN, Role.AUDITOR)
    return found


AuditReader = Annotated[WebCaller, Depends(_reader)]


@dataclass(frozen=True)
class AuditQuery:
    filters: AuditFilter
    kinds: list[AuditKind]
    since: datetime | None
    until: datetime | None


def _day(text: str, field: str, errors: FormErrors) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.fields[field] = NOT_A_DATE
        return None


def read_query(form: dict[str, str]) -> AuditQuery | FormErrors:
    """The filters typed; the date range is whole days in WIB, both ends included."""
    errors = FormErrors()
    period = form.get("periode", "")
    if period and not re.fullmatch(PERIOD_ID_PATTERN, period):
        errors.fields["periode"] = NOT_A_PERIOD
    actor = form.get("pelaku", "")
    if actor and not PRINTABLE.fullmatch(actor):
        errors.fields["pelaku"] = NOT_AN_ACTOR
    kind = form.get("jenis", "")
    if kind and kind not in set(AuditKind):
        errors.fields["jenis"] = NOT_A_KIND
    first = _day(form.get("dari", ""), "dari", errors)
    last = _day(form.get("sampai", ""), "sampai", errors)
    if first and last and last < first:
        errors.fields["sampai"] = BACKWARDS
    if errors:
        return errors
    return AuditQuery(
        filters=AuditFilter(period_id=period or None, actor=actor or None),
        kinds=[AuditKind(kind)] if kind else [],
        since=datetime.combine(first, time(), DISPLAY_ZONE) if first else None,
        until=datetime.combine(last + timedelta(days=1), time(), DISPLAY_ZONE) if last else None,
    )


def _offset(text: str | None) -> int:
    return int(text) if text and text.isdigit() and int(text) <= 1_000_000 else 0


@router.get("/jejak-audit")
async def audit_page(request: Request, caller: AuditReader, db: Session) -> Response:
    form = {name: value.strip() for name in FIELDS if (value := request.query_params.get(name))}
    offset = _offset(request.query_params.get("mulai"))
    read = read_query(form)
    context: dict[str, Any] = {
        **await page_context(db, caller),
        "form": form,
        "kinds": list(AuditKind),
        "errors": read if isinstance(read, FormErrors) else FormErrors(),
        "page": None,
        "problem": None,
        "names": {},
    }
    if isinstance(read, FormErrors):
        status_code, title, detail = problem_text(request, Problem("validation-error", INVALID))
        context["problem"] = {"title": title, "detail": detail}
        return render(request, "audit.html", context, status_code=status_code)
    page = await audit_service.audit_trail(
        db,
        read.filters,
        kinds=read.kinds,
        since=read.since,
        until=read.until,
        limit=PAGE,
        offset=offset,
    )
    actors = [item.actor for item in page.items if is_valid_nip(item.actor)]

    def link(start: int) -> str:
        return "/jejak-audit?" + urlencode({**form, "mulai": start})

    context |= {
        "page": page,
        "names": await names_of(db, actors),
        "previous": link(max(offset - PAGE, 0)) if offset > 0 else None,
        "next": link(offset + PAGE) if offset + PAGE < page.total else None,
    }
    return render(request, "audit.html", context)
