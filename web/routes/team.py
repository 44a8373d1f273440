"""Tim saya: the pejabat penilai's board. Each person's stage, what is pending and by
when, overdue and at-risk flags; filterable by stage and by trouble. Read from the same
scoped list as ``GET /appraisals``, narrowed to the caller's own staff."""

import re
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import scope_of
from api.commands import CommandSender
from api.deps import Session, context
from api.inbox import inbox_of
from api.problems import Problem
from api.schemas import InboxItem
from domain.nip import is_valid_nip
from domain.notices import StepKind
from domain.perencanaan import ApproveSkp
from domain.schedule import PERIOD_ID_PATTERN
from domain.stages import Stage
from persistence.repositories import appraisal_lists, periods
from persistence.repositories.appraisal_lists import AppraisalFilter
from persistence.repositories.organisation import names_of
from web.page import page_context
from web.route import HtmlRoute, problem_text
from web.sessions import Caller, PostingCaller, WebCaller
from web.templating import render
from workflows.appraisal import AppraisalWorkflow

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
BOARD_LIMIT = 200
MAX_BULK = 200
PERIOD_ID = re.compile(PERIOD_ID_PATTERN)
NOT_AN_APPRAISAL = "Pilihan tidak menunjuk penilaian yang dikenal"


@dataclass(frozen=True)
class BulkOutcome:
    """What one bulk approval did: each SKP approved, or refused with its problem."""

    approved: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


async def _board(
    request: Request,
    caller: WebCaller,
    db: AsyncSession,
    *,
    periode: str | None = None,
    tahap: Stage | None = None,
    terlambat: bool = False,
    berisiko: bool = False,
    outcome: BulkOutcome | None = None,
) -> Response:
    """The newest period unless another is chosen: a board mixing years misleads."""
    actor = caller.actor
    choices = [period.id for period in await periods.recent_periods(db)]
    chosen = periode if periode in choices else (choices[0] if choices else None)
    filters = AppraisalFilter(
        period_id=chosen,
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
    owed: dict[tuple[str, str], list[InboxItem]] = {}
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
            "outcome": outcome,
            "periods": choices,
            "chosen_period": chosen,
            "owed_approval": {
                f"{period_id}/{nip}"
                for (period_id, nip), items in owed.items()
                if any(item.step == StepKind.SKP_PERSETUJUAN.value for item in items)
            },
        },
    )


@router.get("/tim")
async def team_board(
    request: Request,
    caller: Caller,
    db: Session,
    periode: Annotated[str | None, Query(pattern=PERIOD_ID_PATTERN)] = None,
    tahap: Stage | None = None,
    terlambat: bool = False,
    berisiko: bool = False,
) -> Response:
    return await _board(
        request,
        caller,
        db,
        periode=periode,
        tahap=tahap,
        terlambat=terlambat,
        berisiko=berisiko,
    )


@router.post("/tim/setujui")
async def bulk_approve(request: Request, caller: PostingCaller, db: Session) -> Response:
    """Approve the selected SKPs: one click for thirty, each approval still its own
    command with its own refusal shown."""
    chosen = [v for v in (await request.form()).getlist("pilih") if isinstance(v, str)]
    pairs = [value.partition("/") for value in chosen[:MAX_BULK]]
    names = await names_of(db, [nip for _, _, nip in pairs])
    sender = CommandSender(
        context(request), db, caller.actor, getattr(request.state, "request_id", None)
    )
    outcome = BulkOutcome()
    for period_id, _, nip in pairs:
        if not (PERIOD_ID.match(period_id) and is_valid_nip(nip)):
            outcome.refused.append((f"{period_id}/{nip}"[:60], NOT_AN_APPRAISAL))
            continue
        try:
            await sender.send(period_id, nip, AppraisalWorkflow.approve_skp, ApproveSkp())
        except Problem as problem:
            outcome.refused.append((names.get(nip, nip), problem_text(request, problem)[2]))
        else:
            outcome.approved.append(names.get(nip, nip))
    return await _board(request, caller, db, outcome=outcome)
