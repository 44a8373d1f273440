"""Actors speaking to the API over HTTP: one appraisal's steps, each sent by the person
the rules require (the employee, the pejabat penilai, HR for the head of an agency, the
atasan penilai on a keberatan), and the bodies they send. The API tests walk an
appraisal with it and ``bench/`` drives a whole regency with it; how a call is sent and
what a refusal does (a failed assertion, a counted failure) is the caller's ``send``."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx

from rehearsal.skp import skp_json

Headers = dict[str, str]
Body = dict[str, Any]


class Tokens(Protocol):
    """Bearer headers for a person with extra roles (``pegawai`` always included)."""

    def __call__(self, nip: str, *roles: str) -> Headers: ...


# (method, url, headers, JSON body or None, the step's name) -> the answer's JSON
Send = Callable[[str, str, Headers, Any, str], Awaitable[Body]]


class RefusedError(RuntimeError):
    """The API answered a step with something other than 200."""


def sender(client: httpx.AsyncClient) -> Send:
    """Send through ``client``; anything but 200 is a :class:`RefusedError`."""

    async def send(method: str, url: str, headers: Headers, body: Any, name: str) -> Body:
        response = await client.request(method, url, headers=headers, json=body)
        if response.status_code != 200:
            raise RefusedError(f"{name}: {response.status_code} {response.text[:300]}")
        answer: Body = response.json()
        return answer

    return send


def checkin_report(index: int = 1) -> Body:
    """A check-in halfway to the targets of :func:`rehearsal.skp.skp_content`."""
    return {
        "realisations": [
            {"indicator_id": "ind-1", "value": 6 * index, "note": f"{6 * index} dokumen selesai"},
            {"indicator_id": "ind-2", "value": 88},
        ],
        "evidence": [{"url": "https://drive.example.go.id/bukti/1.pdf", "note": "Laporan"}],
        "notes": "Sesuai rencana",
    }


def dialogue_body(nip: str, penilai: str | None) -> Body:
    """The year-end dialogue between the employee and their pejabat penilai."""
    held_at = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "held_at": held_at.isoformat(),
        "participants": [nip, *([penilai] if penilai else [])],
        "notes": "Dialog kinerja akhir tahun: capaian dan hambatan dibahas",
        "agreed_actions": ["Lengkapi bukti dukung triwulan IV"],
        "follow_ups": [{"kind": "coaching", "note": "Pendampingan penyusunan laporan"}],
    }


@dataclass
class ApiAppraisal:
    """One employee's appraisal in a period, each step sent by the right person."""

    send: Send
    tokens: Tokens
    period_id: str
    nip: str
    penilai_nip: str | None  # None: the head of an agency, rated for the regional head
    hr_nip: str  # BKPSDM, which represents the regional head

    @property
    def url(self) -> str:
        return f"/appraisals/{self.period_id}/{self.nip}"

    @property
    def employee(self) -> Headers:
        return self.tokens(self.nip)

    @property
    def hr(self) -> Headers:
        return self.tokens(self.hr_nip, "hr_admin")

    @property
    def penilai(self) -> Headers:
        """The pejabat penilai's headers (HR for the head of the agency)."""
        if self.penilai_nip is None:
            return self.hr
        return self.tokens(self.penilai_nip, "pejabat_penilai")

    def atasan(self, atasan_nip: str | None) -> Headers:
        """The atasan penilai's headers (HR when the penilai has no supervisor)."""
        return self.tokens(atasan_nip, "atasan_penilai") if atasan_nip else self.hr

    async def step(
        self, method: str, path: str, headers: Headers, body: Any = None, *, name: str
    ) -> Body:
        return await self.send(method, f"{self.url}{path}", headers, body, name)

    async def acknowledge(self) -> Body:
        return await self.step("POST", "/acknowledge", self.employee, name="acknowledge")

    async def draft_skp(self) -> Body:
        body = {"content": skp_json()}
        return await self.step("PUT", "/skp", self.employee, body, name="draft_skp")

    async def submit_skp(self) -> Body:
        return await self.step("POST", "/skp/submit", self.employee, name="submit_skp")

    async def return_skp(self, note: str = "Perjelas target kuantitas RHK utama") -> Body:
        return await self.step(
            "POST", "/skp/return", self.penilai, {"note": note}, name="return_skp"
        )

    async def approve_skp(self, note: str = "Disetujui") -> Body:
        body = {"note": note}
        return await self.step("POST", "/skp/approve", self.penilai, body, name="approve")

    async def report_checkin(self, index: int) -> Body:
        path = f"/checkins/{index}/report"
        return await self.step("POST", path, self.employee, checkin_report(index), name="report")

    async def give_feedback(self, index: int, text: str = "Terus pertahankan") -> Body:
        path = f"/checkins/{index}/feedback"
        return await self.step("POST", path, self.penilai, {"text": text}, name="feedback")

    async def record_dialogue(self, headers: Headers | None = None) -> Body:
        body = dialogue_body(self.nip, self.penilai_nip)
        return await self.step("POST", "/wawancara", headers or self.penilai, body, name="dialogue")

    async def rate(self, hasil_kerja: str, perilaku: str) -> Body:
        body = {"hasil_kerja": hasil_kerja, "perilaku": perilaku, "notes": "Penilaian akhir"}
        return await self.step("POST", "/rating", self.penilai, body, name="rate")

    async def file_keberatan(
        self, reasons: str = "Bukti dukung triwulan terakhir belum dipertimbangkan"
    ) -> Body:
        body = {"reasons": reasons}
        return await self.step("POST", "/keberatan", self.employee, body, name="keberatan")

    async def add_statement(self, text: str = "Bukti dukung sudah diperiksa seluruhnya") -> Body:
        path = "/keberatan/statements"
        return await self.step("POST", path, self.penilai, {"text": text}, name="statement")

    async def decide_keberatan(self, atasan_nip: str | None, body: Body) -> Body:
        path = "/keberatan/decision"
        return await self.step("POST", path, self.atasan(atasan_nip), body, name="decide")

    async def assign_development(self, body: Body) -> Body:
        return await self.step("POST", "/development", self.penilai, body, name="assign")

    async def report_development(self, number: int, note: str) -> Body:
        path = f"/development/{number}/report"
        return await self.step("POST", path, self.employee, {"note": note}, name="dev_report")

    async def confirm_development(self, number: int) -> Body:
        path = f"/development/{number}/confirm"
        return await self.step("POST", path, self.penilai, name="dev_confirm")
