"""A period's export page: HR downloads the CSV and the XLSX (one sheet, or one per
agency) with the session, optionally of one agency; a tim penilai gets their agency
only; every download is in the audit trail; a typo is marked beside its field; an
employee without a reading role is refused."""

import csv
import io

import httpx
from openpyxl import load_workbook

from api.export_service import EXPORT_COLUMNS, XLSX
from tests.api.conftest import TokenFor
from tests.api.journey import start_period
from tests.orgs import HR, SMALL_ORG, STAFF, TIM
from tests.web.conftest import BrowserFor

AGENCIES = sorted({record.agency_code for record in SMALL_ORG})
DINKES = sorted(record.nip for record in SMALL_ORG if record.agency_code == "DINKES")


async def test_hr_downloads_csv_and_xlsx_per_agency_and_each_is_audited(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    hr = await browser_for(HR)
    url = f"/periode/{period_id}/ekspor"
    page = await hr.get(url)
    assert page.status_code == 200, page.text
    assert f'action="{url}/unduh"' in page.text and 'value="xlsx-opd"' in page.text

    as_csv = await hr.get(f"{url}/unduh", params={"berkas": "csv"})
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert f'filename="kinerja-{period_id}.csv"' in as_csv.headers["content-disposition"]
    header, *lines = list(csv.reader(io.StringIO(as_csv.text)))
    assert header == list(EXPORT_COLUMNS)
    assert sorted(line[1] for line in lines) == sorted(r.nip for r in SMALL_ORG)

    per_agency = await hr.get(f"{url}/unduh", params={"berkas": "xlsx-opd"})
    assert per_agency.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(per_agency.content))
    assert book.sheetnames == AGENCIES
    for agency in AGENCIES:
        sheet = book[agency]
        top, *rows = list(sheet.iter_rows())
        assert all(cell.font.bold for cell in top) and sheet.freeze_panes == "A2"
        assert {row[4].value for row in rows} == {agency}

    one = await hr.get(f"{url}/unduh", params={"berkas": "xlsx", "agency_code": "DINKES"})
    sheet = load_workbook(io.BytesIO(one.content))["penilaian"]
    assert sorted(row[1].value for row in list(sheet.iter_rows())[1:]) == DINKES

    trail = await api.get(
        "/audit", params={"action": "appraisals.exported"}, headers=auth(HR, "hr_admin")
    )
    events = [e for e in trail.json()["items"] if e["period_id"] == period_id]
    assert sorted(e["subject_id"] for e in events) == ["csv", "xlsx", "xlsx"]
    assert {e["actor"] for e in events} == {HR}
    assert {"period_id": period_id, "sheets": "agency"} in [e["after"] for e in events]


async def test_scoped_refused_and_marked(
    browser_for: BrowserFor, api: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(api, auth, period_id)
    url = f"/periode/{period_id}/ekspor"
    tim = await browser_for(TIM)
    assert (await tim.get(url)).status_code == 200
    theirs = await tim.get(f"{url}/unduh", params={"berkas": "csv"})
    _, *lines = list(csv.reader(io.StringIO(theirs.text)))
    assert sorted(line[1] for line in lines) == DINKES  # their agency only

    hr = await browser_for(HR)
    typo = await hr.get(f"{url}/unduh", params={"berkas": "pdf", "agency_code": "DIN KES"})
    assert typo.status_code == 422
    assert typo.text.count('aria-invalid="true"') == 1 and 'value="DIN KES"' in typo.text
    assert "Pilih jenis berkas" in typo.text
    assert (await hr.get("/periode/tidak-ada/ekspor")).status_code == 404

    staff = await browser_for(STAFF)
    assert (await staff.get(url)).status_code == 403
    assert (await staff.get(f"{url}/unduh", params={"berkas": "csv"})).status_code == 403
