"""No mass assignment: unknown fields in any write body are refused by name, so nobody
sets their own stage, rating or pejabat penilai by adding a field."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from temporalio.testing import WorkflowEnvironment

from tests.api.checks import assert_problem_kind, invalid_fields, workflow_exists
from tests.api.conftest import TokenFor
from tests.api.journey import (
    Journey,
    checkin_report,
    dialogue_body,
    period_body,
    skp_content,
    start_period,
    unit_url,
)
from tests.orgs import HEAD, HR, PEER, STAFF, SUPERVISOR
from workflows.ids import cycle_workflow_id

UNKNOWN_NIP = "199912312020121999"  # well-formed, but nobody in SMALL_ORG
# What a client might try to set on an object it may only ask things of.
INJECTED: dict[str, Any] = {
    "stage": "selesai",
    "version": 99,
    "result": {"predikat": "sangat_baik", "locked_at": "2026-01-01T00:00:00+07:00"},
    "predikat": "sangat_baik",
    "overdue": False,
    "supervisor_nip": STAFF,
}
INJECTED_FIELDS = {f"body.{name}" for name in INJECTED}


def write_bodies(period_id: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(who, method, url, a valid body) for every write endpoint that takes a body."""
    now = datetime.now(UTC)
    url = f"/appraisals/{period_id}/{STAFF}"
    unit = unit_url(period_id)
    return [
        ("staff", "PUT", f"{url}/skp", {"content": skp_content()}),
        ("supervisor", "POST", f"{url}/skp/approve", {"note": "Disetujui"}),
        ("supervisor", "POST", f"{url}/skp/return", {"note": "Lengkapi indikator"}),
        ("staff", "POST", f"{url}/checkins/1/report", checkin_report()),
        ("supervisor", "POST", f"{url}/checkins/1/feedback", {"text": "Terus pertahankan"}),
        (
            "supervisor",
            "POST",
            f"{url}/wawancara/schedule",
            {"scheduled_for": (now + timedelta(days=1)).isoformat(), "participants": [STAFF]},
        ),
        ("supervisor", "POST", f"{url}/wawancara", dialogue_body(STAFF, SUPERVISOR)),
        ("supervisor", "POST", f"{url}/rating", {"hasil_kerja": "sesuai", "perilaku": "sesuai"}),
        ("staff", "POST", f"{url}/keberatan", {"reasons": "Capaian tidak dihitung"}),
        ("staff", "POST", f"{url}/keberatan/statements", {"text": "Bukti terlampir"}),
        (
            "head",
            "POST",
            f"{url}/keberatan/decision",
            {"outcome": "ditolak", "reasoning": "Sudah tepat"},
        ),
        ("supervisor", "POST", f"{url}/development", {"kind": "coaching", "title": "Coaching"}),
        ("staff", "POST", f"{url}/development/1/report", {"note": "Sudah selesai"}),
        (
            "hr",
            "POST",
            f"{url}/deadlines/skp_draft_due/extend",
            {"new_due": (now + timedelta(days=90)).isoformat(), "reason": "Banjir"},
        ),
        ("hr", "POST", f"{url}/supervisor", {"new_supervisor_nip": HEAD, "reason": "Mutasi"}),
        ("hr", "POST", "/periods", period_body(f"{period_id}-m")),
        (
            "hr",
            "POST",
            f"/periods/{period_id}/extensions",
            {
                "deadline": "sosialisasi_due",
                "new_due": (now + timedelta(days=90)).isoformat(),
                "reason": "Banjir",
            },
        ),
        ("hr", "PUT", f"{unit}/predikat", {"predikat": "baik"}),
        ("hr", "POST", f"{unit}/override", {"reason": "Kalibrasi tim penilai"}),
    ]


async def test_unknown_fields_in_any_write_body_are_refused_by_name(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
) -> None:
    await start_period(client, auth, period_id)
    headers = {
        "staff": auth(STAFF),
        "supervisor": auth(SUPERVISOR, "pejabat_penilai"),
        "head": auth(HEAD, "pejabat_penilai"),
        "hr": auth(HR, "hr_admin"),
    }
    staff = Journey(client, auth, period_id, STAFF)
    before = await staff.read()

    for who, method, url, body in write_bodies(period_id):
        response = await client.request(
            method, url, headers=headers[who], json={**body, **INJECTED}
        )
        fields = invalid_fields(response)
        assert fields >= INJECTED_FIELDS, (url, fields)
        assert all(f.startswith("body.") for f in fields), (url, fields)

    # nested objects forbid unknown fields too
    nested = [
        (
            "staff",
            "PUT",
            f"{staff.url}/skp",
            {"content": {**skp_content(), "status": "disetujui"}},
            "body.content.status",
        ),
        (
            "staff",
            "POST",
            f"{staff.url}/checkins/1/report",
            {
                **checkin_report(),
                "realisations": [{"indicator_id": "ind-1", "value": 6, "achievement": 200}],
            },
            "body.realisations.0.achievement",
        ),
        (
            "hr",
            "POST",
            "/periods",
            {
                **period_body(f"{period_id}-n"),
                "schedule": {**period_body(period_id)["schedule"], "keberatan_days_used": 0},
            },
            "body.schedule.keberatan_days_used",
        ),
    ]
    for who, method, url, body, field in nested:
        response = await client.request(method, url, headers=headers[who], json=body)
        assert field in invalid_fields(response), url

    assert await staff.read() == before
    assert not await workflow_exists(temporal_env, cycle_workflow_id(f"{period_id}-m"))
    assert not await workflow_exists(temporal_env, cycle_workflow_id(f"{period_id}-n"))
    distribution = await client.get(f"{unit_url(period_id)}/distribution", headers=headers["hr"])
    assert distribution.json()["unit_predikat"] is None
    assert distribution.json()["override"] is None

    # an endpoint without a body ignores whatever is sent: it does only its one thing
    acknowledged = await client.post(
        f"{staff.url}/acknowledge", headers=headers["staff"], json=INJECTED
    )
    assert acknowledged.status_code == 200, acknowledged.text
    body = acknowledged.json()
    assert (body["stage"], body["version"]) == ("perencanaan", before["version"] + 1)
    assert (body["result"], body["supervisor_nip"]) == (None, SUPERVISOR)


async def test_an_employee_can_never_set_their_own_rating(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await start_period(client, auth, period_id)
    staff = Journey(client, auth, period_id, STAFF)
    await staff.to_wawancara()
    await staff.record_dialogue()
    before = await staff.read()
    assert before["stage"] == "penilaian"
    top = {"hasil_kerja": "di_atas", "perilaku": "di_atas", "notes": "Saya luar biasa"}

    as_self = [
        auth(STAFF),
        auth(STAFF, "pejabat_penilai", "atasan_penilai", "tim_penilai"),
        auth(STAFF, "hr_admin"),
    ]
    for headers in as_self:
        assert_problem_kind(await staff.call("POST", "/rating", headers, top), "forbidden")
    # nor through a body that smuggles a result in
    smuggled = await staff.call(
        "PUT", "/skp", auth(STAFF), {"content": skp_content(), "result": {"predikat": "baik"}}
    )
    assert "body.result" in invalid_fields(smuggled)
    assert await staff.read() == before

    rated = await staff.rate("sesuai", "sesuai")  # the pejabat penilai, as a control
    assert rated["result"]["rated_by"] == SUPERVISOR


async def test_an_employee_cannot_pick_or_probe_their_own_pejabat_penilai(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    """Mutasi is BKPSDM's: an employee naming their own pejabat penilai is refused as
    not permitted, before anything about the named NIP is checked or revealed (a 422
    'not an active employee' would let any employee probe the roster)."""
    await start_period(client, auth, period_id)
    staff = Journey(client, auth, period_id, STAFF)
    before = await staff.read()

    for new_supervisor in (PEER, UNKNOWN_NIP, STAFF):
        response = await staff.call(
            "POST",
            "/supervisor",
            auth(STAFF),
            {"new_supervisor_nip": new_supervisor, "reason": "Saya pilih sendiri"},
        )
        assert_problem_kind(response, "forbidden")
    assert await staff.read() == before
