"""HR's extension page as a browser without JavaScript posts it: a deadline of the
period's schedule moved for a whole agency (a durable batch whose progress page polls
itself and then says how many moved and why the rest were refused, in words), for one
person (the appraisal's own command, then that appraisal's page), refusals beside the
form with what was typed kept, and nobody but HR extends."""

from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.repositories.organisation import upsert_roster
from tests.api.conftest import TokenFor
from tests.api.journey import start_period
from tests.orgs import AUDITOR, HR, OUTSIDER, SMALL_ORG, STAFF, WITH_OTHER_ROLES
from tests.waiting import eventually
from tests.web.conftest import BrowserFor, csrf_of
from web.i18n import DISPLAY_ZONE

DINKES = sum(1 for record in SMALL_ORG if record.agency_code == "DINKES")


def extension(csrf: str, due: datetime, **typed: str) -> dict[str, str]:
    wib = due.astimezone(DISPLAY_ZONE)
    return {
        "csrf_token": csrf,
        "cakupan": "opd",
        "nip": "",
        "unit_code": "",
        "agency_code": "DINKES",
        "deadline": "sosialisasi_due",
        "tanggal": wib.date().isoformat(),
        "jam": wib.strftime("%H:%M"),
        "alasan": "Sosialisasi diulang karena banjir",
    } | typed


async def current_due(api: httpx.AsyncClient, auth: TokenFor, period_id: str) -> datetime:
    staff = await api.get(f"/appraisals/{period_id}/{STAFF}", headers=auth(HR, "hr_admin"))
    return datetime.fromisoformat(staff.json()["pending"][0]["due"])


async def test_hr_extends_for_an_agency_and_watches_the_batch(
    browser_for: BrowserFor,
    api: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await start_period(api, auth, period_id)
    new_due = (await current_due(api, auth, period_id)) + timedelta(days=10)
    hr = await browser_for(HR)
    url = f"/periode/{period_id}/perpanjangan"
    page = await hr.get(url)
    assert page.status_code == 200, page.text
    assert '<option value="sosialisasi_due"' in page.text
    assert '<option value="checkin_due:1"' in page.text  # the schedule's check-ins too
    assert "WIB" in page.text  # each deadline with its due time

    started = await hr.post(url, data=extension(csrf_of(page), new_due))

    assert started.status_code == 303, started.text
    progress_url = started.headers["location"]
    assert progress_url.startswith(f"{url}/extension-{period_id}-")
    shown = await hr.get(progress_url)
    assert shown.status_code == 200 and 'id="kemajuan"' in shown.text
    if "Berjalan" in shown.text:  # while it runs, the block polls itself
        assert 'hx-trigger="every 2s"' in shown.text and "Muat ulang" in shown.text

    async def progress() -> httpx.Response:
        return await hr.get(progress_url, headers={"HX-Request": "true"})

    done = await eventually(
        progress, lambda answer: "Selesai" in answer.text, what="the extension completed"
    )
    assert "<html" not in done.text and "hx-trigger" not in done.text  # the block, no polling
    assert f"{DINKES} penilaian diperpanjang, 0 ditolak" in done.text
    staff = (await api.get(f"/appraisals/{period_id}/{STAFF}", headers=auth(HR, "hr_admin"))).json()
    assert datetime.fromisoformat(staff["due_overrides"]["sosialisasi_due"]) == new_due
    outsider = (
        await api.get(f"/appraisals/{period_id}/{OUTSIDER}", headers=auth(HR, "hr_admin"))
    ).json()
    assert outsider["due_overrides"] == {}

    # the same again: nothing moves twice, and the page says why in words
    again = await hr.post(url, data=extension(csrf_of(page), new_due))
    assert again.status_code == 303
    refused = await eventually(
        lambda: hr.get(again.headers["location"]),
        lambda answer: "Selesai" in answer.text,
        what="the repeated extension completed",
    )
    assert f"0 penilaian diperpanjang, {DINKES} ditolak" in refused.text
    assert "tidak lebih lambat dari yang berlaku" in refused.text

    # the auditor (added to the roster now, so without an appraisal) reads the progress;
    # nobody but HR opens the form
    async with sessionmaker.begin() as session:
        await upsert_roster(session, [r for r in WITH_OTHER_ROLES if r.nip == AUDITOR])
    auditor = await browser_for(AUDITOR)
    assert (await auditor.get(progress_url)).status_code == 200
    assert (await auditor.get(url)).status_code == 403


async def test_hr_extends_for_one_person_and_refusals_are_shown_beside_the_form(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    due = await current_due(api, auth, period_id)
    hr = await browser_for(HR)
    url = f"/periode/{period_id}/perpanjangan"
    csrf = csrf_of(await hr.get(url))
    one = {"cakupan": "orang", "nip": STAFF, "agency_code": ""}

    typo = await hr.post(
        url, data=extension(csrf, due, **(one | {"nip": "12345", "tanggal": "besok", "alasan": ""}))
    )
    assert typo.status_code == 422
    assert typo.text.count('aria-invalid="true"') == 3  # nip, date, reason
    assert 'value="12345"' in typo.text and 'value="besok"' in typo.text
    assert "NIP 18 angka" in typo.text

    earlier = await hr.post(url, data=extension(csrf, due - timedelta(days=1), **one))
    assert earlier.status_code == 422, earlier.text
    assert 'role="alert"' in earlier.text
    assert "setelah batas waktu yang berlaku" in earlier.text
    assert f'value="{STAFF}"' in earlier.text  # what was typed is kept

    unknown = "199912312020121001"
    missing = await hr.post(url, data=extension(csrf, due, **(one | {"nip": unknown})))
    assert missing.status_code == 404
    assert "Penilaian tidak ditemukan" in missing.text

    moved = await hr.post(url, data=extension(csrf, due + timedelta(days=3), **one))
    assert moved.status_code == 303, moved.text
    assert moved.headers["location"] == f"/penilaian/{period_id}/{STAFF}"
    assert (await current_due(api, auth, period_id)) == due + timedelta(days=3)
    peer = next(r.nip for r in SMALL_ORG if r.nip not in (STAFF, HR))
    untouched = await api.get(f"/appraisals/{period_id}/{peer}", headers=auth(HR, "hr_admin"))
    assert untouched.json()["due_overrides"] == {}


async def test_only_hr_extends(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    staff = await browser_for(STAFF)
    url = f"/periode/{period_id}/perpanjangan"
    assert (await staff.get(url)).status_code == 403
    csrf = csrf_of(await staff.get("/beranda"))
    due = await current_due(api, auth, period_id)
    posted = await staff.post(url, data=extension(csrf, due + timedelta(days=5)))
    assert posted.status_code == 403
    assert (await current_due(api, auth, period_id)) == due
    hr = await browser_for(HR)
    assert (await hr.get("/periode/tidak-ada/perpanjangan")).status_code == 404
    forged = await hr.post(url, data=extension("", due + timedelta(days=5)))
    assert forged.status_code == 403
