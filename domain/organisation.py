"""The organisation as imported from BKPSDM: agencies (OPD), units and employees.

Import is all-or-nothing: ``validate_roster`` reports every bad row (with its row number)
so HR can fix the spreadsheet in one pass, and nothing is written when any row is bad.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.nip import NipError, parse_nip


class EmploymentType(StrEnum):
    PNS = "PNS"  # pegawai negeri sipil (permanent civil servant)
    PPPK = "PPPK"  # contract civil servant


class EmployeeRecord(BaseModel):
    """One validated roster row."""

    model_config = ConfigDict(frozen=True)

    nip: str
    name: str
    position: str
    grade: str = Field(description="Pangkat/golongan, e.g. 'Penata Muda (III/a)'.")
    employment_type: EmploymentType = EmploymentType.PNS
    agency_code: str
    agency_name: str
    unit_code: str
    unit_name: str
    supervisor_nip: str | None
    is_tim_penilai: bool = False
    is_hr_admin: bool = False
    is_auditor: bool = False
    active: bool = True


class RosterMember(BaseModel):
    """What a cycle needs to start one employee's appraisal."""

    model_config = ConfigDict(frozen=True)

    nip: str
    agency_code: str
    unit_code: str
    supervisor_nip: str | None


class RowError(BaseModel):
    """What is wrong with one row. ``row`` counts like a spreadsheet (header is row 1)."""

    model_config = ConfigDict(frozen=True)

    row: int
    column: str | None
    message: str


class RosterValidation(BaseModel):
    """The outcome of validating a whole roster."""

    records: list[EmployeeRecord]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


REQUIRED_COLUMNS = (
    "nip",
    "nama",
    "jabatan",
    "pangkat_golongan",
    "kode_opd",
    "nama_opd",
    "kode_unit",
    "nama_unit",
    "nip_atasan",
)
OPTIONAL_COLUMNS = ("jenis_pegawai", "tim_penilai", "hr_admin", "auditor", "aktif")
_TRUE = {"1", "ya", "y", "true", "yes", "x"}
_FALSE = {"", "0", "tidak", "t", "false", "no", "n"}
MAX_CELL_LENGTH = 500
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _RowProblem(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _flag(row: Mapping[str, str], column: str, default: bool) -> bool:
    raw = (row.get(column) or "").strip().lower()
    if column not in row or (raw == "" and default):
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise _RowProblem(column, f"nilai '{raw[:20]}' bukan ya/tidak")


def _text(row: Mapping[str, str], column: str, *, required: bool = True) -> str:
    value = (row.get(column) or "").strip()
    if required and not value:
        raise _RowProblem(column, "wajib diisi")
    if len(value) > MAX_CELL_LENGTH:
        raise _RowProblem(column, f"lebih dari {MAX_CELL_LENGTH} karakter")
    if _CONTROL_CHARACTERS.search(value):
        # NUL cannot even be stored by PostgreSQL; the others are invisible garbage
        # from broken exports. Tab and line breaks (Alt+Enter in Excel) are kept.
        raise _RowProblem(column, "berisi karakter kendali yang tidak terlihat; ketik ulang isinya")
    if value[:1] in ("=", "+", "@") and column != "nip_atasan":
        raise _RowProblem(column, "berisi rumus spreadsheet; isi nilainya saja")
    return value


def _parse_row(row: Mapping[str, str]) -> EmployeeRecord:
    try:
        nip = parse_nip(_text(row, "nip"))
    except NipError as exc:
        raise _RowProblem("nip", str(exc)) from exc
    supervisor_raw = _text(row, "nip_atasan", required=False)
    supervisor: str | None = None
    if supervisor_raw:
        try:
            supervisor = parse_nip(supervisor_raw)
        except NipError as exc:
            raise _RowProblem("nip_atasan", str(exc)) from exc
        if supervisor == nip:
            raise _RowProblem("nip_atasan", "pegawai tidak boleh menjadi atasannya sendiri")
    kind_raw = _text(row, "jenis_pegawai", required=False).upper() or "PNS"
    try:
        kind = EmploymentType(kind_raw)
    except ValueError as exc:
        raise _RowProblem("jenis_pegawai", "harus PNS atau PPPK") from exc
    return EmployeeRecord(
        nip=nip,
        name=_text(row, "nama"),
        position=_text(row, "jabatan"),
        grade=_text(row, "pangkat_golongan"),
        employment_type=kind,
        agency_code=_text(row, "kode_opd"),
        agency_name=_text(row, "nama_opd"),
        unit_code=_text(row, "kode_unit"),
        unit_name=_text(row, "nama_unit"),
        supervisor_nip=supervisor,
        is_tim_penilai=_flag(row, "tim_penilai", False),
        is_hr_admin=_flag(row, "hr_admin", False),
        is_auditor=_flag(row, "auditor", False),
        active=_flag(row, "aktif", True),
    )


def _find_cycles(supervisors: Mapping[str, str | None]) -> set[str]:
    """NIPs that sit on a supervisor cycle (A reports to B reports to A)."""
    on_cycle: set[str] = set()
    settled: set[str] = set()
    for start in supervisors:
        path: list[str] = []
        seen_in_path: set[str] = set()
        current: str | None = start
        while current is not None and current not in settled and current not in seen_in_path:
            path.append(current)
            seen_in_path.add(current)
            current = supervisors.get(current)
        if current is not None and current in seen_in_path:
            on_cycle.update(path[path.index(current) :])
        settled.update(path)
    return on_cycle


def validate_roster(
    header: Iterable[str],
    rows: Sequence[Mapping[str, str]],
    *,
    row_numbers: Sequence[int] | None = None,
    existing_supervisors: Mapping[str, str | None] | None = None,
) -> RosterValidation:
    """Validate every row; collect all errors instead of stopping at the first.

    ``row_numbers`` are the spreadsheet rows of ``rows`` (default: 2, 3, ... after the
    header), so messages point at what HR sees even when the reader skipped empty rows.
    ``existing_supervisors`` maps each active employee already in the database to their
    supervisor: a file may update part of an organisation whose top sits outside it, and
    a cycle that closes through the database is caught too.
    """
    existing = existing_supervisors or {}
    numbers = list(row_numbers) if row_numbers is not None else list(range(2, len(rows) + 2))
    if len(numbers) != len(rows):
        raise ValueError("row_numbers must match rows")
    columns = {column.strip().lower() for column in header}
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        return RosterValidation(
            records=[],
            errors=[
                RowError(row=1, column=column, message="kolom wajib tidak ada")
                for column in missing
            ],
        )

    errors: list[RowError] = []
    records: list[EmployeeRecord] = []
    row_of: dict[str, int] = {}
    for index, row in zip(numbers, rows, strict=True):
        try:
            record = _parse_row(row)
        except _RowProblem as problem:
            errors.append(RowError(row=index, column=problem.column, message=problem.message))
            continue
        if record.nip in row_of:
            errors.append(
                RowError(
                    row=index,
                    column="nip",
                    message=f"NIP ganda; sudah ada di baris {row_of[record.nip]}",
                )
            )
            continue
        row_of[record.nip] = index
        records.append(record)

    supervisors = {record.nip: record.supervisor_nip for record in records}
    for record in records:
        supervisor = record.supervisor_nip
        if supervisor and supervisor not in supervisors and supervisor not in existing:
            errors.append(
                RowError(
                    row=row_of[record.nip],
                    column="nip_atasan",
                    message="atasan tidak ditemukan di berkas maupun di basis data",
                )
            )
    # The file's rows overlay the database's: the tree after the import must be a forest.
    on_cycle = _find_cycles({**existing, **supervisors}) & row_of.keys()
    for nip in sorted(on_cycle, key=row_of.__getitem__):
        errors.append(
            RowError(
                row=row_of[nip],
                column="nip_atasan",
                message="rantai atasan membentuk lingkaran (siklus)",
            )
        )
    errors.extend(_inactive_supervisors(records, row_of, existing))
    errors.sort(key=lambda error: (error.row, error.column or ""))
    return RosterValidation(records=[] if errors else records, errors=errors)


def _inactive_supervisors(
    records: Sequence[EmployeeRecord],
    row_of: Mapping[str, int],
    existing: Mapping[str, str | None],
) -> list[RowError]:
    """Rows that make someone inactive while active staff still report to them.

    Their staff would be left with a supervisor who can no longer plan, review or rate,
    so the appraisal chain breaks mid-year. The staff may be in the file or only in the
    database (``existing`` holds active employees); a file row overrides the database's.
    """
    inactive = {record.nip for record in records if not record.active}
    if not inactive:
        return []
    reporting = {nip: supervisor for nip, supervisor in existing.items() if nip not in row_of}
    reporting.update({record.nip: record.supervisor_nip for record in records if record.active})
    staff_of: dict[str, list[str]] = {}
    for nip, supervisor in reporting.items():
        if supervisor in inactive:
            staff_of.setdefault(supervisor, []).append(nip)
    errors = []
    for supervisor, staff in staff_of.items():
        rows = sorted(row_of[nip] for nip in staff if nip in row_of)
        where = []
        if rows:
            shown = ", ".join(str(number) for number in rows[:5])
            where.append(f"baris {shown}{', ...' if len(rows) > 5 else ''}")
        if len(staff) > len(rows):
            where.append(f"{len(staff) - len(rows)} di basis data")
        errors.append(
            RowError(
                row=row_of[supervisor],
                column="aktif",
                message=f"dinonaktifkan padahal masih menjadi atasan {len(staff)} pegawai aktif "
                f"({'; '.join(where)}); pindahkan bawahannya ke atasan lain lebih dulu",
            )
        )
    return errors
