"""The export a BKPSDM report is made from: besides the list's columns, each result's
hasil kerja, perilaku and predikat, where its keberatan and tindak lanjut stand, and the
steps past their due time (an extension counts); as CSV, and as XLSX read back with
openpyxl (the header row bold on a fill and frozen below, readable widths, one sheet per
agency on request, each sheet name one Excel accepts however the agency code is spelt).

The appraisals are written straight into the projection with crafted states: reading is
what is tested."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.export_service import EXPORT_COLUMNS, SHEET_NAME_MAX, sheet_names
from domain.appraisal import AppraisalState
from domain.checkin import Rating
from domain.development import DevelopmentAction, DevelopmentKind
from domain.keberatan import Keberatan, KeberatanDecision, KeberatanOutcome
from domain.predikat import Predikat
from domain.result import Result
from domain.skp import Skp, SkpStatus
from domain.stages import Stage
from persistence.models import Agency, Appraisal, Employee, Period, Unit
from rehearsal.organisation import make_nip
from tests.api.conftest import TokenFor
from tests.api.journey import PROBLEM_JSON
from tests.factories import make_schedule
from tests.orgs import HR

PERIOD = "ekspor-2024"
START = datetime(2024, 1, 1, tzinfo=UTC)  # every due time of the period has passed
SCHEDULE = make_schedule(START)
HOSTILE = "A[B]:C*D?E/F\\G"  # every character Excel refuses in a sheet name
LONG_1 = "DINAS-PEKERJAAN-UMUM-DAN-PENATAAN-1"  # the two share their first 31 characters
LONG_2 = "DINAS-PEKERJAAN-UMUM-DAN-PENATAAN-2"
AGENCIES = ("AGX", HOSTILE, LONG_1, LONG_2)
RATED_AT = datetime(2024, 12, 10, tzinfo=UTC)
NIPS = [make_nip(5000 + i) for i in range(6)]


def result(hasil: Rating, perilaku: Rating, predikat: Predikat) -> Result:
    return Result(
        hasil_kerja=hasil,
        perilaku=perilaku,
        predikat=predikat,
        rated_by=HR,
        rated_at=RATED_AT,
        delivered_at=RATED_AT,
    )


def action(number: int, confirmed: bool) -> DevelopmentAction:
    return DevelopmentAction(
        number=number,
        kind=DevelopmentKind.PELATIHAN,
        title=f"Pelatihan {number}",
        due=datetime(2025, 3, 31, tzinfo=UTC),
        assigned_by=HR,
        assigned_at=RATED_AT,
        reported_at=RATED_AT if confirmed else None,
        confirmed_at=RATED_AT if confirmed else None,
        confirmed_by=HR if confirmed else None,
    )


# nip, agency, state changes, overdue flag, and the columns expected after the list's
CASES: list[tuple[str, str, dict[str, Any], bool, list[str]]] = [
    (  # below expectations, keberatan rejected, one of two trainings confirmed
        NIPS[0],
        "AGX",
        {
            "stage": Stage.TINDAK_LANJUT,
            "result": result(Rating.DI_BAWAH, Rating.SESUAI, Predikat.BUTUH_PERBAIKAN),
            "keberatan": Keberatan(
                filed_at=RATED_AT,
                reasons="Target tidak realistis",
                decision=KeberatanDecision(
                    outcome=KeberatanOutcome.DITOLAK,
                    reasoning="Realisasi di bawah target",
                    predikat_before=Predikat.BUTUH_PERBAIKAN,
                    predikat_after=Predikat.BUTUH_PERBAIKAN,
                    by=HR,
                    at=RATED_AT + timedelta(days=3),
                ),
            ),
            "development": (action(1, True), action(2, False)),
        },
        False,
        ["di_bawah", "sesuai", "diputus", "ditolak", "berjalan", ""],
    ),
    (  # outstanding, a keberatan filed and not decided in time
        NIPS[1],
        "AGX",
        {
            "stage": Stage.PENILAIAN,
            "result": result(Rating.DI_ATAS, Rating.DI_ATAS, Predikat.SANGAT_BAIK),
            "keberatan": Keberatan(filed_at=RATED_AT, reasons="Predikat unit keliru"),
        },
        True,
        ["di_atas", "di_atas", "diajukan", "", "tidak_perlu", "keberatan_putusan"],
    ),
    (  # an SKP waiting for approval past its due time
        NIPS[2],
        HOSTILE,
        {"stage": Stage.PERENCANAAN, "skp": Skp(status=SkpStatus.DIAJUKAN, submissions=1)},
        True,
        ["", "", "tidak_ada", "", "", "skp_approval_due"],
    ),
    (  # flagged overdue, but HR has since extended the deadline: nothing late
        NIPS[3],
        LONG_1,
        {"due_overrides": {"sosialisasi_due": datetime(2099, 1, 1, tzinfo=UTC)}},
        True,
        ["", "", "tidak_ada", "", "", ""],
    ),
    (  # finished with baik: nothing to follow up
        NIPS[4],
        LONG_2,
        {"stage": Stage.SELESAI, "result": result(Rating.SESUAI, Rating.SESUAI, Predikat.BAIK)},
        False,
        ["sesuai", "sesuai", "tidak_ada", "", "tidak_perlu", ""],
    ),
    (  # needs development, none assigned yet
        NIPS[5],
        LONG_2,
        {
            "stage": Stage.TINDAK_LANJUT,
            "result": result(Rating.SESUAI, Rating.DI_BAWAH, Predikat.KURANG),
        },
        False,
        ["sesuai", "di_bawah", "tidak_ada", "", "belum_ditetapkan", ""],
    ),
]
NEW_COLUMNS = EXPORT_COLUMNS[12:]


@pytest.fixture
async def exported(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker.begin() as session:
        session.add_all(Agency(code=code, name=f"Dinas {code}") for code in AGENCIES)
        await session.flush()
        session.add_all(
            Unit(code=f"U{i}", agency_code=code, name="Umum") for i, code in enumerate(AGENCIES)
        )
        await session.flush()
        units = {code: f"U{i}" for i, code in enumerate(AGENCIES)}
        session.add_all(
            Employee(
                nip=nip,
                name=f"Pegawai {nip[-4:]}",
                position="Analis",
                grade="Penata (III/c)",
                employment_type="PNS",
                agency_code=agency,
                unit_code=units[agency],
                supervisor_nip=None,
            )
            for nip, agency, *_ in CASES
        )
        session.add(
            Period(
                id=PERIOD,
                name="Penilaian Kinerja 2024",
                starts_on=date(2024, 1, 1),
                ends_on=date(2024, 12, 31),
                schedule=SCHEDULE.model_dump(mode="json"),
                status="running",
                employees_started=len(CASES),
                created_by=HR,
            )
        )
        await session.flush()
        for nip, agency, changes, overdue, _ in CASES:
            state = AppraisalState(
                period_id=PERIOD,
                nip=nip,
                agency_code=agency,
                unit_code=units[agency],
                supervisor_nip=None,
                overdue=overdue,
                **changes,
            )
            session.add(
                Appraisal(
                    period_id=PERIOD,
                    nip=nip,
                    agency_code=agency,
                    unit_code=units[agency],
                    supervisor_nip=None,
                    stage=state.stage.value,
                    predikat=state.result.predikat.value if state.result else None,
                    overdue=overdue,
                    at_risk=False,
                    version=1,
                    state=state.model_dump(mode="json"),
                    workflow_id=f"appraisal-{PERIOD}-{nip}",
                    updated_at=RATED_AT,
                )
            )


async def download(
    client: httpx.AsyncClient, headers: dict[str, str], query: str
) -> httpx.Response:
    response = await client.get(f"/appraisals/export?period_id={PERIOD}&{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response


async def test_the_csv_carries_ratings_keberatan_tindak_lanjut_and_late_steps(
    client: httpx.AsyncClient, auth: TokenFor, exported: None
) -> None:
    response = await download(client, auth(HR, "hr_admin"), "format=csv")

    header, *lines = list(csv.reader(io.StringIO(response.text)))
    assert header == list(EXPORT_COLUMNS)
    old = "period_id nip name position agency_code unit_code supervisor_nip stage predikat"
    assert header[:12] == [*old.split(), "overdue", "at_risk", "updated_at"]  # kept in place
    by_nip = {line[1]: dict(zip(header, line, strict=True)) for line in lines}
    assert sorted(by_nip) == sorted(NIPS)
    for nip, agency, _, _, expected in CASES:
        row = by_nip[nip]
        assert row["agency_code"] == agency
        assert [row[column] for column in NEW_COLUMNS] == expected, nip
    assert by_nip[NIPS[0]]["predikat"] == "butuh_perbaikan"
    assert by_nip[NIPS[2]]["predikat"] == ""


async def test_the_xlsx_has_a_styled_frozen_header_and_one_sheet_per_agency_on_request(
    client: httpx.AsyncClient, auth: TokenFor, exported: None
) -> None:
    hr = auth(HR, "hr_admin")

    single = load_workbook(io.BytesIO((await download(client, hr, "format=xlsx")).content))

    assert single.sheetnames == ["penilaian"]
    sheet = single["penilaian"]
    header, *lines = list(sheet.iter_rows())
    assert [cell.value for cell in header] == list(EXPORT_COLUMNS)
    assert all(cell.font.bold for cell in header)
    assert all(cell.fill.fill_type == "solid" for cell in header)
    assert not lines[0][0].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == 32  # the name
    assert sheet.column_dimensions["A"].width > 10
    values = {line[1].value: [cell.value for cell in line] for line in lines}
    late = EXPORT_COLUMNS.index("overdue_steps")
    assert values[NIPS[2]][late] == "skp_approval_due"
    assert values[NIPS[0]][EXPORT_COLUMNS.index("development_status")] == "berjalan"

    response = await download(
        client, {**hr, "X-Request-ID": "per-agency"}, "format=xlsx&sheets=agency"
    )
    book = load_workbook(io.BytesIO(response.content))

    names = sheet_names(sorted(AGENCIES))
    assert book.sheetnames == [names[code] for code in sorted(AGENCIES)]
    assert len({name.casefold() for name in book.sheetnames}) == len(AGENCIES)
    for name in book.sheetnames:
        assert len(name) <= SHEET_NAME_MAX
        assert not set(name) & set("[]:*?/\\"), name
    assert names[LONG_1] != names[LONG_2]
    for code in AGENCIES:
        sheet = book[names[code]]
        header, *lines = list(sheet.iter_rows())
        assert all(cell.font.bold for cell in header) and sheet.freeze_panes == "A2"
        assert {line[4].value for line in lines} == {code}
        assert sorted(line[1].value for line in lines) == sorted(
            n for n, a, *_ in CASES if a == code
        )

    audit = await client.get("/audit?action=appraisals.exported&limit=10", headers=hr)
    [event] = [e for e in audit.json()["items"] if e["request_id"] == "per-agency"]
    assert event["after"] == {"period_id": PERIOD, "sheets": "agency"}
    assert event["subject_id"] == "xlsx"

    wrong = await client.get(f"/appraisals/export?period_id={PERIOD}&sheets=every", headers=hr)
    assert wrong.status_code == 422
    assert wrong.headers["content-type"] == PROBLEM_JSON
    assert [e["field"] for e in wrong.json()["errors"]] == ["query.sheets"]


def test_sheet_names_are_valid_in_excel_and_distinct_whatever_the_codes() -> None:
    codes = [
        "DINKES",
        "dinkes",  # Excel compares sheet names without case
        "'KUTIP'",
        "History",
        "X" * 40,
        "X" * 35,
        "[]:*?/\\",
        "",
    ]
    names = sheet_names(codes)
    assert names["DINKES"] == "DINKES"
    assert names["dinkes"] == "dinkes~2"
    assert names["'KUTIP'"] == "KUTIP"
    assert names["History"] != "History"
    assert names["X" * 40] == "X" * 31
    assert names["X" * 35] == "X" * 29 + "~2"
    assert names["[]:*?/\\"] == "_______"
    assert names[""] == "OPD"
    for name in names.values():
        assert 0 < len(name) <= SHEET_NAME_MAX
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
    assert len({name.casefold() for name in names.values()}) == len(codes)
