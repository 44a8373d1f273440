"""Abuse is not cheap any more: per-caller limits on reads and exports, per-address limits
on failed authentication and demo tokens, large exports for HR and the auditor only,
demo tokens on loopback only, and answers that no cache keeps and no browser sniffs."""

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import DevTokenIssuer, TokenVerifier
from api.deps import ApiContext
from runtime.devkeys import KEY_ID, public_jwks
from tests.api.conftest import AUDIENCE, ISSUER, TokenFor
from tests.api.journey import assert_problem
from tests.orgs import HR, STAFF

AppFor = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def app_for(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    signing_key: bytes,
    token_issuer: DevTokenIssuer,
    seeded: None,
) -> AsyncIterator[AppFor]:
    """An API with the given limits (the rest at their defaults), reached at ``base_url``."""
    opened: list[httpx.AsyncClient] = []

    def build(base_url: str = "http://kinerja.test", **limits: Any) -> httpx.AsyncClient:
        context = ApiContext(
            temporal=temporal_env.client,
            sessionmaker=sessionmaker,
            verifier=TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=public_jwks(signing_key)),
            task_queue="unused",
            dev_issuer=token_issuer,
            **limits,
        )
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(context)), base_url=base_url
        )
        opened.append(http)
        return http

    yield build
    for http in opened:
        await http.aclose()


async def test_every_answer_carries_no_store_and_nosniff_and_no_server_banner(
    app_for: AppFor, auth: TokenFor
) -> None:
    http = app_for()
    answers = [
        await http.get("/me/appraisals", headers=auth(STAFF)),
        await http.get("/me/appraisals"),  # 401
        await http.get("/audit", headers=auth(STAFF)),  # 403
        await http.delete("/me/appraisals", headers=auth(STAFF)),  # 405
        await http.get("/health"),
    ]

    for response in answers:
        assert response.headers["cache-control"] == "no-store", response.request.url
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "server" not in response.headers


async def test_reads_are_limited_per_caller(app_for: AppFor, auth: TokenFor) -> None:
    http = app_for(read_rate="5/minute")

    statuses = [
        (await http.get("/me/appraisals", headers=auth(STAFF))).status_code for _ in range(7)
    ]

    assert statuses == [200] * 5 + [429] * 2
    assert (await http.get("/me/appraisals", headers=auth(HR))).status_code == 200  # per caller
    refused = await http.get("/me/appraisals", headers=auth(STAFF))
    assert_problem(refused, 429, "too-many-requests")
    assert refused.headers["retry-after"]


async def test_exports_are_limited_per_caller_before_anything_is_audited(
    app_for: AppFor, auth: TokenFor
) -> None:
    http = app_for(export_rate="3/minute")
    hr = auth(HR)

    statuses = [(await http.get("/appraisals/export", headers=hr)).status_code for _ in range(5)]
    audited = await http.get("/audit?action=appraisals.exported", headers=hr)

    assert statuses == [200] * 3 + [429] * 2
    assert audited.json()["total"] == 3  # refused exports leave no row behind


async def test_a_large_export_needs_hr_or_the_auditor(
    app_for: AppFor, auth: TokenFor, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from tests.api.test_lists import EARLIER, ROWS, seed_bulk  # 1,050 appraisals

    await seed_bulk(sessionmaker)
    http = app_for(export_row_limit=100)
    head = auth(ROWS[0].nip)  # the head of AGA sees the whole chain below them

    refused = await http.get("/appraisals/export", headers=head)
    narrow = await http.get(f"/appraisals/export?period_id={EARLIER}", headers=head)

    problem = assert_problem(refused, 403, "forbidden")
    assert "100" in problem["detail"]
    assert (await http.get("/appraisals/export", headers=auth(HR))).status_code == 200
    assert narrow.status_code == 200, narrow.text  # three rows: within the limit


async def test_failed_authentication_is_limited_per_address(
    app_for: AppFor, auth: TokenFor, signing_key: bytes
) -> None:
    http = app_for(failed_auth_rate="4/minute")
    bad = {"Authorization": "Bearer not-a-token"}
    stranger = jwt.encode(
        {"iss": ISSUER, "aud": AUDIENCE, "sub": "201001012030011999", "exp": int(time.time()) + 60},
        signing_key,
        algorithm="RS256",
        headers={"kid": KEY_ID},
    )

    statuses = [(await http.get("/me/appraisals", headers=bad)).status_code for _ in range(3)]
    statuses.append(
        (
            await http.get("/me/appraisals", headers={"Authorization": f"Bearer {stranger}"})
        ).status_code
    )
    statuses += [(await http.get("/me/appraisals", headers=bad)).status_code for _ in range(2)]

    assert statuses == [401, 401, 401, 403, 429, 429]
    locked = await http.get("/me/appraisals", headers=auth(STAFF))
    assert_problem(locked, 429, "too-many-requests")  # the address, not the token, is limited


async def test_demo_tokens_only_on_loopback_and_rate_limited(app_for: AppFor) -> None:
    public = app_for(base_url="http://kinerja.example.go.id")
    refused = await public.post("/dev/token", json={"nip": HR})
    assert "loopback" in assert_problem(refused, 403, "forbidden")["detail"]

    local = app_for(base_url="http://127.0.0.1:8000", dev_token_rate="2/minute")
    statuses = [(await local.post("/dev/token", json={"nip": HR})).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    issued = (
        await app_for(base_url="http://127.0.0.1:8000").post("/dev/token", json={"nip": HR})
    ).json()
    assert "hr_admin" in issued["roles"]
