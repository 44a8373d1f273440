"""An inspector's questions answered from ``GET /audit`` alone, years after Temporal has
dropped the histories: who set this predikat, to what, when; which keberatan decision
was taken, by whom; what a unit was given and who finalised it; which deadlines moved.
Driven through the API on real Temporal and PostgreSQL: an extension for the unit, the
rating, the unit's finalisation, a keberatan heard and decided."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.api.conftest import TokenFor
from tests.api.journey import (
    UNIT,
    UNIT_MEMBERS,
    assert_problem,
    finalised_unit,
    journeys,
    rate_unit,
    start_period,
)
from tests.orgs import HEAD, HR, STAFF, SUPERVISOR
from tests.waiting import eventually

SESUAI = ("sesuai", "sesuai")  # → baik
KEBERATAN_REASONS = "Capaian saya melebihi target triwulan empat"
STATEMENT = "Target kuantitas tercapai namun kualitas belum"
REASONING = "Bukti dukung menunjukkan capaian di atas ekspektasi"


async def trail(client: httpx.AsyncClient, auth: TokenFor, **params: Any) -> dict[str, Any]:
    response = await client.get(
        "/audit", params={"limit": 200, **params}, headers=auth(HR, "hr_admin")
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_an_inspector_finds_who_set_a_predikat_and_which_keberatan_decision(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    hr = auth(HR, "hr_admin")
    new_due = (datetime.now(UTC) + timedelta(days=400)).replace(microsecond=0)
    batch = await client.post(
        f"/periods/{period_id}/extensions",
        headers=hr,
        json={
            "deadline": "penilaian_due",
            "new_due": new_due.isoformat(),
            "reason": "Gangguan sistem informasi kepegawaian",
            "unit_code": UNIT,
        },
    )
    assert batch.status_code == 202, batch.text
    unit = journeys(client, auth, period_id)
    staff, subject = unit[STAFF], f"{period_id}/{STAFF}"
    await rate_unit(client, auth, period_id, {nip: SESUAI for nip in UNIT_MEMBERS})
    await finalised_unit(client, auth, period_id, "istimewa")
    await staff.ok("POST", "/keberatan", staff.employee, {"reasons": KEBERATAN_REASONS})
    supervisor = auth(SUPERVISOR, "pejabat_penilai")
    await staff.ok("POST", "/keberatan/statements", supervisor, {"text": STATEMENT})
    decided = await staff.ok(
        "POST",
        "/keberatan/decision",
        auth(HEAD, "pejabat_penilai"),
        {
            "outcome": "diubah",
            "reasoning": REASONING,
            "hasil_kerja": "di_atas",
            "perilaku": "di_atas",
        },
    )

    # Who set this predikat, to what, when: the newest event of either kind that sets one.
    setters = await trail(client, auth, subject_id=subject, kind=["rating", "keberatan_decision"])
    assert [e["kind"] for e in setters["items"]] == ["keberatan_decision", "rating"]
    current, first = setters["items"]
    assert (current["actor"], current["decision"]["predikat"]) == (HEAD, "sangat_baik")
    assert current["decision"]["predikat"] == decided["result"]["predikat"]
    assert current["at"] == decided["keberatan"]["decision"]["at"]
    assert (first["actor"], first["actor_role"]) == (SUPERVISOR, "pejabat_penilai")
    assert {k: first["decision"][k] for k in ("hasil_kerja", "perilaku", "predikat")} == {
        "hasil_kerja": "sesuai",
        "perilaku": "sesuai",
        "predikat": "baik",
    }
    assert first["decision"]["previous_predikat"] is None
    assert datetime.fromisoformat(first["at"]) < datetime.fromisoformat(current["at"])

    # Which keberatan decision: its outcome and the ratings it put in place.
    [decision] = (await trail(client, auth, subject_id=subject, kind="keberatan_decision"))["items"]
    assert decision["action"] == "keberatan.decided"
    assert {
        k: decision["decision"][k]
        for k in ("outcome", "hasil_kerja", "perilaku", "predikat_before", "predikat_after")
    } == {
        "outcome": "diubah",
        "hasil_kerja": "di_atas",
        "perilaku": "di_atas",
        "predikat_before": "baik",
        "predikat_after": "sangat_baik",
    }
    assert decision["decision"]["promotion_eligible"] is True
    [filed] = (await trail(client, auth, subject_id=subject, kind="keberatan_filed"))["items"]
    assert (filed["actor"], filed["actor_role"], filed["decision"]) == (
        STAFF,
        "pegawai",
        {"filed": True, "predikat": "baik"},
    )
    [statement] = (await trail(client, auth, subject_id=subject, kind="keberatan_statement"))[
        "items"
    ]
    assert statement["decision"] == {"statement": 1, "role": "pejabat_penilai"}

    # The result reached STAFF through the unit; HEAD was named to hear a keberatan.
    [delivered] = (await trail(client, auth, subject_id=subject, kind="result"))["items"]
    assert (delivered["actor"], delivered["decision"]["atasan_nip"]) == (HR, HEAD)
    unit_subject = f"{period_id}/{UNIT}"
    [unit_predikat] = (await trail(client, auth, subject_id=unit_subject, kind="unit_predikat"))[
        "items"
    ]
    assert (unit_predikat["actor"], unit_predikat["decision"]) == (
        HR,
        {"unit_predikat": "istimewa"},
    )
    [finalised] = (await trail(client, auth, subject_id=unit_subject, kind="unit_finalised"))[
        "items"
    ]
    assert finalised["decision"] == {
        "unit_predikat": "istimewa",
        "overridden": False,
        "delivered": len(UNIT_MEMBERS),
        "members": len(UNIT_MEMBERS),
    }
    [approval] = (await trail(client, auth, subject_id=subject, kind="skp_decision"))["items"]
    assert (approval["actor"], approval["decision"]) == (
        SUPERVISOR,
        {"status": "disetujui", "note": "Disetujui"},
    )

    # The unit's extension: one event for the batch, one per appraisal it moved.
    extensions = await eventually(
        lambda: trail(client, auth, period_id=period_id, kind="extension"),
        lambda page: page["total"] == len(UNIT_MEMBERS) + 1,
        what="the batch extension audited",
    )
    [page] = [e for e in extensions["items"] if e["subject_type"] == "extension"]
    assert (page["actor"], page["subject_id"]) == (HR, batch.json()["extension_id"])
    assert page["decision"] == {
        "deadline": "penilaian_due",
        "new_due": new_due.isoformat(),
        "reason": "Gangguan sistem informasi kepegawaian",
        "scope": {"unit_code": UNIT},
    }
    assert page["after"]["extended"] == len(UNIT_MEMBERS)
    moved = [e for e in extensions["items"] if e["subject_type"] == "appraisal"]
    assert {e["decision"]["new_due"] for e in moved} == {new_due.isoformat()}
    assert all(e["request_id"] == page["request_id"] for e in moved)

    # Everything recorded has a kind, and none of the argued free text was copied.
    everything = await trail(client, auth, period_id=period_id)
    assert everything["total"] <= 200
    assert all(e["kind"] is not None for e in everything["items"])
    text = json.dumps(everything["items"])
    for argued in (KEBERATAN_REASONS, STATEMENT, REASONING):
        assert argued not in text


async def test_an_unknown_kind_is_refused_naming_the_parameter(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    response = await client.get("/audit?kind=predikat", headers=auth(HR, "hr_admin"))
    problem = assert_problem(response, 422, "validation-error")
    assert [error["field"] for error in problem["errors"]] == ["query.kind.0"]
    assert "rating" in problem["errors"][0]["message"]  # the message lists the kinds
    known = await client.get(
        "/audit?kind=rating&kind=keberatan_decision", headers=auth(HR, "hr_admin")
    )
    assert known.status_code == 200, known.text
