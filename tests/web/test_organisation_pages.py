"""The organisation pages over HTTP, as a browser without JavaScript uses them: HR browses
agencies, units and people with the chain up and the reports down; someone else sees only
what the API would show them; HR uploads a roster with errors (shown against spreadsheet
rows and columns), then the fixed file, sees the change and applies it; HR records a
mutasi from a person's page, and a refused one is shown in words. The committed fixtures
(kuranji-salah.csv, kuranji-perbaikan.csv) are the Playwright journey's files: checked
here against the demo roster."""

from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.roster_import import import_roster
from persistence.models import Employee
from tests.api.conftest import TokenFor
from tests.api.journey import Journey, start_period
from tests.api.test_organisation_imports import (
    as_csv,
    as_xlsx,
    changed_roster,
    rows_with_errors,
)
from tests.orgs import HEAD, HR, OUTSIDER, PEER, STAFF, SUPERVISOR, TIM
from tests.web.conftest import BrowserFor, csrf_of

FIXTURES = Path(__file__).parent / "fixtures"
Sessions = async_sessionmaker[AsyncSession]


async def test_hr_browses_agencies_units_and_people_with_their_chain(
    browser_for: BrowserFor,
) -> None:
    hr = await browser_for(HR)
    agencies = await hr.get("/organisasi")
    assert agencies.status_code == 200, agencies.text
    for code in ("DINKES", "DISDIK", "BKPSDM"):
        assert f'id="opd-{code}"' in agencies.text
    assert 'href="/organisasi/unit/DINKES-UMUM"' in agencies.text
    assert 'href="/organisasi/impor"' in agencies.text  # HR uploads from here

    unit = await hr.get("/organisasi/unit/DINKES-UMUM")
    assert unit.status_code == 200, unit.text
    heads, people = unit.text.split('id="pegawai"')
    assert f'href="/organisasi/orang/{HEAD}"' in heads
    for nip in (HEAD, SUPERVISOR, STAFF, PEER, TIM):
        assert f'href="/organisasi/orang/{nip}"' in people

    staff = await hr.get(f"/organisasi/orang/{STAFF}")
    assert staff.status_code == 200, staff.text
    chain = staff.text.split('id="atasan"')[1].split('id="bawahan"')[0]
    assert chain.index(SUPERVISOR) < chain.index(HEAD)  # nearest first
    boss = await hr.get(f"/organisasi/orang/{SUPERVISOR}")
    reports = boss.text.split('id="bawahan"')[1]
    assert f'href="/organisasi/orang/{STAFF}"' in reports
    assert f'href="/organisasi/orang/{PEER}"' in reports
    assert "Tidak ada penilaian yang masih berjalan." in boss.text  # no period yet


async def test_others_see_what_the_api_shows_them(browser_for: BrowserFor) -> None:
    outsider = await browser_for(OUTSIDER)
    agencies = await outsider.get("/organisasi")
    assert 'id="opd-DISDIK"' in agencies.text and 'id="opd-DINKES"' not in agencies.text
    assert 'href="/organisasi/impor"' not in agencies.text
    for url in (f"/organisasi/orang/{STAFF}", "/organisasi/unit/DINKES-UMUM"):
        refused = await outsider.get(url)
        assert refused.status_code == 404, url
    assert (await outsider.get("/organisasi/impor")).status_code == 403

    staff = await browser_for(STAFF)
    own = await staff.get(f"/organisasi/orang/{STAFF}")
    assert own.status_code == 200 and 'id="penilaian"' not in own.text  # no mutasi form


async def upload(browser: httpx.AsyncClient, csrf: str, name: str, data: bytes) -> httpx.Response:
    return await browser.post(
        "/organisasi/impor",
        data={"csrf_token": csrf, "lembar": ""},
        files={"berkas": (name, data, "application/octet-stream")},
    )


async def test_hr_uploads_a_roster_with_errors_then_the_fixed_one_and_applies_it(
    browser_for: BrowserFor, sessionmaker: Sessions
) -> None:
    hr = await browser_for(HR)
    form = await hr.get("/organisasi/impor")
    assert form.status_code == 200, form.text
    assert 'enctype="multipart/form-data"' in form.text and 'accept=".csv,.xlsx"' in form.text
    csrf = csrf_of(form)

    for name, data in (
        ("salah.csv", as_csv(rows_with_errors())),
        ("salah.xlsx", as_xlsx(rows_with_errors())),
    ):
        refused = await upload(hr, csrf, name, data)
        assert refused.status_code == 422, refused.text
        assert "Impor dibatalkan: tidak ada yang disimpan" in refused.text
        assert '<tr><th scope="row">5</th><td>nip</td>' in refused.text  # PEER's short NIP
        assert "rantai atasan membentuk lingkaran (siklus)" in refused.text
        assert "Terapkan" not in refused.text

    unreadable = await upload(hr, csrf, "daftar.txt", b"nip\n1\n")
    assert unreadable.status_code == 415 and "format berkas tidak didukung" in unreadable.text
    forged = await hr.post(
        "/organisasi/impor", files={"berkas": ("a.csv", as_csv(changed_roster()), "text/csv")}
    )
    assert forged.status_code == 403

    preview = await upload(hr, csrf, "perbaikan.csv", as_csv(changed_roster()))
    assert preview.status_code == 200, preview.text
    assert "Langkah 2: periksa perubahan, lalu terapkan" in preview.text
    assert "Pegawai baru: 1" in preview.text and "Analis Kebijakan Ahli Muda" in preview.text
    assert "nip_atasan" in preview.text
    async with sessionmaker() as session:
        staff = await session.get(Employee, STAFF)
    assert staff is not None and staff.supervisor_nip == SUPERVISOR  # nothing applied yet
    apply_url = preview.text.split('action="/organisasi/impor/')[1].split('"')[0]

    applied = await hr.post(f"/organisasi/impor/{apply_url}", data={"csrf_token": csrf})
    assert applied.status_code == 200, applied.text
    assert "Daftar pegawai diterapkan" in applied.text
    assert "1 baru, 2 diperbarui, 4 tidak berubah" in applied.text
    async with sessionmaker() as session:
        staff = await session.get(Employee, STAFF)
    assert staff is not None and staff.supervisor_nip == HEAD
    again = await hr.post(f"/organisasi/impor/{apply_url}", data={"csrf_token": csrf})
    assert again.status_code == 409 and "sudah diterapkan" in again.text


async def test_hr_records_a_mutasi_from_the_person_page(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    hr = await browser_for(HR)
    url = f"/organisasi/orang/{STAFF}"
    page = await hr.get(url)
    assert f'<option value="{period_id}"' in page.text
    csrf = csrf_of(page)
    post = f"{url}/mutasi"

    unreadable = await hr.post(
        post, data={"csrf_token": csrf, "period_id": period_id, "atasan_baru": "123", "alasan": ""}
    )
    assert unreadable.status_code == 422
    assert 'id="atasan_baru-galat"' in unreadable.text and 'id="alasan-galat"' in unreadable.text

    below = await hr.post(
        post,
        data={"csrf_token": csrf, "period_id": period_id, "atasan_baru": STAFF, "alasan": "Rotasi"},
    )
    assert below.status_code == 422, below.text
    assert "Atasan baru berada di bawah pegawai ini (siklus)" in below.text

    done = await hr.post(
        post,
        data={"csrf_token": csrf, "period_id": period_id, "atasan_baru": HEAD, "alasan": "Rotasi"},
    )
    assert done.status_code == 303, done.text
    shown = await hr.get(done.headers["location"])
    assert "Mutasi tercatat" in shown.text
    appraisal = await Journey(api, auth, period_id, STAFF).read()
    assert appraisal["supervisor_nip"] == HEAD

    tim = await browser_for(TIM)  # the tim penilai sees the page, not the form
    assert 'action="/organisasi/orang' not in (await tim.get(url)).text
    refused = await tim.post(
        post,
        data={"csrf_token": csrf, "period_id": period_id, "atasan_baru": PEER, "alasan": "Rotasi"},
    )
    assert refused.status_code == 403


async def test_the_journey_fixtures_fit_the_demo_roster(
    sessionmaker: Sessions, demo_roster_path: Path
) -> None:
    """kuranji-salah.csv names each kind of row error once or more; kuranji-perbaikan.csv
    is valid against the demo organisation and changes it a little."""
    await import_roster(sessionmaker, demo_roster_path, dry_run=False)
    wrong = await import_roster(sessionmaker, FIXTURES / "kuranji-salah.csv", dry_run=True)
    assert {(error.row, error.column) for error in wrong.errors} == {
        (43, "nip_atasan"),
        (46, "nip_atasan"),
        (47, "nip_atasan"),
        (56, "nip"),
        (63, "nip"),
    }
    fixed = await import_roster(sessionmaker, FIXTURES / "kuranji-perbaikan.csv", dry_run=True)
    assert fixed.errors == [] and fixed.summary is not None
    assert fixed.summary.model_dump() == {"created": 1, "updated": 2, "unchanged": 58}
