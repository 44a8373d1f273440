"""A clumsy or hostile client cannot hurt anyone's data: repeated starts are idempotent,
unknown fields are refused by name (no mass assignment, no self-rating), writes are
rate-limited per caller, oversized bodies are refused before they are read, and every
error is an RFC 9457 problem document of a known kind."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import TokenVerifier
from api.deps import ApiContext
from api.guards import MAX_BODY_BYTES
from api.problems import PROBLEM_KINDS
from persistence.models import Appraisal, AuditEvent
from runtime.devkeys import public_jwks
from runtime.worker import build_worker
from tests.api.conftest import AUDIENCE, ISSUER, TokenFor
from tests.api.journey import (
    PROBLEM_JSON,
    Journey,
    checkin_report,
    dialogue_body,
    period_body,
    skp_content,
    start_period,
    unit_url,
)
from tests.orgs import HEAD, HR, PEER, SMALL_ORG, STAFF, SUPERVISOR
from tests.waiting import eventually
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


def assert_problem_kind(response: httpx.Response, kind: str) -> dict[str, Any]:
    """``response`` is a problem document of ``kind``, exactly as PROBLEM_KINDS has it."""
    assert kind in PROBLEM_KINDS, kind
    status, title_id, title_en = PROBLEM_KINDS[kind]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON, response.headers
    problem: dict[str, Any] = response.json()
    assert problem["type"] == f"/problems/{kind}", problem
    assert problem["status"] == status
    assert problem["title"] in (title_id, title_en)
    assert isinstance(problem["detail"], str) and problem["detail"]
    assert problem["instance"] == response.request.url.path
    assert problem["request_id"] == response.headers["x-request-id"]
    return problem


def invalid_fields(response: httpx.Response) -> set[str]:
    problem = assert_problem_kind(response, "validation-error")
    return {error["field"] for error in problem["errors"]}


async def workflow_exists(env: WorkflowEnvironment, workflow_id: str) -> bool:
    try:
        await env.client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def appraisal_rows(sessionmaker: async_sessionmaker[AsyncSession], period_id: str) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Appraisal).where(Appraisal.period_id == period_id)
        )
    return int(count or 0)


# --- Idempotency-Key ----------------------------------------------------------------------


async def test_a_repeated_period_start_with_the_same_key_returns_the_first_answer(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    hr = auth(HR, "hr_admin")
    body = period_body(period_id)
    keyed = {**hr, "Idempotency-Key": f"start-{period_id}"}

    first = await client.post("/periods", json=body, headers=keyed)
    again = await client.post("/periods", json=body, headers=keyed)

    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"] == f"/periods/{period_id}"

    async def started() -> dict[str, Any]:
        body: dict[str, Any] = (await client.get(f"/periods/{period_id}", headers=hr)).json()
        return body

    await eventually(
        started,
        lambda view: view.get("status") == "running" and view.get("total") == len(SMALL_ORG),
        what="every appraisal persisted",
    )
    cycles = [
        wf
        async for wf in temporal_env.client.list_workflows(
            f"WorkflowId = '{cycle_workflow_id(period_id)}'"
        )
    ]
    appraisals = [
        wf
        async for wf in temporal_env.client.list_workflows(
            f"WorkflowId STARTS_WITH 'appraisal-{period_id}-'"
        )
    ]
    assert len(cycles) == 1
    assert len(appraisals) == len(SMALL_ORG)
    assert await appraisal_rows(sessionmaker, period_id) == len(SMALL_ORG)

    # the same key for another request: refused, whatever the body now says
    renamed = {**body, "name": "Penilaian Kinerja (diubah)"}
    other_body = await client.post("/periods", json=renamed, headers=keyed)
    assert_problem_kind(other_body, "validation-error")
    # without a key a repeat is simply a conflict, and starts nothing either
    unkeyed = await client.post("/periods", json=body, headers=hr)
    assert_problem_kind(unkeyed, "already-exists")

    async with sessionmaker() as session:
        started_events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.period_id == period_id, AuditEvent.action == "period.started")
        )
    assert started_events == 1
    assert (await started())["name"] == body["name"]


async def test_a_reused_key_for_another_period_is_refused_and_starts_nothing(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The key names one request: reused with another body (here another period) it is
    a 422, not a second period."""
    hr = auth(HR, "hr_admin")
    keyed = {**hr, "Idempotency-Key": f"start-{period_id}"}
    first = await client.post("/periods", json=period_body(period_id), headers=keyed)
    assert first.status_code == 201, first.text

    other = f"{period_id}-b"
    reused = await client.post("/periods", json=period_body(other), headers=keyed)

    assert_problem_kind(reused, "validation-error")
    assert not await workflow_exists(temporal_env, cycle_workflow_id(other))
    assert (await client.get(f"/periods/{other}", headers=hr)).status_code == 404
    assert await appraisal_rows(sessionmaker, other) == 0


async def test_a_repeated_bulk_extension_with_the_same_key_runs_once(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
) -> None:
    await start_period(client, auth, period_id)
    hr = auth(HR, "hr_admin")
    staff = Journey(client, auth, period_id, STAFF)
    before = await staff.read()
    new_due = datetime.now(UTC) + timedelta(days=45)
    body = {
        "deadline": "sosialisasi_due",
        "new_due": new_due.isoformat(),
        "reason": "Server kepegawaian sempat padam",
        "agency_code": "DINKES",
    }
    keyed = {**hr, "Idempotency-Key": f"extend-{period_id}"}
    url = f"/periods/{period_id}/extensions"

    first = await client.post(url, json=body, headers=keyed)
    again = await client.post(url, json=body, headers=keyed)

    assert first.status_code == 202, first.text
    assert again.status_code == 202, again.text
    assert again.json() == first.json()
    extension_id = first.json()["extension_id"]
    assert again.headers["location"] == f"{url}/{extension_id}"

    async def progress() -> dict[str, Any]:
        response = await client.get(f"{url}/{extension_id}", headers=hr)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    done = await eventually(progress, lambda p: p["status"] == "completed", what="extension")
    dinkes = [e for e in SMALL_ORG if e.agency_code == "DINKES"]
    assert (done["extended"], done["refused"]) == (len(dinkes), 0)
    extended = await staff.read()
    assert datetime.fromisoformat(extended["due_overrides"]["sosialisasi_due"]) == new_due
    assert extended["version"] == before["version"] + 1  # extended once, not twice
    listed = [
        wf.id
        async for wf in temporal_env.client.list_workflows(
            f"WorkflowId STARTS_WITH 'extension-{period_id}-'"
        )
    ]
    assert listed == [extension_id]

    # the same key with another body: refused, and nothing more runs
    later = {**body, "new_due": (new_due + timedelta(days=1)).isoformat()}
    other_body = await client.post(url, json=later, headers=keyed)
    assert_problem_kind(other_body, "validation-error")
    assert (await staff.read())["version"] == extended["version"]

    # without a key it is another extension, which moves nothing a second time
    unkeyed = await client.post(url, json=body, headers=hr)
    assert unkeyed.status_code == 202, unkeyed.text
    assert unkeyed.json()["extension_id"] != extension_id
    response = await client.get(f"{url}/{unkeyed.json()['extension_id']}", headers=hr)
    assert response.status_code == 200, response.text

    async def second() -> dict[str, Any]:
        reply = await client.get(f"{url}/{unkeyed.json()['extension_id']}", headers=hr)
        body: dict[str, Any] = reply.json()
        return body

    repeated = await eventually(second, lambda p: p["status"] == "completed", what="second")
    assert (repeated["extended"], repeated["refused"]) == (0, len(dinkes))
    assert (await staff.read())["version"] == extended["version"]


# --- mass assignment ----------------------------------------------------------------------


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


# --- rate limit ---------------------------------------------------------------------------


@pytest.fixture
async def limited_client(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    signing_key: bytes,
    task_queue: str,
    seeded: None,
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with a write budget of 3 a minute per caller."""
    context = ApiContext(
        temporal=temporal_env.client,
        sessionmaker=sessionmaker,
        verifier=TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=public_jwks(signing_key)),
        task_queue=task_queue,
        write_rate="3/minute",
    )
    app = create_app(context)
    async with build_worker(temporal_env.client, sessionmaker, task_queue=task_queue):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
            yield http


async def test_writes_beyond_the_rate_are_refused_per_caller(
    limited_client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    client = limited_client
    await start_period(client, auth, period_id)  # HR's first write
    staff = Journey(client, auth, period_id, STAFF)

    await staff.ok("POST", "/acknowledge", staff.employee)
    await staff.ok("PUT", "/skp", staff.employee, {"content": skp_content()})
    await staff.ok("POST", "/skp/submit", staff.employee)
    before = await staff.read()

    fourth = await staff.call("PUT", "/skp", staff.employee, {"content": skp_content()})

    assert_problem_kind(fourth, "too-many-requests")
    retry_after = fourth.headers["retry-after"]
    assert retry_after.isdigit() and 0 < int(retry_after) <= 60
    fifth = await staff.call("POST", "/skp/submit", staff.employee)
    assert_problem_kind(fifth, "too-many-requests")
    assert await staff.read() == before

    # another caller still has their budget; reads are not limited
    peer = Journey(client, auth, period_id, PEER)
    assert (await peer.ok("POST", "/acknowledge", peer.employee))["stage"] == "perencanaan"
    for path in (staff.url, "/me/inbox", "/me/appraisals", staff.url, "/me/inbox"):
        response = await client.get(path, headers=staff.employee)
        assert response.status_code == 200, (path, response.text)
    approved = await staff.ok("POST", "/skp/approve", staff.penilai, {"note": "Disetujui"})
    assert approved["stage"] == "pemantauan"


# --- body cap -----------------------------------------------------------------------------

TWO_MIB = 2 * 1024 * 1024


def padded(body: dict[str, Any], size: int = TWO_MIB) -> bytes:
    """A valid JSON document of ``size`` bytes: the body followed by whitespace."""
    text = json.dumps(body)
    return (text + " " * (size - len(text))).encode()


async def test_a_body_over_the_cap_is_refused_and_starts_nothing(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
) -> None:
    assert TWO_MIB > MAX_BODY_BYTES
    hr = {**auth(HR, "hr_admin"), "content-type": "application/json"}

    too_big = await client.post("/periods", content=padded(period_body(period_id)), headers=hr)

    assert_problem_kind(too_big, "payload-too-large")
    assert not await workflow_exists(temporal_env, cycle_workflow_id(period_id))
    assert (await client.get(f"/periods/{period_id}", headers=hr)).status_code == 404

    # and on an appraisal: the SKP is not replaced
    other = f"{period_id}-s"
    await start_period(client, auth, other)
    staff = Journey(client, auth, other, STAFF)
    await staff.ok("POST", "/acknowledge", staff.employee)
    before = await staff.read()
    huge_skp = await client.put(
        f"{staff.url}/skp",
        content=padded({"content": skp_content()}),
        headers={**staff.employee, "content-type": "application/json"},
    )
    assert_problem_kind(huge_skp, "payload-too-large")
    assert await staff.read() == before


async def test_a_chunked_body_over_the_cap_is_refused_too(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    temporal_env: WorkflowEnvironment,
) -> None:
    """Without a Content-Length (chunked transfer) the cap must still hold."""
    data = padded(period_body(period_id))

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 64 * 1024):
            yield data[start : start + 64 * 1024]

    hr = {**auth(HR, "hr_admin"), "content-type": "application/json"}
    response = await client.post("/periods", content=chunks(), headers=hr)

    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert_problem_kind(response, "payload-too-large")
    assert not await workflow_exists(temporal_env, cycle_workflow_id(period_id))


# --- problem documents --------------------------------------------------------------------


async def test_every_error_is_a_problem_document_of_a_known_kind(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    hr = auth(HR, "hr_admin")
    json_hr = {**hr, "content-type": "application/json"}
    cases: list[tuple[str, str, dict[str, str], bytes | None, str]] = [
        ("GET", "/nowhere", hr, None, "not-found"),
        ("DELETE", "/periods", hr, None, "method-not-allowed"),
        ("GET", f"/periods/{period_id}", {}, None, "unauthenticated"),
        (
            "GET",
            f"/periods/{period_id}",
            {"Authorization": "Bearer not.a.jwt"},
            None,
            "unauthenticated",
        ),
        ("GET", "/audit", auth(STAFF), None, "forbidden"),
        ("GET", f"/periods/{period_id}", hr, None, "not-found"),
        ("GET", f"/appraisals/{period_id}/{STAFF}", auth(STAFF), None, "not-found"),
        ("POST", "/periods", json_hr, b"{not json", "validation-error"),
        ("POST", "/periods", json_hr, b"[]", "validation-error"),
        ("GET", "/appraisals?limit=201", hr, None, "validation-error"),
        ("GET", "/appraisals?stage=tamat", hr, None, "validation-error"),
        ("GET", f"/appraisals/{period_id}/123", hr, None, "validation-error"),
        ("GET", "/appraisals/export?format=pdf", hr, None, "validation-error"),
        (
            "POST",
            "/periods",
            {**json_hr, "Idempotency-Key": "x"},
            json.dumps(period_body(period_id)).encode(),
            "validation-error",
        ),
        ("POST", "/periods", json_hr, padded({}), "payload-too-large"),
    ]
    for method, url, headers, content, kind in cases:
        response = await client.request(method, url, headers=headers, content=content)
        assert_problem_kind(response, kind)
        assert response.status_code >= 400

    named = await client.get("/appraisals?limit=201&offset=-1", headers=hr)
    assert {"query.limit", "query.offset"} <= invalid_fields(named)
    bad_key = await client.post(
        "/periods",
        headers={**json_hr, "Idempotency-Key": "x"},
        content=json.dumps(period_body(period_id)).encode(),
    )
    assert "header.Idempotency-Key" in invalid_fields(bad_key)

    english = await client.get("/audit", headers={**auth(STAFF), "Accept-Language": "en"})
    assert assert_problem_kind(english, "forbidden")["title"] == PROBLEM_KINDS["forbidden"][2]
    traced = await client.get("/audit", headers={**auth(STAFF), "X-Request-ID": "trace-42"})
    assert assert_problem_kind(traced, "forbidden")["request_id"] == "trace-42"
    for kind, (status, title_id, _) in PROBLEM_KINDS.items():
        described = await client.get(f"/problems/{kind}")
        assert described.json() == {
            "type": f"/problems/{kind}",
            "status": status,
            "title": title_id,
            "title_en": PROBLEM_KINDS[kind][2],
        }
