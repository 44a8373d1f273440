"""Penilaian on the page: the rating (with the system's suggestion and the predikat matrix
beside it), the employee's keberatan while its window is open, statements from both sides,
and the atasan penilai's final decision."""

from fastapi import APIRouter
from fastapi.responses import Response

from domain.checkin import Rating
from domain.keberatan import KeberatanOutcome
from domain.penilaian import AddKeberatanStatement, DecideKeberatan, FileKeberatan, RateAppraisal
from web.appraisal_page import PostedPage, read_form
from web.forms import FormErrors
from web.route import HtmlRoute
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
CHOOSE = "Pilih salah satu"
WRITE = "Tuliskan paling sedikit 3 huruf"


def _rating(form: dict[str, str], name: str, errors: FormErrors) -> Rating | None:
    value = form.get(name, "")
    if value in set(Rating):
        return Rating(value)
    errors.fields[name] = CHOOSE
    return None


def _text(form: dict[str, str], name: str, errors: FormErrors) -> str:
    value = form.get(name, "").strip()
    if len(value) < 3:
        errors.fields[name] = WRITE
    return value


@router.post("/penilaian/{period_id}/{nip}/nilai")
async def rate(page: PostedPage) -> Response:
    form = await read_form(page.request)
    errors = FormErrors()
    hasil, perilaku = _rating(form, "hasil_kerja", errors), _rating(form, "perilaku", errors)
    if hasil is None or perilaku is None:
        return await page.refuse(form, errors)
    notes = form.get("catatan_nilai", "").strip() or None
    command = RateAppraisal(hasil_kerja=hasil, perilaku=perilaku, notes=notes)
    return await page.send(AppraisalWorkflow.rate, command, form)


@router.post("/penilaian/{period_id}/{nip}/keberatan")
async def file_keberatan(page: PostedPage) -> Response:
    form = await read_form(page.request)
    errors = FormErrors()
    reasons = _text(form, "alasan", errors)
    if errors:
        return await page.refuse(form, errors)
    return await page.send(AppraisalWorkflow.file_keberatan, FileKeberatan(reasons=reasons), form)


@router.post("/penilaian/{period_id}/{nip}/keberatan/tanggapan")
async def add_statement(page: PostedPage) -> Response:
    form = await read_form(page.request)
    errors = FormErrors()
    text = _text(form, "tanggapan", errors)
    if errors:
        return await page.refuse(form, errors)
    command = AddKeberatanStatement(text=text)
    return await page.send(AppraisalWorkflow.add_keberatan_statement, command, form)


@router.post("/penilaian/{period_id}/{nip}/keberatan/putusan")
async def decide_keberatan(page: PostedPage) -> Response:
    form = await read_form(page.request)
    errors = FormErrors()
    outcome_text = form.get("putusan", "")
    if outcome_text not in set(KeberatanOutcome):
        errors.fields["putusan"] = CHOOSE
    reasoning = _text(form, "pertimbangan", errors)
    hasil = perilaku = None
    if outcome_text == KeberatanOutcome.DIUBAH:
        hasil = _rating(form, "hasil_kerja_baru", errors)
        perilaku = _rating(form, "perilaku_baru", errors)
    if errors:
        return await page.refuse(form, errors)
    command = DecideKeberatan(
        outcome=KeberatanOutcome(outcome_text),
        reasoning=reasoning,
        hasil_kerja=hasil,
        perilaku=perilaku,
    )
    return await page.send(AppraisalWorkflow.decide_keberatan, command, form)
