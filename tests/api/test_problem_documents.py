"""Every error is an RFC 9457 problem document of a known kind."""

import json

import httpx

from api.problems import PROBLEM_KINDS
from tests.api.checks import assert_problem_kind, invalid_fields, padded
from tests.api.conftest import TokenFor
from tests.api.journey import (
    period_body,
)
from tests.orgs import HR, STAFF


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
