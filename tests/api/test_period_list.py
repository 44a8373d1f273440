"""Listing periods, opening one from its year alone, and previewing one before it
starts: on real Temporal and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.repositories.organisation import upsert_roster
from tests.api.conftest import TokenFor
from tests.api.journey import PROBLEM_JSON, period_body, start_period
from tests.factories import make_period
from tests.orgs import AUDITOR, HR, SMALL_ORG, STAFF, TIM, WITH_OTHER_ROLES
from tests.waiting import eventually

FUTURE = datetime.now(UTC).year + 2


def hr(auth: TokenFor) -> dict[str, str]:
    return auth(HR, "hr_admin")


async def add_auditor(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """The roster, not the token, makes someone an auditor."""
    async with sessionmaker.begin() as session:
        await upsert_roster(session, [*SMALL_ORG, *WITH_OTHER_ROLES])


async def test_periods_are_listed_newest_first_with_their_counts(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    older, newer = f"{period_id}-a", f"{period_id}-b"
    await start_period(client, auth, older)
    started = await client.post(
        "/periods/from-year",
        json={"period_id": newer, "year": FUTURE, "monitoring_frequency": "bulanan"},
        headers=hr(auth),
    )
    assert started.status_code == 201, started.text
    assert started.headers["location"] == f"/periods/{newer}"

    async def listing() -> dict:
        return (await client.get("/periods", headers=hr(auth))).json()

    page = await eventually(
        listing,
        lambda body: [i["total"] for i in body.get("items", [])] == [len(SMALL_ORG)] * 2,
        what="both periods fully started",
    )
    assert page["total"] == 2
    assert (page["limit"], page["offset"]) == (50, 0)
    first, second = page["items"]
    assert (first["period_id"], second["period_id"]) == (newer, older)
    assert first["name"] == f"Penilaian Kinerja ASN {FUTURE}"
    assert (first["starts_on"], first["ends_on"]) == (f"{FUTURE}-01-01", f"{FUTURE}-12-31")
    assert first["stages"]["sosialisasi"] == len(SMALL_ORG)
    assert first["created_at"] >= second["created_at"]
    single = (await client.get(f"/periods/{older}", headers=hr(auth))).json()
    assert {k: second[k] for k in single} == single  # the same figures as the period's own

    paged = await client.get("/periods?limit=1&offset=1", headers=hr(auth))
    assert paged.status_code == 200
    assert [i["period_id"] for i in paged.json()["items"]] == [older]
    assert paged.json()["total"] == 2

    # the auditor sees all; a tim penilai their own agency's counts, as on /periods/{id}
    await add_auditor(sessionmaker)
    audited = await client.get("/periods", headers=auth(AUDITOR))
    assert audited.status_code == 200
    assert audited.json()["items"] == page["items"]
    tim = auth(TIM, "tim_penilai")
    as_tim = (await client.get("/periods", headers=tim)).json()
    own = (await client.get(f"/periods/{older}", headers=tim)).json()
    assert 0 < own["total"] < len(SMALL_ORG)
    listed = {item["period_id"]: item for item in as_tim["items"]}
    assert {k: listed[older][k] for k in own} == own
    assert listed[newer]["total"] == own["total"]


async def test_listing_is_for_hr_the_auditor_and_the_tim_penilai(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    empty = await client.get("/periods", headers=hr(auth))
    assert empty.status_code == 200
    assert empty.json() == {"total": 0, "limit": 50, "offset": 0, "items": []}

    as_staff = await client.get("/periods", headers=auth(STAFF))
    anonymous = await client.get("/periods")
    assert as_staff.status_code == 403
    assert as_staff.headers["content-type"] == PROBLEM_JSON
    assert as_staff.json()["type"] == "/problems/forbidden"
    assert as_staff.json()["detail"] == "Peran Anda tidak mengizinkan tindakan ini"
    english = await client.get("/periods", headers={**auth(STAFF), "Accept-Language": "en"})
    assert english.json()["detail"] == "Your role does not allow this"
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    for query in ("limit=0", "limit=201", "offset=-1", "limit=x"):
        bad = await client.get(f"/periods?{query}", headers=hr(auth))
        assert bad.status_code == 422, (query, bad.text)
        assert bad.headers["content-type"] == PROBLEM_JSON


async def test_a_year_only_preview_shows_the_customary_schedule_and_starts_nothing(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    response = await client.post(
        "/periods/preview", json={"period_id": period_id, "year": FUTURE}, headers=hr(auth)
    )

    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["employees_included"] == len(SMALL_ORG)
    assert preview["refusals"] == []
    assert preview["warnings"] == []  # the default avoids weekends and national holidays
    assert preview["holidays_checked"] is True
    period = preview["period"]
    assert period["period_id"] == period_id
    schedule = period["schedule"]
    assert schedule["monitoring_frequency"] == "triwulan"
    assert len(schedule["checkin_dues"]) == 3
    assert schedule["keberatan_days"] == 14
    assert schedule["tindak_lanjut_due"].startswith(f"{FUTURE + 1}-03-")
    assert schedule["tindak_lanjut_due"].endswith("T16:00:00+07:00")
    nothing = await client.get(f"/periods/{period_id}", headers=hr(auth))
    assert nothing.status_code == 404

    # what the preview resolved can be sent back unchanged to open the period as shown
    opened = await client.post("/periods", json=period, headers=hr(auth))
    assert opened.status_code == 201, opened.text


async def test_a_full_preview_warns_and_lists_what_would_refuse_it(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    """Approval due after the first quarter (that check-in is dropped), an hourly
    escalation, and one due on a Saturday."""
    body = {
        "period_id": period_id,
        "name": "Penilaian uji",
        "starts_on": f"{FUTURE}-01-01",
        "ends_on": f"{FUTURE}-12-31",
        "schedule": {
            "sosialisasi_due": f"{FUTURE}-01-15T16:00:00+07:00",
            "skp_draft_due": f"{FUTURE}-01-22T16:00:00+07:00",
            "skp_approval_due": f"{FUTURE}-04-15T16:00:00+07:00",
            "wawancara_due": f"{FUTURE}-11-30T16:00:00+07:00",
            "penilaian_due": f"{FUTURE}-12-15T16:00:00+07:00",
            "tindak_lanjut_due": f"{FUTURE + 1}-03-31T16:00:00+07:00",
            "escalation_interval": "PT1H",
        },
    }
    saturday = datetime(FUTURE, 1, 15) + timedelta(days=(5 - datetime(FUTURE, 1, 15).weekday()))
    body["schedule"]["sosialisasi_due"] = f"{saturday.date()}T16:00:00+07:00"  # type: ignore[index]
    response = await client.post("/periods/preview", json=body, headers=hr(auth))

    assert response.status_code == 200, response.text
    warnings = response.json()["warnings"]
    kinds = [(w["kind"], w["field"]) for w in warnings]
    assert ("checkin_dropped", "schedule.skp_approval_due") in kinds
    assert ("weekend", "schedule.sosialisasi_due") in kinds
    assert ("escalation_flood", "schedule.escalation_interval") in kinds
    flood = next(w for w in warnings if w["kind"] == "escalation_flood")
    assert flood["escalations"] == 168
    assert "168 escalations" in flood["message_en"]
    dropped = next(w for w in warnings if w["kind"] == "checkin_dropped")
    assert dropped["due"] == f"{FUTURE}-03-31T16:00:00+07:00"
    assert response.json()["refusals"] == []

    # a period already opened, and due times already past: what POST /periods refuses
    await start_period(client, auth, f"{period_id}-x")
    past = make_period(f"{period_id}-x", start=datetime(2020, 1, 1, tzinfo=UTC))
    refused = await client.post(
        "/periods/preview", json=past.model_dump(mode="json"), headers=hr(auth)
    )
    assert refused.status_code == 200, refused.text
    fields = {r["field"] for r in refused.json()["refusals"]}
    assert {"body.period_id", "body.schedule.sosialisasi_due"} <= fields
    assert any("already exists" in r["message_en"] for r in refused.json()["refusals"])


async def test_preview_and_from_year_refuse_callers_and_bad_bodies(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await add_auditor(sessionmaker)
    year_only = {"period_id": period_id, "year": FUTURE}
    for path in ("/periods/preview", "/periods/from-year"):
        for headers, status, kind in (
            (auth(STAFF), 403, "forbidden"),
            (auth(TIM, "tim_penilai"), 403, "forbidden"),
            (auth(AUDITOR), 403, "forbidden"),
            ({}, 401, "unauthenticated"),
        ):
            refused = await client.post(path, json=year_only, headers=headers)
            assert refused.status_code == status, (path, refused.text)
            assert refused.headers["content-type"] == PROBLEM_JSON
            assert refused.json()["type"] == f"/problems/{kind}"
        for bad in (
            {"period_id": period_id, "year": 1999},
            {"period_id": period_id, "year": "dua ribu"},
            {"period_id": period_id, "year": FUTURE, "monitoring_frequency": "harian"},
            {"period_id": period_id, "year": FUTURE, "schedule": {}},
            {"period_id": "Bad Id", "year": FUTURE},
            {"period_id": period_id},
            [],
            "2027",
        ):
            response = await client.post(path, json=bad, headers=hr(auth))
            assert response.status_code == 422, (path, bad, response.text)
            assert response.json()["type"] == "/problems/validation-error"
    nothing = await client.get(f"/periods/{period_id}", headers=hr(auth))
    assert nothing.status_code == 404


async def test_the_full_body_still_opens_a_period_unchanged(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    response = await client.post("/periods", json=period_body(period_id), headers=hr(auth))
    assert response.status_code == 201, response.text
    twice = await client.post(
        "/periods/from-year", json={"period_id": period_id, "year": FUTURE}, headers=hr(auth)
    )
    assert twice.status_code == 409
    assert twice.json()["type"] == "/problems/already-exists"
