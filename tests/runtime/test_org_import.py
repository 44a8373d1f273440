"""Importing the roster against a real PostgreSQL: all-or-nothing, idempotent, audited."""

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.roster_files import RosterFileError, RosterLimits
from api.roster_import import import_roster
from persistence.models import AuditEvent, Employee
from tests.runtime.test_cli import kinerja

Sessions = async_sessionmaker[AsyncSession]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_header(path: Path, columns: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(columns)
    return path


def nip_of(rows: list[dict[str, str]], position: str) -> str:
    return next(row["nip"] for row in rows if row["jabatan"] == position)


async def employee_count(sessionmaker: Sessions) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Employee)) or 0)


async def snapshot(sessionmaker: Sessions) -> list[tuple[Any, ...]]:
    async with sessionmaker() as session:
        result = await session.execute(select(Employee.__table__).order_by(Employee.nip))
        return [tuple(row) for row in result.all()]


async def audit_events(sessionmaker: Sessions) -> list[AuditEvent]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all())


async def test_demo_import_creates_every_employee_and_one_audit_event(
    sessionmaker: Sessions, demo_roster_path: Path
) -> None:
    report = await import_roster(sessionmaker, demo_roster_path, dry_run=False)

    assert report.ok and report.errors == []
    assert report.rows == 60 and not report.dry_run
    assert report.summary is not None
    assert report.summary.model_dump() == {"created": 60, "updated": 0, "unchanged": 0}
    assert await employee_count(sessionmaker) == 60
    rows = read_rows(demo_roster_path)
    async with sessionmaker() as session:
        kabid = await session.get(Employee, nip_of(rows, "Kepala Bidang Pelayanan Kesehatan"))
    assert kabid is not None
    assert kabid.supervisor_nip == nip_of(rows, "Kepala Dinas Kesehatan")
    assert kabid.unit_code == "DINKES-YANKES"

    [event] = await audit_events(sessionmaker)
    assert event.action == "organisation.imported"
    assert (event.subject_type, event.subject_id, event.actor) == (
        "organisation",
        "kuranji.csv",
        "cli",
    )
    assert event.after == {"created": 60, "updated": 0, "unchanged": 0}
    assert re.fullmatch(r"import-[0-9a-f]{64}-\d{4}-.+", event.event_key)
    stored = json.dumps([event.after, event.before, event.subject_id])
    assert not re.search(r"\d{18}", stored), "the audit trail must not copy NIPs"
    assert not any(row["nama"] in stored for row in rows)


async def test_reimport_changes_nothing(sessionmaker: Sessions, demo_roster_path: Path) -> None:
    await import_roster(sessionmaker, demo_roster_path, dry_run=False)
    before = await snapshot(sessionmaker)

    report = await import_roster(sessionmaker, demo_roster_path, dry_run=False)

    assert report.summary is not None
    assert report.summary.model_dump() == {"created": 0, "updated": 0, "unchanged": 60}
    assert await snapshot(sessionmaker) == before  # updated_at included
    assert len(await audit_events(sessionmaker)) == 1  # no event for a no-op import


async def test_changing_one_supervisor_updates_one_row(
    sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    await import_roster(sessionmaker, demo_roster_path, dry_run=False)
    rows = read_rows(demo_roster_path)
    moved = nip_of(rows, "Bidan Ahli Pertama")
    new_supervisor = nip_of(rows, "Kepala Seksi Pelayanan Kesehatan Rujukan")
    for row in rows:
        if row["nip"] == moved:
            assert row["nip_atasan"] != new_supervisor
            row["nip_atasan"] = new_supervisor
    changed = write_rows(tmp_path / "kuranji-mutasi.csv", rows)

    report = await import_roster(sessionmaker, changed, dry_run=False)

    assert report.summary is not None
    assert report.summary.model_dump() == {"created": 0, "updated": 1, "unchanged": 59}
    async with sessionmaker() as session:
        employee = await session.get(Employee, moved)
    assert employee is not None and employee.supervisor_nip == new_supervisor
    events = await audit_events(sessionmaker)
    assert [event.after for event in events][-1] == {"created": 0, "updated": 1, "unchanged": 59}
    assert events[-1].subject_id == "kuranji-mutasi.csv"


async def test_one_bad_row_imports_nothing(
    sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    rows = read_rows(demo_roster_path)
    leaf = next(i for i, row in enumerate(rows) if row["jabatan"] == "Nutrisionis Ahli Pertama")
    rows[leaf]["nip"] = rows[leaf]["nip"][:-1]
    bad = write_rows(tmp_path / "bad.csv", rows)

    report = await import_roster(sessionmaker, bad, dry_run=False)

    assert not report.ok and report.summary is None
    assert [(error.row, error.column) for error in report.errors] == [(leaf + 2, "nip")]
    assert await employee_count(sessionmaker) == 0
    assert await audit_events(sessionmaker) == []


async def test_dry_run_writes_nothing_but_reports_what_it_would_do(
    sessionmaker: Sessions, demo_roster_path: Path
) -> None:
    report = await import_roster(sessionmaker, demo_roster_path, dry_run=True)

    assert report.dry_run and report.ok
    assert report.summary is not None
    assert report.summary.model_dump() == {"created": 60, "updated": 0, "unchanged": 0}
    assert await employee_count(sessionmaker) == 0
    assert await audit_events(sessionmaker) == []


async def test_supervisor_already_in_database_is_accepted(
    sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    await import_roster(sessionmaker, demo_roster_path, dry_run=False)
    rows = read_rows(demo_roster_path)
    newcomer = dict(rows[-1], nip="199905052024032001", nama="Pegawai Baru")
    newcomer["nip_atasan"] = nip_of(rows, "Kepala Seksi Pelayanan Kesehatan Primer")

    report = await import_roster(
        sessionmaker, write_rows(tmp_path / "baru.csv", [newcomer]), dry_run=False
    )

    assert report.summary is not None
    assert report.summary.model_dump() == {"created": 1, "updated": 0, "unchanged": 0}
    assert await employee_count(sessionmaker) == 61


async def test_errors_name_spreadsheet_rows_even_after_empty_rows(
    sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    rows = read_rows(demo_roster_path)
    path = tmp_path / "gaps.csv"
    with demo_roster_path.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    # header (1), first employee (2), two empty rows (3, 4), then everyone else from row 5,
    # and a copy of the first employee at the very end.
    with_gaps = [lines[0], lines[1], "", ",,,,,,,,,,,,,", *lines[2:], lines[1]]
    path.write_text("\n".join(with_gaps) + "\n", encoding="utf-8")

    report = await import_roster(sessionmaker, path, dry_run=False)

    duplicate_row = 2 + 2 + len(rows)
    assert [(error.row, error.column) for error in report.errors] == [(duplicate_row, "nip")]
    assert "baris 2" in report.errors[0].message
    assert await employee_count(sessionmaker) == 0


async def test_xlsx_nip_stored_as_number_is_reported_not_imported(
    sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    rows = read_rows(demo_roster_path)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(rows[0]))
    for index, row in enumerate(rows):
        cells: list[object] = list(row.values())
        if index == 5:
            cells[0] = float(row["nip"])  # what Excel does to a NIP in a Number cell
        sheet.append(cells)
    path = tmp_path / "kuranji.xlsx"
    workbook.save(path)

    report = await import_roster(sessionmaker, path, dry_run=False)

    assert report.summary is None
    assert [(error.row, error.column) for error in report.errors] == [(7, "nip")]
    assert "Teks" in report.errors[0].message
    assert await employee_count(sessionmaker) == 0


def roster_workbook(rows: list[dict[str, str]], **other_sheets: list[list[str]]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Pegawai"
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    for title, cells in other_sheets.items():
        extra = workbook.create_sheet(title)
        for line in cells:
            extra.append(line)
    return workbook


async def test_xlsx_formula_supervisor_is_reported_not_imported_as_no_supervisor(
    sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    rows = read_rows(demo_roster_path)
    workbook = roster_workbook(rows)
    sheet = workbook.active
    assert sheet is not None
    supervisors = {row["nip_atasan"] for row in rows}
    staff = next(i for i, row in enumerate(rows) if row["nip"] not in supervisors) + 2
    sheet[f"I{staff}"] = "=A2"  # no cached value: data_only reading saw an empty cell
    path = tmp_path / "rumus.xlsx"
    workbook.save(path)

    report = await import_roster(sessionmaker, path, dry_run=False)

    assert report.summary is None
    assert [(error.row, error.column) for error in report.errors] == [(staff, "nip_atasan")]
    assert report.errors[0].message.startswith(f"sel I{staff} berisi rumus")
    assert await employee_count(sessionmaker) == 0


async def test_supervisor_made_inactive_with_staff_in_the_database_is_refused(
    sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    await import_roster(sessionmaker, demo_roster_path, dry_run=False)
    before = await snapshot(sessionmaker)
    rows = read_rows(demo_roster_path)
    kasi = nip_of(rows, "Kepala Seksi Pelayanan Kesehatan Primer")
    staff = sum(row["nip_atasan"] == kasi for row in rows)
    leaving = [dict(row, aktif="tidak") for row in rows if row["nip"] == kasi]

    report = await import_roster(
        sessionmaker, write_rows(tmp_path / "pensiun.csv", leaving), dry_run=False
    )

    assert report.summary is None
    assert [(error.row, error.column) for error in report.errors] == [(2, "aktif")]
    assert f"atasan {staff} pegawai aktif ({staff} di basis data)" in report.errors[0].message
    assert await snapshot(sessionmaker) == before


async def test_the_named_sheet_of_a_workbook_is_imported(
    sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    rows = read_rows(demo_roster_path)
    path = tmp_path / "kuranji.xlsx"
    roster_workbook(rows, Petunjuk=[["Isi lembar Pegawai"]]).save(path)

    with pytest.raises(RosterFileError, match="'Pegawai', 'Petunjuk'"):
        await import_roster(sessionmaker, path, dry_run=True)
    report = await import_roster(sessionmaker, path, dry_run=False, sheet="Pegawai")

    assert report.summary is not None and report.summary.created == 60


async def test_header_only_file_is_refused_not_imported_as_zero_rows(
    sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    path = write_header(tmp_path / "judul.csv", list(read_rows(demo_roster_path)[0]))

    with pytest.raises(RosterFileError, match="hanya berisi judul kolom"):
        await import_roster(sessionmaker, path, dry_run=False)
    assert await audit_events(sessionmaker) == []


async def test_limits_reach_the_reader(sessionmaker: Sessions, demo_roster_path: Path) -> None:
    with pytest.raises(RosterFileError, match="lebih dari 59 baris"):
        await import_roster(
            sessionmaker, demo_roster_path, dry_run=True, limits=RosterLimits(max_rows=59)
        )


async def test_cli_sheet_option_and_messages_quoting_the_files_own_text(
    database_url: str, sessionmaker: Sessions, demo_roster_path: Path, tmp_path: Path
) -> None:
    rows = read_rows(demo_roster_path)
    good = tmp_path / "kuranji.xlsx"
    roster_workbook(rows, Petunjuk=[["Isi lembar Pegawai"]]).save(good)
    bad = tmp_path / "salah.xlsx"
    # A value that is also console markup must be shown as typed, not crash the table.
    roster_workbook([dict(rows[0], aktif="[/bold]"), *rows[1:]], Petunjuk=[["-"]]).save(bad)

    migrated = await kinerja(database_url, "migrate")
    unchosen = await kinerja(database_url, "import-org", str(good))
    markup = await kinerja(database_url, "import-org", "--sheet", "Pegawai", str(bad))
    chosen = await kinerja(database_url, "import-org", "--sheet", "Pegawai", str(good))

    assert migrated.returncode == 0, migrated.stderr
    assert unchosen.returncode == 1, unchosen.stderr
    assert "'Pegawai', 'Petunjuk'" in unchosen.stdout.replace("\n", "")
    assert markup.returncode == 1, markup.stderr
    assert "'[/bold]' bukan ya/tidak" in markup.stdout
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr
    assert "60 baru" in chosen.stdout
    assert await employee_count(sessionmaker) == 60
