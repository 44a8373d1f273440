"""A period's dashboard (``/periode/{id}/dasbor``) for HR and the auditor (every agency;
one agency's units at a time, chosen with ``opd``) and a tim penilai (their own agency):
the stage funnel, overdue appraisals as a heat table, the people at risk, escalations,
each unit's distribution curve against its rule, and the training load. The figures are
``api.dashboard``'s, as ``GET /periods/{id}/dashboard`` answers them; the charts are
``charts``' SVG with a table behind each."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.dashboard import period_dashboard
from api.dashboard_models import OverdueRow, PeriodDashboard, UnitDistribution
from api.deps import Session
from api.paths import CODE_PATTERN, PeriodId
from api.roles import require_role
from domain.notices import STEP_TITLES
from domain.roles import Role
from persistence.repositories.organisation import names_of
from web.dashboard_charts import OVERDUE_STAGES, DashboardCharts
from web.page import page_context
from web.route import HtmlRoute
from web.sessions import Caller, WebCaller
from web.templating import render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
READERS = (Role.HR_ADMIN, Role.AUDITOR, Role.TIM_PENILAI)
BUSIEST_UNITS = 20  # units in the heat table when no agency is chosen
BLOCKED_UNITS = 24  # distribution curves when no agency is chosen


async def _reader(found: Caller) -> WebCaller:
    require_role(found.actor, *READERS)
    return found


DashboardReader = Annotated[WebCaller, Depends(_reader)]


def _busiest(units: list[OverdueRow]) -> list[OverdueRow]:
    late = [unit for unit in units if unit.overdue]
    return sorted(late, key=lambda unit: (-unit.overdue, unit.unit_code or ""))[:BUSIEST_UNITS]


def _blocked_first(units: list[UnitDistribution]) -> list[UnitDistribution]:
    """Units whose rule is broken: those not overridden (blocked) first."""
    broken = [unit for unit in units if unit.violations and not unit.finalised_at]
    return sorted(broken, key=lambda unit: (unit.override is not None, unit.unit_code))


def _shown(dashboard: PeriodDashboard, agency: str | None) -> dict[str, object]:
    """What the page draws of the units: one agency's all, or the ones needing eyes."""
    if agency is not None:
        units = [row for row in dashboard.units if row.agency_code == agency]
        curves = [unit for unit in dashboard.distribution if unit.agency_code == agency]
        return {"heat_units": units, "curves": curves, "curves_left": 0}
    blocked = _blocked_first(dashboard.distribution)
    return {
        "heat_units": _busiest(dashboard.units),
        "curves": blocked[:BLOCKED_UNITS],
        "curves_left": max(0, len(blocked) - BLOCKED_UNITS),
    }


@router.get("/periode/{period_id}/dasbor")
async def dashboard_page(
    request: Request,
    period_id: PeriodId,
    caller: DashboardReader,
    db: Session,
    opd: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
) -> Response:
    dashboard = await period_dashboard(db, caller.actor, period_id)
    codes = {row.agency_code for row in dashboard.agencies}
    agency = dashboard.agency_code or (opd if opd in codes else None)
    overrides = [unit.override.by for unit in dashboard.distribution if unit.override]
    page = {
        **await page_context(db, caller),
        "dash": dashboard,
        "charts": DashboardCharts(dashboard),
        "agency": agency,
        "agency_name": next(
            (row.name for row in dashboard.agencies if row.agency_code == agency), None
        ),
        "overdue_stages": OVERDUE_STAGES,
        "step_titles": {step.value: title for step, title in STEP_TITLES.items()},
        "override_names": await names_of(db, overrides),
        "agency_links": {
            code: f"/periode/{period_id}/dasbor?opd={code}#terlambat" for code in codes
        },
        "unit_links": {
            row.unit_code: f"/unit/{period_id}/{row.unit_code}" for row in dashboard.units
        },
        **_shown(dashboard, agency),
    }
    return render(request, "dasbor.html", page)
