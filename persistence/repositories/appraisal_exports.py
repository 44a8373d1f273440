"""Appraisals as an export reads them: the list's columns plus the parts of the state a
BKPSDM report needs (the result, the keberatan, the development actions) and, for the
overdue ones only, the whole state to name what is late. Streamed with a server-side
cursor, so a regency's export is not one result set in memory at the database driver."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import Appraisal, Employee
from persistence.repositories.appraisal_lists import LISTED_COLUMNS, AppraisalFilter, Scope


@dataclass(frozen=True)
class ExportedAppraisal:
    period_id: str
    nip: str
    name: str | None
    position: str | None
    agency_code: str
    unit_code: str
    supervisor_nip: str | None
    stage: str
    predikat: str | None
    overdue: bool
    at_risk: bool
    updated_at: datetime
    result: dict[str, Any] | None
    keberatan: dict[str, Any] | None
    development: list[dict[str, Any]] | None
    overdue_state: dict[str, Any] | None  # the whole state, only when overdue


async def stream_exported(
    session: AsyncSession, scope: Scope, filters: AppraisalFilter, *, batch: int = 1000
) -> AsyncIterator[ExportedAppraisal]:
    """Every matching appraisal in period and NIP order."""
    query = (
        select(
            *LISTED_COLUMNS,
            Appraisal.state["result"].label("result"),
            Appraisal.state["keberatan"].label("keberatan"),
            Appraisal.state["development"].label("development"),
            case((Appraisal.overdue, Appraisal.state), else_=None).label("overdue_state"),
        )
        .outerjoin(Employee, Employee.nip == Appraisal.nip)
        .where(scope.clause(), *filters.clauses())
        .order_by(Appraisal.period_id, Appraisal.nip)
        .execution_options(yield_per=batch)
    )
    result = await session.stream(query)
    async for row in result:
        yield ExportedAppraisal(**row._mapping)
