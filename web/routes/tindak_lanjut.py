"""Tindak lanjut on the page: the pejabat penilai assigns development (training,
guidance, coaching, mentoring), the employee reports it done, the pejabat penilai
confirms; the last confirmation completes the appraisal."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from domain.development import DevelopmentKind
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from web.appraisal_page import PostedPage, read_form
from web.forms import FormErrors, parse_local_date_end
from web.route import HtmlRoute
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
ActionNumber = Annotated[int, Path(ge=1, le=50)]


@router.post("/penilaian/{period_id}/{nip}/pengembangan")
async def assign_development(page: PostedPage) -> Response:
    form = await read_form(page.request)
    errors = FormErrors()
    kind = form.get("jenis", "")
    if kind not in set(DevelopmentKind):
        errors.fields["jenis"] = "Pilih salah satu"
    title = form.get("judul", "").strip()
    if len(title) < 3:
        errors.fields["judul"] = "Tuliskan nama pelatihan atau kegiatan"
    due_text = form.get("batas", "").strip()
    due = parse_local_date_end(due_text) if due_text else None
    if due_text and due is None:
        errors.fields["batas"] = "Isi tanggal, misalnya 30/06/2027"
    if errors:
        return await page.refuse(form, errors)
    command = AssignDevelopment(kind=DevelopmentKind(kind), title=title, due=due)
    return await page.send(AppraisalWorkflow.assign_development, command, form)


@router.post("/penilaian/{period_id}/{nip}/pengembangan/{number}/laporan")
async def report_development(page: PostedPage, number: ActionNumber) -> Response:
    form = await read_form(page.request)
    note = form.get("laporan", "").strip()
    evidence = form.get("bukti", "").strip() or None
    errors = FormErrors()
    if len(note) < 3:
        errors.fields["laporan"] = "Tuliskan apa yang sudah dilakukan"
    if evidence and not evidence.startswith(("http://", "https://")):
        errors.fields["bukti"] = "Tautan bukti dimulai dengan http:// atau https://"
    if errors:
        return await page.refuse(form, errors)
    command = ReportDevelopmentDone(number=number, note=note, evidence_url=evidence)
    return await page.send(AppraisalWorkflow.report_development, command, form)


@router.post("/penilaian/{period_id}/{nip}/pengembangan/{number}/konfirmasi")
async def confirm_development(page: PostedPage, number: ActionNumber) -> Response:
    command = ConfirmDevelopment(number=number)
    return await page.send(AppraisalWorkflow.confirm_development, command)
