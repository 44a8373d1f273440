"""A unit's assessment through HTTP, end to end on real Temporal and PostgreSQL: the
unit predicate, the distribution gate that blocks finalisation, the tim penilai's
override, finalisation delivering every result, and who may do any of it."""

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import AuditEvent
from persistence.repositories.organisation import upsert_roster
from tests.api.conftest import TokenFor
from tests.api.journey import (
    UNIT,
    UNIT_MEMBERS,
    assert_problem,
    journeys,
    rate_unit,
    start_period,
    unit_url,
)
from tests.orgs import CALIBRATOR, HR, INDEPENDENT_TIM, OUTSIDER, PEER, STAFF, TIM

EVERYONE_BAIK = {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS}
AT_MOST_70_BAIK = "paling banyak 70% baik"
AT_LEAST_ONE_BELOW = "sedikitnya 1 pegawai butuh_perbaikan atau kurang"


async def independent_tim(
    sessionmaker: async_sessionmaker[AsyncSession], auth: TokenFor
) -> dict[str, str]:
    """Headers of a DINKES tim penilai outside DINKES-UMUM and its chain, added to the roster
    after the period started (so without an appraisal of their own in it)."""
    async with sessionmaker.begin() as session:
        await upsert_roster(session, [INDEPENDENT_TIM])
    return auth(CALIBRATOR)


async def test_a_broken_distribution_blocks_finalisation_until_the_tim_overrides(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await start_period(client, auth, period_id)
    unit = await rate_unit(client, auth, period_id, EVERYONE_BAIK)
    url = unit_url(period_id)
    hr = auth(HR, "hr_admin")
    tim = await independent_tim(sessionmaker, auth)

    set_predikat = await client.put(f"{url}/predikat", json={"predikat": "baik"}, headers=hr)
    assert set_predikat.status_code == 200, set_predikat.text
    assert set_predikat.json()["unit_predikat"] == "baik"
    assert set_predikat.json()["agency_code"] == "DINKES"

    refused = await client.post(f"{url}/finalise", headers=hr)

    problem = assert_problem(refused, 409, "distribution-violated")
    size = len(UNIT_MEMBERS)
    expected = [
        {
            "rule": AT_MOST_70_BAIK,
            "actual_count": size,
            "allowed_count": 3,
            "unit_size": size,
            "off_by": size - 3,
        },
        {
            "rule": AT_LEAST_ONE_BELOW,
            "actual_count": 0,
            "allowed_count": 1,
            "unit_size": size,
            "off_by": 1,
        },
    ]
    assert sorted(problem["violations"], key=lambda v: v["rule"]) == expected
    for nip, journey in unit.items():
        stored = await journey.read()
        assert stored["result"]["delivered_at"] is None, nip
        assert stored["stage"] == "penilaian"

    report = await client.get(f"{url}/distribution", headers=tim)
    assert report.status_code == 200, report.text
    distribution = report.json()
    assert sorted(distribution["violations"], key=lambda v: v["rule"]) == expected
    assert distribution["can_finalise"] is False
    assert distribution["members"] == size
    assert distribution["unrated"] == 0
    assert distribution["counts"]["baik"] == size
    assert distribution["unit_predikat"] == "baik"
    assert distribution["finalised_at"] is None
    assert distribution["override"] is None

    overridden = await client.post(
        f"{url}/override",
        json={"reason": "Seluruh pegawai mencapai target program prioritas daerah"},
        headers=tim,
    )
    assert overridden.status_code == 200, overridden.text
    override = overridden.json()["override"]
    assert override["by"] == CALIBRATOR
    assert override["reason"] == "Seluruh pegawai mencapai target program prioritas daerah"
    assert sorted(override["violations"], key=lambda v: v["rule"]) == expected
    assert overridden.json()["finalised_at"] is None
    ready = (await client.get(f"{url}/distribution", headers=tim)).json()
    assert ready["can_finalise"] is True
    assert ready["override"]["by"] == CALIBRATOR

    finalised = await client.post(f"{url}/finalise", headers=tim)

    assert finalised.status_code == 200, finalised.text
    assert finalised.json()["finalised_at"] is not None
    assert finalised.json()["finalised_by"] == CALIBRATOR
    assert finalised.json()["delivered"] == size
    for nip, journey in unit.items():
        result = (await journey.read())["result"]
        assert result["delivered_at"] is not None, nip
        assert result["predikat"] == "baik", nip
    closed = (await client.get(f"{url}/distribution", headers=hr)).json()
    assert closed["finalised_at"] is not None
    assert closed["can_finalise"] is False
    # who set the rule aside, in which role, when, why and what it covered
    shown = closed["override"]
    assert (shown["by"], shown["by_nip"], shown["by_role"]) == (
        CALIBRATOR,
        CALIBRATOR,
        "tim_penilai",
    )
    assert shown["by_name"] == f"Pegawai {CALIBRATOR[-3:]}"  # the roster's name
    assert shown["reason"] == "Seluruh pegawai mencapai target program prioritas daerah"
    assert shown["at"] == override["at"]
    assert sorted(shown["violations"], key=lambda v: v["rule"]) == expected
    assert len(shown["covers"]) == 2
    assert any(AT_MOST_70_BAIK in words and "selisih" in words for words in shown["covers"])
    summary = await client.get(f"/periods/{period_id}/summary", headers=hr)
    assert summary.status_code == 200, summary.text
    [standing] = [u for u in summary.json()["units"] if u["unit_code"] == UNIT]
    assert standing["finalised"] is True
    assert standing["finalised_at"] == closed["finalised_at"]
    assert standing["override"] == shown
    assert standing["violations"]  # the rule is still broken, and the override says why

    async with sessionmaker() as session:
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.subject_type == "unit",
                    AuditEvent.subject_id == f"{period_id}/{UNIT}",
                )
                .order_by(AuditEvent.id)
            )
        ).all()
    assert [(e.action, e.actor) for e in events] == [
        ("unit.predikat_set", HR),
        ("unit.override", CALIBRATOR),
        ("unit.finalised", CALIBRATOR),
    ]
    assert events[1].after == {"reason": "Seluruh pegawai mencapai target program prioritas daerah"}
    assert events[2].after == {"delivered": size, "members": size}
    assert all(e.period_id == period_id for e in events)

    again = await client.post(f"{url}/finalise", headers=hr)
    assert_problem(again, 409, "wrong-state")
    late_override = await client.post(
        f"{url}/override", json={"reason": "Sekali lagi karena alasan lain"}, headers=tim
    )
    assert_problem(late_override, 409, "wrong-state")
    late_predikat = await client.put(f"{url}/predikat", json={"predikat": "istimewa"}, headers=hr)
    assert_problem(late_predikat, 409, "wrong-state")
    assert (await client.get(f"{url}/distribution", headers=hr)).json() == closed


async def test_unrated_members_and_the_wrong_people_cannot_finalise(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    url = unit_url(period_id)
    hr = auth(HR, "hr_admin")
    tim = auth(TIM, "tim_penilai")

    async def distribution() -> dict[str, Any]:
        response = await client.get(f"{url}/distribution", headers=hr)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    writes: list[tuple[str, str, Any]] = [
        ("PUT", f"{url}/predikat", {"predikat": "istimewa"}),
        ("POST", f"{url}/override", {"reason": "Alasan yang cukup panjang"}),
        ("POST", f"{url}/finalise", None),
    ]
    outsiders = {
        "employee of the unit": auth(STAFF),
        "employee claiming pejabat penilai": auth(STAFF, "pejabat_penilai", "atasan_penilai"),
        "employee of another agency": auth(OUTSIDER),
        "tim penilai of another agency": auth(OUTSIDER, "tim_penilai"),
    }
    for who, headers in outsiders.items():
        for method, target, body in writes:
            response = await client.request(method, target, headers=headers, json=body)
            assert response.status_code == 403, (who, target, response.text)
            assert_problem(response, 403, "forbidden")
        read = await client.get(f"{url}/distribution", headers=headers)
        assert_problem(read, 403, "forbidden")
    for method, target, body in writes:
        unknown = target.replace(f"/units/{UNIT}/", "/units/DINKES-TIDAKADA/")
        assert_problem(
            await client.request(method, unknown, headers=hr, json=body), 404, "not-found"
        )
    unknown_read = await client.get(
        f"{unit_url(period_id, 'DINKES-TIDAKADA')}/distribution", headers=hr
    )
    assert_problem(unknown_read, 404, "not-found")
    untouched = await distribution()
    assert untouched["unit_predikat"] is None
    assert untouched["members"] == len(UNIT_MEMBERS)
    assert untouched["unrated"] == len(UNIT_MEMBERS)

    # One member rated, four not.
    unit = journeys(client, auth, period_id)
    await unit[STAFF].rated("sesuai", "sesuai")
    set_predikat = await client.put(f"{url}/predikat", json={"predikat": "istimewa"}, headers=tim)
    assert set_predikat.status_code == 200, set_predikat.text
    assert set_predikat.json()["predikat_set_by"] == TIM

    incomplete = await client.post(f"{url}/finalise", headers=hr)

    problem = assert_problem(incomplete, 409, "wrong-state")
    unrated = len(UNIT_MEMBERS) - 1
    assert f"{unrated} pegawai" in problem["detail"]
    assert "belum dinilai" in problem["detail"]
    report = await distribution()
    assert report["unrated"] == unrated
    assert report["counts"]["baik"] == 1
    assert report["can_finalise"] is False
    assert report["finalised_at"] is None
    assert (await unit[STAFF].read())["result"]["delivered_at"] is None

    by_hr = await client.post(
        f"{url}/override", json={"reason": "BKPSDM mengesampingkan"}, headers=hr
    )
    assert_problem(by_hr, 403, "forbidden")
    assert (await distribution())["override"] is None


async def test_an_override_no_longer_counts_once_the_distribution_drifts_past_it(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The report's can_finalise and the finalise command ask the same domain function:
    an override covers the distribution it was recorded against, not a worse one."""
    await start_period(client, auth, period_id)
    ratings = {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS} | {PEER: ("di_bawah", "sesuai")}
    unit = await rate_unit(client, auth, period_id, ratings)  # 4 baik of 5, one below
    url = unit_url(period_id)
    hr, tim = auth(HR, "hr_admin"), await independent_tim(sessionmaker, auth)
    assert (await client.put(f"{url}/predikat", json={"predikat": "baik"}, headers=hr)).is_success
    # TIM belongs to the unit and reports to its head: segregation of duties refuses them
    own = await client.post(
        f"{url}/override", json={"reason": "Empat pegawai melampaui target unit"}, headers=auth(TIM)
    )
    assert "Pemisahan tugas" in assert_problem(own, 403, "forbidden")["detail"]
    override = await client.post(
        f"{url}/override", json={"reason": "Empat pegawai melampaui target unit"}, headers=tim
    )
    assert override.status_code == 200, override.text
    assert (await client.get(f"{url}/distribution", headers=tim)).json()["can_finalise"] is True

    await unit[PEER].rate("sesuai", "sesuai")  # revised before delivery: now 5 baik of 5

    drifted = (await client.get(f"{url}/distribution", headers=tim)).json()
    assert drifted["override"] is not None
    assert {v["rule"] for v in drifted["violations"]} == {AT_MOST_70_BAIK, AT_LEAST_ONE_BELOW}
    assert drifted["can_finalise"] is False
    refused = await client.post(f"{url}/finalise", headers=tim)
    assert_problem(refused, 409, "distribution-violated")
