"""The appraisal page and the forms of the first half of the year: sosialisasi, the SKP
(draft, submit, approve or return) and pemantauan (report, feedback)."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from domain.checkin import Rating
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.sosialisasi import Acknowledge
from web.appraisal_page import PostedPage, ShownPage, read_form
from web.forms import FormErrors, parse_checkin, parse_skp
from web.route import HtmlRoute
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
CheckInNumber = Annotated[int, Path(ge=1, le=52)]


@router.get("/penilaian/{period_id}/{nip}")
async def appraisal_page(page: ShownPage) -> Response:
    return await page.show()


@router.post("/penilaian/{period_id}/{nip}/sosialisasi")
async def acknowledge(page: PostedPage) -> Response:
    return await page.send(AppraisalWorkflow.acknowledge, Acknowledge())


@router.post("/penilaian/{period_id}/{nip}/skp")
async def save_skp(page: PostedPage) -> Response:
    """Save the draft; with ``ajukan`` also submit it to the pejabat penilai."""
    form = await read_form(page.request)
    content, errors = parse_skp(form)
    if content is None:
        return await page.refuse(form, errors)
    saved = await page.send(AppraisalWorkflow.draft_skp, DraftSkp(content=content), form)
    if form.get("ajukan") != "1" or saved.status_code != 303:
        return saved
    return await page.send(AppraisalWorkflow.submit_skp, SubmitSkp(), form)


@router.post("/penilaian/{period_id}/{nip}/skp/keputusan")
async def decide_skp(page: PostedPage) -> Response:
    """The pejabat penilai approves, or returns with a note."""
    form = await read_form(page.request)
    note = form.get("catatan", "").strip()
    if form.get("keputusan") == "kembalikan":
        if not note:
            return await page.refuse(
                form, FormErrors(fields={"catatan": "Tuliskan apa yang perlu diperbaiki"})
            )
        return await page.send(AppraisalWorkflow.return_skp, ReturnSkp(note=note), form)
    return await page.send(AppraisalWorkflow.approve_skp, ApproveSkp(note=note or None), form)


@router.post("/penilaian/{period_id}/{nip}/pemantauan/{index}")
async def report_checkin(page: PostedPage, index: CheckInNumber) -> Response:
    form = await read_form(page.request)
    content = (await page.view()).skp.content
    indicator_ids = list(content.indicators()) if content else []
    realisations, evidence, notes, errors = parse_checkin(form, indicator_ids)
    if errors:
        return await page.refuse(form, errors)
    command = ReportCheckIn(index=index, realisations=realisations, evidence=evidence, notes=notes)
    return await page.send(AppraisalWorkflow.report_checkin, command, form)


@router.post("/penilaian/{period_id}/{nip}/pemantauan/{index}/umpan-balik")
async def give_feedback(page: PostedPage, index: CheckInNumber) -> Response:
    form = await read_form(page.request)
    text = form.get("umpan_balik", "").strip()
    if not text:
        return await page.refuse(form, FormErrors(fields={"umpan_balik": "Tuliskan umpan balik"}))
    rating_text = form.get("rating", "")
    rating = Rating(rating_text) if rating_text in set(Rating) else None
    command = GiveFeedback(index=index, text=text, rating=rating)
    return await page.send(AppraisalWorkflow.give_feedback, command, form)
