"""Driving appraisals through HTTP from sosialisasi to a rating, for the year-end and unit
tests.

The dev server runs in real time, so a period cannot wait out months of check-ins. The
period started here has exactly one check-in, due between SKP approval and wawancara:
report it and answer it, and the appraisal is in wawancara the same second."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.api.conftest import TokenFor
from tests.domain.builders import valid_content
from tests.factories import make_period, next_hour
from tests.orgs import HEAD, HR, PEER, SMALL_ORG, STAFF, SUPERVISOR, TIM
from tests.waiting import eventually

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
    client: httpx.AsyncClient, auth: TokenFor, period_id: str, headcount: int = len(SMALL_ORG)
) -> dict:
    """Start the period as HR and wait until all ``headcount`` appraisals are persisted."""
    hr = auth(HR, "hr_admin")
    response = await client.post("/periods", json=period_body(period_id), headers=hr)
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
    """One employee's appraisal in a period, driven through the API by the right people."""

    client: httpx.AsyncClient
    auth: TokenFor
    period_id: str
    nip: str

    @property
    def url(self) -> str:
        return f"/appraisals/{self.period_id}/{self.nip}"

    @property
    def employee(self) -> dict[str, str]:
        return self.auth(self.nip)

    @property
    def penilai(self) -> dict[str, str]:
        """The pejabat penilai's headers (HR for the head of the agency)."""
        supervisor = UNIT_MEMBERS[self.nip]
        if supervisor is None:
            return self.auth(HR, "hr_admin")
        return self.auth(supervisor, "pejabat_penilai")

    async def call(
        self, method: str, path: str, headers: dict[str, str], json: Any = None
    ) -> httpx.Response:
        return await self.client.request(method, f"{self.url}{path}", headers=headers, json=json)

    async def ok(
        self, method: str, path: str, headers: dict[str, str], json: Any = None
    ) -> dict[str, Any]:
        response = await self.call(method, path, headers, json)
        assert response.status_code == 200, (self.nip, path, response.text)
        body: dict[str, Any] = response.json()
        return body

    async def read(self) -> dict[str, Any]:
        response = await self.client.get(self.url, headers=self.auth(HR, "hr_admin"))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def to_wawancara(self) -> dict[str, Any]:
        """Acknowledge, draft, submit, approve, report the one check-in and answer it."""
        await self.ok("POST", "/acknowledge", self.employee)
        await self.ok("PUT", "/skp", self.employee, {"content": skp_content()})
        await self.ok("POST", "/skp/submit", self.employee)
        approved = await self.ok("POST", "/skp/approve", self.penilai, {"note": "Disetujui"})
        assert approved["stage"] == "pemantauan"
        assert len(approved["checkins"]) == 1
        await self.ok("POST", "/checkins/1/report", self.employee, checkin_report())
        answered = await self.ok(
            "POST", "/checkins/1/feedback", self.penilai, {"text": "Terus pertahankan"}
        )
        assert answered["stage"] == "wawancara", answered
        return answered

    async def record_dialogue(self, headers: dict[str, str] | None = None) -> dict[str, Any]:
        body = dialogue_body(self.nip, UNIT_MEMBERS[self.nip])
        recorded = await self.ok("POST", "/wawancara", headers or self.penilai, body)
        assert recorded["stage"] == "penilaian"
        return recorded

    async def rate(self, hasil_kerja: str, perilaku: str) -> dict[str, Any]:
        body = {"hasil_kerja": hasil_kerja, "perilaku": perilaku, "notes": "Penilaian akhir"}
        return await self.ok("POST", "/rating", self.penilai, body)

    async def rated(self, hasil_kerja: str, perilaku: str) -> dict[str, Any]:
        """From sosialisasi to a rating (penilaian, not yet delivered)."""
        await self.to_wawancara()
        await self.record_dialogue()
        return await self.rate(hasil_kerja, perilaku)


def skp_content() -> dict[str, Any]:
    content: dict[str, Any] = valid_content().model_dump(mode="json")
    return content


def checkin_report() -> dict[str, Any]:
    return {
        "realisations": [
            {"indicator_id": "ind-1", "value": 6, "note": "6 dokumen selesai"},
            {"indicator_id": "ind-2", "value": 88},
        ],
        "evidence": [{"url": "https://drive.example.go.id/bukti/1.pdf", "note": "Laporan"}],
        "notes": "Sesuai rencana",
    }


def dialogue_body(nip: str, penilai: str | None) -> dict[str, Any]:
    held_at = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "held_at": held_at.isoformat(),
        "participants": [nip, *([penilai] if penilai else [])],
        "notes": "Dialog kinerja akhir tahun: capaian dan hambatan dibahas",
        "agreed_actions": ["Lengkapi bukti dukung triwulan IV"],
        "follow_ups": [{"kind": "coaching", "note": "Pendampingan penyusunan laporan"}],
    }


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
