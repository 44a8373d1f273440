"""A period's dashboard as JSON: what the web's dashboard page draws, for reports and
other tools."""

from fastapi import APIRouter

from api.dashboard import period_dashboard
from api.dashboard_models import PeriodDashboard
from api.deps import Session
from api.paths import PeriodId
from api.roles import HrAuditorOrTimPenilai

router = APIRouter(tags=["periods"])


@router.get("/periods/{period_id}/dashboard")
async def get_dashboard(
    period_id: PeriodId, actor: HrAuditorOrTimPenilai, session: Session
) -> PeriodDashboard:
    """The stage funnel, overdue appraisals per agency and unit and stage, the people at
    risk (behind target at a check-in; the overdue first, at most 50 listed), escalations
    sent per step and level, each unit's predikat against its distribution rule (the
    rule's bounds, the violations, the override with who, when and why) and the training
    load (HR and the auditor: every agency; a tim penilai: their own)."""
    return await period_dashboard(session, actor, period_id)
