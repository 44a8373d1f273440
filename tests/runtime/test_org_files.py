"""Reading roster files as HR actually produces them: Excel CSV exports (',' or ';', with
or without BOM, sometimes not UTF-8) and XLSX workbooks (sometimes with NIPs as numbers)."""

import csv
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from api import roster_files as org_files
from api.roster_files import RosterFileError, RosterLimits, read_roster_file
from bench.import_bomb import write_bomb
from domain.organisation import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, validate_roster

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


def test_row_cap(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "r.csv", [HEADER, values(HEAD), values(STAFF, HEAD)])
    xlsx_path = write_xlsx(tmp_path / "r.xlsx", [HEADER, values(HEAD), values(STAFF, HEAD)])
    for path in (csv_path, xlsx_path):
        with pytest.raises(RosterFileError, match="lebih dari 1 baris"):
            read_roster_file(path, limits=RosterLimits(max_rows=1))


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
    # HR is BKPSDM, plus Setda's Kepala Bagian Organisasi: an HR admin outside the head of
    # BKPSDM's own chain, so segregation of duties leaves someone to rate him.
    hr_outside_bkpsdm = [
        r.position for r in result.records if r.is_hr_admin and r.agency_code != "BKPSDM"
    ]
    assert hr_outside_bkpsdm == ["Kepala Bagian Organisasi"]
    assert all(r.is_hr_admin for r in result.records if r.agency_code == "BKPSDM")
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


# --- what the reader refuses to guess -----------------------------------------------------


def rewrite_member(path: Path, name: str, change: Callable[[bytes], bytes]) -> Path:
    """Edit one part of a workbook, for what openpyxl will not write (cached values)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, content in parts.items():
            target.writestr(part, content)
    return path


SHEET_XML = "xl/worksheets/sheet1.xml"


def test_xlsx_formula_without_cached_value_is_a_row_error_naming_the_cell(
    tmp_path: Path,
) -> None:
    staff: list[object] = list(values(STAFF))
    staff[8] = "=A2"  # nip_atasan pointing at the head's NIP: openpyxl stores no value
    table = read_roster_file(write_xlsx(tmp_path / "r.xlsx", [HEADER, values(HEAD), staff]))
    [problem] = table.problems
    assert (problem.row, problem.column) == (3, "nip_atasan")
    assert problem.message.startswith("sel I3 berisi rumus")
    assert table.rows[1]["nip_atasan"] == "=A2"  # never silently "no supervisor"


def test_xlsx_formula_with_cached_value_is_a_row_error_naming_the_cell(tmp_path: Path) -> None:
    staff: list[object] = list(values(STAFF, HEAD))
    staff[11] = "=TRUE()"  # hr_admin, with the TRUE Excel computed stored next to it
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, values(HEAD), staff])
    rewrite_member(
        path,
        SHEET_XML,
        lambda xml: xml.replace(
            b'<c r="L3"><f>TRUE()</f><v />', b'<c r="L3" t="b"><f>TRUE()</f><v>1</v>'
        ),
    )
    table = read_roster_file(path)
    [problem] = table.problems
    assert (problem.row, problem.column) == (3, "hr_admin")
    assert "L3" in problem.message and "rumus" in problem.message
    assert table.rows[1]["hr_admin"] != "ya"
    assert not validate_roster(table.header, table.rows).ok


def test_xlsx_formula_in_an_unnamed_column_is_still_refused(tmp_path: Path) -> None:
    head: list[object] = [*values(HEAD), None, "=LEN(A2)"]  # HR's own check, column P
    table = read_roster_file(write_xlsx(tmp_path / "r.xlsx", [HEADER, head]))
    [problem] = table.problems
    assert (problem.row, problem.column) == (2, None)
    assert "P2" in problem.message


def test_xlsx_formula_in_the_header_is_refused(tmp_path: Path) -> None:
    header: list[object] = [*HEADER]
    header[1] = '="nama"'
    with pytest.raises(RosterFileError, match="B1"):
        read_roster_file(write_xlsx(tmp_path / "r.xlsx", [header, values(HEAD)]))


def test_xlsx_excel_error_value_is_a_row_error(tmp_path: Path) -> None:
    head: list[object] = list(values(HEAD))
    head[1] = "#N/A"  # what a broken VLOOKUP leaves behind after paste-as-values
    table = read_roster_file(write_xlsx(tmp_path / "r.xlsx", [HEADER, head]))
    [problem] = table.problems
    assert (problem.row, problem.column) == (2, "nama")
    assert "B2" in problem.message and "#N/A" in problem.message


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for cells in rows:
            sheet.append(cells)
    workbook.save(path)
    return path


def test_several_sheets_without_a_choice_are_refused_naming_them(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "r.xlsx",
        {"Petunjuk": [["Isi lembar berikut"]], "Pegawai": [HEADER, values(HEAD)]},
    )
    with pytest.raises(RosterFileError) as caught:
        read_roster_file(path)
    assert "'Petunjuk', 'Pegawai'" in caught.value.message
    assert "--sheet" in caught.value.message


def test_the_named_sheet_is_read(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "r.xlsx",
        {
            "Petunjuk": [["Isi lembar berikut"]],
            "Pegawai": [HEADER, values(HEAD), values(STAFF, HEAD)],
        },
    )
    for name in ("Pegawai", " pegawai "):
        table = read_roster_file(path, sheet=name)
        assert [row["nip"] for row in table.rows] == [HEAD, STAFF]


def test_an_unknown_sheet_is_refused_naming_the_sheets(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "r.xlsx", {"Pegawai": [HEADER, values(HEAD)], "Ref": [["x"]]})
    workbook_sheet = "Data"
    with pytest.raises(
        RosterFileError, match="'Data' tidak ada; lembar yang ada: 'Pegawai', 'Ref'"
    ):
        read_roster_file(path, sheet=workbook_sheet)


def test_hidden_sheets_count_and_are_marked(tmp_path: Path) -> None:
    workbook = Workbook()
    roster = workbook.active
    assert roster is not None
    roster.title = "Pegawai"
    for cells in (HEADER, values(HEAD)):
        roster.append(cells)
    lists = workbook.create_sheet("Daftar")  # the lists behind HR's drop-downs
    lists.append(["PNS", "PPPK"])
    lists.sheet_state = "hidden"
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    with pytest.raises(RosterFileError, match=re.escape("'Daftar' (tersembunyi)")):
        read_roster_file(path)
    assert len(read_roster_file(path, sheet="Pegawai").rows) == 1


def test_a_sheet_option_on_a_csv_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [HEADER, values(HEAD)])
    with pytest.raises(RosterFileError, match=r"hanya berlaku untuk berkas \.xlsx"):
        read_roster_file(path, sheet="Pegawai")


def test_header_only_files_are_an_error_not_zero_rows(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "r.csv", [HEADER, [""] * len(HEADER), []])
    xlsx_path = write_xlsx(tmp_path / "r.xlsx", [HEADER, [None] * len(HEADER)])
    for path in (csv_path, xlsx_path):
        with pytest.raises(RosterFileError, match="hanya berisi judul kolom"):
            read_roster_file(path)


# --- abuse limits ------------------------------------------------------------------------


def test_decompression_bomb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    # 1.2 MB on disk, 30 million shared strings (510 MB) once inflated.
    path = write_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 2_000_000
    with pytest.raises(RosterFileError) as caught:
        read_roster_file(path)
    assert caught.value.message.startswith("isi berkas XLSX lebih dari 256 MiB setelah dibuka")


def test_bomb_whose_zip_directory_lies_is_refused_while_inflating(tmp_path: Path) -> None:
    # The directory claims 100 MiB, under the cap; the shared strings are counted as they
    # inflate and the import stops at the cap (2 million), long before 30 million.
    path = write_bomb(tmp_path / "bomb.xlsx", declare=100 * org_files.MIB)
    with pytest.raises(
        RosterFileError, match=r"tabel teks berkas XLSX berisi lebih dari 2\.000\.000"
    ):
        read_roster_file(path)


def test_bomb_whose_zip_directory_understates_is_refused_as_corrupt(tmp_path: Path) -> None:
    path = write_bomb(tmp_path / "bomb.xlsx", strings=100_000, declare=1024)
    with pytest.raises(RosterFileError, match="rusak"):
        read_roster_file(path)


def test_shared_strings_no_cell_could_use_are_refused(tmp_path: Path) -> None:
    path = write_bomb(tmp_path / "strings.xlsx", strings=50_000)  # one cell uses one string
    with pytest.raises(RosterFileError, match=r"tabel teksnya \(50\.000 entri\).*sel \(1\)"):
        read_roster_file(path)


def test_uncompressed_size_cap_applies_to_a_plain_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, values(HEAD)])
    inflated = sum(info.file_size for info in zipfile.ZipFile(path).infolist())
    read_roster_file(path, limits=RosterLimits(max_uncompressed_bytes=inflated))
    with pytest.raises(RosterFileError, match="setelah dibuka dari kompresinya"):
        read_roster_file(path, limits=RosterLimits(max_uncompressed_bytes=inflated - 1))


def test_members_compressed_with_anything_but_deflate_are_refused(tmp_path: Path) -> None:
    # zipfile inflates bzip2 and lzma in one call, without a bound on the output.
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, values(HEAD)])
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as target:
        for part, content in parts.items():
            target.writestr(part, content)
    with pytest.raises(RosterFileError, match="metode kompresi"):
        read_roster_file(path)


def test_cell_cap_before_parsing_and_while_reading(tmp_path: Path) -> None:
    rows = [HEADER, values(HEAD), values(STAFF, HEAD)]  # 42 cells
    xlsx_path = write_xlsx(tmp_path / "r.xlsx", rows)
    csv_path = write_csv(tmp_path / "r.csv", rows)
    for path in (xlsx_path, csv_path):
        assert len(read_roster_file(path, limits=RosterLimits(max_cells=42)).rows) == 2
        with pytest.raises(RosterFileError, match="lebih dari 41 sel"):
            read_roster_file(path, limits=RosterLimits(max_cells=41))


def test_blank_lines_count_against_the_cell_cap(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(",".join(HEADER) + "\n" * 1000 + ",".join(values(HEAD)) + "\n")
    with pytest.raises(RosterFileError, match="lebih dari 500 sel"):
        read_roster_file(path, limits=RosterLimits(max_cells=500))


def test_a_row_number_beyond_excel_is_refused_without_filling_the_gap(tmp_path: Path) -> None:
    # openpyxl yields an empty row for every row number skipped; 10**9 of them would take
    # minutes, so the reader stops at Excel's last row.
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, values(HEAD), ["x"]])
    rewrite_member(
        path,
        SHEET_XML,
        lambda xml: xml.replace(b'<row r="3">', b'<row r="1000000000">').replace(
            b'r="A3"', b'r="A1000000000"'
        ),
    )
    with pytest.raises(RosterFileError, match="batas Excel"):
        read_roster_file(path)


def test_limits_come_from_settings() -> None:
    from runtime.settings import Settings

    settings = Settings(roster_max_rows=7, roster_max_cells=70)
    limits = RosterLimits.from_settings(settings)
    assert (limits.max_rows, limits.max_cells) == (7, 70)
    assert RosterLimits.from_settings(Settings()) == RosterLimits()
