"""Lists for the three audiences: HR and the tim penilai filter, sort, page and export
appraisals; everyone sees their inbox of what they owe; HR and the auditor read the
audit trail. Every list is scoped to what the caller may see."""

from collections import defaultdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime

from api import audit_service, export_service
from api.access import scope_of
from api.deps import CurrentActor, RequestId, Session, context
from api.export_service import CSV, XLSX, ExportFormat, SheetLayout
from api.inbox import inbox_of
from api.paths import CODE_PATTERN, PeriodId
from api.problems import Problem
from api.rate_limits import limiters
from api.roles import HrAuditorOrTimPenilai, HrOrAuditor
from api.schemas import (
    AgencySummary,
    AppraisalListItem,
    AppraisalPage,
    AuditPage,
    Inbox,
    PeriodSummary,
    UnitDistributionStatus,
)
from api.units import override_views
from domain.audit import AuditKind
from domain.distribusi import check_distribution
from domain.predikat import Predikat
from domain.schedule import PERIOD_ID_PATTERN
from domain.stages import Stage
from persistence.repositories import appraisal_lists, periods, units
from persistence.repositories.appraisal_lists import AppraisalFilter, AuditFilter, Scope, SortKey

router = APIRouter(tags=["lists"])
MAX_PAGE = 200
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"  # no control characters (PostgreSQL refuses NUL)


def _filters(
    period_id: Annotated[str | None, Query(pattern=PERIOD_ID_PATTERN)] = None,
    agency_code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    unit_code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    stage: Stage | None = None,
    predikat: Predikat | None = None,
    overdue: bool | None = None,
    at_risk: bool | None = None,
) -> AppraisalFilter:
    return AppraisalFilter(
        period_id=period_id,
        agency_code=agency_code,
        unit_code=unit_code,
        stage=stage.value if stage else None,
        predikat=predikat.value if predikat else None,
        overdue=overdue,
        at_risk=at_risk,
    )


Filters = Annotated[AppraisalFilter, Depends(_filters)]


@router.get("/appraisals")
async def list_appraisals(
    actor: CurrentActor,
    session: Session,
    filters: Filters,
    sort: SortKey = "nip",
    order: Literal["asc", "desc"] = "asc",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AppraisalPage:
    """Appraisals the caller may see, filtered, sorted and paged (at most 200 a page)."""
    total, rows = await appraisal_lists.list_appraisals(
        session,
        await scope_of(session, actor),
        filters,
        sort=sort,
        descending=order == "desc",
        limit=limit,
        offset=offset,
    )
    items = [AppraisalListItem.model_validate(row, from_attributes=True) for row in rows]
    return AppraisalPage(total=total, limit=limit, offset=offset, items=items)


@router.get(
    "/appraisals/export",
    responses={
        200: {
            "content": {CSV: {}, XLSX: {}},
            "description": "The filtered list as CSV or XLSX",
        }
    },
)
async def export_appraisals(
    request: Request,
    actor: CurrentActor,
    session: Session,
    request_id: RequestId,
    filters: Filters,
    format: ExportFormat = "csv",
    sheets: Annotated[
        SheetLayout,
        Query(description="XLSX only: `agency` puts each agency (OPD) on its own sheet."),
    ] = "one",
) -> StreamingResponse:
    """Export the filtered list, with each result's ratings and predikat, where its
    keberatan and tindak lanjut stand, and the steps past their due time. Exports of
    personal data are logged in the audit trail (UU PDP 27/2022): who, when, which
    filters; never the rows themselves."""
    found = limiters(request)
    exported = await export_service.export_appraisals(
        session,
        actor,
        filters,
        format=format,
        sheets=sheets,
        request_id=request_id,
        row_limit=context(request).export_row_limit,
        limiter=found.exports if found else None,
    )
    return StreamingResponse(
        exported.chunks,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


@router.get("/me/appraisals")
async def my_appraisals(actor: CurrentActor, session: Session) -> AppraisalPage:
    """The caller's own appraisals, every period."""
    if actor.nip is None:
        return AppraisalPage(total=0, limit=MAX_PAGE, offset=0, items=[])
    total, rows = await appraisal_lists.list_appraisals(
        session,
        Scope(own_nip=actor.nip),
        AppraisalFilter(nip=actor.nip),
        sort="updated_at",
        descending=True,
        limit=MAX_PAGE,
        offset=0,
    )
    items = [AppraisalListItem.model_validate(row, from_attributes=True) for row in rows]
    return AppraisalPage(total=total, limit=MAX_PAGE, offset=0, items=items)


@router.get("/me/inbox")
async def my_inbox(actor: CurrentActor, session: Session) -> Inbox:
    """Everything the caller owes now, across periods, earliest due first: approve this
    SKP, answer this check-in, decide this keberatan, confirm this training."""
    return await inbox_of(session, actor)


@router.get("/periods/{period_id}/summary")
async def period_summary(
    period_id: PeriodId, actor: HrAuditorOrTimPenilai, session: Session
) -> PeriodSummary:
    """Counts per stage and predikat per agency, overdue counts, and each unit's standing
    against its distribution rule (HR and auditor: all; tim penilai: own agency)."""
    if await periods.get_period(session, period_id) is None:
        raise Problem("not-found", f"Periode {period_id} tidak ditemukan")
    scope = await scope_of(session, actor)
    if not scope.everything:  # a tim penilai: their agency only, not their own chain
        if scope.agency_code is None:
            raise Problem("forbidden", "Tim penilai tanpa OPD tidak dapat melihat ringkasan")
        scope = Scope(agency_code=scope.agency_code)
    groups = await appraisal_lists.period_counts(session, period_id, scope)
    agencies: dict[str, AgencySummary] = {}
    for agency, stage, predikat, overdue, count in groups:
        summary = agencies.setdefault(
            agency,
            AgencySummary(
                agency_code=agency,
                total=0,
                stages={s: 0 for s in Stage},
                predikat={p: 0 for p in Predikat},
                unrated=0,
                overdue=0,
            ),
        )
        summary.total += count
        summary.stages[Stage(stage)] += count
        if predikat:
            summary.predikat[Predikat(predikat)] += count
        else:
            summary.unrated += count
        if overdue:
            summary.overdue += count
    members: dict[tuple[str, str], list[Predikat | None]] = defaultdict(list)
    for agency, unit, predikat in await appraisal_lists.unit_predicates(session, period_id, scope):
        members[(agency, unit)].append(Predikat(predikat) if predikat else None)
    states = await units.unit_states(session, period_id)
    overrides = await override_views(session, states.values())
    unit_rows = []
    for (agency, unit), ratings in sorted(members.items()):
        state = states.get(unit)
        rated = [rating for rating in ratings if rating is not None]
        unit_predikat = state.unit_predikat if state else None
        unit_rows.append(
            UnitDistributionStatus(
                agency_code=agency,
                unit_code=unit,
                members=len(ratings),
                unrated=len(ratings) - len(rated),
                unit_predikat=unit_predikat,
                violations=check_distribution(unit_predikat, rated) if unit_predikat else [],
                finalised=bool(state and state.finalised_at),
                finalised_at=state.finalised_at if state else None,
                override=overrides.get(unit),
            )
        )
    listed = sorted(agencies.values(), key=lambda a: a.agency_code)
    return PeriodSummary(
        period_id=period_id,
        total=sum(a.total for a in listed),
        overdue=sum(a.overdue for a in listed),
        agencies=listed,
        units=unit_rows,
    )


@router.get("/audit")
async def audit_trail(
    _actor: HrOrAuditor,
    session: Session,
    subject_type: Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}$")] = None,
    subject_id: Annotated[str | None, Query(pattern=PRINTABLE, max_length=120)] = None,
    actor_id: Annotated[str | None, Query(alias="actor", pattern=PRINTABLE, max_length=100)] = None,
    period_id: Annotated[str | None, Query(pattern=PERIOD_ID_PATTERN)] = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_.]{1,60}$")] = None,
    kind: Annotated[
        list[AuditKind] | None,
        Query(
            description="Only events of these kinds of action (repeat for several), e.g. "
            "`rating` and `keberatan_decision` for who set a predikat. Kinds: "
            + ", ".join(f"`{k.value}`" for k in AuditKind)
            + ".",
            max_length=len(AuditKind),
        ),
    ] = None,
    since: Annotated[
        AwareDatetime | None, Query(description="Only events at or after this moment.")
    ] = None,
    until: Annotated[
        AwareDatetime | None, Query(description="Only events before this moment.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    """The append-only audit trail, newest first (HR and the auditor). Each event says
    who did what to whom and when, and in ``decision`` what was decided."""
    filters = AuditFilter(
        subject_type=subject_type,
        subject_id=subject_id,
        actor=actor_id,
        period_id=period_id,
        action=action,
    )
    return await audit_service.audit_trail(
        session, filters, kinds=kind, since=since, until=until, limit=limit, offset=offset
    )
