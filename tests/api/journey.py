"""Driving appraisals through HTTP from sosialisasi to a rating, for the year-end and unit
tests.

The dev server runs in real time, so a period cannot wait out months of check-ins. The
period started here has exactly one check-in, due between SKP approval and wawancara:
report it and answer it, and the appraisal is in wawancara the same second."""

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from rehearsal.http_driver import ApiAppraisal
from rehearsal.http_driver import checkin_report as checkin_report  # re-exported
from rehearsal.http_driver import dialogue_body as dialogue_body  # re-exported
from rehearsal.skp import skp_json
from tests.api.conftest import TokenFor
from tests.factories import make_period, next_hour
from tests.orgs import HEAD, HR, PEER, SMALL_ORG, STAFF, SUPERVISOR, TIM
from tests.waiting import eventually

skp_content = skp_json  # the name the API tests know it by
PROBLEM_JSON = "application/problem+json"
UNIT = "DINKES-UMUM"
# Every member of DINKES-UMUM with their pejabat penilai; None: the head of the agency,
# rated for the regional head, whom HR represents.
UNIT_MEMBERS: dict[str, str | None] = {
    HEAD: None,
    SUPERVISOR: HEAD,
    STAFF: SUPERVISOR,
    PEER: SUPERVISOR,
    TIM: HEAD,
}
STEP = timedelta(days=30)


def period_body(period_id: str) -> dict[str, Any]:
    """Stages 30 days apart from the next hour, with one check-in halfway through."""
    start = next_hour()
    period = make_period(period_id, start=start, step=STEP, checkin_dues=(start + 5 * STEP,))
    return period.model_dump(mode="json")


async def start_period(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    headcount: int = len(SMALL_ORG),
    **extra: Any,
) -> dict:
    """Start the period as HR (``extra`` fields added to the body) and wait until all
    ``headcount`` appraisals are persisted."""
    hr = auth(HR, "hr_admin")
    body = period_body(period_id) | extra
    response = await client.post("/periods", json=body, headers=hr)
    assert response.status_code == 201, response.text

    async def summary() -> dict:
        return (await client.get(f"/periods/{period_id}", headers=hr)).json()

    return await eventually(
        summary,
        lambda body: body.get("total") == headcount and body.get("status") == "running",
        what="every appraisal persisted",
    )


def assert_problem(response: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem: dict[str, Any] = response.json()
    assert problem["type"] == f"/problems/{kind}"
    assert problem["status"] == status
    return problem


@dataclass
class Journey:
    """One employee's appraisal in a period, driven through the API by the right people
    (``rehearsal.http_driver`` sends each step; a refusal fails the test)."""

    client: httpx.AsyncClient
    auth: TokenFor
    period_id: str
    nip: str

    @property
    def api(self) -> ApiAppraisal:
        return ApiAppraisal(
            self._expect_ok, self.auth, self.period_id, self.nip, UNIT_MEMBERS.get(self.nip), HR
        )

    @property
    def url(self) -> str:
        return self.api.url

    @property
    def employee(self) -> dict[str, str]:
        return self.api.employee

    @property
    def penilai(self) -> dict[str, str]:
        """The pejabat penilai's headers (HR for the head of the agency)."""
        return self.api.penilai

    async def call(
        self, method: str, path: str, headers: dict[str, str], json: Any = None
    ) -> httpx.Response:
        return await self.client.request(method, f"{self.url}{path}", headers=headers, json=json)

    async def ok(
        self, method: str, path: str, headers: dict[str, str], json: Any = None
    ) -> dict[str, Any]:
        return await self._expect_ok(method, f"{self.url}{path}", headers, json, path)

    async def _expect_ok(
        self, method: str, url: str, headers: dict[str, str], json: Any, name: str
    ) -> dict[str, Any]:
        response = await self.client.request(method, url, headers=headers, json=json)
        assert response.status_code == 200, (self.nip, name, response.text)
        body: dict[str, Any] = response.json()
        return body

    async def read(self) -> dict[str, Any]:
        response = await self.client.get(self.url, headers=self.auth(HR, "hr_admin"))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def to_wawancara(self) -> dict[str, Any]:
        """Acknowledge, draft, submit, approve, report the one check-in and answer it."""
        await self.api.acknowledge()
        await self.api.draft_skp()
        await self.api.submit_skp()
        approved = await self.api.approve_skp()
        assert approved["stage"] == "pemantauan"
        assert len(approved["checkins"]) == 1
        await self.api.report_checkin(1)
        answered = await self.api.give_feedback(1)
        assert answered["stage"] == "wawancara", answered
        return answered

    async def record_dialogue(self, headers: dict[str, str] | None = None) -> dict[str, Any]:
        recorded = await self.api.record_dialogue(headers)
        assert recorded["stage"] == "penilaian"
        return recorded

    async def rate(self, hasil_kerja: str, perilaku: str) -> dict[str, Any]:
        return await self.api.rate(hasil_kerja, perilaku)

    async def rated(self, hasil_kerja: str, perilaku: str) -> dict[str, Any]:
        """From sosialisasi to a rating (penilaian, not yet delivered)."""
        await self.to_wawancara()
        await self.record_dialogue()
        return await self.rate(hasil_kerja, perilaku)


def journeys(client: httpx.AsyncClient, auth: TokenFor, period_id: str) -> dict[str, Journey]:
    """A journey for every member of DINKES-UMUM."""
    return {nip: Journey(client, auth, period_id, nip) for nip in UNIT_MEMBERS}


async def rate_unit(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    ratings: dict[str, tuple[str, str]],
) -> dict[str, Journey]:
    """Drive the named members (concurrently) to their (hasil kerja, perilaku) rating."""
    unit = journeys(client, auth, period_id)
    results = await asyncio.gather(
        *(unit[nip].rated(hasil, perilaku) for nip, (hasil, perilaku) in ratings.items())
    )
    for (nip, _), body in zip(ratings.items(), results, strict=True):
        assert body["result"] is not None, nip
        assert body["result"]["delivered_at"] is None
    return unit


def unit_url(period_id: str, unit_code: str = UNIT) -> str:
    return f"/periods/{period_id}/units/{unit_code}"


async def finalised_unit(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str, unit_predikat: str
) -> dict[str, Any]:
    """HR sets the unit predicate and finalises the unit (the distribution must hold)."""
    hr = auth(HR, "hr_admin")
    url = unit_url(period_id)
    response = await client.put(f"{url}/predikat", json={"predikat": unit_predikat}, headers=hr)
    assert response.status_code == 200, response.text
    response = await client.post(f"{url}/finalise", headers=hr)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["finalised_at"] is not None
    return body
