"""One appraisal as a page: the six stages as a timeline with what is done, what is owed
and by when, and the form for the step the person at the browser owes. Every form sends
the same command through the same commander as the JSON API (``api.commands``), so the
domain refuses a wrong move once, and the page shows its problem next to the form."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.appraisal_reads import appraisal_view, visible_appraisal
from api.commands import AppraisalUpdate, CommandSender
from api.deps import Session, context
from api.paths import Nip, PeriodId
from api.problems import Problem
from api.schemas import AppraisalView
from domain.appraisal import Command
from domain.checkin import Rating
from domain.notices import STEP_TITLES
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.skp import Aspect, BerakhlakValue, RhkKind, SkpStatus
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from persistence.repositories.appraisals import get_appraisal
from persistence.repositories.organisation import names_of
from persistence.repositories.periods import get_period
from web.forms import MAX_RHK, FormErrors, parse_checkin, parse_skp, rhk_slots
from web.page import page_context
from web.route import HtmlRoute, problem_text
from web.sessions import Caller, PostingCaller, WebCaller
from web.templating import render
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
STAGES = [stage for stage in Stage if stage is not Stage.SELESAI]


def _url(period_id: str, nip: str) -> str:
    return f"/penilaian/{period_id}/{nip}"


async def _supervisor_rhk(db: AsyncSession, view: AppraisalView) -> list[str]:
    """The supervisor's approved RHK, offered for "supports" (the cascade)."""
    if view.supervisor_nip is None:
        return []
    row = await get_appraisal(db, view.period_id, view.supervisor_nip)
    content = (row.state.get("skp") or {}).get("content") if row else None
    if not row or content is None or row.state["skp"]["status"] != SkpStatus.DISETUJUI:
        return []
    return [f"{item['id']}: {item['description']}" for item in content["rhk"]]


def _rhk_slots(request: Request, view: AppraisalView, form: dict[str, str]) -> int:
    """RHK slots in the editor: those drafted plus one, those posted, or as many as
    "Tambah RHK" asked for (``?rhk=``), within the SKP's limit of 30."""
    drafted = len(view.skp.content.rhk) if view.skp.content else 0
    asked = request.query_params.get("rhk", "")
    wanted = int(asked) if asked.isdigit() and len(asked) < 3 else 0
    return min(MAX_RHK, max(2, drafted + 1, len(rhk_slots(form)), wanted))


async def _page(
    request: Request,
    db: AsyncSession,
    caller: WebCaller,
    view: AppraisalView,
    *,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    problem: Problem | None = None,
    status_code: int = 200,
) -> Response:
    period = await get_period(db, view.period_id)
    names = await names_of(db, [n for n in (view.nip, view.supervisor_nip) if n])
    shown_problem = None
    if problem is not None:
        status_code, title, detail = problem_text(request, problem)
        shown_problem = {"title": title, "detail": detail}
    actor = caller.actor
    context_: dict[str, Any] = {
        **await page_context(db, caller),
        "view": view,
        "names": names,
        "period": period,
        "stages": STAGES,
        "is_employee": view.nip == actor.nip,
        "is_supervisor": view.supervisor_nip is not None and view.supervisor_nip == actor.nip,
        "supports_options": await _supervisor_rhk(db, view),
        "form": form or {},
        "errors": errors or FormErrors(),
        "problem": shown_problem,
        "aspects": list(Aspect),
        "kinds": list(RhkKind),
        "values": list(BerakhlakValue),
        "ratings": list(Rating),
        "slot_count": _rhk_slots(request, view, form or {}),
        "step_titles": {kind.value: title for kind, title in STEP_TITLES.items()},
    }
    return render(request, "penilaian.html", context_, status_code=status_code)


@router.get("/penilaian/{period_id}/{nip}")
async def appraisal_page(
    request: Request, period_id: PeriodId, nip: Nip, caller: Caller, db: Session
) -> Response:
    row = await visible_appraisal(db, caller.actor, period_id, nip)
    return await _page(request, db, caller, await appraisal_view(db, row))


async def _send(
    request: Request,
    db: AsyncSession,
    caller: WebCaller,
    period_id: str,
    nip: str,
    update: AppraisalUpdate,
    command: Command,
    form: dict[str, str] | None = None,
) -> Response:
    """Send ``command``; on success back to the page (post/redirect/get), on a refusal the
    page again with the problem beside the form and the form as typed."""
    sender = CommandSender(
        context(request), db, caller.actor, getattr(request.state, "request_id", None)
    )
    try:
        await sender.send(period_id, nip, update, command)
    except Problem as problem:
        row = await visible_appraisal(db, caller.actor, period_id, nip)
        view = await appraisal_view(db, row)
        return await _page(request, db, caller, view, form=form, problem=problem)
    return RedirectResponse(_url(period_id, nip), status_code=303)


async def _form(request: Request) -> dict[str, str]:
    return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}


async def _invalid(
    request: Request,
    db: AsyncSession,
    caller: WebCaller,
    period_id: str,
    nip: str,
    form: dict[str, str],
    errors: FormErrors,
) -> Response:
    row = await visible_appraisal(db, caller.actor, period_id, nip)
    problem = Problem("validation-error", "Periksa kembali isian yang ditandai")
    view = await appraisal_view(db, row)
    return await _page(request, db, caller, view, form=form, errors=errors, problem=problem)


@router.post("/penilaian/{period_id}/{nip}/sosialisasi")
async def acknowledge(
    request: Request, period_id: PeriodId, nip: Nip, caller: PostingCaller, db: Session
) -> Response:
    return await _send(
        request, db, caller, period_id, nip, AppraisalWorkflow.acknowledge, Acknowledge()
    )


@router.post("/penilaian/{period_id}/{nip}/skp")
async def save_skp(
    request: Request, period_id: PeriodId, nip: Nip, caller: PostingCaller, db: Session
) -> Response:
    """Save the draft; with ``ajukan`` also submit it to the pejabat penilai."""
    form = await _form(request)
    content, errors = parse_skp(form)
    if content is None:
        return await _invalid(request, db, caller, period_id, nip, form, errors)
    saved = await _send(
        request,
        db,
        caller,
        period_id,
        nip,
        AppraisalWorkflow.draft_skp,
        DraftSkp(content=content),
        form,
    )
    if form.get("ajukan") != "1" or saved.status_code != 303:
        return saved
    return await _send(
        request, db, caller, period_id, nip, AppraisalWorkflow.submit_skp, SubmitSkp(), form
    )


@router.post("/penilaian/{period_id}/{nip}/skp/keputusan")
async def decide_skp(
    request: Request, period_id: PeriodId, nip: Nip, caller: PostingCaller, db: Session
) -> Response:
    """The pejabat penilai approves, or returns with a note."""
    form = await _form(request)
    note = form.get("catatan", "").strip()
    update: AppraisalUpdate
    command: Command
    if form.get("keputusan") == "kembalikan":
        if not note:
            errors = FormErrors(fields={"catatan": "Tuliskan apa yang perlu diperbaiki"})
            return await _invalid(request, db, caller, period_id, nip, form, errors)
        update, command = AppraisalWorkflow.return_skp, ReturnSkp(note=note)
    else:
        update, command = AppraisalWorkflow.approve_skp, ApproveSkp(note=note or None)
    return await _send(request, db, caller, period_id, nip, update, command, form)


@router.post("/penilaian/{period_id}/{nip}/pemantauan/{index}")
async def report_checkin(
    request: Request, period_id: PeriodId, nip: Nip, index: int, caller: PostingCaller, db: Session
) -> Response:
    form = await _form(request)
    row = await visible_appraisal(db, caller.actor, period_id, nip)
    view = await appraisal_view(db, row)
    content = view.skp.content
    indicator_ids = list(content.indicators()) if content else []
    realisations, evidence, notes, errors = parse_checkin(form, indicator_ids)
    if errors or not 1 <= index <= 52:
        return await _invalid(request, db, caller, period_id, nip, form, errors)
    command = ReportCheckIn(index=index, realisations=realisations, evidence=evidence, notes=notes)
    return await _send(
        request, db, caller, period_id, nip, AppraisalWorkflow.report_checkin, command, form
    )


@router.post("/penilaian/{period_id}/{nip}/pemantauan/{index}/umpan-balik")
async def give_feedback(
    request: Request, period_id: PeriodId, nip: Nip, index: int, caller: PostingCaller, db: Session
) -> Response:
    form = await _form(request)
    text = form.get("umpan_balik", "").strip()
    rating_text = form.get("rating", "")
    if not text or not 1 <= index <= 52:
        errors = FormErrors(fields={"umpan_balik": "Tuliskan umpan balik"})
        return await _invalid(request, db, caller, period_id, nip, form, errors)
    rating = Rating(rating_text) if rating_text in {r.value for r in Rating} else None
    command = GiveFeedback(index=index, text=text, rating=rating)
    return await _send(
        request, db, caller, period_id, nip, AppraisalWorkflow.give_feedback, command, form
    )
