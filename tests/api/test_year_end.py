"""The second half of the year through HTTP, end to end on real Temporal and PostgreSQL:
the performance dialogue, the rating and its predicate, delivery by the unit's
finalisation, keberatan heard and decided by the atasan penilai, and tindak lanjut for
an employee below expectations."""

from dataclasses import dataclass
from typing import Any

import httpx

from tests.api.conftest import TokenFor
from tests.api.journey import (
    UNIT_MEMBERS,
    Journey,
    assert_problem,
    dialogue_body,
    finalised_unit,
    journeys,
    rate_unit,
    start_period,
)
from tests.orgs import HEAD, HR, OUTSIDER, PEER, STAFF, SUPERVISOR, TIM
from tests.waiting import eventually

SESUAI = ("sesuai", "sesuai")  # → baik


async def test_staff_is_rated_delivered_objects_and_the_atasan_raises_the_predicate(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    unit = journeys(client, auth, period_id)
    staff = unit[STAFF]
    supervisor = auth(SUPERVISOR, "pejabat_penilai")
    head = auth(HEAD, "pejabat_penilai")

    # Wawancara: the supervisor records the dialogue with STAFF; scoring opens.
    in_wawancara = await staff.to_wawancara()
    assert in_wawancara["pending"][0]["kind"] == "wawancara"
    assert in_wawancara["pending"][0]["owed_by"] == "pejabat_penilai"
    recorded = await staff.record_dialogue(supervisor)
    [dialogue] = recorded["dialogues"]
    assert dialogue["participants"] == [STAFF, SUPERVISOR]
    assert dialogue["recorded_by"] == SUPERVISOR
    assert dialogue["agreed_actions"] == ["Lengkapi bukti dukung triwulan IV"]
    assert dialogue["follow_ups"][0]["kind"] == "coaching"
    assert recorded["pending"][0]["kind"] == "penilaian"

    rated = await staff.rate(*SESUAI)
    result = rated["result"]
    assert (result["hasil_kerja"], result["perilaku"], result["predikat"]) == (
        "sesuai",
        "sesuai",
        "baik",
    )
    assert result["rated_by"] == SUPERVISOR
    assert result["delivered_at"] is None
    assert result["locked_at"] is None
    assert rated["stage"] == "penilaian"

    # The rest of the unit, everyone baik: the unit passes as 'istimewa'.
    await rate_unit(client, auth, period_id, {nip: SESUAI for nip in UNIT_MEMBERS if nip != STAFF})
    finalised = await finalised_unit(client, auth, period_id, "istimewa")
    assert finalised["delivered"] == len(UNIT_MEMBERS)
    assert finalised["finalised_by"] == HR

    atasan = {HEAD: None, SUPERVISOR: None, STAFF: HEAD, PEER: HEAD, TIM: None}
    for nip, journey in unit.items():
        delivered = (await journey.read())["result"]
        assert delivered["delivered_at"] is not None, nip
        assert delivered["atasan_nip"] == atasan[nip], nip
        assert delivered["predikat"] == "baik"
        assert delivered["locked_at"] is None

    # Keberatan: STAFF objects, the supervisor states his side, HEAD decides.
    filed = await staff.ok(
        "POST", "/keberatan", staff.employee, {"reasons": "Capaian saya melebihi target"}
    )
    assert filed["keberatan"]["reasons"] == "Capaian saya melebihi target"
    assert filed["keberatan"]["decision"] is None
    assert filed["pending"][0]["kind"] == "keberatan_putusan"
    assert filed["pending"][0]["owed_by"] == "atasan_penilai"
    stated = await staff.ok(
        "POST",
        "/keberatan/statements",
        supervisor,
        {"text": "Target kuantitas tercapai, kualitas sesuai"},
    )
    [statement] = stated["keberatan"]["statements"]
    assert (statement["by"], statement["role"]) == (SUPERVISOR, "pejabat_penilai")

    decided = await staff.ok(
        "POST",
        "/keberatan/decision",
        head,
        {
            "outcome": "diubah",
            "reasoning": "Bukti dukung menunjukkan capaian di atas ekspektasi",
            "hasil_kerja": "di_atas",
            "perilaku": "di_atas",
        },
    )

    for body in (decided, await staff.read()):
        result = body["result"]
        assert (result["hasil_kerja"], result["perilaku"]) == ("di_atas", "di_atas")
        assert result["predikat"] == "sangat_baik"
        assert result["locked_at"] is not None
        assert result["promotion_eligible"] is True
        assert result["credit_percent"] == 150
        assert result["improvement_until"] is None
        assert body["stage"] == "selesai"
        assert body["completed_at"] is not None
        assert body["pending"] == []
        decision = body["keberatan"]["decision"]
        assert decision["outcome"] == "diubah"
        assert (decision["predikat_before"], decision["predikat_after"]) == (
            "baik",
            "sangat_baik",
        )
        assert decision["by"] == HEAD
    # Locked: not even the supervisor may rate again.
    again = await staff.call(
        "POST", "/rating", supervisor, {"hasil_kerja": "sesuai", "perilaku": "sesuai"}
    )
    assert_problem(again, 409, "wrong-state")


def year_end_writes(url: str) -> list[tuple[str, Any]]:
    """Every year-end endpoint with a body that passes request validation."""
    return [
        (
            f"{url}/wawancara/schedule",
            {"scheduled_for": "2099-01-01T09:00:00+07:00", "participants": [STAFF]},
        ),
        (f"{url}/wawancara", dialogue_body(STAFF, SUPERVISOR)),
        (f"{url}/rating", {"hasil_kerja": "sesuai", "perilaku": "sesuai"}),
        (f"{url}/keberatan", {"reasons": "Tidak sesuai"}),
        (f"{url}/keberatan/statements", {"text": "Keterangan"}),
        (f"{url}/keberatan/decision", {"outcome": "ditolak", "reasoning": "Sudah tepat"}),
        (f"{url}/development", {"kind": "pelatihan", "title": "Pelatihan pelayanan"}),
        (f"{url}/development/1/report", {"note": "Sudah selesai"}),
        (f"{url}/development/1/confirm", None),
    ]


@dataclass(frozen=True)
class Refusal:
    """One wrong move: who tries what, and the answer it must get."""

    label: str
    path: str
    caller: str
    body: Any
    status: int
    kind: str
    detail: str | None = None  # a part of the problem's detail, where it matters


DIALOGUE = dialogue_body(STAFF, SUPERVISOR)
SELF_RATING = {"hasil_kerja": "di_atas", "perilaku": "di_atas"}
# Each stage the appraisal is walked to, and every wrong move tried there.
REFUSALS: dict[str, list[Refusal]] = {
    "wawancara": [
        Refusal("rating before the dialogue", "/rating", "supervisor", SESUAI_BODY := {
            "hasil_kerja": "sesuai", "perilaku": "sesuai"}, 409, "wrong-state"),
        Refusal("dialogue without the employee", "/wawancara", "supervisor",
                {**DIALOGUE, "participants": [SUPERVISOR]}, 422, "validation-error"),
        Refusal("dialogue by the employee", "/wawancara", "employee", DIALOGUE, 403, "forbidden"),
    ],
    "penilaian": [
        Refusal("self-rating", "/rating", "employee", SELF_RATING, 403, "forbidden"),
    ],
    "rated": [
        Refusal("keberatan before delivery", "/keberatan", "employee",
                {"reasons": "Terlalu rendah"}, 409, "wrong-state", "belum disampaikan"),
        Refusal("self-rating once rated", "/rating", "employee", SELF_RATING, 403, "forbidden"),
    ],
    "delivered": [
        Refusal("decision with nothing to decide", "/keberatan/decision", "head",
                {"outcome": "ditolak", "reasoning": "Tidak ada yang diputus"}, 409, "wrong-state"),
        Refusal("keberatan by the atasan", "/keberatan", "head",
                {"reasons": "Atas nama staf"}, 403, "forbidden"),
        Refusal("rating after delivery", "/rating", "supervisor",
                {"hasil_kerja": "di_atas", "perilaku": "sesuai"}, 409, "wrong-state"),
    ],
    "heard": [
        Refusal("keberatan twice", "/keberatan", "employee",
                {"reasons": "Sekali lagi"}, 409, "wrong-state"),
        Refusal("decision by the supervisor", "/keberatan/decision", "supervisor",
                {"outcome": "ditolak", "reasoning": "Saya yang menilai"}, 403, "forbidden"),
        Refusal("decision by HR", "/keberatan/decision", "hr",
                {"outcome": "ditolak", "reasoning": "BKPSDM memutus"}, 403, "forbidden"),
        Refusal("changed without ratings", "/keberatan/decision", "head",
                {"outcome": "diubah", "reasoning": "Nilai dinaikkan"}, 422, "validation-error"),
        Refusal("changed to the same ratings", "/keberatan/decision", "head",
                {"outcome": "diubah", "reasoning": "Nilai tetap", **SESUAI_BODY},
                422, "validation-error"),
        Refusal("statement by a colleague", "/keberatan/statements", "tim",
                {"text": "Saya saksi"}, 403, "forbidden"),
    ],
}  # fmt: skip
STRANGERS = {
    "peer under the same supervisor": (PEER, ("pejabat_penilai", "atasan_penilai")),
    "employee of another agency": (OUTSIDER, ()),
    "tim penilai of another agency (claimed)": (OUTSIDER, ("tim_penilai",)),
}


async def _try_all(
    client: httpx.AsyncClient, staff: Journey, callers: dict[str, dict[str, str]], stage: str
) -> list[str]:
    """Every wrong move of ``stage``, each checked on its own; what went wrong, if anything
    (so one surprise does not hide the rest), including any change to the appraisal."""
    before = await staff.read()
    failures = []
    for move in REFUSALS[stage]:
        response = await staff.call("POST", move.path, callers[move.caller], move.body)
        problem = response.json() if response.status_code >= 400 else {}
        if (response.status_code, problem.get("type")) != (move.status, f"/problems/{move.kind}"):
            failures.append(f"{stage}: {move.label} answered {response.status_code} {problem}")
        elif move.detail and move.detail not in problem.get("detail", ""):
            failures.append(f"{stage}: {move.label} said {problem.get('detail')!r}")
    if await staff.read() != before:
        failures.append(f"{stage}: the refused moves changed the appraisal")
    return failures


async def _strangers_see_nothing(
    client: httpx.AsyncClient, auth: TokenFor, staff: Journey
) -> list[str]:
    before = await staff.read()
    failures = []
    for who, (nip, roles) in STRANGERS.items():
        for url, body in year_end_writes(staff.url):
            response = await client.post(url, headers=auth(nip, *roles), json=body)
            detail = response.json().get("detail") if response.status_code == 404 else None
            if detail != "Penilaian tidak ditemukan":
                failures.append(f"{who} on {url}: {response.status_code} {response.text}")
    if await staff.read() != before:
        failures.append("strangers changed the appraisal")
    return failures


async def test_wrong_people_and_wrong_states_are_refused_and_change_nothing(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    unit = journeys(client, auth, period_id)
    staff = unit[STAFF]
    head = auth(HEAD, "pejabat_penilai")
    callers = {
        "employee": staff.employee,
        "supervisor": auth(SUPERVISOR, "pejabat_penilai"),
        "head": head,
        "hr": auth(HR, "hr_admin"),
        "tim": auth(TIM, "tim_penilai"),
    }
    failures: list[str] = []
    await staff.to_wawancara()
    failures += await _strangers_see_nothing(client, auth, staff)
    failures += await _try_all(client, staff, callers, "wawancara")
    await staff.record_dialogue()
    failures += await _try_all(client, staff, callers, "penilaian")
    await staff.rate("sesuai", "sesuai")
    failures += await _try_all(client, staff, callers, "rated")
    others = {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS if nip != STAFF}
    await rate_unit(client, auth, period_id, others)
    await finalised_unit(client, auth, period_id, "istimewa")
    failures += await _try_all(client, staff, callers, "delivered")
    await staff.ok("POST", "/keberatan", staff.employee, {"reasons": "Capaian tidak dihitung"})
    failures += await _try_all(client, staff, callers, "heard")
    failures += await _strangers_see_nothing(client, auth, staff)

    assert failures == []
    decided = await staff.ok(
        "POST", "/keberatan/decision", head, {"outcome": "ditolak", "reasoning": "Sudah tepat"}
    )
    assert decided["stage"] == "selesai"
    assert decided["keberatan"]["decision"]["predikat_after"] == "baik"
    assert decided["result"]["credit_percent"] == 100
    assert decided["result"]["promotion_eligible"] is True


async def test_staff_below_target_is_trained_and_the_year_completes(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    """The seed story: health staff who miss their targets get extra training."""
    await start_period(client, auth, period_id)
    ratings = {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS}
    ratings[STAFF] = ("di_bawah", "sesuai")
    ratings[PEER] = ("di_bawah", "di_atas")
    unit = await rate_unit(client, auth, period_id, ratings)
    staff: Journey = unit[STAFF]
    supervisor = auth(SUPERVISOR, "pejabat_penilai")
    rated = await staff.read()
    assert rated["result"]["predikat"] == "butuh_perbaikan"
    assert (await unit[PEER].read())["result"]["predikat"] == "butuh_perbaikan"

    # A unit rated baik: 3 of 5 baik (at most 70 %) and at least one butuh_perbaikan.
    await finalised_unit(client, auth, period_id, "baik")
    await staff.ok("POST", "/keberatan", staff.employee, {"reasons": "Beban kerja bertambah"})
    locked = await staff.ok(
        "POST",
        "/keberatan/decision",
        auth(HEAD, "pejabat_penilai"),
        {"outcome": "ditolak", "reasoning": "Realisasi memang di bawah target"},
    )

    result = locked["result"]
    assert locked["stage"] == "tindak_lanjut"
    assert result["predikat"] == "butuh_perbaikan"
    assert result["locked_at"] is not None
    assert result["improvement_until"] is not None
    assert result["improvement_until"] > result["locked_at"]
    assert result["credit_percent"] == 75
    assert result["promotion_eligible"] is False
    assert locked["completed_at"] is None
    [owed] = locked["pending"]
    assert (owed["kind"], owed["owed_by"]) == ("tindak_lanjut_penugasan", "pejabat_penilai")

    by_the_employee = await staff.call(
        "POST", "/development", staff.employee, {"kind": "pelatihan", "title": "Saya pilih sendiri"}
    )
    assert_problem(by_the_employee, 403, "forbidden")
    assigned = await staff.ok(
        "POST",
        "/development",
        supervisor,
        {
            "kind": "pelatihan",
            "title": "Pelatihan pelayanan kesehatan dasar",
            "catalogue_code": "PKD-2026-01",
        },
    )
    [action] = assigned["development"]
    assert action["number"] == 1
    assert action["kind"] == "pelatihan"
    assert action["catalogue_code"] == "PKD-2026-01"
    assert action["assigned_by"] == SUPERVISOR
    assert action["due"] is not None
    [owed] = assigned["pending"]
    assert (owed["kind"], owed["owed_by"]) == ("tindak_lanjut_pelaksanaan", "pegawai")
    assert owed["key"] == "tindak_lanjut/1"

    confirm_too_early = await staff.call("POST", "/development/1/confirm", supervisor)
    assert_problem(confirm_too_early, 409, "wrong-state")
    reported = await staff.ok(
        "POST",
        "/development/1/report",
        staff.employee,
        {
            "note": "Pelatihan 40 JP selesai",
            "evidence_url": "https://lms.example.go.id/sertifikat/1",
        },
    )
    action = reported["development"][0]
    assert action["reported_at"] is not None
    assert action["evidence_url"] == "https://lms.example.go.id/sertifikat/1"
    assert reported["stage"] == "tindak_lanjut"
    [owed] = reported["pending"]
    assert (owed["kind"], owed["owed_by"]) == ("tindak_lanjut_konfirmasi", "pejabat_penilai")
    by_someone_else = await staff.call("POST", "/development/1/confirm", staff.employee)
    assert_problem(by_someone_else, 403, "forbidden")

    confirmed = await staff.ok("POST", "/development/1/confirm", supervisor)

    assert confirmed["stage"] == "selesai"
    assert confirmed["completed_at"] is not None
    assert confirmed["development"][0]["confirmed_by"] == SUPERVISOR
    assert confirmed["pending"] == []
    stored = await staff.read()
    assert stored["stage"] == "selesai"
    assert stored["version"] == confirmed["version"]

    async def summary() -> dict:
        response = await client.get(f"/periods/{period_id}", headers=auth(HR, "hr_admin"))
        assert response.status_code == 200, response.text
        body: dict = response.json()
        return body

    counted = await eventually(
        summary, lambda body: body["stages"]["selesai"] == 1, what="STAFF counted as selesai"
    )
    assert counted["stages"]["penilaian"] == len(UNIT_MEMBERS) - 1
