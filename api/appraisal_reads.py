"""Reading one appraisal for the caller: found only if they may see it, shown with the
steps still owed under its period's schedule. Shared by the read route and by the
commander, which answers every write with the same view."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from api.access import can_view_appraisal
from api.problems import Problem
from api.schemas import AppraisalView
from domain.appraisal import Actor, AppraisalState
from domain.deadlines import pending_steps
from domain.period_closure import is_closed
from domain.schedule import PeriodSchedule
from persistence.models import Appraisal
from persistence.repositories.appraisals import get_appraisal
from persistence.repositories.periods import get_period

NOT_FOUND = "Penilaian tidak ditemukan"


async def visible_appraisal(
    session: AsyncSession, actor: Actor, period_id: str, nip: str
) -> Appraisal:
    """The appraisal, or 404 whether it is missing or merely not the caller's to see:
    a 403 here would confirm to a stranger that this NIP is appraised in this period."""
    row = await get_appraisal(session, period_id, nip)
    if row is None or not await can_view_appraisal(session, actor, row):
        raise Problem("not-found", NOT_FOUND)
    return row


async def appraisal_view(
    session: AsyncSession, row: Appraisal, state: AppraisalState | None = None
) -> AppraisalView:
    return view_of(row, await period_schedule(session, row.period_id), state)


async def period_schedule(session: AsyncSession, period_id: str) -> PeriodSchedule | None:
    """The schedule steps are owed under; None when the period is unknown or closed
    (nothing is owed in a period HR has closed)."""
    period = await get_period(session, period_id)
    if period is None or is_closed(period.status):
        return None
    return PeriodSchedule.model_validate(period.schedule)


def view_of(
    row: Appraisal, schedule: PeriodSchedule | None, state: AppraisalState | None = None
) -> AppraisalView:
    """The appraisal as the API shows it, with the steps still owed under ``schedule``.

    ``state``, when given, is what an update just returned: newer than ``row``, which was
    read before the change, so the answer carries the time of the change (now, as the
    workflow's projection will record it), not the row's old ``updated_at``."""
    if state is None or state.version == row.version:
        state, updated_at = state or AppraisalState.model_validate(row.state), row.updated_at
    else:
        updated_at = datetime.now(UTC)
    pending = () if schedule is None else tuple(pending_steps(state, schedule))
    return AppraisalView(
        **state.model_dump(), updated_at=updated_at, pending=pending, closed_at=row.closed_at
    )
