"""The unit page as BKPSDM uses it: the unit predikat set, the distribution rule's broken
bounds shown in words (also on the refused finalisation), an override with its reason,
finalisation; and nobody without a unit role gets in."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.repositories.organisation import upsert_roster
from tests.api.conftest import TokenFor
from tests.api.journey import UNIT, UNIT_MEMBERS, rate_unit, start_period
from tests.orgs import CALIBRATOR, HR, INDEPENDENT_TIM, STAFF
from tests.web.conftest import BrowserFor, csrf_of


async def test_bkpsdm_sets_the_predikat_sees_the_rule_broken_a_calibrator_overrides(
    browser_for: BrowserFor,
    api: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await start_period(api, auth, period_id)
    await rate_unit(api, auth, period_id, {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS})
    hr = await browser_for(HR)
    url = f"/unit/{period_id}/{UNIT}"
    page = await hr.get(url)
    assert page.status_code == 200
    assert "belum ditetapkan" in page.text

    set_baik = {"csrf_token": csrf_of(page), "perintah": "predikat", "predikat": "baik"}
    assert (await hr.post(url, data=set_baik)).status_code == 303
    page = await hr.get(url)
    assert "Aturan distribusi dilanggar" in page.text  # everyone baik: no butuh_perbaikan

    refused = await hr.post(url, data={"csrf_token": csrf_of(page), "perintah": "final"})
    assert refused.status_code == 409
    assert "dilanggar" in refused.text and "selisih" in refused.text  # each bound in words

    assert "dicatat oleh tim penilai" in page.text  # not HR's act: no override form for HR
    async with sessionmaker.begin() as session:
        await upsert_roster(session, [INDEPENDENT_TIM])  # a calibrator outside the unit
    tim = await browser_for(CALIBRATOR)
    page = await tim.get(url)
    short = {"csrf_token": csrf_of(page), "perintah": "override", "alasan": "karena"}
    kept = await tim.post(url, data=short)
    assert kept.status_code == 422 and ">karena</textarea>" in kept.text
    reason = "Seluruh staf unit mencapai target; capaian unit diverifikasi Inspektorat"
    done = await tim.post(
        url, data={"csrf_token": csrf_of(page), "perintah": "override", "alasan": reason}
    )
    assert done.status_code == 303, done.text[-3000:]
    page = await hr.get(url)
    final = await hr.post(url, data={"csrf_token": csrf_of(page), "perintah": "final"})
    assert final.status_code == 303
    page = await hr.get(url)
    assert reason in page.text and "Final" in page.text
    # who set the rule aside, by name and role, and which bounds it covered, in words
    assert f"Pegawai {CALIBRATOR[-3:]} (tim penilai," in page.text
    assert "Pengecualian ini mencakup" in page.text and "paling banyak 70% baik" in page.text
    state = (await api.get(f"/appraisals/{period_id}/{STAFF}", headers=auth(STAFF))).json()
    assert state["result"]["delivered_at"] is not None  # the results were delivered


async def test_a_person_without_a_unit_role_is_refused(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    staff = await browser_for(STAFF)
    page = await staff.get(f"/unit/{period_id}/{UNIT}")
    assert page.status_code == 403
    assert "Halaman unit untuk BKPSDM" in page.text
