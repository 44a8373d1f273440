"""Reading roster files as HR actually produces them: Excel CSV exports (',' or ';', with
or without BOM, sometimes not UTF-8) and XLSX workbooks (sometimes with NIPs as numbers)."""

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from domain.organisation import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, validate_roster
from runtime import org_files
from runtime.org_files import RosterFileError, read_roster_file

HEADER = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
HEAD = "197203141998032001"
STAFF = "199009252015031001"


def values(nip: str, supervisor: str = "", name: str = "Siti Aisyah, S.K.M.") -> list[str]:
    return [
        nip,
        name,
        "Kepala Seksi",
        "Penata Tingkat I (III/d)",
        "DINKES",
        "Dinas Kesehatan",
        "DINKES-YANKES",
        "Bidang Pelayanan Kesehatan",
        supervisor,
        "PNS",
        "tidak",
        "tidak",
        "tidak",
        "ya",
    ]


def write_csv(
    path: Path, rows: list[list[str]], *, delimiter: str = ",", bom: bool = False
) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for cells in rows:
        sheet.append(cells)
    workbook.save(path)
    return path


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", [False, True])
def test_csv_delimiters_and_bom(tmp_path: Path, delimiter: str, bom: bool) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [HEADER, values(HEAD), values(STAFF, HEAD, name="Ridwan; Putra, S.E.")],
        delimiter=delimiter,
        bom=bom,
    )
    table = read_roster_file(path)
    assert table.header == HEADER
    assert [row["nip"] for row in table.rows] == [HEAD, STAFF]
    assert table.rows[1]["nama"] == "Ridwan; Putra, S.E."
    assert table.row_numbers == [2, 3]
    assert len(table.sha256) == 64
    assert validate_roster(table.header, table.rows).ok


def test_header_names_are_normalised(tmp_path: Path) -> None:
    header = [f" {column.replace('_', ' ').upper()} " for column in HEADER]
    table = read_roster_file(write_csv(tmp_path / "r.csv", [header, values(HEAD)], delimiter=";"))
    assert table.header == HEADER
    assert table.rows[0]["kode_opd"] == "DINKES"


def test_duplicate_header_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [[*HEADER, "Nama"], [*values(HEAD), "x"]])
    with pytest.raises(RosterFileError, match="ganda"):
        read_roster_file(path)


def test_non_utf8_csv_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    text = "\n".join([",".join(HEADER), ",".join(values(HEAD, name="Désirée"))])
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(RosterFileError, match="UTF-8") as caught:
        read_roster_file(path)
    assert "baris 2" in caught.value.message


def test_empty_rows_are_skipped_but_row_numbers_kept(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    lines = [",".join(HEADER), ",".join(values(HEAD)), "", "," * 13, ",".join(values(STAFF, HEAD))]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    table = read_roster_file(path)
    assert [row["nip"] for row in table.rows] == [HEAD, STAFF]
    assert table.row_numbers == [2, 5]


def test_short_rows_are_padded(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [HEADER, values(HEAD)[:9]])
    table = read_roster_file(path)
    assert table.rows[0]["aktif"] == ""
    assert validate_roster(table.header, table.rows).ok


@pytest.mark.parametrize("name", ["roster.xls", "roster.txt", "roster", "roster.ods"])
def test_unknown_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(",".join(HEADER), encoding="utf-8")
    with pytest.raises(RosterFileError, match=r"\.csv atau \.xlsx"):
        read_roster_file(path)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(RosterFileError, match="kosong"):
        read_roster_file(tmp_path / "empty.csv")
    with pytest.raises(RosterFileError, match="tidak dapat dibuka"):
        read_roster_file(tmp_path / "absent.csv")


def test_file_over_10_mib_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(org_files.MAX_FILE_BYTES + 1)
    with pytest.raises(RosterFileError, match="10 MiB"):
        read_roster_file(path)


def test_row_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(org_files, "MAX_DATA_ROWS", 1)
    csv_path = write_csv(tmp_path / "r.csv", [HEADER, values(HEAD), values(STAFF, HEAD)])
    xlsx_path = write_xlsx(tmp_path / "r.xlsx", [HEADER, values(HEAD), values(STAFF, HEAD)])
    for path in (csv_path, xlsx_path):
        with pytest.raises(RosterFileError, match="lebih dari 1 baris"):
            read_roster_file(path)


def test_xlsx_with_text_nips_roundtrips(tmp_path: Path) -> None:
    header = [column.upper() for column in HEADER]
    staff: list[object] = list(values(STAFF, HEAD))
    staff[10] = True  # a real Excel boolean in tim_penilai
    path = write_xlsx(tmp_path / "roster.xlsx", [header, values(HEAD), [None] * 14, staff])
    table = read_roster_file(path)
    assert table.header == HEADER
    assert table.rows[0] == dict(zip(HEADER, values(HEAD), strict=True))
    assert table.rows[1]["tim_penilai"] == "ya"
    assert table.row_numbers == [2, 4]
    assert table.problems == []
    result = validate_roster(table.header, table.rows)
    assert result.ok
    assert result.records[1].is_tim_penilai


def test_xlsx_small_numbers_become_plain_digits(tmp_path: Path) -> None:
    head: list[object] = list(values(HEAD))
    head[3] = 3.0  # an integral float
    head[2] = 12  # an int
    table = read_roster_file(write_xlsx(tmp_path / "r.xlsx", [HEADER, head]))
    assert table.rows[0]["pangkat_golongan"] == "3"
    assert table.rows[0]["jabatan"] == "12"


@pytest.mark.parametrize("stored", [int(STAFF), float(STAFF)])
def test_xlsx_nip_stored_as_number_is_never_accepted(tmp_path: Path, stored: object) -> None:
    staff: list[object] = list(values(STAFF, HEAD))
    staff[0] = stored
    path = write_xlsx(tmp_path / "roster.xlsx", [HEADER, values(HEAD), staff])
    table = read_roster_file(path)
    assert len(table.problems) == 1
    problem = table.problems[0]
    assert (problem.row, problem.column) == (3, "nip")
    assert "15 digit" in problem.message or "Teks" in problem.message
    # Even a caller that ignores ``problems`` cannot accept the corrupted number.
    assert table.rows[1]["nip"] != STAFF
    errors = validate_roster(table.header, table.rows).errors
    assert [(error.row, error.column) for error in errors] == [(3, "nip")]


def test_corrupt_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(RosterFileError, match="XLSX"):
        read_roster_file(path)


def test_xlsx_without_header_row_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", [[None, None], values(HEAD)])
    with pytest.raises(RosterFileError, match="judul kolom"):
        read_roster_file(path)


def test_demo_roster_reads_and_validates(demo_roster_path: Path) -> None:
    table = read_roster_file(demo_roster_path)
    assert table.header == HEADER
    assert len(table.rows) == 60
    result = validate_roster(table.header, table.rows)
    assert result.errors == []
    by_nip = {record.nip: record for record in result.records}
    agencies = {record.agency_code for record in result.records}
    assert agencies == {"SETDA", "DISDIK", "DINKES", "BKPSDM", "INSPEKTORAT"}
    assert all(r.is_hr_admin == (r.agency_code == "BKPSDM") for r in result.records)
    assert all(r.is_auditor == (r.agency_code == "INSPEKTORAT") for r in result.records)
    heads = [r for r in result.records if r.supervisor_nip is None]
    assert len(heads) == len(agencies)

    def depth(nip: str) -> int:
        supervisor = by_nip[nip].supervisor_nip
        return 1 if supervisor is None else 1 + depth(supervisor)

    def titled(position: str) -> str:
        return next(r.nip for r in result.records if r.position == position)

    kabid = titled("Kepala Bidang Pelayanan Kesehatan")
    assert by_nip[kabid].supervisor_nip == titled("Kepala Dinas Kesehatan")
    kasi = [r.nip for r in result.records if r.supervisor_nip == kabid and "Seksi" in r.position]
    assert any(sum(r.supervisor_nip == k for r in result.records) >= 3 for k in kasi)
    assert max(depth(nip) for nip in by_nip) == 4
    assert any(r.unit_code.startswith("DINKES-PKM") for r in result.records)
    assert {r.employment_type.value for r in result.records} == {"PNS", "PPPK"}
