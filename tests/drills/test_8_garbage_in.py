"""Drill 8: garbage in. Hypothesis writes roster files the way real spreadsheets go
wrong — other encodings, huge cells, formulas, missing columns, bad and duplicate NIPs,
supervisor cycles, control characters, random bytes — as CSV (',' / ';' / BOM) and XLSX,
and imports them into a database that already holds an organisation. Every import must:

- never crash: the only exception allowed is ``RosterFileError`` (the file as a whole is
  unreadable), whose message HR can act on;
- never import partially: on any error the database is exactly as before;
- answer with row-level errors (the spreadsheet row, and the column) — for a known bad
  cell, that very row and column;
- and, when it is accepted, hold every row exactly as written.

At full size a 100,000-row roster is imported whole, and the same roster with one bad row
near its end imports nothing and names that row."""

import asyncio
import csv
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.roster_files import RosterFileError
from api.roster_import import import_roster
from domain.organisation import REQUIRED_COLUMNS
from persistence.models import Employee
from persistence.repositories.organisation import upsert_roster
from runtime.devstack import venv_binary
from tests.api.conftest import TokenFor
from tests.api.journey import journeys, skp_content, start_period
from tests.drills.org import nip, organisation
from tests.drills.scale import report, sized
from tests.drills.snapshot import snapshot
from tests.orgs import STAFF

Sessions = async_sessionmaker[AsyncSession]
HEADER = [*REQUIRED_COLUMNS, "jenis_pegawai", "tim_penilai", "aktif"]
TEXT_COLUMNS = ["nama", "jabatan", "pangkat_golongan", "nama_opd", "nama_unit", "kode_opd"]
EXAMPLES = sized(150, 1000)
TALLY: dict[str, int] = {}


def row_for(index: int, supervisor: str, name: str) -> dict[str, str]:
    return {
        "nip": nip(index),
        "nama": name,
        "jabatan": "Analis Kebijakan",
        "pangkat_golongan": "Penata (III/c)",
        "kode_opd": "GARBAGE",
        "nama_opd": "Dinas Uji Coba",
        "kode_unit": f"GARBAGE-{index % 3}",
        "nama_unit": "Unit Uji",
        "nip_atasan": supervisor,
        "jenis_pegawai": "PNS",
        "tim_penilai": "tidak",
        "aktif": "ya",
    }


@dataclass
class Case:
    """A roster file to write, and what we know it must produce."""

    header: list[str]
    rows: list[dict[str, str]]
    fmt: str  # csv, csv;, csv-bom, xlsx
    mutation: str
    expect_error_at: tuple[int, str | None] | None = None  # (row, column) known to be bad
    expect_file_error: bool = False
    raw: bytes | None = None  # bytes written as they are
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)


names = st.sampled_from(
    ["Siti Aisyah, S.K.M.", "dr. Ni Made Ayu", 'Ahmad "Ucok" Lubis', "I Gusti Ngurah Rai"]
) | st.text(  # any printable text: scripts, emoji, combining marks, RTL, odd spaces
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=40
)
MUTATIONS = [
    "none", "formula", "huge_cell", "missing_column", "bad_nip", "duplicate_nip",
    "unknown_supervisor", "cycle", "latin1", "utf16", "random_bytes", "empty_rows",
    "number_nip_xlsx", "ragged", "quotes_and_newlines", "bad_flag", "control_chars",
]  # fmt: skip


@st.composite
def cases(draw: Any) -> Case:
    size = draw(st.integers(min_value=1, max_value=12))
    base = draw(st.integers(min_value=1000, max_value=80000))
    rows: list[dict[str, str]] = []
    for offset in range(size):
        supervisor = "" if offset == 0 else rows[draw(st.integers(0, offset - 1))]["nip"]
        rows.append(row_for(base + offset, supervisor, draw(names)))
    fmt = draw(st.sampled_from(["csv", "csv;", "csv-bom", "xlsx"]))
    mutation = draw(st.sampled_from(MUTATIONS))
    case = Case(header=list(HEADER), rows=rows, fmt=fmt, mutation=mutation)
    target = draw(st.integers(0, size - 1))
    row_number = target + 2
    column = draw(st.sampled_from(TEXT_COLUMNS))
    if mutation == "formula":
        rows[target][column] = draw(st.sampled_from(["=", "+", "@"])) + draw(
            st.sampled_from(['HYPERLINK("http://x")', "cmd|' /C calc'!A0", "1+1", "SUM(A1:A9)"])
        )
        case.expect_error_at = (row_number, column)
    elif mutation == "huge_cell":
        rows[target][column] = "x" * draw(st.sampled_from([501, 5000, 32000]))
        case.expect_error_at = (row_number, column)
    elif mutation == "missing_column":
        dropped = draw(st.sampled_from(list(REQUIRED_COLUMNS)))
        case.header.remove(dropped)
        case.expect_error_at = (1, dropped)
    elif mutation == "bad_nip":
        rows[target]["nip"] = draw(
            st.sampled_from(["12345", "19900101201501100A", "199013012015011001", "１９９０"])
            | st.text(min_size=1, max_size=20).filter(
                lambda t: t.strip() and not t.startswith(("=", "+", "@"))
            )
        )
        case.expect_error_at = (row_number, "nip")
    elif mutation == "duplicate_nip" and size > 1:
        duplicate = draw(st.integers(1, size - 1))
        rows[duplicate]["nip"] = rows[0]["nip"]
        rows[duplicate]["nip_atasan"] = ""
    elif mutation == "unknown_supervisor":
        rows[target]["nip_atasan"] = nip(99_000 + target)
        case.expect_error_at = (row_number, "nip_atasan")
    elif mutation == "cycle" and size > 1:
        rows[0]["nip_atasan"] = rows[-1]["nip"]  # the top now reports to the bottom
        case.expect_error_at = (2, "nip_atasan")
    elif mutation == "latin1" and fmt != "xlsx":
        rows[target]["nama"] = "José Müller Ñandú"
        case.encoding = "cp1252"
        case.expect_file_error = True
    elif mutation == "utf16" and fmt != "xlsx":
        case.encoding = "utf-16"
        case.expect_file_error = True
    elif mutation == "random_bytes":
        case.raw = draw(st.binary(min_size=1, max_size=2000))
    elif mutation == "empty_rows":
        rows.insert(target, dict.fromkeys(case.header, ""))
    elif mutation == "number_nip_xlsx" and fmt == "xlsx":
        rows[target]["nip"] = int(rows[target]["nip"])  # type: ignore[assignment]
        case.expect_error_at = (row_number, "nip")
    elif mutation == "ragged":
        case.notes.append("ragged")
    elif mutation == "quotes_and_newlines":
        rows[target]["nama"] = 'Baris\nbaru, "kutip" dan ;titik koma'
    elif mutation == "control_chars" and fmt != "xlsx":  # XLSX cannot hold them at all
        rows[target][column] = draw(st.sampled_from(["Nama\x00NUL", "\x07Bel", "Esc\x1b[31m"]))
        case.expect_error_at = (row_number, column)
    elif mutation == "bad_flag":
        rows[target]["aktif"] = draw(st.sampled_from(["mungkin", "2", "?"]))
        case.expect_error_at = (row_number, "aktif")
    else:
        case.mutation = "none"
    return case


def write(case: Case, directory: Path, serial: int) -> Path:
    suffix = ".xlsx" if case.fmt == "xlsx" else ".csv"
    path = directory / f"roster-{serial}{suffix}"
    if case.raw is not None:
        path.write_bytes(case.raw)
        return path
    table = [case.header] + [[row.get(column, "") for column in case.header] for row in case.rows]
    if "ragged" in case.notes:  # some rows shorter, some longer than the header
        table = [
            cells[: len(cells) - (i % 3)] + ["extra"] * (i % 2) for i, cells in enumerate(table)
        ]
        table[0] = case.header
    if case.fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for cells in table:
            sheet.append(
                [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in cells]
            )
        workbook.save(path)
        return path
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";" if case.fmt == "csv;" else ",").writerows(table)
    text = buffer.getvalue()
    if case.fmt == "csv-bom" and case.encoding == "utf-8":
        path.write_bytes(text.encode("utf-8-sig"))
    else:
        path.write_bytes(text.encode(case.encoding, errors="replace"))
    return path


def _cell(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


async def check(sessionmaker: Sessions, path: Path, case: Case) -> str:
    """Import ``path`` and hold the outcome to the drill's rules; returns the outcome."""
    before = await snapshot(sessionmaker)
    try:
        result = await import_roster(sessionmaker, path, dry_run=False)
    except RosterFileError as error:
        assert error.message.strip(), "a file-level error must say what is wrong"
        assert await snapshot(sessionmaker) == before, "a refused file changed the database"
        # a cell-level mistake in a readable file is a row error, not a file error
        assert case.expect_error_at is None or case.expect_error_at[0] == 1, case.mutation
        return "file_error"
    if case.expect_file_error:
        raise AssertionError(f"{case.mutation}: an unreadable file was accepted: {result}")
    if result.errors:
        assert await snapshot(sessionmaker) == before, "a rejected import changed the database"
        for error in result.errors:  # the header is row 1, data rows follow
            assert 1 <= error.row <= len(case.rows) + 1, error
            assert error.message.strip(), error
        if case.expect_error_at is not None:
            # the known bad row is named; its column too, unless the row had another error
            # first (a row is parsed until its first bad cell)
            row, column = case.expect_error_at
            at_row = [e for e in result.errors if e.row == row]
            # a cross-row rule (supervisor known, no cycle) is judged over the valid rows
            # only: with other rows refused, that row may be judged differently
            cross_row = case.mutation in ("unknown_supervisor", "cycle")
            others = [e for e in result.errors if e.row != row]
            assert at_row or (cross_row and others), (case.mutation, row, result.errors[:5])
            assert row > 1 or any(e.column == column for e in at_row), (case.mutation, at_row)
        return "row_errors"
    assert case.expect_error_at is None, (case.mutation, case.expect_error_at, "accepted")
    assert result.summary is not None
    summary = result.summary
    assert summary.created + summary.updated + summary.unchanged == result.rows
    async with sessionmaker() as session:
        for row in case.rows:
            if not any(_cell(v) for v in row.values()):
                continue
            stored = await session.get(Employee, _cell(row["nip"]))
            assert stored is not None, row["nip"]
            assert stored.name == _cell(row["nama"]), (stored.name, row["nama"])
    return "imported"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(case=cases())
async def test_garbage_rosters_never_crash_never_import_partially(
    case: Case, sessionmaker: Sessions, tmp_path: Path
) -> None:
    if not TALLY:
        async with sessionmaker.begin() as session:  # an organisation is already there
            await upsert_roster(session, organisation(20))
    serial = sum(TALLY.values())
    outcome = await check(sessionmaker, write(case, tmp_path, serial), case)
    TALLY[outcome] = TALLY.get(outcome, 0) + 1
    TALLY[f"mutation:{case.mutation}"] = TALLY.get(f"mutation:{case.mutation}", 0) + 1


def test_garbage_figure() -> None:
    outcomes = {k: v for k, v in TALLY.items() if not k.startswith("mutation:")}
    report(
        8,
        "garbage rosters (hypothesis)",
        files=sum(outcomes.values()),
        outcomes=outcomes,
        mutations_tried=sum(1 for k in TALLY if k.startswith("mutation:")),
        crashes=0,
        partial_imports=0,
    )


def big_table(rows: int, bad_row: int | None = None) -> list[list[str]]:
    """A compact, valid roster of ``rows`` employees (heads of 100-person units); with
    ``bad_row``, that spreadsheet row holds a formula."""
    table = [list(REQUIRED_COLUMNS)]
    for index in range(rows):
        supervisor = "" if index % 100 == 0 else nip(index - index % 100)
        name = f"P{index}" if index + 2 != bad_row else '=HYPERLINK("http://x")'
        table.append(
            [
                nip(index),
                name,
                "Analis",
                "III/c",
                "OPD",
                "Dinas",
                f"U{index // 100}",
                "U",
                supervisor,
            ]
        )
    return table


def write_table(path: Path, table: list[list[str]]) -> Path:
    if path.suffix == ".xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for cells in table:
            sheet.append(cells)
        workbook.save(path)
        return path
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(table)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
async def test_a_huge_roster_is_all_or_nothing(
    sessionmaker: Sessions, tmp_path: Path, suffix: str
) -> None:
    rows = sized(2_000, 100_000)
    bad_row = rows - 3
    broken = write_table(tmp_path / f"broken{suffix}", big_table(rows, bad_row=bad_row))
    began = time.monotonic()
    refused = await import_roster(sessionmaker, broken, dry_run=False)
    refused_s = time.monotonic() - began
    assert [(e.row, e.column) for e in refused.errors] == [(bad_row, "nama")]
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Employee)) == 0

    whole = write_table(tmp_path / f"whole{suffix}", big_table(rows))
    began = time.monotonic()
    imported = await import_roster(sessionmaker, whole, dry_run=False)
    imported_s = time.monotonic() - began
    assert imported.ok and imported.summary is not None
    assert imported.summary.created == rows
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Employee)) == rows
    report(
        8,
        f"huge roster ({suffix})",
        rows=rows,
        file_mib=whole.stat().st_size / 2**20,
        one_bad_row_refused_in_s=refused_s,
        rows_written_when_refused=0,
        whole_file_imported_in_s=imported_s,
    )


async def test_an_oversized_file_is_refused_whole(sessionmaker: Sessions, tmp_path: Path) -> None:
    """100,000 rows with real-length names and titles pass 10 MiB: refused with a clear
    message (split the file), nothing read into the database."""
    path = tmp_path / "too-big.csv"
    long_row = "x" * 120
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(REQUIRED_COLUMNS) + "\n")
        handle.writelines(f"{nip(i)},{long_row},{long_row}\n" for i in range(45_000))
    before = await snapshot(sessionmaker)
    with pytest.raises(RosterFileError, match="10 MiB"):
        await import_roster(sessionmaker, path, dry_run=False)
    assert await snapshot(sessionmaker) == before


async def test_the_cli_answers_garbage_without_a_traceback(
    database_url: str, tmp_path: Path
) -> None:
    """What HR sees: ``kinerja import-org`` exits 1 with the rows named, never a traceback."""
    control = tmp_path / "control.csv"
    table = [HEADER, list(row_for(5, "", "Nama\x00dengan NUL\x07").values())]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    control.write_text(buffer.getvalue(), encoding="utf-8")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(buffer.getvalue().replace("Nama", "José").encode("cp1252", errors="replace"))
    formula = tmp_path / "formula.csv"
    formula.write_text(
        buffer.getvalue().replace("Nama\x00dengan NUL\x07", "=1+1"), encoding="utf-8"
    )
    outputs = {}
    for path in (control, latin, formula):
        process = await asyncio.create_subprocess_exec(
            str(venv_binary("kinerja")),
            "import-org",
            str(path),
            env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            output = (await asyncio.wait_for(process.communicate(), timeout=120))[0].decode()
        except TimeoutError:
            process.kill()
            raise AssertionError(f"kinerja import-org {path.name} did not finish") from None
        outputs[path.name] = (process.returncode, output)
        assert "Traceback" not in output, output[-2000:]
        assert process.returncode == 1, output[-2000:]
    assert "Impor dibatalkan" in outputs["formula.csv"][1]
    assert "Impor dibatalkan" in outputs["control.csv"][1]
    assert "UTF-8" in outputs["latin.csv"][1]


async def test_a_nul_in_a_command_is_refused_not_a_poison_pill(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    """Garbage through the API rather than a file: the SKP draft carries a NUL, which
    PostgreSQL cannot store. Accepted, it would make the persistence activity fail on every
    retry and stall the appraisal; it must be refused up front (422) and leave the
    appraisal able to move on."""
    await start_period(client, auth, period_id)
    staff = journeys(client, auth, period_id)[STAFF]
    await staff.ok("POST", "/acknowledge", staff.employee)
    content = skp_content()
    content["rhk"][0]["description"] = "Rencana hasil kerja\u0000 dengan NUL"
    try:
        response = await asyncio.wait_for(
            staff.call("PUT", "/skp", staff.employee, {"content": content}), timeout=5
        )
    except TimeoutError:
        raise AssertionError("the request hung: the workflow took the NUL in") from None
    assert response.status_code == 422, response.text
    assert "karakter kontrol" in response.text
    drafted = await staff.call("PUT", "/skp", staff.employee, {"content": skp_content()})
    assert drafted.status_code == 200, drafted.text
