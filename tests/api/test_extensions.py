"""Extending a deadline for an agency (or a whole period) through the API: a durable
batch sends every open appraisal in scope the same extension."""

from datetime import datetime, timedelta

import httpx

from tests.api.conftest import TokenFor
from tests.api.test_periods import started_period
from tests.orgs import HR, OUTSIDER, SMALL_ORG, STAFF
from tests.waiting import eventually


async def run_extension(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str, body: dict[str, object]
) -> dict:
    hr = auth(HR, "hr_admin")
    started = await client.post(f"/periods/{period_id}/extensions", json=body, headers=hr)
    assert started.status_code == 202, started.text
    location = started.headers["location"]

    async def status() -> dict:
        return (await client.get(location, headers=hr)).json()

    return await eventually(status, lambda s: s.get("status") == "completed", what="extension")


async def test_an_agency_wide_extension_moves_only_that_agency(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    summary = await started_period(client, auth, period_id)
    hr = auth(HR, "hr_admin")
    staff_before = (await client.get(f"/appraisals/{period_id}/{STAFF}", headers=hr)).json()
    old_due = datetime.fromisoformat(staff_before["pending"][0]["due"])
    new_due = (old_due + timedelta(days=10)).isoformat()
    body = {
        "deadline": "sosialisasi_due",
        "new_due": new_due,
        "reason": "Sosialisasi diulang karena banjir",
        "agency_code": "DINKES",
    }

    result = await run_extension(client, auth, period_id, body)
    again = await run_extension(client, auth, period_id, body)

    dinkes = sum(1 for record in SMALL_ORG if record.agency_code == "DINKES")
    assert (result["extended"], result["refused"]) == (dinkes, 0)
    assert (again["extended"], again["refused"]) == (0, dinkes)  # nothing moves twice
    assert again["refusals"] == {"InvalidInputError": dinkes}
    staff = (await client.get(f"/appraisals/{period_id}/{STAFF}", headers=hr)).json()
    outsider = (await client.get(f"/appraisals/{period_id}/{OUTSIDER}", headers=hr)).json()
    assert datetime.fromisoformat(
        staff["due_overrides"]["sosialisasi_due"]
    ) == datetime.fromisoformat(new_due)
    assert datetime.fromisoformat(staff["pending"][0]["due"]) == datetime.fromisoformat(new_due)
    assert outsider["due_overrides"] == {}
    assert summary["total"] == len(SMALL_ORG)


async def test_only_hr_extends_and_bad_requests_are_refused(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await started_period(client, auth, period_id)
    body = {
        "deadline": "sosialisasi_due",
        "new_due": "2030-01-01T08:00:00+07:00",
        "reason": "x y z",
    }

    as_staff = await client.post(f"/periods/{period_id}/extensions", json=body, headers=auth(STAFF))
    bad_key = await client.post(
        f"/periods/{period_id}/extensions",
        json={**body, "deadline": "keberatan_due"},
        headers=auth(HR, "hr_admin"),
    )
    unknown_period = await client.post(
        "/periods/nope/extensions", json=body, headers=auth(HR, "hr_admin")
    )

    assert as_staff.status_code == 403
    assert bad_key.status_code == 422
    assert bad_key.json()["errors"][0]["field"] == "body.deadline"
    assert unknown_period.status_code == 404
