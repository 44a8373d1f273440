"""Roster uploads between HR's dry run and applying it, and the organisation's
fingerprint that tells whether anything changed in between."""

from datetime import datetime

from sqlalchemy import delete, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import RosterUpload

# Every column an import reads or writes, of every agency, unit and employee, in a fixed
# order: equal digests mean the organisation an import would meet is the one previewed.
_FINGERPRINT = text(
    """
    SELECT md5(
      coalesce((SELECT string_agg(concat_ws('|', code, name), E'\\n' ORDER BY code)
                FROM agency), '')
      || E'\\f' ||
      coalesce((SELECT string_agg(concat_ws('|', code, agency_code, name), E'\\n' ORDER BY code)
                FROM unit), '')
      || E'\\f' ||
      coalesce((SELECT string_agg(concat_ws('|', nip, name, position, grade, employment_type,
                                            agency_code, unit_code,
                                            coalesce(supervisor_nip, '-'), is_tim_penilai,
                                            is_hr_admin, is_auditor, active),
                                  E'\\n' ORDER BY nip)
                FROM employee), '')
    )
    """
)


async def organisation_fingerprint(session: AsyncSession) -> str:
    """A digest of the whole organisation as stored now."""
    digest: str = (await session.execute(_FINGERPRINT)).scalar_one()
    return digest


async def lock_organisation(session: AsyncSession) -> None:
    """Hold off every other write to the employees until this transaction ends (reads
    go on): an import applies against the organisation it checked, and two imports run
    one after the other."""
    await session.execute(text("LOCK TABLE employee IN SHARE ROW EXCLUSIVE MODE"))


async def add_upload(session: AsyncSession, upload: RosterUpload) -> None:
    session.add(upload)
    await session.flush()


async def get_upload(session: AsyncSession, upload_id: str) -> RosterUpload | None:
    return await session.get(RosterUpload, upload_id)


async def mark_applied(session: AsyncSession, upload_id: str, at: datetime) -> None:
    """Applied: the bytes are no longer needed, so they are not kept."""
    await session.execute(
        update(RosterUpload).where(RosterUpload.id == upload_id).values(applied_at=at, content=None)
    )


async def delete_stale(session: AsyncSession, created_before: datetime) -> None:
    """Uploads older than ``created_before``: their previews have expired."""
    await session.execute(delete(RosterUpload).where(RosterUpload.created_at < created_before))
