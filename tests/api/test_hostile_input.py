"""Input PostgreSQL cannot store (a NUL byte) is the client's mistake: 422, never 500."""

import httpx

from tests.api.conftest import TokenFor
from tests.orgs import HR


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
