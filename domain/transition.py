"""The one transition every command makes: the state one version on, with the overdue flag
recomputed, since any change may alter it (a late step done, a new step already late)."""

from datetime import datetime

from domain.appraisal import AppraisalState
from domain.deadlines import is_overdue
from domain.schedule import PeriodSchedule


def advance(
    state: AppraisalState, schedule: PeriodSchedule, now: datetime, **changes: object
) -> AppraisalState:
    """Apply a command's ``changes`` (one version step) and recompute the overdue flag."""
    updated = state.advanced(**changes)
    overdue = is_overdue(updated, schedule, now)
    if overdue == updated.overdue:
        return updated
    return updated.model_copy(update={"overdue": overdue})
