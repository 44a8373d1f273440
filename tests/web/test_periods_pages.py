"""HR's period pages over HTTP, as a browser without JavaScript posts them: the wizard
previews the customary schedule of a year (due times in WIB, people included, no
warnings), opens the period and lands on its page, which shows the start's progress and
then every appraisal counted; a period id already used is refused beside the form with
what was typed kept; a role other than HR cannot open one, and a post without the
session's CSRF token is refused."""

from datetime import UTC, datetime

import httpx

from tests.orgs import HR, SMALL_ORG, STAFF, TIM
from tests.waiting import eventually
from tests.web.conftest import BrowserFor, csrf_of

YEAR = datetime.now(UTC).year + 1  # every due time lies ahead


def wizard(csrf: str, period_id: str, **typed: str) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "year": str(YEAR),
        "period_id": period_id,
        "monitoring_frequency": "triwulan",
        "name": "",
        "briefing": "",
    } | typed


async def test_hr_opens_a_period_through_the_wizard_and_watches_it_start(
    browser_for: BrowserFor, period_id: str
) -> None:
    hr = await browser_for(HR)
    assert 'href="/periode"' in (await hr.get("/beranda")).text
    page = await hr.get("/periode/baru")
    assert page.status_code == 200, page.text
    csrf = csrf_of(page)

    preview = await hr.post(
        "/periode/baru/pratinjau", data=wizard(csrf, period_id, monitoring_frequency="bulanan")
    )
    assert preview.status_code == 200, preview.text
    assert f"Penilaian Kinerja ASN {YEAR}" in preview.text
    assert "16.00 WIB" in preview.text and "Pemantauan 10<" in preview.text  # monthly
    assert f"{len(SMALL_ORG)} pegawai aktif" in preview.text
    assert "Tidak ada peringatan." in preview.text  # the customary schedule warns of nothing
    assert "Buka periode</button>" in preview.text
    assert f'<input type="hidden" name="period_id" value="{period_id}">' in preview.text

    opened = await hr.post(
        "/periode/baru", data=wizard(csrf, period_id, monitoring_frequency="bulanan")
    )
    assert opened.status_code == 303, opened.text
    assert opened.headers["location"] == f"/periode/{period_id}?baru=1"

    shown = await hr.get(opened.headers["location"])
    assert shown.status_code == 200, shown.text
    assert 'id="kemajuan"' in shown.text
    if "Berjalan" not in shown.text:  # being recorded or starting: the block polls itself
        assert 'hx-trigger="every 2s"' in shown.text and "Muat ulang" in shown.text

    async def progress() -> httpx.Response:
        return await hr.get(opened.headers["location"], headers={"HX-Request": "true"})

    done = await eventually(
        progress,
        lambda answer: f"({len(SMALL_ORG)} tercatat)" in answer.text and "Berjalan" in answer.text,
        what="every appraisal counted on the period page",
    )
    assert "<html" not in done.text and 'id="kemajuan"' in done.text  # the block alone
    assert "hx-trigger" not in done.text  # started: no more polling

    page = await hr.get(f"/periode/{period_id}")
    assert f"{len(SMALL_ORG)} dari {len(SMALL_ORG)} pegawai dimulai" in page.text
    listed = await hr.get("/periode")
    assert f'href="/periode/{period_id}"' in listed.text

    # the same id again: refused beside the form, what was typed kept
    again = await hr.post("/periode/baru", data=wizard(csrf, period_id, name="Periode ketikan"))
    assert again.status_code == 409, again.text
    assert 'role="alert"' in again.text and "sudah dimulai" in again.text
    assert 'value="Periode ketikan"' in again.text and f'value="{period_id}"' in again.text
    refused = await hr.post("/periode/baru/pratinjau", data=wizard(csrf, period_id))
    assert refused.status_code == 200
    assert f"Periode {period_id} sudah ada" in refused.text
    assert "Buka periode</button>" not in refused.text


async def test_a_typo_is_shown_beside_the_field(browser_for: BrowserFor, period_id: str) -> None:
    hr = await browser_for(HR)
    csrf = csrf_of(await hr.get("/periode/baru"))
    typo = await hr.post("/periode/baru/pratinjau", data=wizard(csrf, period_id, year="dua ribu"))
    assert typo.status_code == 422
    assert 'aria-invalid="true"' in typo.text and 'value="dua ribu"' in typo.text
    assert (await hr.get(f"/periode/{period_id}")).status_code == 404


async def test_only_hr_opens_and_only_period_readers_see_periods(
    browser_for: BrowserFor, period_id: str
) -> None:
    staff = await browser_for(STAFF)
    assert 'href="/periode"' not in (await staff.get("/beranda")).text
    for url in ("/periode", "/periode/baru", f"/periode/{period_id}"):
        refused = await staff.get(url)
        assert refused.status_code == 403, url
        assert "Peran Anda tidak mengizinkan tindakan ini" in refused.text
    csrf = csrf_of(await staff.get("/beranda"))
    posted = await staff.post("/periode/baru", data=wizard(csrf, period_id))
    assert posted.status_code == 403

    tim = await browser_for(TIM)
    assert (await tim.get("/periode")).status_code == 200
    assert (await tim.get("/periode/baru")).status_code == 403


async def test_a_post_without_the_csrf_token_opens_nothing(
    browser_for: BrowserFor, period_id: str
) -> None:
    hr = await browser_for(HR)
    forged = await hr.post("/periode/baru", data=wizard("", period_id))
    assert forged.status_code == 403
    assert "tidak berasal dari sesi Anda" in forged.text
    assert (await hr.get(f"/periode/{period_id}")).status_code == 404
