"""Whatever a client sends, a mistake in it is a 422 that names the field, never a 500:
bytes PostgreSQL cannot store, whitespace-only text, numbers where dates belong, schedules
that are out of order, already past or paced in seconds. The cases were reduced from what
schemathesis found from outside."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import TokenVerifier
from api.deps import ApiContext
from domain.administrasi import ExtendDeadline
from domain.schedule import DEFAULT_MINIMUM_PACING
from runtime.devkeys import public_jwks
from tests.api.conftest import AUDIENCE, ISSUER, TokenFor
from tests.api.journey import assert_problem
from tests.factories import make_period
from tests.orgs import HR, STAFF


async def test_control_characters_in_audit_filters_are_refused(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    response = await client.get(
        "/audit", params={"actor": "x\x00y", "subject_id": "a\x02b"}, headers=auth(HR, "hr_admin")
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"query.actor", "query.subject_id"}


async def test_a_nul_byte_in_a_path_is_refused_before_any_lookup(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    response = await client.get("/periods/ab%00cd/summary", headers=auth(HR, "hr_admin"))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.period_id"


# --- reduced from schemathesis: whitespace-only text (each was a 500) ----------------------

MISSING = "t-nowhere"  # no such period: the body is refused before anything is looked up
FUTURE = "2099-01-01T08:00:00+07:00"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"/appraisals/{MISSING}/{STAFF}/checkins/1/feedback", {"text": "   "}, "body.text"),
        (f"/appraisals/{MISSING}/{STAFF}/development/1/report", {"note": "   "}, "body.note"),
        (
            f"/appraisals/{MISSING}/{STAFF}/deadlines/skp_draft_due/extend",
            {"new_due": FUTURE, "reason": "   "},
            "body.reason",
        ),
        (f"/periods/{MISSING}/units/U1/override", {"reason": " " * 12}, "body.reason"),
        (
            f"/periods/{MISSING}/extensions",
            {"deadline": "skp_draft_due", "new_due": FUTURE, "reason": "\t \n"},
            "body.reason",
        ),
    ],
)
async def test_whitespace_only_text_is_a_422_naming_the_field(
    client: httpx.AsyncClient, auth: TokenFor, path: str, body: dict[str, Any], field: str
) -> None:
    response = await client.post(path, json=body, headers=auth(HR, "hr_admin"))

    problem = assert_problem(response, 422, "validation-error")
    assert [error["field"] for error in problem["errors"]] == [field]
    assert "spasi" in problem["errors"][0]["message"]


async def test_text_is_stored_without_its_surrounding_whitespace() -> None:
    assert ExtendDeadline.model_validate(
        {"deadline": "skp_draft_due", "new_due": FUTURE, "reason": "  cuti sakit \n"}
    ).reason == ("cuti sakit")


# --- strict types at the edge: dates and times are ISO strings ------------------------------


def period_body(period_id: str, **schedule: object) -> dict[str, Any]:
    body = make_period(period_id).model_dump(mode="json")
    return {**body, "schedule": {**body["schedule"], **schedule}}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"starts_on": 0}, "body.starts_on"),
        ({"ends_on": "20271231"}, "body.ends_on"),
        ({"starts_on": "2027-01-01T00:00:00"}, "body.starts_on"),
        ({"schedule": {"sosialisasi_due": 0}}, "body.schedule.sosialisasi_due"),
        ({"schedule": {"skp_draft_due": "1800000000"}}, "body.schedule.skp_draft_due"),
        ({"schedule": {"wawancara_due": "2099-11-30T16:00:00"}}, "body.schedule.wawancara_due"),
        ({"schedule": {"checkin_dues": [1.5]}}, "body.schedule.checkin_dues.0"),
    ],
)
async def test_a_date_or_time_that_is_not_an_iso_string_is_refused(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    change: dict[str, Any],
    field: str,
) -> None:
    body = period_body(period_id, **change.pop("schedule", {}))
    response = await client.post("/periods", json={**body, **change}, headers=auth(HR, "hr_admin"))

    problem = assert_problem(response, 422, "validation-error")
    assert field in {error["field"] for error in problem["errors"]}, problem


async def test_an_extension_to_a_unix_timestamp_is_refused(
    client: httpx.AsyncClient, auth: TokenFor
) -> None:
    response = await client.post(
        f"/appraisals/{MISSING}/{STAFF}/deadlines/skp_draft_due/extend",
        json={"new_due": 0, "reason": "cuti sakit"},
        headers=auth(HR, "hr_admin"),
    )

    problem = assert_problem(response, 422, "validation-error")
    assert [error["field"] for error in problem["errors"]] == ["body.new_due"]


# --- schedule sanity on POST /periods -------------------------------------------------------


async def test_due_times_out_of_order_are_refused_naming_the_late_comer(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    body = period_body(period_id)
    body["schedule"]["wawancara_due"] = body["schedule"]["skp_draft_due"]

    response = await client.post("/periods", json=body, headers=auth(HR, "hr_admin"))

    problem = assert_problem(response, 422, "validation-error")
    assert [e["field"] for e in problem["errors"]] == ["body.schedule.wawancara_due"]
    assert "wawancara_due tidak boleh sebelum skp_approval_due" in problem["errors"][0]["message"]


async def test_due_times_in_the_past_need_allow_past(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    hr = auth(HR, "hr_admin")
    body = make_period(period_id, start=datetime.now(UTC) - timedelta(days=45)).model_dump(
        mode="json"
    )

    refused = await client.post("/periods", json=body, headers=hr)
    accepted = await client.post("/periods", json={**body, "allow_past": True}, headers=hr)

    problem = assert_problem(refused, 422, "validation-error")
    assert [e["field"] for e in problem["errors"]] == ["body.schedule.sosialisasi_due"]
    assert "allow_past" in problem["errors"][0]["message"]
    assert accepted.status_code == 201, accepted.text


@pytest.fixture
async def production_paced(
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
    signing_key: bytes,
    task_queue: str,
    seeded: None,
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with the default pacing floor (the suite's own client allows seconds). No
    worker: a refused period never reaches Temporal."""
    context = ApiContext(
        temporal=temporal_env.client,
        sessionmaker=sessionmaker,
        verifier=TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=public_jwks(signing_key)),
        task_queue=task_queue,
    )
    assert context.minimum_pacing == DEFAULT_MINIMUM_PACING
    transport = httpx.ASGITransport(app=create_app(context))
    async with httpx.AsyncClient(transport=transport, base_url="http://kinerja.test") as http:
        yield http


async def test_pacing_below_the_configured_floor_is_refused(
    production_paced: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    body = period_body(period_id, escalation_interval="PT1S", reminder_before="PT30M")

    response = await production_paced.post("/periods", json=body, headers=auth(HR, "hr_admin"))

    problem = assert_problem(response, 422, "validation-error")
    assert {e["field"]: e["message"] for e in problem["errors"]} == {
        "body.schedule.reminder_before": "reminder_before minimal 1 jam (dikirim 30 menit)",
        "body.schedule.escalation_interval": "escalation_interval minimal 1 jam (dikirim 1 detik)",
    }
