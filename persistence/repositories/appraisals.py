"""The appraisal read model: one row per employee per period, kept by activities."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.appraisal import AppraisalState
from persistence.models import Appraisal
from persistence.repositories.versioned import save_if_newer


async def save_state(
    session: AsyncSession, *, workflow_id: str, state: AppraisalState, at: datetime
) -> bool:
    """Upsert the projection if ``state`` is newer than what is stored; True when written.

    Comparing versions makes the write idempotent and order-proof: a retry or a late,
    older write changes nothing.
    """
    values: dict[str, Any] = {
        "period_id": state.period_id,
        "nip": state.nip,
        "agency_code": state.agency_code,
        "unit_code": state.unit_code,
        "supervisor_nip": state.supervisor_nip,
        "stage": state.stage.value,
        "predikat": state.result.predikat.value if state.result else None,
        "overdue": state.overdue,
        "at_risk": state.at_risk,
        "version": state.version,
        "state": state.model_dump(mode="json"),
        "workflow_id": workflow_id,
        "updated_at": at,
    }
    return await save_if_newer(session, Appraisal, ("period_id", "nip"), values)


async def get_appraisal(session: AsyncSession, period_id: str, nip: str) -> Appraisal | None:
    return await session.get(Appraisal, (period_id, nip))


async def workflow_ids(
    session: AsyncSession, period_id: str, nips: Sequence[str]
) -> dict[str, str]:
    """NIP → the workflow id each appraisal runs under. Stored, never recomputed: ids
    changed scheme (NIP, then a keyed pseudonym) and running workflows keep theirs."""
    if not nips:
        return {}
    rows = await session.execute(
        select(Appraisal.nip, Appraisal.workflow_id).where(
            Appraisal.period_id == period_id, Appraisal.nip.in_(list(nips))
        )
    )
    return {nip: workflow_id for nip, workflow_id in rows.all()}


async def count_by_stage(
    session: AsyncSession, period_id: str, *, agency_code: str | None = None
) -> dict[str, int]:
    query = (
        select(Appraisal.stage, func.count())
        .where(Appraisal.period_id == period_id)
        .group_by(Appraisal.stage)
    )
    if agency_code is not None:
        query = query.where(Appraisal.agency_code == agency_code)
    rows = await session.execute(query)
    return {stage: count for stage, count in rows.all()}


async def count_by_period_and_stage(
    session: AsyncSession, period_ids: list[str], *, agency_code: str | None = None
) -> dict[str, dict[str, int]]:
    """:func:`count_by_stage` for several periods in one query: period → stage → count
    (a period without appraisals is absent)."""
    if not period_ids:
        return {}
    query = (
        select(Appraisal.period_id, Appraisal.stage, func.count())
        .where(Appraisal.period_id.in_(period_ids))
        .group_by(Appraisal.period_id, Appraisal.stage)
    )
    if agency_code is not None:
        query = query.where(Appraisal.agency_code == agency_code)
    counts: dict[str, dict[str, int]] = {}
    for period_id, stage, count in (await session.execute(query)).all():
        counts.setdefault(period_id, {})[stage] = count
    return counts


async def open_appraisal_nips(
    session: AsyncSession,
    period_id: str,
    *,
    agency_code: str | None,
    unit_code: str | None,
    after_nip: str | None,
    limit: int,
) -> list[str]:
    """NIPs of the period's unfinished appraisals in a scope, keyset-paged by NIP."""
    query = (
        select(Appraisal.nip)
        .where(Appraisal.period_id == period_id, Appraisal.stage != "selesai")
        .order_by(Appraisal.nip)
        .limit(limit)
    )
    if agency_code is not None:
        query = query.where(Appraisal.agency_code == agency_code)
    if unit_code is not None:
        query = query.where(Appraisal.unit_code == unit_code)
    if after_nip is not None:
        query = query.where(Appraisal.nip > after_nip)
    return list((await session.scalars(query)).all())
