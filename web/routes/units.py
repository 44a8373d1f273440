"""A unit's page for HR and the agency's tim penilai (the auditor reads it): its members'
predikat against the distribution rule, each broken bound in words, the unit predikat, an
override with its reason, and finalisation, which delivers every result. The access rule,
the report and the commands are ``api.units``, as for the JSON API."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api import units as unit_service
from api.commands import CommandSender
from api.deps import Session, context
from api.paths import PeriodId, UnitCode
from api.problems import Problem
from domain.distribusi import UnitPredikat, Violation
from domain.predikat import Predikat
from domain.roles import Role
from persistence.repositories import units
from persistence.repositories.organisation import names_of
from web.appraisal_page import read_form
from web.forms import FormErrors
from web.page import page_context
from web.route import HtmlRoute, problem_text
from web.sessions import Caller, PostingCaller, WebCaller
from web.templating import render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
UNIT_ROLES = frozenset({Role.HR_ADMIN, Role.TIM_PENILAI, Role.AUDITOR})
NOT_YOURS = "Halaman unit untuk BKPSDM, tim penilai dan auditor"
MIN_REASON = 10  # as OverrideReason in domain.text
SHORT_REASON = "Tuliskan alasan (paling sedikit 10 huruf)"
INVALID = "Periksa kembali isian yang ditandai"


def _url(period_id: str, unit_code: str) -> str:
    return f"/unit/{period_id}/{unit_code}"


async def _show(
    request: Request,
    db: AsyncSession,
    caller: WebCaller,
    period_id: str,
    unit_code: str,
    *,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    problem: Problem | None = None,
) -> Response:
    actor = caller.actor
    if not actor.roles & UNIT_ROLES:
        raise Problem("forbidden", NOT_YOURS)
    report = await unit_service.distribution_report(db, actor, period_id, unit_code)
    members = await units.unit_members(db, period_id, unit_code)
    status_code = 200
    shown: dict[str, Any] | None = None  # the problem as the page words it
    if problem is not None:
        status_code, title, detail = problem_text(request, problem)
        raw = problem.extensions.get("violations") or []
        broken = [Violation.model_validate(v).message for v in raw if isinstance(v, dict)]
        shown = {"title": title, "detail": detail, "violations": broken}
    page = {
        **await page_context(db, caller),
        "report": report,
        "members": members,
        "names": await names_of(db, [m.nip for m in members]),
        "predikats": list(Predikat),
        "unit_predikats": list(UnitPredikat),
        "writer": actor.has(Role.HR_ADMIN) or actor.has(Role.TIM_PENILAI),
        "calibrator": actor.has(Role.TIM_PENILAI),  # an override is the tim penilai's act
        "form": form or {},
        "errors": errors or FormErrors(),
        "problem": shown,
    }
    return render(request, "unit.html", page, status_code=status_code)


@router.get("/unit/{period_id}/{unit_code}")
async def unit_page(
    request: Request, period_id: PeriodId, unit_code: UnitCode, caller: Caller, db: Session
) -> Response:
    return await _show(request, db, caller, period_id, unit_code)


@router.post("/unit/{period_id}/{unit_code}")
async def unit_command(
    request: Request,
    period_id: PeriodId,
    unit_code: UnitCode,
    caller: PostingCaller,
    db: Session,
) -> Response:
    """One form, three commands (``perintah``): set the unit predikat, record an override
    with its reason, or finalise."""
    form = await read_form(request)
    sender = CommandSender(
        context(request), db, caller.actor, getattr(request.state, "request_id", None)
    )
    order = form.get("perintah", "")
    try:
        if order == "predikat" and form.get("predikat") in set(UnitPredikat):
            chosen = UnitPredikat(form["predikat"])
            await unit_service.set_unit_predikat(sender, period_id, unit_code, chosen)
        elif order == "override":
            reason = form.get("alasan", "").strip()
            if len(reason) < MIN_REASON:
                errors = FormErrors(fields={"alasan": SHORT_REASON})
                refusal = Problem("validation-error", INVALID)
                page = (request, db, caller, period_id, unit_code)
                return await _show(*page, form=form, errors=errors, problem=refusal)
            await unit_service.record_override(sender, period_id, unit_code, reason)
        elif order == "final":
            await unit_service.finalise_unit(sender, period_id, unit_code)
        else:
            raise Problem("validation-error", "Pilih predikat unit yang tersedia")
    except Problem as problem:
        return await _show(request, db, caller, period_id, unit_code, form=form, problem=problem)
    return RedirectResponse(_url(period_id, unit_code), status_code=303)
