"""The first half of a year through the web forms, as the people would post them: the
employee acknowledges, drafts an SKP (a typo is shown next to the field and what was typed
is kept), submits; the supervisor returns it with a note; the employee sees the note,
revises and resubmits; the supervisor approves; the employee reports the check-in and the
supervisor answers it. Then the same wrong moves through a form and through the JSON API
give the same problem."""

import re

import httpx

from rehearsal.skp import skp_content
from tests.api.conftest import TokenFor
from tests.api.journey import Journey, start_period
from tests.orgs import OUTSIDER, PEER, STAFF, SUPERVISOR
from tests.web.conftest import BrowserFor, csrf_of

PROBLEM_TITLE = re.compile(r'<div class="problem" role="alert" id="masalah">\s*<p><strong>([^<]+)')


def skp_form(csrf: str, *, target: str = "12", submit: bool = True) -> dict[str, str]:
    """The SKP form as a person fills it: the rehearsal's SKP, typed into the slots."""
    content = skp_content(2)
    form = {"csrf_token": csrf, "ajukan": "1" if submit else "0"}
    for i, rhk in enumerate(content.rhk):
        form |= {
            f"rhk-{i}-description": rhk.description,
            f"rhk-{i}-kind": rhk.kind.value,
            f"rhk-{i}-supports": rhk.supports,
        }
        for j, indicator in enumerate(rhk.indicators):
            p = f"rhk-{i}-ind-{j}"
            form |= {
                f"{p}-description": indicator.description,
                f"{p}-aspect": indicator.aspect.value,
                f"{p}-target": target if (i, j) == (0, 0) else str(indicator.target),
                f"{p}-unit": indicator.unit,
            }
    for expectation in content.perilaku:
        form[f"perilaku-{expectation.value.value}"] = expectation.expectation
    return form


def problem_title(page: httpx.Response) -> str:
    found = PROBLEM_TITLE.search(page.text)
    assert found, "the page shows no problem"
    return found.group(1)


async def test_an_employee_and_a_supervisor_do_the_first_half_in_the_browser(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    url = f"/penilaian/{period_id}/{STAFF}"
    staff, supervisor = await browser_for(STAFF), await browser_for(SUPERVISOR)

    home = await staff.get("/beranda")
    assert "Menyatakan telah mengikuti sosialisasi" in home.text
    page = await staff.get(url)
    assert "Saya telah mengikuti sosialisasi" in page.text
    assert "Penilaian bukan hukuman" in page.text  # the standard briefing: the period has none
    done = await staff.post(f"{url}/sosialisasi", data={"csrf_token": csrf_of(page)})
    assert done.status_code == 303

    page = await staff.get(url)
    assert 'aria-current="step"' in page.text and "Simpan draf" in page.text
    typo = await staff.post(f"{url}/skp", data=skp_form(csrf_of(page), target="dua belas"))
    assert typo.status_code == 422
    assert "Isi dengan angka" in typo.text
    assert 'value="dua belas"' in typo.text  # what was typed is kept
    assert 'aria-invalid="true"' in typo.text

    sent = await staff.post(f"{url}/skp", data=skp_form(csrf_of(page)))
    assert sent.status_code == 303
    assert "Diajukan, menunggu persetujuan" in (await staff.get(url)).text

    review = await supervisor.get(url)
    assert "Setujui SKP" in review.text
    blank = await supervisor.post(
        f"{url}/skp/keputusan", data={"csrf_token": csrf_of(review), "keputusan": "kembalikan"}
    )
    assert blank.status_code == 422 and "Tuliskan apa yang perlu diperbaiki" in blank.text
    note = "Target RHK utama belum terukur; tambahkan jumlah dokumen per triwulan"
    returned = await supervisor.post(
        f"{url}/skp/keputusan",
        data={"csrf_token": csrf_of(review), "keputusan": "kembalikan", "catatan": note},
    )
    assert returned.status_code == 303

    page = await staff.get(url)
    assert "Dikembalikan untuk diperbaiki" in page.text and note in page.text
    assert "Simpan dan ajukan" in page.text  # the editor is open again, with the draft
    resent = await staff.post(f"{url}/skp", data=skp_form(csrf_of(page), target="15"))
    assert resent.status_code == 303

    review = await supervisor.get(url)
    approved = await supervisor.post(
        f"{url}/skp/keputusan", data={"csrf_token": csrf_of(review), "keputusan": "setujui"}
    )
    assert approved.status_code == 303
    page = await staff.get(url)
    assert "Laporkan realisasi" in page.text

    report = {"csrf_token": csrf_of(page), "realisasi-ind-1-1": "7", "realisasi-ind-2-1": "88,5"}
    report["bukti-0"] = "https://drive.example.go.id/laporan-triwulan-1.pdf"
    reported = await staff.post(f"{url}/pemantauan/1", data=report)
    assert reported.status_code == 303, reported.text
    review = await supervisor.get(url)
    assert "7 / 15" in review.text and "88,5" in review.text  # Indonesian decimals
    answered = await supervisor.post(
        f"{url}/pemantauan/1/umpan-balik",
        data={"csrf_token": csrf_of(review), "umpan_balik": "Capaian baik", "rating": "sesuai"},
    )
    assert answered.status_code == 303
    state = (await api.get(f"/appraisals/{period_id}/{STAFF}", headers=auth(STAFF))).json()
    assert state["stage"] == "wawancara"
    assert [event["kind"] for event in state["skp"]["history"]] == [
        "disusun", "diajukan", "dikembalikan", "disusun", "diajukan", "disetujui",
    ]  # fmt: skip


async def test_a_form_and_its_json_twin_refuse_the_same_move_with_the_same_problem(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    url = f"/penilaian/{period_id}/{STAFF}"
    json_url = f"/appraisals/{period_id}/{STAFF}"
    staff, supervisor = await browser_for(STAFF), await browser_for(SUPERVISOR)

    # 403: the supervisor acknowledges on the employee's behalf
    page = await supervisor.get(url)
    form = await supervisor.post(f"{url}/sosialisasi", data={"csrf_token": csrf_of(page)})
    twin = await api.post(f"{json_url}/acknowledge", headers=auth(SUPERVISOR))
    assert form.status_code == twin.status_code == 403
    assert problem_title(form) == twin.json()["title"]
    assert twin.json()["detail"] in form.text

    # 409: the employee approves an SKP in sosialisasi (wrong stage) — and twice acknowledges
    page = await staff.get(url)
    assert (
        await staff.post(f"{url}/sosialisasi", data={"csrf_token": csrf_of(page)})
    ).status_code == 303
    again = await staff.post(f"{url}/sosialisasi", data={"csrf_token": csrf_of(page)})
    twin = await api.post(f"{json_url}/acknowledge", headers=auth(STAFF))
    assert again.status_code == twin.status_code == 409
    assert problem_title(again) == twin.json()["title"]
    assert twin.json()["detail"] in again.text

    # 422: an SKP the domain refuses (two RHK with no indicator target is a form error; an
    # SKP without a main RHK is the domain's) — same detail on both faces
    no_main = skp_form(csrf_of(page), submit=False)
    no_main["rhk-0-kind"] = "tambahan"
    form = await staff.post(f"{url}/skp", data=no_main)
    body = skp_content(2).model_dump(mode="json")
    body["rhk"][0]["kind"] = "tambahan"
    twin = await api.put(f"{json_url}/skp", json={"content": body}, headers=auth(STAFF))
    assert form.status_code == twin.status_code == 422, (form.status_code, twin.text)
    assert problem_title(form) == twin.json()["title"]


async def test_bulk_approval_sends_one_command_each_and_shows_each_refusal(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    for nip in (STAFF, PEER):
        journey = Journey(api, auth, period_id, nip).api
        await journey.acknowledge()
        await journey.draft_skp()
        await journey.submit_skp()
    supervisor = await browser_for(SUPERVISOR)
    board = await supervisor.get("/tim")
    assert board.text.count('name="pilih"') == 2
    assert "2 SKP menunggu persetujuan Anda" in board.text
    chosen = [f"{period_id}/{STAFF}", f"{period_id}/{PEER}", f"{period_id}/{OUTSIDER}"]
    done = await supervisor.post(
        "/tim/setujui", data={"csrf_token": csrf_of(board), "pilih": [*chosen, "bukan-nip"]}
    )
    assert done.status_code == 200
    assert "Disetujui (2)" in done.text
    assert "Tidak dapat disetujui (2)" in done.text
    assert "Penilaian tidak ditemukan" in done.text  # an appraisal not his, as the API says
    assert "Pilihan tidak menunjuk penilaian yang dikenal" in done.text
    for nip in (STAFF, PEER):
        state = (await api.get(f"/appraisals/{period_id}/{nip}", headers=auth(nip))).json()
        assert state["skp"]["status"] == "disetujui"
    again = await supervisor.post(
        "/tim/setujui", data={"csrf_token": csrf_of(board), "pilih": chosen[:1]}
    )
    assert "Tidak dapat disetujui (1)" in again.text  # already approved: the domain's 409


async def test_the_period_briefing_is_what_the_employee_reads_before_acknowledging(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    briefing = "Penilaian ini untuk membantu Anda berkembang; tanyakan apa saja kepada BKPSDM."
    await start_period(api, auth, period_id, briefing=briefing)
    page = await (await browser_for(STAFF)).get(f"/penilaian/{period_id}/{STAFF}")
    assert briefing in page.text
    assert "Penilaian bukan hukuman" not in page.text
