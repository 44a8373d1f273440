"""The period dashboard page for HR (every agency, then one agency's units) and a tim
penilai (their agency only), refused to an employee; on the period seeded straight into
PostgreSQL by ``tests.api.dashboard_seed``."""

import re
import xml.etree.ElementTree as ET

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.repositories.organisation import upsert_roster
from tests.api.dashboard_seed import OVERRIDE_REASON, UNIT, seed_dashboard_period
from tests.orgs import HR, INDEPENDENT_TIM, OUTSIDER, STAFF, TIM
from tests.web.conftest import BrowserFor

SVG = re.compile(r"<svg .*?</svg>", re.S)


def charts_of(html: str) -> list[ET.Element]:
    """Every inline chart, parsed: each must be well-formed SVG on its own."""
    found = [ET.fromstring(svg) for svg in SVG.findall(html)]  # noqa: S314 (our own page)
    assert all(chart.get("role") == "img" for chart in found)
    return found


async def _seed(sessionmaker: async_sessionmaker[AsyncSession], period_id: str) -> None:
    async with sessionmaker.begin() as session:
        await upsert_roster(session, [INDEPENDENT_TIM])  # who recorded the override
    await seed_dashboard_period(sessionmaker, period_id)


async def test_hr_sees_every_agency_then_one_agencys_units(
    browser_for: BrowserFor, period_id: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _seed(sessionmaker, period_id)
    hr = await browser_for(HR)
    page = await hr.get(f"/periode/{period_id}/dasbor")

    assert page.status_code == 200, page.text[-2000:]
    html = page.text
    charts = charts_of(html)
    assert len(charts) == 4  # funnel, escalations, the broken unit's curve, training load
    assert f'href="/periode/{period_id}/dasbor?opd=DINKES#terlambat"' in html  # agency rows
    assert f'href="/unit/{period_id}/{UNIT}"' in html  # units link to their page
    assert "Per OPD" in html and "Lihat tabel" in html
    assert f"Pegawai {STAFF[-3:]}" in html and f"Pegawai {OUTSIDER[-3:]}" in html  # at risk
    assert OVERRIDE_REASON in html and "Dikecualikan oleh" in html
    assert f"Pegawai {INDEPENDENT_TIM.nip[-3:]}" in html  # who overrode, by name
    assert "melanggar" in html  # the broken band, in words
    assert 'scope="row"' in html and 'scope="col"' in html

    disdik = await hr.get(f"/periode/{period_id}/dasbor?opd=DISDIK")
    assert disdik.status_code == 200
    assert f'href="/unit/{period_id}/DISDIK-UMUM"' in disdik.text
    assert f'href="/unit/{period_id}/{UNIT}"' not in disdik.text
    assert 'value="DISDIK" selected' in disdik.text
    unknown = await hr.get(f"/periode/{period_id}/dasbor?opd=NOPE")  # ignored: all agencies
    assert unknown.status_code == 200 and f'href="/unit/{period_id}/{UNIT}"' in unknown.text
    hostile = await hr.get(f"/periode/{period_id}/dasbor?opd=%3Cscript%3E")
    assert hostile.status_code == 422


async def test_a_tim_penilai_sees_their_agency_and_an_employee_is_refused(
    browser_for: BrowserFor, period_id: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _seed(sessionmaker, period_id)
    tim = await browser_for(TIM)
    page = await tim.get(f"/periode/{period_id}/dasbor?opd=DISDIK")  # opd cannot widen it
    assert page.status_code == 200, page.text[-2000:]
    assert f"Pegawai {STAFF[-3:]}" in page.text
    assert f"Pegawai {OUTSIDER[-3:]}" not in page.text
    assert "DISDIK" not in page.text and "Per OPD" not in page.text
    assert f'href="/unit/{period_id}/{UNIT}"' in page.text
    assert len(charts_of(page.text)) == 4  # the agency's one unit: its curve

    staff = await browser_for(STAFF)
    refused = await staff.get(f"/periode/{period_id}/dasbor")
    assert refused.status_code == 403
    assert "Peran Anda tidak mengizinkan tindakan ini" in refused.text
    missing = await tim.get("/periode/no-such-period/dasbor")
    assert missing.status_code == 404
