"""Tim saya: the pejabat penilai's board. Each person's stage, what is pending and by
when, overdue and at-risk flags; filterable by stage and by trouble. Read from the same
scoped list as ``GET /appraisals``, narrowed to the caller's own staff."""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.access import scope_of
from api.deps import Session
from api.inbox import inbox_of
from domain.stages import Stage
from persistence.repositories import appraisal_lists
from persistence.repositories.appraisal_lists import AppraisalFilter
from web.page import page_context
from web.route import HtmlRoute
from web.sessions import Caller
from web.templating import render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
BOARD_LIMIT = 200


@router.get("/tim")
async def team_board(
    request: Request,
    caller: Caller,
    db: Session,
    tahap: Stage | None = None,
    terlambat: bool = False,
    berisiko: bool = False,
) -> Response:
    actor = caller.actor
    filters = AppraisalFilter(
        supervisor_nip=actor.nip or "-",
        stage=tahap.value if tahap else None,
        overdue=True if terlambat else None,
        at_risk=True if berisiko else None,
    )
    total, rows = await appraisal_lists.list_appraisals(
        db,
        await scope_of(db, actor),
        filters,
        sort="nip",
        descending=False,
        limit=BOARD_LIMIT,
        offset=0,
    )
    owed: dict[tuple[str, str], list[object]] = {}
    for item in (await inbox_of(db, actor)).items:
        owed.setdefault((item.period_id, item.nip), []).append(item)
    context = await page_context(db, caller)
    return render(
        request,
        "tim.html",
        {
            **context,
            "rows": rows,
            "total": total,
            "owed": owed,
            "stages": [stage for stage in Stage],
            "chosen_stage": tahap.value if tahap else "",
            "late_only": terlambat,
            "risk_only": berisiko,
            "now": datetime.now(UTC),
        },
    )
