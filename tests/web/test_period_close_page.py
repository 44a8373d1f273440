"""Closing a period from its page, as a browser without JavaScript posts it: HR writes a
reason and ticks that they understand (each missing one is marked beside its field, what
was typed kept), the page then shows the closure polling itself and finally who closed it,
when and why; the list says "Ditutup". A period with a delivered result shows why it
cannot be closed instead of the form, and a post anyway is refused in words. Only HR
posts, with the session's CSRF token."""

import httpx

from tests.api.conftest import TokenFor
from tests.api.journey import UNIT_MEMBERS, finalised_unit, rate_unit, start_period
from tests.orgs import HR, SMALL_ORG, STAFF, TIM
from tests.waiting import eventually
from tests.web.conftest import BrowserFor, csrf_of

REASON = "Periode uji coba dibuka karena keliru"


async def test_hr_closes_a_period_from_its_page_and_watches_it_close(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    hr = await browser_for(HR)
    url = f"/periode/{period_id}"
    page = await hr.get(url)
    assert page.status_code == 200, page.text
    assert 'id="tutup"' in page.text and f'action="/periode/{period_id}/tutup"' in page.text
    assert '<label for="alasan">Alasan penutupan</label>' in page.text
    assert 'type="checkbox" id="mengerti" name="mengerti" value="ya"' in page.text
    csrf = csrf_of(page)

    unconfirmed = await hr.post(f"{url}/tutup", data={"csrf_token": csrf, "alasan": REASON})
    assert unconfirmed.status_code == 422
    assert 'role="alert"' in unconfirmed.text
    assert 'id="mengerti-galat">Centang pernyataan ini untuk menutup periode' in unconfirmed.text
    assert f">{REASON}</textarea>" in unconfirmed.text  # what was typed is kept
    blank = await hr.post(
        f"{url}/tutup", data={"csrf_token": csrf, "alasan": "  ", "mengerti": "ya"}
    )
    assert blank.status_code == 422
    assert 'id="alasan" name="alasan"' in blank.text and 'aria-invalid="true"' in blank.text
    assert "Tuliskan alasan penutupan" in blank.text
    forged = await hr.post(f"{url}/tutup", data={"alasan": REASON, "mengerti": "ya"})
    assert forged.status_code == 403
    staff = await browser_for(STAFF)
    staff_post = await staff.post(
        f"{url}/tutup",
        data={
            "csrf_token": csrf_of(await staff.get("/beranda")),
            "alasan": REASON,
            "mengerti": "ya",
        },
    )
    assert staff_post.status_code == 403
    tim = await browser_for(TIM)
    assert 'id="tutup"' not in (await tim.get(url)).text  # the tim penilai reads, no form
    assert (await hr.get(url)).text.count("Berjalan") >= 1  # still running

    closed = await hr.post(
        f"{url}/tutup", data={"csrf_token": csrf, "alasan": REASON, "mengerti": "ya"}
    )
    assert closed.status_code == 303, closed.text
    assert closed.headers["location"] == url

    async def progress() -> httpx.Response:
        return await hr.get(url, headers={"HX-Request": "true"})

    done = await eventually(
        progress, lambda answer: "Ditutup</strong>" in answer.text, what="the period closed"
    )
    assert "hx-trigger" not in done.text  # closed: no more polling
    assert f"{len(SMALL_ORG)} penilaian dihentikan" in done.text
    assert f"Alasan: {REASON}" in done.text
    assert "oleh Pegawai 006 pada" in done.text  # HR's name, not the NIP
    page = await hr.get(url)
    assert 'id="tutup"' not in page.text  # nothing left to close
    listed = await hr.get("/periode")
    assert "Ditutup" in listed.text
    beranda = await staff.get("/beranda")
    assert f"/penilaian/{period_id}/{STAFF}" not in beranda.text.split("Penilaian saya")[0]


async def test_a_period_with_a_delivered_result_says_why_it_cannot_be_closed(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    await rate_unit(api, auth, period_id, dict.fromkeys(UNIT_MEMBERS, ("sesuai", "sesuai")))
    await finalised_unit(api, auth, period_id, "istimewa")
    hr = await browser_for(HR)
    url = f"/periode/{period_id}"
    page = await hr.get(url)
    said = (
        f"Periode {period_id} tidak dapat ditutup: hasil penilaian {len(UNIT_MEMBERS)} "
        "pegawai sudah disampaikan"
    )
    assert "Periode ini tidak dapat ditutup" in page.text and said in page.text
    assert f'action="/periode/{period_id}/tutup"' not in page.text

    anyway = await hr.post(
        f"{url}/tutup",
        data={"csrf_token": csrf_of(await hr.get("/beranda")), "alasan": REASON, "mengerti": "ya"},
    )
    assert anyway.status_code == 409
    assert 'role="alert"' in anyway.text and said in anyway.text
    assert "Berjalan" in (await hr.get(url)).text
