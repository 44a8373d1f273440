"""``/me/notifications``: the reminders, escalations and re-routing notices the outbox
recorded for the caller, newest first, and marking one read. A notice about someone's
lateness goes to particular people, so nobody else may list it, mark it or even learn
that its id exists."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.notices import STEP_TITLES, StepKind
from persistence.models import Notification
from persistence.repositories import notifications
from tests.api.conftest import TokenFor
from tests.api.journey import PROBLEM_JSON, assert_problem
from tests.factories import make_period
from tests.orgs import HEAD, HR, PEER, STAFF, SUPERVISOR
from tests.waiting import eventually

SECOND = timedelta(seconds=1)
T0 = datetime(2026, 3, 1, 8, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def notify(
    sessionmaker: Sessions,
    recipient_nip: str | None,
    *,
    minute: int,
    kind: str = "eskalasi",
    step: str = StepKind.SKP_PERSETUJUAN.value,
    subject_nip: str = STAFF,
    role: str = "pejabat_penilai",
    level: int = 1,
) -> int:
    """One outbox row, created ``minute`` minutes after T0; its id."""
    key = f"{step}/{kind}/{level}/{recipient_nip}/{minute}"
    async with sessionmaker.begin() as session:
        await notifications.add_notification(
            session,
            workflow_id=f"appraisal-t-{subject_nip}",
            notice_key=key,
            period_id="2026",
            subject_nip=subject_nip,
            recipient_role=role,
            recipient_nip=recipient_nip,
            kind=kind,
            step=step,
            level=level,
            due=T0,
            created_at=T0 + timedelta(minutes=minute),
        )
        found = await session.scalar(select(Notification.id).where(Notification.notice_key == key))
    assert found is not None
    return found


async def read_at(sessionmaker: Sessions, notification_id: int) -> datetime | None:
    async with sessionmaker() as session:
        row = await session.get(Notification, notification_id)
    assert row is not None
    return row.read_at


async def page(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get("/me/notifications", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_an_escalation_reaches_the_supervisor_and_the_reminder_the_employee(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    """Driven for real: a socialisation nobody acknowledges is reminded to each employee
    before it is due, then escalated to their pejabat penilai."""
    period = make_period(
        period_id,
        start=datetime.now(UTC) - 4 * SECOND,
        step=6 * SECOND,
        reminder_before=2 * SECOND,
        escalation_interval=3 * SECOND,
    )
    started = await client.post(
        "/periods", json=period.model_dump(mode="json"), headers=auth(HR, "hr_admin")
    )
    assert started.status_code == 201, started.text
    supervisor = auth(SUPERVISOR, "pejabat_penilai")

    def about_staff(body: dict[str, Any], kind: str) -> list[dict[str, Any]]:
        return [
            item
            for item in body["items"]
            if item["subject_nip"] == STAFF
            and item["period_id"] == period_id
            and item["kind"] == kind
        ]

    body = await eventually(
        lambda: page(client, supervisor),
        lambda body: about_staff(body, "eskalasi") != [],
        what="STAFF's socialisation escalated to SUPERVISOR",
    )
    escalation = about_staff(body, "eskalasi")[0]
    assert escalation["step"] == "sosialisasi"
    assert escalation["title"] == STEP_TITLES[StepKind.SOSIALISASI]
    assert escalation["level"] == 1
    assert escalation["read_at"] is None
    assert body["unread"] >= 1

    own = await page(client, auth(STAFF))
    reminders = about_staff(own, "pengingat")
    assert [(n["step"], n["level"]) for n in reminders] == [("sosialisasi", 0)]
    assert about_staff(own, "eskalasi") == []  # an escalation goes up, not back to STAFF
    peer = await page(client, auth(PEER))
    assert [n for n in peer["items"] if n["subject_nip"] == STAFF] == []


async def test_newest_first_with_totals_and_an_unread_filter(
    client: httpx.AsyncClient, auth: TokenFor, sessionmaker: Sessions
) -> None:
    oldest = await notify(sessionmaker, SUPERVISOR, minute=1, kind="pengalihan", level=0)
    middle = await notify(sessionmaker, SUPERVISOR, minute=2, step=StepKind.PENILAIAN.value)
    newest = await notify(sessionmaker, SUPERVISOR, minute=3, subject_nip=PEER)
    await notify(sessionmaker, HEAD, minute=4, role="atasan_penilai", level=2)
    await notify(sessionmaker, STAFF, minute=5, kind="pengingat", role="pegawai", level=0)
    supervisor = auth(SUPERVISOR, "pejabat_penilai")

    everything = await page(client, supervisor)

    assert [n["id"] for n in everything["items"]] == [newest, middle, oldest]
    assert (everything["total"], everything["unread"]) == (3, 3)
    assert (everything["limit"], everything["offset"]) == (50, 0)
    first = everything["items"][2]
    assert first == {
        "id": oldest,
        "kind": "pengalihan",
        "step": "skp_persetujuan",
        "title": STEP_TITLES[StepKind.SKP_PERSETUJUAN],
        "level": 0,
        "period_id": "2026",
        "subject_nip": STAFF,
        "due": "2026-03-01T08:00:00Z",
        "created_at": "2026-03-01T08:01:00Z",
        "read_at": None,
    }

    marked = await client.post(f"/me/notifications/{middle}/read", headers=supervisor)
    assert marked.status_code == 200, marked.text
    unread = await page(client, supervisor, unread="true")
    assert [n["id"] for n in unread["items"]] == [newest, oldest]
    assert (unread["total"], unread["unread"]) == (2, 2)
    everything = await page(client, supervisor, unread="false")  # false: no filter
    assert [n["id"] for n in everything["items"]] == [newest, middle, oldest]
    assert (everything["total"], everything["unread"]) == (3, 2)
    assert everything["items"][1]["read_at"] is not None


async def test_marking_read_is_idempotent(
    client: httpx.AsyncClient, auth: TokenFor, sessionmaker: Sessions
) -> None:
    notice = await notify(sessionmaker, SUPERVISOR, minute=1)
    supervisor = auth(SUPERVISOR, "pejabat_penilai")

    first = await client.post(f"/me/notifications/{notice}/read", headers=supervisor)
    second = await client.post(f"/me/notifications/{notice}/read", headers=supervisor)

    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert first.json()["read_at"] is not None
    assert second.json() == first.json()  # the first time read is kept
    stored = await read_at(sessionmaker, notice)
    assert stored is not None
    assert stored == datetime.fromisoformat(first.json()["read_at"])
    assert (await page(client, supervisor))["unread"] == 0


async def test_someone_elses_notification_is_not_found_and_stays_unread(
    client: httpx.AsyncClient, auth: TokenFor, sessionmaker: Sessions
) -> None:
    notice = await notify(sessionmaker, SUPERVISOR, minute=1)
    missing = notice + 1000

    by_peer = await client.post(f"/me/notifications/{notice}/read", headers=auth(PEER))
    by_subject = await client.post(f"/me/notifications/{notice}/read", headers=auth(STAFF))
    by_hr = await client.post(f"/me/notifications/{notice}/read", headers=auth(HR, "hr_admin"))
    by_head = await client.post(
        f"/me/notifications/{notice}/read", headers=auth(HEAD, "pejabat_penilai")
    )
    nowhere = await client.post(f"/me/notifications/{missing}/read", headers=auth(PEER))
    anonymous = await client.post(f"/me/notifications/{notice}/read")

    for refused in (by_peer, by_subject, by_hr, by_head):
        problem = assert_problem(refused, 404, "not-found")
        assert problem["detail"] == "Notifikasi tidak ditemukan"
    # someone else's and a missing id answer alike: nobody learns that an id exists
    assert assert_problem(nowhere, 404, "not-found")["detail"] == "Notifikasi tidak ditemukan"
    assert_problem(anonymous, 401, "unauthenticated")
    assert await read_at(sessionmaker, notice) is None
    for nip in (PEER, STAFF, HEAD):
        assert (await page(client, auth(nip)))["items"] == []
    english = await client.post(
        f"/me/notifications/{notice}/read", headers={**auth(PEER), "Accept-Language": "en"}
    )
    assert english.json()["detail"] == "Notification not found"


async def test_the_hr_desk_shares_the_notices_that_reached_the_end_of_a_chain(
    client: httpx.AsyncClient, auth: TokenFor, sessionmaker: Sessions
) -> None:
    """Escalations past a chain's end are addressed to BKPSDM with no NIP: every HR admin
    sees them (and one reading them reads them for the desk); nobody else does."""
    desk = await notify(sessionmaker, None, minute=1, role="hr_admin", level=3)
    personal = await notify(sessionmaker, HR, minute=2, kind="pengingat", role="pegawai", level=0)
    hr = auth(HR, "hr_admin")

    listed = await page(client, hr)
    assert [n["id"] for n in listed["items"]] == [personal, desk]
    assert (await page(client, auth(HEAD, "pejabat_penilai")))["items"] == []
    refused = await client.post(f"/me/notifications/{desk}/read", headers=auth(HEAD))
    assert_problem(refused, 404, "not-found")
    marked = await client.post(f"/me/notifications/{desk}/read", headers=hr)
    assert marked.status_code == 200, marked.text
    assert (await page(client, hr))["unread"] == 1


@pytest.mark.parametrize("bad", ["abc", "-1", "0", "1.5", str(2**63), "%20"])
async def test_a_bad_id_is_a_422_naming_the_field(
    client: httpx.AsyncClient, auth: TokenFor, bad: str
) -> None:
    response = await client.post(f"/me/notifications/{bad}/read", headers=auth(STAFF))

    problem = assert_problem(response, 422, "validation-error")
    assert [error["field"] for error in problem["errors"]] == ["path.notification_id"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "query.limit"),
        ({"limit": 201}, "query.limit"),
        ({"limit": "ten"}, "query.limit"),
        ({"offset": -1}, "query.offset"),
        ({"offset": 10**20}, "query.offset"),
        ({"unread": "maybe"}, "query.unread"),
    ],
)
async def test_paging_out_of_bounds_is_a_422(
    client: httpx.AsyncClient, auth: TokenFor, params: dict[str, Any], field: str
) -> None:
    response = await client.get("/me/notifications", params=params, headers=auth(STAFF))

    problem = assert_problem(response, 422, "validation-error")
    assert [error["field"] for error in problem["errors"]] == [field]


async def test_pages_split_the_list_and_keep_the_totals(
    client: httpx.AsyncClient, auth: TokenFor, sessionmaker: Sessions
) -> None:
    ids = [await notify(sessionmaker, STAFF, minute=m, role="pegawai") for m in range(5)]
    newest_first = ids[::-1]
    staff = auth(STAFF)

    second = await page(client, staff, limit=2, offset=2)
    last = await page(client, staff, limit=200, offset=4)
    beyond = await page(client, staff, limit=1, offset=5)

    assert [n["id"] for n in second["items"]] == newest_first[2:4]
    assert (second["total"], second["unread"], second["limit"], second["offset"]) == (5, 5, 2, 2)
    assert [n["id"] for n in last["items"]] == newest_first[4:]
    assert beyond["items"] == [] and beyond["total"] == 5
    response = await client.get("/me/notifications")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
