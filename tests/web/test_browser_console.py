"""BKPSDM's console in a real browser (Debian's chromium through Playwright) against the
app served by uvicorn, with the real worker, Temporal and PostgreSQL behind it. HR uploads
a roster with errors, fixes it and applies it; opens a trial period through the wizard and
watches it start; sees a unit blocked by the distribution rule; a tim penilai overrides
and finalises it; HR exports the XLSX and closes the trial period. Every page is checked
with axe and photographed at 1280 and 360 px (tests/web/browsing.py)."""

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, expect

from tests.api.conftest import TokenFor
from tests.api.journey import UNIT, UNIT_MEMBERS, rate_unit, start_period
from tests.api.test_organisation_imports import (
    as_csv,
    roster_row,
    rows_with_errors,
    small_org_rows,
)
from tests.orgs import INDEPENDENT_TIM, SMALL_ORG
from tests.web.browsing import checked_pages, log_in, look

WAIT = 60_000  # ms: a period's start or a batch on a busy CI machine


async def upload_roster(hr: Page, tmp_path: Path) -> None:
    """The wrong file first (errors against their rows), then the fixed one, applied."""
    await hr.get_by_role("link", name="Organisasi", exact=True).click()
    await look(hr, "organisasi")
    await hr.get_by_role("link", name="Unggah daftar pegawai").click()
    wrong = tmp_path / "daftar-salah.csv"
    wrong.write_bytes(as_csv(rows_with_errors()))
    await hr.get_by_label("Berkas daftar pegawai (.csv atau .xlsx)").set_input_files(wrong)
    await hr.get_by_role("button", name="Periksa berkas").click()
    await expect(
        hr.get_by_role("heading", name="Impor dibatalkan: tidak ada yang disimpan")
    ).to_be_visible()
    errors = hr.get_by_role("table", name="Kesalahan per baris lembar kerja")
    await expect(errors.get_by_role("rowheader", name="5", exact=True)).to_be_visible()
    await look(hr, "organisasi-impor-galat")

    fixed = tmp_path / "daftar-perbaikan.csv"  # the calibrator joins Dinas Kesehatan
    fixed.write_bytes(as_csv([*small_org_rows(), roster_row(INDEPENDENT_TIM)]))
    await hr.get_by_label(
        "Berkas daftar pegawai yang sudah diperbaiki (.csv atau .xlsx)"
    ).set_input_files(fixed)
    await hr.get_by_role("button", name="Periksa berkas").click()
    await expect(hr.get_by_text("Pegawai baru: 1")).to_be_visible()
    await look(hr, "organisasi-impor-pratinjau")
    await hr.get_by_role("button", name="Terapkan").click()
    await expect(hr.get_by_role("heading", name="Daftar pegawai diterapkan")).to_be_visible()


async def open_trial_period(hr: Page, trial: str) -> None:
    """The wizard: the year, the schedule prefilled, the preview, open; then the start."""
    await hr.get_by_role("link", name="Periode", exact=True).click()
    await hr.get_by_role("link", name="Buka periode baru").click()
    await hr.get_by_label("Tahun", exact=True).fill(str(datetime.now(UTC).year + 1))
    await hr.get_by_label("Kode periode (opsional; bawaan: tahun)").fill(trial)
    await look(hr, "periode-baru-isian")
    await hr.get_by_role("button", name="Lihat pratinjau").click()
    await expect(hr.get_by_role("button", name="Buka periode")).to_be_visible()
    await look(hr, "periode-baru-pratinjau")
    await hr.get_by_role("button", name="Buka periode").click()
    await expect(hr).to_have_url(re.compile(f"/periode/{trial}"))
    await expect(hr.get_by_text("Berjalan").first).to_be_visible(timeout=WAIT)
    await look(hr, "periode-berjalan")


async def test_bkpsdm_steers_the_year_in_the_browser(
    served: str,
    browser: Browser,
    api: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    tmp_path: Path,
) -> None:
    hr = await log_in(browser, served, "Pegawai 006")
    await upload_roster(hr, tmp_path)
    trial = f"{period_id}c"
    await open_trial_period(hr, trial)

    # the year's period, everyone rated as expected: the unit's spread breaks the rule
    await start_period(api, auth, period_id, headcount=len(SMALL_ORG) + 1)
    await rate_unit(api, auth, period_id, {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS})
    await hr.goto(f"/unit/{period_id}/{UNIT}")
    await hr.get_by_label("Predikat unit (dari capaian rencana kerja)").select_option("baik")
    await hr.get_by_role("button", name="Tetapkan predikat unit").click()
    await expect(hr.get_by_text("Aturan distribusi dilanggar").first).to_be_visible()
    await look(hr, "unit-dilanggar")
    # ... and the dashboard shows it among the units that break the rule
    await hr.goto(f"/periode/{period_id}")
    await hr.get_by_role("link", name="Dasbor periode").click()
    curves = hr.locator("section", has=hr.get_by_role("heading", name="Kurva distribusi predikat"))
    await expect(curves.get_by_role("link", name="Umum", exact=True)).to_be_visible()
    await expect(curves.get_by_text("melanggar").first).to_be_visible()
    await look(hr, "dasbor")

    # the tim penilai from outside the unit's chain overrides with a reason and finalises
    tim = await log_in(browser, served, "Pegawai 010")
    await tim.goto(f"/unit/{period_id}/{UNIT}")
    await tim.get_by_label("Alasan menerima sebaran ini walau melanggar aturan").fill(
        "Seluruh staf unit mencapai target; capaian unit diverifikasi Inspektorat"
    )
    await tim.get_by_role("button", name="Catat pengecualian").click()
    await tim.get_by_role("button", name="Finalkan unit").click()
    await expect(tim.locator("p.tag")).to_contain_text("Final")
    await expect(tim.get_by_text("Pengecualian ini mencakup")).to_be_visible()
    await look(tim, "unit-pengecualian")

    # HR exports the period, one sheet per agency, header bold and frozen
    await hr.goto(f"/periode/{period_id}/ekspor")
    await look(hr, "ekspor")
    async with hr.expect_download() as downloading:
        await hr.get_by_role("button", name="Unduh XLSX, satu lembar per OPD").click()
    saved = tmp_path / "ekspor.xlsx"
    await (await downloading.value).save_as(saved)
    book = load_workbook(saved)
    assert {"DINKES", "DISDIK", "BKPSDM"} <= set(book.sheetnames), book.sheetnames
    sheet = book["DINKES"]
    header = [cell.value for cell in sheet[1]]
    assert {"predikat", "hasil_kerja", "perilaku", "keberatan_status"} <= set(header)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.max_row == 1 + len(UNIT_MEMBERS) + 1  # the unit and the calibrator

    # the trial period: everyone's sosialisasi moved as a batch, then the period closed
    await hr.goto(f"/periode/{trial}")
    await hr.get_by_role("link", name="Perpanjangan batas waktu").click()
    await hr.get_by_label("Semua pegawai periode ini").check()
    await hr.get_by_label("Batas waktu", exact=True).select_option("sosialisasi_due")
    await hr.get_by_label("Tanggal baru").fill(f"{datetime.now(UTC).year + 1}-03-02")
    await hr.get_by_label("Jam (WIB)").fill("16:00")
    await hr.get_by_label("Alasan", exact=True).fill("Sosialisasi diundur karena libur panjang")
    await look(hr, "perpanjangan")
    await hr.get_by_role("button", name="Perpanjang").click()
    await expect(hr.get_by_text("Selesai").first).to_be_visible(timeout=WAIT)
    await look(hr, "perpanjangan-kemajuan")

    await hr.goto(f"/periode/{trial}")
    await hr.get_by_label("Alasan penutupan").fill("Periode uji coba, dibuka untuk latihan")
    await hr.get_by_label("Saya mengerti bahwa semua penilaian periode ini dihentikan").check()
    await hr.get_by_role("button", name="Tutup periode").click()
    await expect(hr.locator("#penutupan")).to_contain_text("Ditutup", timeout=WAIT)
    await expect(hr.locator("#penutupan")).to_contain_text(f"{len(SMALL_ORG) + 1} penilaian")
    await look(hr, "periode-ditutup")
    await hr.get_by_role("link", name="Semua periode").click()
    await look(hr, "periode-daftar")

    await hr.get_by_role("link", name="Jejak audit").click()
    await look(hr, "jejak-audit")
    print(f"\naxe: {len(checked_pages)} pages checked, 0 serious or critical violations")
