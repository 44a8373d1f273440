"""``GET /periods/{id}/dashboard`` against a real PostgreSQL seeded with appraisals in
every stage (``tests.api.dashboard_seed`` lists who stands where): the sums, the scope
(HR and the auditor everything, a tim penilai their agency) and the refusals."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.repositories.organisation import upsert_roster
from tests.api.conftest import TokenFor
from tests.api.dashboard_seed import OVERRIDE_REASON, UNIT, seed_dashboard_period
from tests.api.journey import PROBLEM_JSON
from tests.orgs import AUDITOR, CALIBRATOR, HR, OTHER_TIM, OUTSIDER, STAFF, TIM, WITH_OTHER_ROLES


async def _seed(sessionmaker: async_sessionmaker[AsyncSession], period_id: str) -> None:
    async with sessionmaker.begin() as session:
        await upsert_roster(session, WITH_OTHER_ROLES)
    await seed_dashboard_period(sessionmaker, period_id)


async def test_hr_sees_every_agency_summed_by_postgresql(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(sessionmaker, period_id)
    response = await client.get(f"/periods/{period_id}/dashboard", headers=auth(HR))

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["agency_code"], body["total"], body["overdue"]) == (None, 7, 4)
    assert [(s["stage"], s["count"]) for s in body["funnel"]] == [
        ("sosialisasi", 1), ("perencanaan", 1), ("pemantauan", 1), ("wawancara", 1),
        ("penilaian", 1), ("tindak_lanjut", 1), ("selesai", 1),
    ]  # fmt: skip
    agencies = {row["agency_code"]: row for row in body["agencies"]}
    assert set(agencies) == {"BKPSDM", "DINKES", "DISDIK"}
    dinkes = agencies["DINKES"]
    assert (dinkes["total"], dinkes["overdue"], dinkes["unit_code"]) == (5, 3, None)
    assert dinkes["name"] == "Dinkes"
    assert {k: v for k, v in dinkes["by_stage"].items() if v} == {
        "sosialisasi": 1, "perencanaan": 1, "tindak_lanjut": 1,
    }  # fmt: skip
    assert [(u["unit_code"], u["overdue"]) for u in body["units"]] == [
        ("BKPSDM-UMUM", 0), ("DINKES-UMUM", 3), ("DISDIK-UMUM", 1),
    ]  # fmt: skip

    at_risk = body["at_risk"]
    assert (at_risk["total"], at_risk["overdue"], at_risk["limit"]) == (2, 2, 50)
    assert [p["nip"] for p in at_risk["people"]] == [STAFF, OUTSIDER]  # agency order
    assert at_risk["people"][0]["name"] == f"Pegawai {STAFF[-3:]}"

    assert [(e["stage"], e["step"], e["level"], e["count"]) for e in body["escalations"]] == [
        ("pemantauan", "pemantauan_laporan", 1, 1),
        ("penilaian", "penilaian", 1, 2),
        ("penilaian", "penilaian", 2, 1),
    ]  # the reminder is not an escalation

    training = body["training"]
    assert (training["awaiting_result"], training["unassigned"]) == (0, 0)
    assert (training["in_progress"], training["completed"]) == (1, 1)
    actions = {a["kind"]: (a["open"], a["completed"]) for a in training["actions"]}
    assert actions == {"pelatihan": (1, 0), "bimbingan": (0, 0), "coaching": (0, 1),
                       "mentoring": (0, 0)}  # fmt: skip

    unit = next(u for u in body["distribution"] if u["unit_code"] == UNIT)
    assert (unit["members"], unit["unrated"], unit["unit_predikat"]) == (5, 2, "butuh_perbaikan")
    assert {k: v for k, v in unit["counts"].items() if v} == {
        "baik": 1, "butuh_perbaikan": 1, "kurang": 1,
    }  # fmt: skip
    first, second = unit["bands"]
    assert (first["predicates"], first["at_least"], first["share"]) == (
        ["butuh_perbaikan"], True, 0.6,
    )  # fmt: skip
    assert (first["actual_count"], first["limit_count"], first["broken"]) == (1, 2, True)
    assert (second["predicates"], second["broken"]) == (["sangat_baik"], False)
    assert [v["off_by"] for v in unit["violations"]] == [1]
    assert unit["override"]["reason"] == OVERRIDE_REASON
    assert unit["override"]["by"] == CALIBRATOR
    assert unit["override"]["violations"] == unit["violations"]  # what it covered
    others = [u for u in body["distribution"] if u["unit_code"] != UNIT]
    assert all(u["bands"] == [] and u["unit_predikat"] is None for u in others)

    # the same figures as the period's summary
    summary = (await client.get(f"/periods/{period_id}/summary", headers=auth(HR))).json()
    assert (summary["total"], summary["overdue"]) == (body["total"], body["overdue"])
    audited = await client.get(f"/periods/{period_id}/dashboard", headers=auth(AUDITOR))
    assert audited.status_code == 200
    assert audited.json() == body


async def test_a_tim_penilai_sees_their_own_agency_only(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(sessionmaker, period_id)
    own = (await client.get(f"/periods/{period_id}/dashboard", headers=auth(TIM))).json()
    assert (own["agency_code"], own["total"], own["overdue"]) == ("DINKES", 5, 3)
    assert {row["agency_code"] for row in own["agencies"] + own["units"]} == {"DINKES"}
    assert [p["nip"] for p in own["at_risk"]["people"]] == [STAFF]
    assert [(e["step"], e["count"]) for e in own["escalations"]] == [
        ("penilaian", 2), ("penilaian", 1),
    ]  # fmt: skip
    assert [u["unit_code"] for u in own["distribution"]] == [UNIT]

    other = (await client.get(f"/periods/{period_id}/dashboard", headers=auth(OTHER_TIM))).json()
    assert (other["agency_code"], other["total"]) == ("DISDIK", 1)
    assert [p["nip"] for p in other["at_risk"]["people"]] == [OUTSIDER]
    assert [(e["step"], e["count"]) for e in other["escalations"]] == [("pemantauan_laporan", 1)]
    assert other["training"]["in_progress"] == other["training"]["completed"] == 0


async def test_others_are_refused_and_bad_paths_answered(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(sessionmaker, period_id)
    url = f"/periods/{period_id}/dashboard"
    for headers, status, kind in (
        (auth(STAFF), 403, "forbidden"),
        (auth(OUTSIDER, "tim_penilai"), 403, "forbidden"),  # the token grants no role
        ({}, 401, "unauthenticated"),
    ):
        refused = await client.get(url, headers=headers)
        assert refused.status_code == status, refused.text
        assert refused.headers["content-type"] == PROBLEM_JSON
        assert refused.json()["type"] == f"/problems/{kind}"
    missing = await client.get("/periods/no-such-period/dashboard", headers=auth(HR))
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Periode no-such-period tidak ditemukan"
    bad = await client.get("/periods/Bad%20Id/dashboard", headers=auth(HR))
    assert bad.status_code == 422
    assert bad.headers["content-type"] == PROBLEM_JSON
