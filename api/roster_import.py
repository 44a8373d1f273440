"""Importing the organisation roster: read, validate everything, then write all or nothing.

HR gets every bad row at once (with the row number they see in the spreadsheet) and the
database is untouched unless the whole file is valid. A dry run does the real upsert in a
transaction and rolls it back, so its counts are exactly what a real import would do.

The one service behind both faces: the ``kinerja import-org`` command calls
``import_roster``; the API's upload (``api.roster_uploads``) calls ``check_table`` and
``write_records`` inside its own transaction, so a row is refused with the same words
whichever way the file came in.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.roster_files import RosterLimits, RosterTable, read_roster_file
from domain.organisation import EmployeeRecord, RosterValidation, RowError, validate_roster
from persistence.repositories.audit import AuditRecord, append_event
from persistence.repositories.organisation import (
    ImportSummary,
    active_supervisor_map,
    upsert_roster,
)


class ImportReport(BaseModel):
    """Outcome of one import. ``summary`` is None when any row was rejected."""

    rows: int
    errors: list[RowError]
    summary: ImportSummary | None
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportSource:
    """Who imported which file, for the audit trail (counts and the file's name only)."""

    actor: str
    file_name: str
    actor_role: str | None = None
    request_id: str | None = None


def _with_reader_problems(errors: list[RowError], table: RosterTable) -> list[RowError]:
    """The reader's own cell problems (a NIP stored as a number) replace the generic
    validation error for the same cell: they say what actually went wrong."""
    flagged = {(problem.row, problem.column) for problem in table.problems}
    kept = [error for error in errors if (error.row, error.column) not in flagged]
    return sorted([*kept, *table.problems], key=lambda error: (error.row, error.column or ""))


async def check_table(session: AsyncSession, table: RosterTable) -> RosterValidation:
    """Every row against the rules and against the organisation already in the database
    (supervisors outside the file, cycles closing through it); ``records`` only when no
    row is bad."""
    validation = validate_roster(
        table.header,
        table.rows,
        row_numbers=table.row_numbers,
        existing_supervisors=await active_supervisor_map(session),
    )
    errors = _with_reader_problems(validation.errors, table)
    return RosterValidation(records=[] if errors else validation.records, errors=errors)


async def write_records(
    session: AsyncSession,
    table: RosterTable,
    records: Sequence[EmployeeRecord],
    *,
    dry_run: bool,
    source: ImportSource,
) -> ImportSummary:
    """Upsert the validated ``records`` in the session's open transaction and, unless a
    dry run, record the import in the audit trail when it changed anything. The caller
    commits, or rolls back a dry run."""
    summary = await upsert_roster(session, records)
    if not dry_run and (summary.created or summary.updated):
        await append_event(session, _audit_record(source, table, summary))
    return summary


async def import_roster(
    sessionmaker: async_sessionmaker[AsyncSession],
    path: Path,
    *,
    dry_run: bool,
    sheet: str | None = None,
    limits: RosterLimits | None = None,
) -> ImportReport:
    """Import ``path``; raises ``RosterFileError`` when the file itself is unreadable.

    ``sheet`` picks the worksheet of a workbook with several; ``limits`` bound what
    reading the file may cost (defaults: ``RosterLimits()``)."""
    table = await asyncio.to_thread(read_roster_file, path, sheet=sheet, limits=limits)
    source = ImportSource(actor="cli", file_name=path.name)
    async with sessionmaker() as session:
        transaction = await session.begin()
        try:
            validation = await check_table(session, table)
            if validation.errors:
                await transaction.rollback()
                return ImportReport(
                    rows=len(table.rows), errors=validation.errors, summary=None, dry_run=dry_run
                )
            summary = await write_records(
                session, table, validation.records, dry_run=dry_run, source=source
            )
            if dry_run:
                await transaction.rollback()
            else:
                await transaction.commit()
        except BaseException:
            if transaction.is_active:
                await transaction.rollback()
            raise
    return ImportReport(rows=len(table.rows), errors=[], summary=summary, dry_run=dry_run)


def _audit_record(source: ImportSource, table: RosterTable, summary: ImportSummary) -> AuditRecord:
    """Counts only: the audit trail must not copy names or NIPs out of the roster."""
    at = datetime.now(UTC)
    return AuditRecord(
        event_key=f"import-{table.sha256}-{at.isoformat()}",
        at=at,
        actor=source.actor,
        actor_role=source.actor_role,
        action="organisation.imported",
        subject_type="organisation",
        subject_id=source.file_name[:120],
        request_id=source.request_id,
        after=summary.model_dump(),
    )
