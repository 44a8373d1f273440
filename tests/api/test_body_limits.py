"""Writes are rate-limited per caller, and bodies over the cap are refused before they
are read (declared or chunked), starting nothing."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import TokenVerifier
from api.deps import ApiContext
from api.guards import MAX_BODY_BYTES
from runtime.devkeys import public_jwks
from runtime.worker import build_worker
from tests.api.checks import TWO_MIB, assert_problem_kind, padded, workflow_exists
from tests.api.conftest import AUDIENCE, ISSUER, TokenFor
from tests.api.journey import (
    Journey,
    period_body,
    skp_content,
    start_period,
)
from tests.orgs import HR, PEER, STAFF
from workflows.ids import cycle_workflow_id


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
