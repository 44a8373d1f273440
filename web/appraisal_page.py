"""One appraisal as a page, and how its forms answer. Every form sends the same command
through the same commander as the JSON API (``api.commands.CommandSender``), so the domain
refuses a wrong move once; on success the browser goes back to the page
(post/redirect/get), on a refusal the page comes again with the problem beside the form and
the form as it was typed. Who may do what is asked of the domain's state
(``is_employee``, ``is_assessor``, ``is_atasan_penilai``), never re-derived here."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
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
from domain.development import DevelopmentKind
from domain.dialogue import FollowUpKind
from domain.keberatan import KeberatanOutcome
from domain.notices import STEP_TITLES
from domain.penilaian import keberatan_window_closes, suggested_rating
from domain.predikat import predikat
from domain.schedule import PeriodSchedule
from domain.skp import Aspect, BerakhlakValue, RhkKind, SkpStatus
from domain.skp_changes import skp_changes
from domain.stages import Stage
from persistence.repositories.appraisals import get_appraisal
from persistence.repositories.organisation import names_of
from persistence.repositories.periods import get_period
from web.forms import MAX_RHK, FormErrors, rhk_slots
from web.page import page_context
from web.route import problem_text
from web.sessions import Caller, PostingCaller, WebCaller
from web.templating import render

STAGES = [stage for stage in Stage if stage is not Stage.SELESAI]
INVALID = "Periksa kembali isian yang ditandai"


def appraisal_url(period_id: str, nip: str) -> str:
    return f"/penilaian/{period_id}/{nip}"


async def read_form(request: Request) -> dict[str, str]:
    return {key: value for key, value in (await request.form()).items() if isinstance(value, str)}


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
    "Tambah RHK" asked for (``?rhk=``), within the SKP's limit."""
    drafted = len(view.skp.content.rhk) if view.skp.content else 0
    asked = request.query_params.get("rhk", "")
    wanted = int(asked) if asked.isdigit() and len(asked) < 3 else 0
    return min(MAX_RHK, max(2, drafted + 1, len(rhk_slots(form)), wanted))


def _keberatan_days_left(view: AppraisalView, schedule: PeriodSchedule | None) -> int | None:
    closes = keberatan_window_closes(view, schedule.keberatan_days) if schedule else None
    if closes is None:
        return None
    left = (closes - datetime.now(UTC)).total_seconds()
    return max(0, math.ceil(left / 86400))  # 13 days and 23 hours is "14 days left"


@dataclass(frozen=True)
class AppraisalPage:
    """The appraisal ``period_id``/``nip`` as ``caller`` may see it, for one request."""

    request: Request
    db: AsyncSession
    caller: WebCaller
    period_id: str
    nip: str

    async def view(self) -> AppraisalView:
        """404 (a page) when the caller may not see it, as the JSON API answers."""
        row = await visible_appraisal(self.db, self.caller.actor, self.period_id, self.nip)
        return await appraisal_view(self.db, row)

    async def show(
        self,
        *,
        form: dict[str, str] | None = None,
        errors: FormErrors | None = None,
        problem: Problem | None = None,
    ) -> Response:
        view = await self.view()
        period = await get_period(self.db, view.period_id)
        schedule = PeriodSchedule.model_validate(period.schedule) if period else None
        names = await names_of(self.db, [n for n in (view.nip, view.supervisor_nip) if n])
        status_code, shown_problem = 200, None
        if problem is not None:
            status_code, title, detail = problem_text(self.request, problem)
            shown_problem = {"title": title, "detail": detail}
        actor = self.caller.actor
        returned = view.skp.returned_content
        page: dict[str, Any] = {
            **await page_context(self.db, self.caller),
            "view": view,
            "names": names,
            "briefing": period.briefing if period else None,
            "stages": STAGES,
            "is_employee": view.is_employee(actor),
            "is_supervisor": view.is_pejabat_penilai(actor),
            "is_assessor": view.is_assessor(actor),
            "is_atasan": view.keberatan is not None and view.is_atasan_penilai(actor),
            "supports_options": await _supervisor_rhk(self.db, view),
            "changes": skp_changes(returned, view.skp.content)
            if returned and view.skp.content
            else [],
            "suggestion": suggested_rating(view),
            "matrix": {(h, p): predikat(h, p) for h in Rating for p in Rating},
            "keberatan_days_left": _keberatan_days_left(view, schedule),
            "form": form or {},
            "errors": errors or FormErrors(),
            "problem": shown_problem,
            "aspects": list(Aspect),
            "kinds": list(RhkKind),
            "values": list(BerakhlakValue),
            "ratings": list(Rating),
            "development_kinds": list(DevelopmentKind),
            "follow_up_kinds": list(FollowUpKind),
            "outcomes": list(KeberatanOutcome),
            "slot_count": _rhk_slots(self.request, view, form or {}),
            "step_titles": {kind.value: title for kind, title in STEP_TITLES.items()},
        }
        return render(self.request, "penilaian.html", page, status_code=status_code)

    async def send(
        self, update: AppraisalUpdate, command: Command, form: dict[str, str] | None = None
    ) -> Response:
        sender = CommandSender(
            context(self.request),
            self.db,
            self.caller.actor,
            getattr(self.request.state, "request_id", None),
        )
        try:
            await sender.send(self.period_id, self.nip, update, command)
        except Problem as problem:
            return await self.show(form=form, problem=problem)
        return RedirectResponse(appraisal_url(self.period_id, self.nip), status_code=303)

    async def refuse(self, form: dict[str, str], errors: FormErrors) -> Response:
        """A form the page could not read: 422, each message beside its field."""
        return await self.show(
            form=form, errors=errors, problem=Problem("validation-error", INVALID)
        )


async def _shown_page(
    request: Request, period_id: PeriodId, nip: Nip, caller: Caller, db: Session
) -> AppraisalPage:
    return AppraisalPage(request, db, caller, period_id, nip)


async def _posted_page(
    request: Request, period_id: PeriodId, nip: Nip, caller: PostingCaller, db: Session
) -> AppraisalPage:
    return AppraisalPage(request, db, caller, period_id, nip)


ShownPage = Annotated[AppraisalPage, Depends(_shown_page)]
PostedPage = Annotated[AppraisalPage, Depends(_posted_page)]  # a form post: CSRF checked
