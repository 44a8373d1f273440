"""HR's roster upload through the API: a dry run first, kept, then applied exactly.

``upload`` reads the file (the same reader and the same validation as ``kinerja
import-org``, so a bad row is refused in the same words), previews the change against the
organisation as stored (``api.roster_changes``) and, for a dry run without errors, keeps
the file with a fingerprint of that organisation. ``apply`` applies a kept dry run under
a lock on the employees, and refuses (409) once the organisation differs from the one
previewed: HR applies what they saw, or sees it again. ``dry_run=false`` does both in one
call, for scripts that need no review.

A supervisor change is a mutasi for every open appraisal of that person: once the roster
is committed, each is sent the same ``ChangeSupervisor`` the person page sends
(``api.mutasi``), so pending approvals move to the new pejabat penilai and the old one
stays on record. A refused one (HR's own appraisal, say) is listed with its reason; the
organisation keeps the new supervisor and the person page can record the mutasi later.
"""

import asyncio
import secrets
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from api import mutasi
from api.commands import CommandSender
from api.deps import ApiContext
from api.problems import Problem
from api.roster_changes import Reroute, RosterChanges, roster_changes_of
from api.roster_files import (
    UNSUPPORTED_FORMAT,
    RosterFileError,
    RosterTable,
    check_format,
    read_roster_bytes,
    too_big,
)
from api.roster_import import ImportSource, check_table, write_records
from domain.administrasi import ChangeSupervisor
from domain.appraisal import Actor
from domain.organisation import RowError
from domain.roles import Role
from persistence.models import RosterUpload
from persistence.repositories import roster_uploads
from persistence.repositories.organisation import ImportSummary

PREVIEW_TTL = timedelta(hours=24)
MAX_NAME = 200
UPLOAD_NOT_FOUND = "Unggahan tidak ditemukan atau sudah kedaluwarsa; unggah ulang berkasnya"
ALREADY_APPLIED = "Unggahan ini sudah diterapkan"
ORGANISATION_CHANGED = (
    "Organisasi berubah sejak pratinjau; unggah ulang berkas untuk melihat perubahannya"
)
ROWS_REFUSED = "Ada baris yang salah; tidak ada yang disimpan"
NO_FILE_NAME = "Berkas harus bernama .csv atau .xlsx"
REROUTE_REASON = "Impor organisasi: atasan langsung berubah"


class RerouteRefusal(BaseModel):
    period_id: str
    nip: str
    reason: str


class RosterUploadAnswer(BaseModel):
    """The answer to an upload or an apply: every bad row (as the command line lists
    them), else the counts and the change; after applying, the mutasi sent."""

    id: str | None = Field(
        description="The kept dry run: POST /organisation/imports/{id}/apply applies exactly "
        "it. None when rows were refused, and after applying."
    )
    file_name: str
    rows: int
    dry_run: bool
    applied: bool
    errors: list[RowError]
    summary: ImportSummary | None
    changes: RosterChanges | None
    expires_at: datetime | None = None
    rerouted: int = Field(0, description="Open appraisals handed to their new pejabat penilai.")
    reroute_refusals: list[RerouteRefusal] = Field(default_factory=list)


def _file_problem(error: RosterFileError) -> Problem:
    kind = "unsupported-media-type" if error.message == UNSUPPORTED_FORMAT else "validation-error"
    return Problem(kind, error.message)


async def read_upload(ctx: ApiContext, data: bytes, name: str, sheet: str | None) -> RosterTable:
    """The file as a table, or the problem with it: 413 over the size cap, 415 for a
    format other than CSV or XLSX, 422 for a file that cannot be read."""
    limits = ctx.roster_limits
    if not name.strip():
        raise Problem("unsupported-media-type", NO_FILE_NAME)
    try:
        check_format(name, sheet)
    except RosterFileError as error:
        raise _file_problem(error) from error
    if len(data) > limits.max_file_bytes:
        raise Problem("payload-too-large", too_big(limits).message)
    try:
        return await asyncio.to_thread(read_roster_bytes, data, name, sheet=sheet, limits=limits)
    except RosterFileError as error:
        raise _file_problem(error) from error


def _source(actor: Actor, name: str, request_id: str | None) -> ImportSource:
    return ImportSource(
        actor=actor.subject,
        actor_role=Role.HR_ADMIN.value,
        file_name=name,
        request_id=request_id,
    )


async def upload(
    ctx: ApiContext,
    session: AsyncSession,
    actor: Actor,
    request_id: str | None,
    *,
    data: bytes,
    name: str,
    sheet: str | None,
    dry_run: bool,
) -> RosterUploadAnswer:
    """Check the file and preview its change; keep it (a dry run) or apply it now."""
    name = "".join(char for char in name if char.isprintable()).strip()[:MAX_NAME]
    table = await read_upload(ctx, data, name, sheet)
    now = datetime.now(UTC)
    upload_id: str | None = None
    await session.commit()  # end the caller lookup's transaction: the import takes its own
    async with session.begin():
        await roster_uploads.delete_stale(session, now - PREVIEW_TTL)
    transaction = await session.begin()
    try:
        if not dry_run:
            await roster_uploads.lock_organisation(session)
        fingerprint = await roster_uploads.organisation_fingerprint(session)
        validation = await check_table(session, table)
        if validation.errors:
            await transaction.rollback()
            if not dry_run:
                raise Problem(
                    "validation-error", ROWS_REFUSED, row_errors=_dumped(validation.errors)
                )
            return RosterUploadAnswer(
                id=None,
                file_name=name,
                rows=len(table.rows),
                dry_run=True,
                applied=False,
                errors=validation.errors,
                summary=None,
                changes=None,
            )
        changes, reroutes = await roster_changes_of(session, validation.records)
        summary = await write_records(
            session,
            table,
            validation.records,
            dry_run=dry_run,
            source=_source(actor, name, request_id),
        )
        if dry_run:
            await transaction.rollback()
            upload_id = secrets.token_hex(16)
            async with session.begin():
                await roster_uploads.add_upload(
                    session,
                    RosterUpload(
                        id=upload_id,
                        created_by=actor.subject,
                        created_at=now,
                        file_name=name,
                        sheet=sheet,
                        sha256=table.sha256,
                        content=data,
                        fingerprint=fingerprint,
                    ),
                )
        else:
            await transaction.commit()
    except BaseException:
        if transaction.is_active:
            await transaction.rollback()
        raise
    answer = RosterUploadAnswer(
        id=upload_id,
        file_name=name,
        rows=len(table.rows),
        dry_run=dry_run,
        applied=not dry_run,
        errors=[],
        summary=summary,
        changes=changes,
        expires_at=now + PREVIEW_TTL if dry_run else None,
    )
    if dry_run:
        return answer
    return await _rerouted(ctx, session, actor, request_id, answer, reroutes)


def _dumped(errors: list[RowError]) -> list[dict[str, object]]:
    return [error.model_dump() for error in errors]


async def kept_upload(session: AsyncSession, actor: Actor, upload_id: str) -> RosterUpload:
    """The caller's own dry run, unexpired and not yet applied; another HR's is a 404."""
    found = await roster_uploads.get_upload(session, upload_id)
    now = datetime.now(UTC)
    if found is None or found.created_by != actor.subject or now - found.created_at > PREVIEW_TTL:
        raise Problem("not-found", UPLOAD_NOT_FOUND)
    if found.applied_at is not None or found.content is None:
        raise Problem("wrong-state", ALREADY_APPLIED)
    return found


async def apply(
    ctx: ApiContext,
    session: AsyncSession,
    actor: Actor,
    request_id: str | None,
    upload_id: str,
) -> RosterUploadAnswer:
    """Apply the kept dry run ``upload_id`` if the organisation is still the one it was
    previewed against; then hand the moved appraisals to their new pejabat penilai."""
    kept = await kept_upload(session, actor, upload_id)
    data, name, sheet = kept.content or b"", kept.file_name, kept.sheet
    await session.commit()  # end the lookups' transaction: the apply takes its own
    table = await read_upload(ctx, data, name, sheet)
    async with session.begin():
        await roster_uploads.lock_organisation(session)
        kept = await kept_upload(session, actor, upload_id)  # once more, under the lock
        if await roster_uploads.organisation_fingerprint(session) != kept.fingerprint:
            raise Problem("wrong-state", ORGANISATION_CHANGED)
        validation = await check_table(session, table)
        if validation.errors:  # cannot happen on the same organisation; refused anyway
            raise Problem("wrong-state", ORGANISATION_CHANGED)
        changes, reroutes = await roster_changes_of(session, validation.records)
        summary = await write_records(
            session,
            table,
            validation.records,
            dry_run=False,
            source=_source(actor, name, request_id),
        )
        await roster_uploads.mark_applied(session, upload_id, datetime.now(UTC))
    answer = RosterUploadAnswer(
        id=None,
        file_name=name,
        rows=len(table.rows),
        dry_run=False,
        applied=True,
        errors=[],
        summary=summary,
        changes=changes,
    )
    return await _rerouted(ctx, session, actor, request_id, answer, reroutes)


async def _rerouted(
    ctx: ApiContext,
    session: AsyncSession,
    actor: Actor,
    request_id: str | None,
    answer: RosterUploadAnswer,
    reroutes: list[Reroute],
) -> RosterUploadAnswer:
    """Send each moved appraisal its mutasi, one after the other (one session)."""
    sender = CommandSender(ctx, session, actor, request_id, required_roles=(Role.HR_ADMIN,))
    refusals = []
    done = 0
    for reroute in reroutes:
        command = ChangeSupervisor(
            new_supervisor_nip=reroute.new_supervisor_nip, reason=REROUTE_REASON
        )
        try:
            await mutasi.change_supervisor(sender, reroute.period_id, reroute.nip, command)
            done += 1
        except Problem as refused:
            refusals.append(
                RerouteRefusal(period_id=reroute.period_id, nip=reroute.nip, reason=refused.detail)
            )
    return answer.model_copy(update={"rerouted": done, "reroute_refusals": refusals})
