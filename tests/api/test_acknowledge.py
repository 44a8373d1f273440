"""Acknowledging socialisation: only the employee, only once, and nothing else moves."""

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import AuditEvent
from tests.api.conftest import TokenFor
from tests.api.test_periods import started_period
from tests.orgs import HEAD, HR, OUTSIDER, PEER, STAFF, SUPERVISOR, TIM


async def test_employee_acknowledges_own_appraisal_once(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await started_period(client, auth, period_id)
    url = f"/appraisals/{period_id}/{STAFF}"

    first = await client.post(
        f"{url}/acknowledge", headers={**auth(STAFF), "X-Request-ID": "req-ack-1"}
    )
    second = await client.post(f"{url}/acknowledge", headers=auth(STAFF))

    assert first.status_code == 200, first.text
    assert first.json()["stage"] == "perencanaan"
    assert second.status_code == 409
    assert second.json()["type"] == "/problems/wrong-state"
    stored = (await client.get(url, headers=auth(STAFF))).json()
    assert stored["stage"] == "perencanaan"
    assert stored["version"] == 2
    async with sessionmaker() as session:
        event = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.subject_id == f"{period_id}/{STAFF}",
                AuditEvent.action == "sosialisasi.acknowledged",
            )
        )
    assert event is not None
    assert event.actor == STAFF
    assert event.request_id == "req-ack-1"
    assert event.before == {"stage": "sosialisasi", "version": 1}
    assert event.after == {"stage": "perencanaan", "version": 2}


async def test_nobody_else_may_acknowledge_and_the_appraisal_stays_put(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await started_period(client, auth, period_id)
    url = f"/appraisals/{period_id}/{STAFF}"

    by_supervisor = await client.post(
        f"{url}/acknowledge", headers=auth(SUPERVISOR, "pejabat_penilai")
    )
    by_hr = await client.post(f"{url}/acknowledge", headers=auth(HR, "hr_admin"))
    by_peer = await client.post(f"{url}/acknowledge", headers=auth(PEER))

    assert by_supervisor.status_code == 403
    assert by_hr.status_code == 403
    assert by_peer.status_code == 404  # a stranger learns nothing, not even that it exists
    stored = (await client.get(url, headers=auth(STAFF))).json()
    assert stored["stage"] == "sosialisasi" and stored["version"] == 1


async def test_who_may_read_an_appraisal(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    await started_period(client, auth, period_id)
    url = f"/appraisals/{period_id}/{STAFF}"

    allowed = {
        "self": auth(STAFF),
        "supervisor": auth(SUPERVISOR, "pejabat_penilai"),
        "supervisor's supervisor": auth(HEAD, "pejabat_penilai"),
        "tim penilai of the agency": auth(TIM, "tim_penilai"),
        "hr": auth(HR, "hr_admin"),
    }
    refused = {
        "peer": auth(PEER),
        "other agency": auth(OUTSIDER),
        "tim penilai of another agency": auth(OUTSIDER, "tim_penilai"),
    }
    for who, headers in allowed.items():
        assert (await client.get(url, headers=headers)).status_code == 200, who
    for who, headers in refused.items():
        assert (await client.get(url, headers=headers)).status_code == 404, who


async def test_unknown_appraisal_is_404_problem(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    response = await client.post(
        f"/appraisals/{period_id}/{STAFF}/acknowledge", headers=auth(STAFF)
    )

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
