"""Reading the roster file HR uploads (CSV or XLSX) into plain text rows, for the command
line and the API alike (so it lives where the API may import it).

This layer only turns bytes into ``header`` + ``rows`` of strings; what a row *means* is
checked by ``domain.organisation.validate_roster``. It keeps each row's spreadsheet row
number, because empty rows are skipped and HR must still be told the row they see.

It also keeps one upload's cost bounded by what a real roster needs (``RosterLimits``).
An XLSX is a zip: 1 MiB of it can inflate to gigabytes, and openpyxl loads the whole
shared-string table into memory before the first row is read. So the archive is checked
*before* openpyxl sees it: the sizes its directory declares, then the bytes that actually
inflate (counted while streaming, in constant memory), and the shared strings and cells
that the XML holds. Only then is the sheet read, in openpyxl's streaming mode, with the
row and cell caps applied again as it goes.

What the reader cannot vouch for is refused rather than guessed: a formula (its cached
value is whatever Excel last computed, or nothing), an Excel error value, a NIP stored as
a number, a workbook with several sheets and no sheet named, a file with no data rows.
"""

import csv
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Protocol
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from domain.organisation import RowError

MIB = 1024 * 1024
MAX_FILE_BYTES = 10 * MIB
# An openpyxl-written roster of 20,000 employees is 17 MiB of sheet XML (inline strings,
# the largest form); the row cap's 100,000 fit with room to spare.
MAX_UNCOMPRESSED_BYTES = 256 * MIB
# The largest provincial government has well under 100,000 ASN; a bigger file is split.
MAX_DATA_ROWS = 100_000
# 20 columns per row at the row cap: the roster has 14, HR files add a few of their own.
# What a file at this cap costs (openpyxl reads a cell in tens of microseconds) is measured
# by ``python -m bench.import_bomb --at-caps``.
MAX_CELLS = 2_000_000
# A workbook is ten or so parts; thousands are an archive built to be slow to list.
MAX_ZIP_MEMBERS = 2_000
# Excel's own last row: openpyxl fills every gap up to a row number the file claims.
EXCEL_MAX_ROW = 1_048_576
# Excel stores numbers as IEEE doubles: beyond 15 significant digits the last digits
# are silently replaced, so an 18-digit NIP typed into a Number cell is already corrupt.
MAX_EXACT_DIGITS = 15
_CHUNK = 1 * MIB
_CARRY = 48  # longer than any start tag counted below; kept across chunk boundaries


@dataclass(frozen=True)
class _StartTags:
    """Counts the start tags of one element (``<c ...>``, ``<c/>``), and the prefixed form
    some SDKs write (``<x:c``) by a slower regex, only in buffers that contain ``:c`` at
    all. ``exact`` tells ``<c>`` from ``<col>`` or ``<cellXfs>`` by a regex; otherwise
    ``bytes.count`` of ``<si`` (no regex, so faster; nothing else in a shared-string table
    starts so, and counting too many only refuses sooner)."""

    start: bytes
    exact: re.Pattern[bytes] | None
    marker: bytes
    prefixed: re.Pattern[bytes]

    @classmethod
    def of(cls, tag: bytes, *, exact: bool) -> "_StartTags":
        pattern = re.compile(b"<" + tag + rb"[\s/>]") if exact else None
        prefixed = re.compile(rb"<[A-Za-z_][\w.-]{0,40}:" + tag + rb"[\s/>]")
        return cls(b"<" + tag, pattern, b":" + tag, prefixed)

    def count(self, buffer: bytes) -> int:
        exact = self.exact
        found = buffer.count(self.start) if exact is None else len(exact.findall(buffer))
        if self.marker in buffer:
            found += len(self.prefixed.findall(buffer))
        return found


_SHARED_STRING = _StartTags.of(b"si", exact=False)
_CELL = _StartTags.of(b"c", exact=True)
_CORRUPT = "berkas XLSX rusak atau bukan berkas Excel"
UNSUPPORTED_FORMAT = "format berkas tidak didukung; gunakan .csv atau .xlsx"


class RosterFileError(Exception):
    """The file as a whole cannot be read; ``message`` is shown to HR as is (Indonesian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RosterSettings(Protocol):
    """The settings ``RosterLimits`` reads (``runtime.settings.Settings`` has them); a
    protocol, so this module needs nothing from the runtime, which imports it."""

    roster_max_file_bytes: int
    roster_max_uncompressed_bytes: int
    roster_max_rows: int
    roster_max_cells: int


@dataclass(frozen=True)
class RosterLimits:
    """What one upload may cost. ``max_cells`` counts every cell read, blanks included
    (a blank line still costs a row), and also bounds the XLSX shared-string table."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES
    max_rows: int = MAX_DATA_ROWS
    max_cells: int = MAX_CELLS

    @classmethod
    def from_settings(cls, settings: RosterSettings) -> "RosterLimits":
        return cls(
            max_file_bytes=settings.roster_max_file_bytes,
            max_uncompressed_bytes=settings.roster_max_uncompressed_bytes,
            max_rows=settings.roster_max_rows,
            max_cells=settings.roster_max_cells,
        )


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


def read_roster_file(
    path: Path, *, sheet: str | None = None, limits: RosterLimits | None = None
) -> RosterTable:
    """Read a ``.csv`` or ``.xlsx`` roster; raise ``RosterFileError`` when unreadable.

    ``sheet`` names the worksheet of a workbook that has several."""
    limits = limits or RosterLimits()
    check_format(path.name, sheet)
    try:
        if path.stat().st_size > limits.max_file_bytes:
            raise too_big(limits)
        with path.open("rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise RosterFileError(f"berkas tidak dapat dibuka: {exc.strerror or exc}") from exc
    return read_roster_bytes(data, path.name, sheet=sheet, limits=limits)


def check_format(name: str, sheet: str | None = None) -> None:
    """Refuse a file by its name before reading it: only ``.csv`` and ``.xlsx``."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RosterFileError(UNSUPPORTED_FORMAT)
    if sheet is not None and suffix != ".xlsx":
        raise RosterFileError("pilihan lembar kerja (--sheet) hanya berlaku untuk berkas .xlsx")


def too_big(limits: RosterLimits) -> RosterFileError:
    return RosterFileError(
        f"berkas lebih dari {_size(limits.max_file_bytes)}; pecah menjadi beberapa berkas"
    )


def read_roster_bytes(
    data: bytes, name: str, *, sheet: str | None = None, limits: RosterLimits | None = None
) -> RosterTable:
    """Read the bytes of a file called ``name`` (its suffix says CSV or XLSX), as uploaded
    or as read from disk by ``read_roster_file``; the same checks either way."""
    limits = limits or RosterLimits()
    check_format(name, sheet)
    if len(data) > limits.max_file_bytes:  # the file grew between stat and read
        raise too_big(limits)
    if not data.strip():
        raise RosterFileError("berkas kosong")
    if Path(name).suffix.lower() == ".csv":
        table = _read_csv(data, limits)
    else:
        _check_archive(data, limits)
        table = _read_xlsx(data, sheet, limits)
    table.sha256 = hashlib.sha256(data).hexdigest()
    return table


def _size(count: int) -> str:
    return f"{count / MIB:g} MiB" if count >= MIB else f"{_number(count)} bita"


def _number(count: int) -> str:
    return f"{count:,}".replace(",", ".")  # 4.000.000, as Indonesian readers write it


def _too_many_rows(limits: RosterLimits) -> RosterFileError:
    return RosterFileError(
        f"berkas berisi lebih dari {_number(limits.max_rows)} baris data; pecah menjadi "
        "beberapa berkas"
    )


def _too_many_cells(limits: RosterLimits) -> RosterFileError:
    return RosterFileError(
        f"berkas berisi lebih dari {_number(limits.max_cells)} sel; hapus kolom dan baris "
        "yang tidak dipakai atau pecah menjadi beberapa berkas"
    )


def _too_many_strings(limits: RosterLimits) -> RosterFileError:
    return RosterFileError(
        f"tabel teks berkas XLSX berisi lebih dari {_number(limits.max_cells)} entri, lebih "
        "dari yang dapat dipakai sel mana pun; berkas ini bukan daftar pegawai biasa"
    )


class _Counter:
    """Counts cells (blank lines as one) as the rows stream by, refusing past the cap."""

    def __init__(self, limits: RosterLimits) -> None:
        self.limits = limits
        self.cells = 0

    def add(self, width: int) -> None:
        self.cells += max(width, 1)
        if self.cells > self.limits.max_cells:
            raise _too_many_cells(self.limits)


def _build(
    raw_rows: Iterable[tuple[int, list[str]]], header_cells: list[str], limits: RosterLimits
) -> RosterTable:
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
        if len(table.rows) >= limits.max_rows:
            raise _too_many_rows(limits)
        padded = cells + [""] * (len(header) - len(cells))
        table.rows.append(
            {column: value for column, value in zip(header, padded, strict=False) if column}
        )
        table.row_numbers.append(number)
    if not table.rows:
        raise RosterFileError(
            "berkas hanya berisi judul kolom; tidak ada satu pun baris data pegawai"
        )
    return table


def _read_csv(data: bytes, limits: RosterLimits) -> RosterTable:
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    counter = _Counter(limits)

    def records() -> Iterator[tuple[int, list[str]]]:
        # csv.reader yields [] for a blank line, so the index is still the spreadsheet row.
        for number, record in enumerate(reader, start=1):
            counter.add(len(record))
            yield number, record

    try:
        rows = records()
        first = next(rows, None)
        if first is None:
            raise RosterFileError("berkas kosong")
        return _build(rows, first[1], limits)
    except csv.Error as exc:
        raise RosterFileError(f"berkas CSV rusak: {exc}") from exc


def _check_archive(data: bytes, limits: RosterLimits) -> None:
    """Refuse a zip that would cost more to open than a real roster, before openpyxl does.

    The directory's sizes are checked first (free); then every member is inflated in
    chunks and its real bytes counted, because the directory can lie. (CPython's zipfile
    also stops a member at its declared size and then fails the CRC, but a lie is refused
    here either way.) Shared strings and cells are counted in the same pass: openpyxl keeps
    every shared string in a list, and a string no cell uses is never needed, so a table
    longer than the cells that could use it is refused too.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise RosterFileError(_CORRUPT) from exc
    inflated_too_much = RosterFileError(
        f"isi berkas XLSX lebih dari {_size(limits.max_uncompressed_bytes)} setelah "
        "dibuka dari kompresinya; berkas ini bukan daftar pegawai biasa, atau pecah menjadi "
        "beberapa berkas"
    )
    with archive:
        members = [member for member in archive.infolist() if not member.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise RosterFileError(f"{_CORRUPT} (lebih dari {MAX_ZIP_MEMBERS} bagian)")
        if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
            raise inflated_too_much
        for member in members:
            # Excel writes deflate or stored; zipfile inflates bzip2/lzma without a bound.
            if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise RosterFileError(f"{_CORRUPT} (metode kompresi tidak dikenal)")
        inflated = strings = cells = 0
        try:
            for member in members:
                name = member.filename.lower()
                # Cells are counted in every XML part: a sheet may live anywhere the
                # workbook's relations point, and no other part has ``<c>`` elements.
                pattern = None
                if name.endswith("sharedstrings.xml"):
                    pattern = _SHARED_STRING
                elif name.endswith(".xml"):
                    pattern = _CELL
                found = 0
                with archive.open(member) as stream:
                    carry = b""
                    while chunk := stream.read(_CHUNK):
                        inflated += len(chunk)
                        if inflated > limits.max_uncompressed_bytes:
                            raise inflated_too_much
                        if pattern is None:
                            continue
                        # Tags that end in this chunk: those within the carry were counted.
                        buffer = carry + chunk
                        found += pattern.count(buffer) - pattern.count(carry)
                        carry = buffer[-_CARRY:]
                        if found > limits.max_cells:
                            raise (
                                _too_many_strings(limits)
                                if pattern is _SHARED_STRING
                                else _too_many_cells(limits)
                            )
                if pattern is _SHARED_STRING:
                    strings += found
                elif pattern is _CELL:
                    cells += found
                    if cells > limits.max_cells:
                        raise _too_many_cells(limits)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
            # RuntimeError: an encrypted member; the rest: bad CRC, truncated or lying data.
            raise RosterFileError(_CORRUPT) from exc
    if strings > cells:
        raise RosterFileError(
            f"{_CORRUPT}: tabel teksnya ({_number(strings)} entri) lebih panjang dari jumlah "
            f"sel ({_number(cells)}); buka dan simpan ulang dengan Excel"
        )


def _pick_sheet(workbook: Any, sheet: str | None) -> Any:
    """The one worksheet to read: the only one, or the one named. Never a guess."""
    sheets = list(workbook.worksheets)
    if not sheets:
        raise RosterFileError("buku kerja tidak berisi lembar kerja")

    def names() -> str:
        shown = [
            f"'{candidate.title[:40]}'"
            + (" (tersembunyi)" if candidate.sheet_state != "visible" else "")
            for candidate in sheets[:20]
        ]
        return ", ".join(shown) + (", ..." if len(sheets) > 20 else "")

    if sheet is None:
        if len(sheets) == 1:
            return sheets[0]
        raise RosterFileError(
            f"buku kerja berisi {len(sheets)} lembar kerja ({names()}); pilih lembar yang "
            "berisi daftar pegawai dengan --sheet NAMA, atau hapus lembar lainnya"
        )
    for candidate in sheets:
        if candidate.title == sheet:
            return candidate
    wanted = sheet.strip().casefold()
    matches = [candidate for candidate in sheets if candidate.title.strip().casefold() == wanted]
    if len(matches) == 1:
        return matches[0]
    raise RosterFileError(f"lembar kerja '{sheet[:40]}' tidak ada; lembar yang ada: {names()}")


def _read_xlsx(data: bytes, sheet_name: str | None, limits: RosterLimits) -> RosterTable:
    # data_only=False: a formula cell then says it is one (data_type "f") instead of
    # passing off its cached value, or nothing, as what HR typed.
    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # whatever openpyxl trips over, the file is what is wrong
        raise RosterFileError(_CORRUPT) from exc
    try:
        sheet = _pick_sheet(workbook, sheet_name)
        sheet.reset_dimensions()  # some writers store a wrong sheet size; read every row
        raw_rows: list[tuple[int, list[str]]] = []
        problems: list[tuple[int, int, str, bool]] = []
        header_cells: list[str] | None = None
        counter = _Counter(limits)
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > EXCEL_MAX_ROW:
                raise RosterFileError(f"{_CORRUPT} (baris melewati batas Excel)")
            counter.add(len(row))
            cells = []
            for index, cell in enumerate(row):
                text, problem = _cell_text(cell.value, cell.data_type)
                if problem:
                    # A formula or an Excel error is refused in any column; a long number
                    # only where a column is named (an unnamed column is never imported).
                    problems.append((number, index, problem, cell.data_type in ("f", "e")))
                cells.append(text)
            if header_cells is None:
                header_cells = cells
                if problems:
                    _, index, message, _ = problems[0]
                    raise RosterFileError(
                        f"judul kolom di sel {get_column_letter(index + 1)}1 tidak dapat "
                        f"dibaca: {message}"
                    )
            elif any(cells):
                raw_rows.append((number, cells))
                if len(raw_rows) > limits.max_rows:
                    raise _too_many_rows(limits)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        IndexError,
        ValueError,
        TypeError,
        ParseError,
    ) as exc:
        # A shared-string index past the table, a cell reference that is not one, bad XML.
        raise RosterFileError(_CORRUPT) from exc
    finally:
        workbook.close()
    table = _build(raw_rows, header_cells or [], limits)
    header = [normalise_column(cell) for cell in header_cells or []]
    table.problems = []
    for number, index, message, anywhere in problems:
        column = header[index] if index < len(header) else ""
        if number > 1 and (column or anywhere):
            table.problems.append(
                RowError(
                    row=number,
                    column=column or None,
                    message=f"sel {get_column_letter(index + 1)}{number} {message}",
                )
            )
    return table


def _cell_text(value: object, data_type: str = "n") -> tuple[str, str | None]:
    """A cell as the text HR typed, plus a problem when the value cannot be trusted."""
    if data_type == "f":
        # Keep the formula text: it never passes as a NIP, flag or name downstream.
        return "=" + str(getattr(value, "text", value) or "").lstrip("="), (
            "berisi rumus; rumus tidak diimpor (nilainya bisa berubah atau kosong), "
            "salin lalu tempel sebagai nilai saja"
        )
    if data_type == "e":
        return str(value), f"berisi galat Excel ({str(value)[:12]}); perbaiki isinya"
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
                f"berisi angka {digits} digit tersimpan sebagai bilangan, sehingga Excel sudah "
                "mengubah digit terakhirnya; format kolom sebagai Teks lalu ketik ulang"
            )
        return str(value), None
    if isinstance(value, datetime | date | time):
        return value.isoformat(), None
    return str(value), None
