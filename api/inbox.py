"""What a person owes now, across periods: the one reading behind the API's ``/me/inbox``
and the web's Beranda."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import Inbox, InboxItem
from domain.appraisal import Actor, AppraisalState
from domain.deadlines import pending_steps
from domain.notices import STEP_TITLES, PendingStep
from domain.period_closure import is_closed
from domain.roles import Role
from domain.schedule import PeriodSchedule
from persistence.repositories import appraisal_lists, periods
from persistence.repositories.appraisal_lists import Scope


def _owed_by_caller(step: PendingStep, state: AppraisalState, actor: Actor) -> str | None:
    """The role in which the caller owes ``step``, or None when it is someone else's."""
    if step.owed_by is Role.PEGAWAI:
        return Role.PEGAWAI.value if state.is_employee(actor) else None
    if step.owed_by is Role.PEJABAT_PENILAI:
        return Role.PEJABAT_PENILAI.value if state.is_pejabat_penilai(actor) else None
    if step.owed_by is Role.ATASAN_PENILAI:  # a keberatan: the atasan named with the result
        return Role.ATASAN_PENILAI.value if state.is_atasan_penilai(actor) else None
    return None


async def inbox_of(session: AsyncSession, actor: Actor) -> Inbox:
    """Earliest due first; HR also owes the steps of agency heads, who have no supervisor.
    Nothing is owed in a period HR has closed (or is closing)."""
    if actor.nip is None and not actor.has(Role.HR_ADMIN):
        return Inbox(items=[], overdue=0)
    scope = Scope(own_nip=actor.nip) if actor.nip else Scope()
    states = await appraisal_lists.scoped_states(session, scope)
    if actor.has(Role.HR_ADMIN):
        states += await appraisal_lists.head_of_agency_states(session)
    schedules: dict[str, PeriodSchedule | None] = {}
    now = datetime.now(UTC)
    items: dict[tuple[str, str, str], InboxItem] = {}
    for period_id, raw in states:
        if period_id not in schedules:
            period = await periods.get_period(session, period_id)
            schedules[period_id] = (
                None
                if period is None or is_closed(period.status)
                else PeriodSchedule.model_validate(period.schedule)
            )
        schedule = schedules[period_id]
        if schedule is None:
            continue
        state = AppraisalState.model_validate(raw)
        for step in pending_steps(state, schedule):
            owed_as = _owed_by_caller(step, state, actor)
            if owed_as is None:
                continue
            items[(period_id, state.nip, step.key)] = InboxItem(
                period_id=period_id,
                nip=state.nip,
                step=step.kind.value,
                title=STEP_TITLES[step.kind],
                owed_as=owed_as,
                due=step.due,
                overdue=step.due <= now,
            )
    ordered = sorted(items.values(), key=lambda item: item.due)
    return Inbox(items=ordered, overdue=sum(1 for item in ordered if item.overdue))
