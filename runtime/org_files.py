"""Reading the roster file HR uploads (CSV or XLSX) into plain text rows.

This layer only turns bytes into ``header`` + ``rows`` of strings; what a row *means* is
checked by ``domain.organisation.validate_roster``. It keeps each row's spreadsheet row
number, because empty rows are skipped and HR must still be told the row they see.
"""

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from domain.organisation import RowError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DATA_ROWS = 200_000
# Excel stores numbers as IEEE doubles: beyond 15 significant digits the last digits
# are silently replaced, so an 18-digit NIP typed into a Number cell is already corrupt.
MAX_EXACT_DIGITS = 15


class RosterFileError(Exception):
    """The file as a whole cannot be read; ``message`` is shown to HR as is (Indonesian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class RosterTable:
    """The raw table. ``row_numbers[i]`` is the spreadsheet row of ``rows[i]`` (header = 1);
    ``problems`` are cell errors only the reader can see (a NIP stored as a number)."""

    header: list[str]
    rows: list[dict[str, str]]
    row_numbers: list[int] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)
    sha256: str = ""


def normalise_column(name: str) -> str:
    """'Nama OPD ' -> 'nama_opd', so hand-typed headers still match."""
    return "_".join(name.strip().lower().split())


def read_roster_file(path: Path) -> RosterTable:
    """Read a ``.csv`` or ``.xlsx`` roster; raise ``RosterFileError`` when unreadable."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RosterFileError("format berkas tidak didukung; gunakan .csv atau .xlsx")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RosterFileError("berkas lebih dari 10 MiB; pecah menjadi beberapa berkas")
        data = path.read_bytes()
    except OSError as exc:
        raise RosterFileError(f"berkas tidak dapat dibuka: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:  # the file grew between stat and read
        raise RosterFileError("berkas lebih dari 10 MiB; pecah menjadi beberapa berkas")
    if not data.strip():
        raise RosterFileError("berkas kosong")
    table = _read_csv(data) if suffix == ".csv" else _read_xlsx(data)
    table.sha256 = hashlib.sha256(data).hexdigest()
    return table


def _build(raw_rows: list[tuple[int, list[str]]], header_cells: list[str]) -> RosterTable:
    """Key rows by normalised header, skipping fully empty rows and enforcing the row cap."""
    header = [normalise_column(cell) for cell in header_cells]
    named = [column for column in header if column]
    if not named:
        raise RosterFileError("baris pertama harus berisi judul kolom")
    duplicates = sorted({column for column in named if named.count(column) > 1})
    if duplicates:
        raise RosterFileError(f"judul kolom ganda: {', '.join(duplicates)}")
    table = RosterTable(header=named, rows=[])
    for number, cells in raw_rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(table.rows) >= MAX_DATA_ROWS:
            raise RosterFileError(f"berkas berisi lebih dari {MAX_DATA_ROWS} baris data")
        padded = cells + [""] * (len(header) - len(cells))
        table.rows.append(
            {column: value for column, value in zip(header, padded, strict=False) if column}
        )
        table.row_numbers.append(number)
    return table


def _read_csv(data: bytes) -> RosterTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RosterFileError(
            f"berkas CSV bukan UTF-8 (karakter tidak dikenal di baris {line}); simpan ulang "
            "dari Excel sebagai 'CSV UTF-8 (dipisahkan koma)'"
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise RosterFileError(f"berkas CSV rusak: {exc}") from exc
    if not records:
        raise RosterFileError("berkas kosong")
    # csv.reader yields [] for a blank line, so the index is still the spreadsheet row.
    return _build(list(enumerate(records[1:], start=2)), records[0])


def _read_xlsx(data: bytes) -> RosterTable:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RosterFileError("berkas XLSX rusak atau bukan berkas Excel") from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong sheet size; read every row
        raw_rows: list[tuple[int, list[str]]] = []
        problems: list[tuple[int, int, str]] = []
        header_cells: list[str] | None = None
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = []
            for column_index, value in enumerate(values):
                text, problem = _cell_text(value)
                if problem:
                    problems.append((number, column_index, problem))
                cells.append(text)
            if header_cells is None:
                header_cells = cells
            elif any(cells):
                raw_rows.append((number, cells))
                if len(raw_rows) > MAX_DATA_ROWS:
                    raise RosterFileError(f"berkas berisi lebih dari {MAX_DATA_ROWS} baris data")
    finally:
        workbook.close()
    table = _build(raw_rows, header_cells or [])
    header = [normalise_column(cell) for cell in header_cells or []]
    table.problems = [
        RowError(row=number, column=header[index] or None, message=message)
        for number, index, message in problems
        if number > 1 and index < len(header) and header[index]
    ]
    return table


def _cell_text(value: object) -> tuple[str, str | None]:
    """A cell as the text HR typed, plus a problem when the value cannot be trusted."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("ya" if value else "tidak"), None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        digits = len(str(abs(value)))
        if digits > MAX_EXACT_DIGITS:
            # Keep a form that can never pass as a NIP, in case a caller ignores problems.
            return repr(float(value)), (
                f"angka {digits} digit tersimpan sebagai bilangan, sehingga Excel sudah "
                "mengubah digit terakhirnya; format kolom sebagai Teks lalu ketik ulang"
            )
        return str(value), None
    if isinstance(value, datetime | date | time):
        return value.isoformat(), None
    return str(value), None
