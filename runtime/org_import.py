"""Importing the organisation roster: read, validate everything, then write all or nothing.

HR gets every bad row at once (with the row number they see in the spreadsheet) and the
database is untouched unless the whole file is valid. A dry run does the real upsert in a
transaction and rolls it back, so its counts are exactly what a real import would do.
"""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.organisation import RowError, validate_roster
from persistence.repositories.audit import AuditRecord, append_event
from persistence.repositories.organisation import (
    ImportSummary,
    active_supervisor_map,
    upsert_roster,
)
from runtime.org_files import RosterLimits, RosterTable, read_roster_file


class ImportReport(BaseModel):
    """Outcome of one import. ``summary`` is None when any row was rejected."""

    rows: int
    errors: list[RowError]
    summary: ImportSummary | None
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not self.errors


def _with_reader_problems(errors: list[RowError], table: RosterTable) -> list[RowError]:
    """The reader's own cell problems (a NIP stored as a number) replace the generic
    validation error for the same cell: they say what actually went wrong."""
    flagged = {(problem.row, problem.column) for problem in table.problems}
    kept = [error for error in errors if (error.row, error.column) not in flagged]
    return sorted([*kept, *table.problems], key=lambda error: (error.row, error.column or ""))


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
    async with sessionmaker() as session:
        transaction = await session.begin()
        try:
            validation = validate_roster(
                table.header,
                table.rows,
                row_numbers=table.row_numbers,
                existing_supervisors=await active_supervisor_map(session),
            )
            errors = _with_reader_problems(validation.errors, table)
            if errors:
                await transaction.rollback()
                return ImportReport(
                    rows=len(table.rows), errors=errors, summary=None, dry_run=dry_run
                )
            summary = await upsert_roster(session, validation.records)
            if dry_run:
                await transaction.rollback()
            else:
                if summary.created or summary.updated:
                    await append_event(session, _audit_record(path, table, summary))
                await transaction.commit()
        except BaseException:
            if transaction.is_active:
                await transaction.rollback()
            raise
    return ImportReport(rows=len(table.rows), errors=[], summary=summary, dry_run=dry_run)


def _audit_record(path: Path, table: RosterTable, summary: ImportSummary) -> AuditRecord:
    """Counts only: the audit trail must not copy names or NIPs out of the roster."""
    at = datetime.now(UTC)
    return AuditRecord(
        event_key=f"import-{table.sha256}-{at.isoformat()}",
        at=at,
        actor="cli",
        actor_role=None,
        action="organisation.imported",
        subject_type="organisation",
        subject_id=path.name[:120],
        after=summary.model_dump(),
    )
