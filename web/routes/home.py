"""Beranda: what I owe now (the same inbox as ``/me/inbox``) and the notices sent to me
(the same list as ``/me/notifications``): a supervisor learns here that someone is late."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import Session
from api.inbox import inbox_of
from api.notifications import mark_notification_read, notifications_of
from persistence.repositories import appraisal_lists
from persistence.repositories.appraisal_lists import AppraisalFilter, ListedAppraisal, Scope
from persistence.repositories.organisation import names_of
from web.page import page_context
from web.route import HtmlRoute
from web.routes.login import safe_next
from web.sessions import Caller, PostingCaller
from web.templating import is_htmx, render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
RECENT = 10


@router.get("/")
async def root() -> Response:
    return RedirectResponse("/beranda", status_code=303)


@router.get("/beranda")
async def home(request: Request, caller: Caller, db: Session) -> Response:
    actor = caller.actor
    inbox = await inbox_of(db, actor)
    notices = await notifications_of(db, actor, limit=RECENT, offset=0)
    mine: list[ListedAppraisal] = []
    if actor.nip is not None:
        _, mine = await appraisal_lists.list_appraisals(
            db,
            Scope(own_nip=actor.nip),
            AppraisalFilter(nip=actor.nip),
            sort="updated_at",
            descending=True,
            limit=5,
            offset=0,
        )
    nips = [item.nip for item in inbox.items] + [n.subject_nip for n in notices.items]
    return render(
        request,
        "beranda.html",
        {
            **await page_context(db, caller, unread=notices.unread),
            "inbox": inbox,
            "notices": notices,
            "my_appraisals": mine,
            "names": await names_of(db, nips),
        },
    )


@router.get("/notifikasi")
async def notices_page(
    request: Request, caller: Caller, db: Session, belum_dibaca: bool = False, hal: int = 1
) -> Response:
    page = max(1, min(hal, 10_000))
    notices = await notifications_of(
        db, caller.actor, unread=True if belum_dibaca else None, limit=50, offset=(page - 1) * 50
    )
    names = await names_of(db, [n.subject_nip for n in notices.items])
    context = await page_context(db, caller)
    return render(
        request,
        "notifikasi.html",
        {**context, "notices": notices, "unread_only": belum_dibaca, "page": page, "names": names},
    )


@router.post("/notifikasi/{notice_id}/dibaca")
async def mark_read(
    request: Request,
    caller: PostingCaller,
    db: Session,
    notice_id: Annotated[int, Path(ge=1, le=2**62)],
    kembali: Annotated[str, Form()] = "/notifikasi",
) -> Response:
    notice = await mark_notification_read(db, caller.actor, notice_id)
    if is_htmx(request):
        names = await names_of(db, [notice.subject_nip])
        context = {**await page_context(db, caller), "notice": notice, "names": names}
        return render(request, "notifikasi.html", context, block="notice_item")
    return RedirectResponse(safe_next(kembali), status_code=303)
