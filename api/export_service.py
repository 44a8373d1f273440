"""Exporting appraisals as CSV or XLSX, for both faces: the API's
``GET /appraisals/export`` (bearer token) and the web's export page (session) call
``export_appraisals``, so the scope, the row limit, the audit event and the columns are
one thing. A BKPSDM report needs more than the list shows: the ratings, the predikat,
where a keberatan and the tindak lanjut stand, and which steps are late."""

import csv
import io
import re
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import SEES_EVERYTHING, scope_of
from api.problems import Problem
from api.rate_limits import KeyedLimiter, limit
from domain.appraisal import Actor, AppraisalState
from domain.deadlines import overdue_deadlines
from domain.development import DevelopmentAction, development_status
from domain.keberatan import Keberatan, keberatan_status
from domain.predikat import Predikat
from domain.schedule import PeriodSchedule
from persistence.repositories import appraisal_exports, appraisal_lists, audit, periods
from persistence.repositories.appraisal_exports import ExportedAppraisal
from persistence.repositories.appraisal_lists import AppraisalFilter
from persistence.repositories.audit import AuditRecord

ExportFormat = Literal["csv", "xlsx"]
SheetLayout = Literal["one", "agency"]  # one sheet, or one sheet per agency (OPD)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
# Existing columns keep their places; what a BKPSDM report needs follows them.
EXPORT_COLUMNS = (
    "period_id", "nip", "name", "position", "agency_code", "unit_code",
    "supervisor_nip", "stage", "predikat", "overdue", "at_risk", "updated_at",
    "hasil_kerja", "perilaku", "keberatan_status", "keberatan_outcome",
    "development_status", "overdue_steps",
)  # fmt: skip
# Spreadsheet column widths, in characters; a column not named gets DEFAULT_WIDTH.
WIDTHS = {
    "nip": 20, "name": 32, "position": 28, "supervisor_nip": 20, "updated_at": 20,
    "keberatan_status": 17, "keberatan_outcome": 18, "development_status": 19,
    "overdue_steps": 36,
}  # fmt: skip
DEFAULT_WIDTH = 14
AGENCY = EXPORT_COLUMNS.index("agency_code")
SHEET = "penilaian"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", fgColor="FFD9E2F3")
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")  # Excel refuses these in a sheet's name
SHEET_NAME_MAX = 31
TOO_MANY_ROWS = (
    "Ekspor lebih dari {limit} baris hanya untuk BKPSDM atau auditor; persempit filternya"
)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    chunks: AsyncIterator[str] | AsyncIterator[bytes]


async def export_appraisals(
    session: AsyncSession,
    actor: Actor,
    filters: AppraisalFilter,
    *,
    format: ExportFormat,
    sheets: SheetLayout = "one",
    request_id: str | None,
    row_limit: int,
    limiter: KeyedLimiter | None,
) -> ExportFile:
    """The rows the caller may see under ``filters``. Exports of personal data are
    logged in the audit trail (UU PDP 27/2022) before any row leaves: who, when, which
    filters; never the rows themselves. ``sheets`` applies to XLSX only."""
    await limit(limiter, actor.subject)
    scope = await scope_of(session, actor)
    if not actor.roles & SEES_EVERYTHING and (
        await appraisal_lists.count_appraisals(session, scope, filters) > row_limit
    ):
        raise Problem("forbidden", TOO_MANY_ROWS.format(limit=row_limit))
    layout = sheets if format == "xlsx" else "one"
    await _log_export(session, actor, request_id, format, filters, layout)
    rows = [row async for row in appraisal_exports.stream_exported(session, scope, filters)]
    values = await export_values(session, rows, now=datetime.now(UTC))
    name = f"kinerja-{filters.period_id or 'semua'}.{format}"  # period ids are [a-z0-9-]
    if format == "xlsx":
        return ExportFile(name, XLSX, _once(xlsx_bytes(values, per_agency=layout == "agency")))
    return ExportFile(name, CSV, _csv(values))


async def export_values(
    session: AsyncSession, rows: Iterable[ExportedAppraisal], *, now: datetime
) -> list[list[object]]:
    """Each row's cells in ``EXPORT_COLUMNS`` order; what is late is judged at ``now``
    against each period's schedule (with the employee's extensions)."""
    schedules: dict[str, PeriodSchedule | None] = {}
    values = []
    for row in rows:
        result = row.result or {}
        keberatan = Keberatan.model_validate(row.keberatan) if row.keberatan else None
        actions = tuple(DevelopmentAction.model_validate(a) for a in row.development or ())
        development = development_status(Predikat(row.predikat) if row.predikat else None, actions)
        late: list[str] = []
        if row.overdue_state is not None:
            if row.period_id not in schedules:
                period = await periods.get_period(session, row.period_id)
                schedules[row.period_id] = (
                    PeriodSchedule.model_validate(period.schedule) if period else None
                )
            schedule = schedules[row.period_id]
            if schedule is not None:
                state = AppraisalState.model_validate(row.overdue_state)
                late = overdue_deadlines(state, schedule, now)
        decision = keberatan.decision if keberatan else None
        listed = [
            row.period_id, row.nip, row.name, row.position, row.agency_code, row.unit_code,
            row.supervisor_nip, row.stage, row.predikat, row.overdue, row.at_risk,
            row.updated_at,
        ]  # fmt: skip
        values.append(
            [
                *listed,
                result.get("hasil_kerja"),
                result.get("perilaku"),
                keberatan_status(keberatan).value,
                decision.outcome.value if decision else None,
                development.value if development else None,
                ", ".join(late),
            ]
        )
    return values


def inert(value: object) -> object:
    """Text starting with = + - @ would run as a formula in a spreadsheet (CSV/XLSX
    injection): prefix it so it stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _naive(moment: datetime) -> datetime:
    """XLSX has no time zones: write UTC wall time."""
    return moment.astimezone(UTC).replace(tzinfo=None)


async def _once(body: bytes) -> AsyncIterator[bytes]:
    yield body


async def _csv(values: list[list[object]]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in values:
        writer.writerow([inert(v) for v in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def sheet_names(codes: Iterable[str]) -> dict[str, str]:
    """A sheet name per agency code that Excel accepts: at most 31 characters, none of
    ``[]:*?/\\``, not starting or ending with an apostrophe, unique regardless of case
    (a suffix ``~2``, ``~3``... tells clashing ones apart)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for code in codes:
        base = NOT_IN_SHEET_NAMES.sub("_", code).strip("'")[:SHEET_NAME_MAX] or "OPD"
        name, number = base, 1
        while name.casefold() in taken or name.casefold() == "history":  # Excel reserves it
            number += 1
            suffix = f"~{number}"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        names[code] = name
    return names


def xlsx_bytes(values: list[list[object]], *, per_agency: bool) -> bytes:
    """One sheet ``penilaian``, or one per agency in code order; each with its header
    row bold on a fill and frozen below it, and columns wide enough to read."""
    workbook = Workbook(write_only=True)
    groups: dict[str, list[list[object]]] = {}
    if per_agency and values:
        for row in values:
            groups.setdefault(str(row[AGENCY]), []).append(row)
        named = sheet_names(sorted(groups))
        for code in sorted(groups):
            _fill(workbook.create_sheet(named[code]), groups[code])
    else:
        _fill(workbook.create_sheet(SHEET), values)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _fill(sheet: WriteOnlyWorksheet, values: list[list[object]]) -> None:
    """Widths and the frozen pane must be set before the first row is written."""
    # a write-only sheet has column_dimensions at run time; the stubs do not say so
    columns = sheet.column_dimensions  # type: ignore[attr-defined]
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        columns[get_column_letter(index)].width = WIDTHS.get(column, DEFAULT_WIDTH)
    sheet.freeze_panes = "A2"
    header = []
    for column in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for row in values:
        sheet.append([_naive(v) if isinstance(v, datetime) else inert(v) for v in row])


async def _log_export(
    session: AsyncSession,
    actor: Actor,
    request_id: str | None,
    kind: str,
    filters: AppraisalFilter,
    layout: SheetLayout,
) -> None:
    """The one write the API makes itself: the audit trail is append-only and outside
    any workflow's state, and an export must be logged before any row leaves."""
    after: dict[str, Any] = {k: v for k, v in filters.__dict__.items() if v is not None}
    if layout != "one":
        after["sheets"] = layout
    await audit.append_event(
        session,
        AuditRecord(
            event_key=f"export-{uuid.uuid4().hex}",
            at=datetime.now(UTC),
            actor=actor.subject,
            actor_role=None,
            action="appraisals.exported",
            subject_type="export",
            subject_id=kind,
            period_id=filters.period_id,
            request_id=request_id,
            after=after,
        ),
    )
    await session.commit()
