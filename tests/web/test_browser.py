"""A real browser (Debian's chromium through Playwright) against the app served by
uvicorn, with the real worker, Temporal and PostgreSQL behind it. An employee and her
supervisor do the first half of the year by clicking and typing; the supervisor sees the
escalation of a late colleague arrive. Every page is checked with axe (no serious or
critical violation) and photographed at 1280 and 360 px into ``.data/screenshots``."""

from datetime import UTC, datetime, timedelta

import httpx
from playwright.async_api import Browser, expect

from tests.api.conftest import TokenFor
from tests.api.journey import UNIT, UNIT_MEMBERS, rate_unit, start_period
from tests.api.test_lists import quick_period
from tests.factories import WIB
from tests.orgs import HR, OUTSIDER, PEER, STAFF, SUPERVISOR
from tests.waiting import eventually
from tests.web.browsing import checked_pages, log_in, look, press_tab_until
from tests.web.test_pages_journey import skp_form


async def test_a_year_in_the_browser(
    served: str, browser: Browser, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    late_period = f"{period_id}q"
    started = await api.post(
        "/periods", json=quick_period(late_period), headers=auth(HR, "hr_admin")
    )
    assert started.status_code == 201, started.text
    await start_period(api, auth, period_id)

    # the login page and the picker, as a newcomer sees them
    anonymous = await (await browser.new_context(base_url=served, locale="id-ID")).new_page()
    await anonymous.goto("/masuk")
    await look(anonymous, "masuk")
    await anonymous.get_by_role("link", name="Pilih pegawai demo").click()
    await look(anonymous, "masuk-demo")

    staff = await log_in(browser, served, "Pegawai 003")
    await look(staff, "beranda-pegawai")
    await staff.get_by_role("link", name="Menyatakan telah mengikuti sosialisasi").first.click()
    await look(staff, "penilaian-sosialisasi")
    await staff.goto(f"/penilaian/{period_id}/{OUTSIDER}")  # not hers to see: a 404 page
    await expect(staff.get_by_role("alert")).to_contain_text("Penilaian tidak ditemukan")
    await look(staff, "galat-404")
    await staff.goto(f"/penilaian/{period_id}/{STAFF}")
    # with the keyboard alone: tab to the button, press Enter
    await press_tab_until(staff, "Saya telah mengikuti sosialisasi")
    await staff.keyboard.press("Enter")
    await expect(staff.get_by_text("Telah menyatakan mengikuti sosialisasi")).to_be_visible()

    form = skp_form("")
    for name, value in form.items():
        if name.startswith(("rhk-", "perilaku-")):
            field = staff.locator(f"[name='{name}']")
            if name.endswith(("-kind", "-aspect")):
                await field.select_option(value)
            else:
                await field.fill(value)
    await staff.locator("[name='rhk-0-ind-0-target']").fill("dua belas")
    await staff.get_by_role("button", name="Simpan dan ajukan ke pejabat penilai").click()
    await expect(staff.get_by_role("alert")).to_contain_text("Data tidak valid")
    await expect(staff.locator("[name='rhk-0-ind-0-target']")).to_have_value("dua belas")
    await look(staff, "penilaian-skp-galat")
    await staff.locator("[name='rhk-0-ind-0-target']").fill("12")
    await staff.get_by_role("button", name="Simpan dan ajukan ke pejabat penilai").click()
    await expect(staff.locator("h2 .tag")).to_have_text("Diajukan, menunggu persetujuan")

    supervisor = await log_in(browser, served, "Pegawai 002")
    await look(supervisor, "beranda-atasan")
    await supervisor.get_by_role("link", name="Tim saya").click()
    await look(supervisor, "tim")
    await supervisor.goto(f"/penilaian/{period_id}/{STAFF}")
    await supervisor.get_by_label("Catatan untuk pegawai").fill("Perjelas target triwulan")
    await supervisor.get_by_role("button", name="Kembalikan untuk diperbaiki").click()
    await expect(supervisor.locator("h2 .tag")).to_have_text("Dikembalikan untuk diperbaiki")

    await staff.reload()
    await expect(staff.locator(".note")).to_contain_text("Perjelas target triwulan")
    await look(staff, "penilaian-skp-dikembalikan")
    await staff.get_by_role("button", name="Simpan dan ajukan ke pejabat penilai").click()
    await supervisor.reload()
    await look(supervisor, "penilaian-tinjau-skp")
    await supervisor.get_by_role("button", name="Setujui SKP").click()

    await staff.reload()
    await staff.locator("[name='realisasi-ind-1-1']").fill("7")
    await staff.locator("[name='realisasi-ind-2-1']").fill("88,5")
    await staff.get_by_role("button", name="Laporkan realisasi").click()
    await supervisor.reload()
    await expect(supervisor.get_by_text("7 / 12")).to_be_visible()
    await look(supervisor, "penilaian-pemantauan")
    await supervisor.get_by_label("Umpan balik untuk pegawai").fill("Capaian sesuai rencana")
    await supervisor.get_by_role("button", name="Kirim umpan balik").click()
    await expect(supervisor.locator(".note")).to_contain_text("Capaian sesuai rencana")

    # wawancara: the supervisor records the dialogue (the employee and he are ticked)
    held = (datetime.now(UTC) - timedelta(hours=1)).astimezone(WIB)
    await supervisor.locator("#waktu").fill(held.strftime("%Y-%m-%dT%H:%M"))
    await supervisor.get_by_label("Catatan dialog").fill("Capaian triwulan dibahas bersama")
    await supervisor.get_by_label("Kesepakatan (satu per baris)").fill("Lengkapi bukti dukung")
    await supervisor.get_by_role("button", name="Simpan catatan dialog").click()
    await expect(supervisor.get_by_text("Capaian triwulan dibahas bersama")).to_be_visible()

    # penilaian: below target on results, as expected on behaviour
    await supervisor.locator("input[name=hasil_kerja][value=di_bawah]").check()
    await supervisor.locator("input[name=perilaku][value=sesuai]").check()
    await look(supervisor, "penilaian-nilai")
    await supervisor.get_by_role("button", name="Simpan penilaian").click()
    await expect(supervisor.locator(".verdict")).to_contain_text("Butuh perbaikan")
    others = {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS if nip not in (STAFF, PEER)}
    await rate_unit(api, auth, period_id, {**others, PEER: ("di_bawah", "di_atas")})
    # BKPSDM sets the unit's predikat on the unit page and finalises: results delivered
    bkpsdm = await log_in(browser, served, "Pegawai 006")
    await bkpsdm.goto(f"/unit/{period_id}/{UNIT}")
    await bkpsdm.get_by_label("Predikat unit (dari capaian rencana kerja)").select_option("baik")
    await bkpsdm.get_by_role("button", name="Tetapkan predikat unit").click()
    await expect(bkpsdm.get_by_text("Sebaran memenuhi aturan distribusi")).to_be_visible()
    await look(bkpsdm, "unit")
    await bkpsdm.get_by_role("button", name="Finalkan unit").click()
    await expect(bkpsdm.locator("p.tag")).to_contain_text("Final")
    # BKPSDM previews next year's period in the wizard (the preview opens nothing)
    await bkpsdm.get_by_role("link", name="Periode", exact=True).click()
    await bkpsdm.get_by_role("link", name="Buka periode baru").click()
    await bkpsdm.get_by_label("Tahun", exact=True).fill(str(datetime.now(UTC).year + 1))
    await bkpsdm.get_by_label("Kode periode (opsional; bawaan: tahun)").fill(f"{period_id}b")
    await bkpsdm.get_by_role("button", name="Lihat pratinjau").click()
    await expect(bkpsdm.get_by_role("button", name="Buka periode")).to_be_visible()
    await look(bkpsdm, "periode-baru")

    # keberatan: filed by the employee, answered by the supervisor, decided by his head
    await staff.reload()
    await expect(staff.get_by_text("Sisa 14 hari untuk mengajukan keberatan")).to_be_visible()
    await staff.get_by_label("Alasan keberatan").fill("Beban kerja bertambah di triwulan II")
    await look(staff, "penilaian-keberatan")
    await staff.get_by_role("button", name="Ajukan keberatan").click()
    await supervisor.reload()
    await supervisor.get_by_label("Tambahkan keterangan").fill("Realisasi di bawah target")
    await supervisor.get_by_role("button", name="Kirim keterangan").click()
    head = await log_in(browser, served, "Pegawai 001")
    await head.get_by_role("link", name="Memutus keberatan").first.click()
    await head.get_by_label("Keberatan ditolak, hasil tetap").check()
    await head.get_by_label("Pertimbangan").fill("Realisasi memang di bawah target")
    await look(head, "penilaian-putusan")
    await head.get_by_role("button", name="Putuskan keberatan").click()
    await expect(head.locator(".keberatan .note")).to_contain_text("Realisasi memang")

    # tindak lanjut: training assigned, reported, confirmed; the year is done
    await supervisor.reload()
    await supervisor.get_by_label("Nama pelatihan atau kegiatan").fill("Pelatihan menyusun SKP")
    await supervisor.get_by_role("button", name="Tetapkan", exact=True).click()
    await staff.reload()
    await staff.get_by_label("Apa yang sudah dilakukan").fill("Mengikuti pelatihan 3 hari")
    await look(staff, "penilaian-tindak-lanjut")
    await staff.get_by_role("button", name="Laporkan selesai").click()
    await supervisor.reload()
    await supervisor.get_by_role("button", name="Konfirmasi selesai").click()
    await expect(supervisor.get_by_text("Dikonfirmasi")).to_be_visible()
    await expect(supervisor.locator("ol.timeline li.done")).to_have_count(6)
    await look(supervisor, "penilaian-selesai")

    # the late colleague's acknowledgement escalated to the supervisor; mark it read (htmx)
    await eventually(
        lambda: api.get("/me/notifications?unread=true", headers=auth(SUPERVISOR)),
        lambda r: any(
            i["kind"] == "eskalasi" and i["subject_nip"] == PEER for i in r.json()["items"]
        ),
        what="the escalation of PEER's acknowledgement reaching the supervisor",
    )
    await supervisor.goto("/notifikasi")
    await expect(supervisor.get_by_text("Eskalasi").first).to_be_visible()
    await look(supervisor, "notifikasi")
    unread = await supervisor.get_by_role("button", name="Tandai sudah dibaca").count()
    await supervisor.get_by_role("button", name="Tandai sudah dibaca").first.click()
    await expect(supervisor.get_by_role("button", name="Tandai sudah dibaca")).to_have_count(
        unread - 1
    )

    # English on request
    await staff.get_by_label("Bahasa").select_option("en")
    await staff.get_by_role("button", name="Ganti").click()
    await expect(staff.get_by_role("heading", name="Monitoring")).to_be_visible()
    await look(staff, "penilaian-en")
    print(f"\naxe: {len(checked_pages)} pages checked, 0 serious or critical violations")
