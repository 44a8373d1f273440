"""Wawancara on the page: the pejabat penilai (or tim penilai) plans the performance
dialogue, then records what was said and agreed; scoring opens."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from domain.dialogue import FollowUp, FollowUpKind
from domain.wawancara import RecordDialogue, ScheduleDialogue
from web.appraisal_page import PostedPage, read_form
from web.forms import FormErrors, lines_of, parse_local_time
from web.route import HtmlRoute
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


async def _participants(request: Request, form: dict[str, str]) -> tuple[str, ...]:
    """The ticked people (the employee and the pejabat penilai) and any other NIPs typed,
    each once, in order."""
    ticked = [v for v in (await request.form()).getlist("peserta") if isinstance(v, str)]
    return tuple(dict.fromkeys([*ticked, *lines_of(form.get("peserta_lain", ""))]))


NOT_A_TIME = "Isi tanggal dan jam, misalnya 10/01/2027 09.00"


@router.post("/penilaian/{period_id}/{nip}/wawancara/jadwal")
async def schedule_dialogue(page: PostedPage) -> Response:
    form = await read_form(page.request)
    when = parse_local_time(form.get("jadwal", ""))
    if when is None:
        return await page.refuse(form, FormErrors(fields={"jadwal": NOT_A_TIME}))
    command = ScheduleDialogue(
        scheduled_for=when, participants=await _participants(page.request, form)
    )
    return await page.send(AppraisalWorkflow.schedule_dialogue, command, form)


@router.post("/penilaian/{period_id}/{nip}/wawancara")
async def record_dialogue(page: PostedPage) -> Response:
    form = await read_form(page.request)
    errors = FormErrors()
    held = parse_local_time(form.get("waktu", ""))
    if held is None:
        errors.fields["waktu"] = NOT_A_TIME
    participants = await _participants(page.request, form)
    if not participants:
        errors.fields["peserta"] = "Tuliskan siapa yang hadir"
    notes = form.get("catatan_dialog", "").strip()
    if len(notes) < 3:
        errors.fields["catatan_dialog"] = "Tuliskan catatan dialog"
    follow_ups: tuple[FollowUp, ...] = ()
    follow_note = form.get("tindak_lanjut_catatan", "").strip()
    if follow_note:
        kind = form.get("tindak_lanjut_jenis", "")
        try:
            follow_ups = (FollowUp(kind=FollowUpKind(kind), note=follow_note),)
        except (ValueError, ValidationError):
            errors.fields["tindak_lanjut_catatan"] = "Pilih jenis dan tulis paling sedikit 3 huruf"
    if errors or held is None:
        return await page.refuse(form, errors)
    command = RecordDialogue(
        held_at=held,
        participants=participants,
        notes=notes,
        agreed_actions=lines_of(form.get("kesepakatan", "")),
        follow_ups=follow_ups,
    )
    return await page.send(AppraisalWorkflow.record_dialogue, command, form)
