"""The SKP and monitoring through HTTP, end to end on real Temporal and PostgreSQL:
drafting, submitting, returning and approving the SKP, reporting a check-in, HR's
extensions and mutasi, and who may do which of these to whose appraisal."""

from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import AuditEvent
from tests.api.conftest import TokenFor
from tests.api.test_periods import started_period
from tests.domain.builders import valid_content
from tests.orgs import HEAD, HR, OUTSIDER, PEER, STAFF, SUPERVISOR, TIM

PROBLEM_JSON = "application/problem+json"
UNKNOWN_NIP = "199912312020121999"  # well-formed, but nobody in SMALL_ORG


def skp_body(rhk_count: int = 2) -> dict[str, Any]:
    return {"content": valid_content(rhk_count).model_dump(mode="json")}


def report_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "realisations": [{"indicator_id": "ind-1", "value": 3, "note": "3 dokumen selesai"}],
        "evidence": [{"url": "https://drive.example.go.id/bukti/1.pdf", "note": "Laporan"}],
        "notes": "Sesuai rencana",
    }
    return {**body, **changes}


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def assert_problem(response: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem: dict[str, Any] = response.json()
    assert problem["type"] == f"/problems/{kind}"
    assert problem["status"] == status
    return problem


def invalid_fields(response: httpx.Response) -> set[str]:
    problem = assert_problem(response, 422, "validation-error")
    return {error["field"] for error in problem["errors"]}


class Appraisal:
    """STAFF's appraisal in one period, driven through the API."""

    def __init__(self, client: httpx.AsyncClient, auth: TokenFor, period_id: str) -> None:
        self.client = client
        self.auth = auth
        self.url = f"/appraisals/{period_id}/{STAFF}"
        self.staff = auth(STAFF)
        self.supervisor = auth(SUPERVISOR, "pejabat_penilai")
        self.hr = auth(HR, "hr_admin")

    async def read(self) -> dict[str, Any]:
        response = await self.client.get(self.url, headers=self.staff)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def call(
        self, method: str, path: str, headers: dict[str, str], json: Any = None
    ) -> httpx.Response:
        return await self.client.request(method, f"{self.url}{path}", headers=headers, json=json)

    async def ok(
        self, method: str, path: str, headers: dict[str, str], json: Any = None
    ) -> dict[str, Any]:
        response = await self.call(method, path, headers, json)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def acknowledged(self) -> dict[str, Any]:
        return await self.ok("POST", "/acknowledge", self.staff)

    async def drafted(self, rhk_count: int = 2) -> dict[str, Any]:
        return await self.ok("PUT", "/skp", self.staff, skp_body(rhk_count))

    async def submitted(self) -> dict[str, Any]:
        return await self.ok("POST", "/skp/submit", self.staff)

    async def approved(self, headers: dict[str, str] | None = None) -> dict[str, Any]:
        return await self.ok("POST", "/skp/approve", headers or self.supervisor, {"note": "OK"})


async def opened(client: httpx.AsyncClient, auth: TokenFor, period_id: str) -> Appraisal:
    await started_period(client, auth, period_id)
    return Appraisal(client, auth, period_id)


async def submitted(client: httpx.AsyncClient, auth: TokenFor, period_id: str) -> Appraisal:
    appraisal = await opened(client, auth, period_id)
    await appraisal.acknowledged()
    await appraisal.drafted()
    await appraisal.submitted()
    return appraisal


async def in_monitoring(client: httpx.AsyncClient, auth: TokenFor, period_id: str) -> Appraisal:
    appraisal = await submitted(client, auth, period_id)
    assert (await appraisal.approved())["stage"] == "pemantauan"
    return appraisal


async def through_the_happy_path(appraisal: Appraisal) -> dict[str, Any]:
    """Acknowledge, draft, submit, be returned, revise, resubmit, be approved."""
    await appraisal.acknowledged()
    drafted = await appraisal.drafted()
    assert drafted["skp"]["status"] == "draf"
    assert drafted["pending"][0]["kind"] == "skp_penyusunan"
    submitted = await appraisal.submitted()
    assert submitted["skp"]["status"] == "diajukan"
    assert submitted["skp"]["submissions"] == 1
    assert submitted["pending"][0]["kind"] == "skp_persetujuan"
    assert submitted["pending"][0]["owed_by"] == "pejabat_penilai"

    returned = await appraisal.call(
        "POST", "/skp/return", appraisal.supervisor, {"note": "Tambahkan RHK ketiga"}
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["skp"]["status"] == "dikembalikan"
    assert returned.json()["stage"] == "perencanaan"
    assert returned.json()["pending"][0]["key"] == "skp_revisi/1"
    assert returned.json()["pending"][0]["owed_by"] == "pegawai"

    revised = await appraisal.drafted(rhk_count=3)
    assert revised["skp"]["status"] == "draf"
    resubmitted = await appraisal.submitted()
    assert resubmitted["skp"]["submissions"] == 2
    assert resubmitted["pending"][0]["key"] == "skp_persetujuan/2"

    approved = await appraisal.ok(
        "POST", "/skp/approve", appraisal.supervisor, {"note": "Disetujui"}
    )
    assert approved["stage"] == "pemantauan"
    return approved


# --- 1. the happy path ------------------------------------------------------------------


async def test_skp_is_returned_revised_and_approved_then_monitoring_starts(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await opened(client, auth, period_id)

    approved = await through_the_happy_path(appraisal)

    stored = await appraisal.read()
    assert stored["version"] == approved["version"]
    assert stored["stage"] == "pemantauan"
    assert stored["skp"]["status"] == "disetujui"
    assert stored["skp"]["content"] == skp_body(rhk_count=3)["content"]
    assert stored["skp"]["submissions"] == 2
    history = stored["skp"]["history"]
    assert [event["kind"] for event in history] == [
        "disusun",
        "diajukan",
        "dikembalikan",
        "disusun",
        "diajukan",
        "disetujui",
    ]
    assert [event["by"] for event in history] == [
        STAFF,
        STAFF,
        SUPERVISOR,
        STAFF,
        STAFF,
        SUPERVISOR,
    ]
    assert history[2]["note"] == "Tambahkan RHK ketiga"
    assert history[5]["note"] == "Disetujui"

    checkins = stored["checkins"]
    assert checkins, "an approved SKP opens the check-ins of the period"
    assert [checkin["index"] for checkin in checkins] == list(range(1, len(checkins) + 1))
    assert all(checkin["report"] is None and checkin["feedback"] is None for checkin in checkins)
    dues = [when(checkin["due"]) for checkin in checkins]
    assert dues == sorted(dues)

    # Only the first check-in is owed; later ones open once it is reported.
    assert len(stored["pending"]) == 1
    step = stored["pending"][0]
    assert step["kind"] == "pemantauan_laporan"
    assert step["key"] == "pemantauan_laporan/1"
    assert step["owed_by"] == "pegawai"
    assert step["deadline"] == "checkin_due:1"
    assert when(step["due"]) == dues[0]
    assert stored["overdue"] is False


async def test_employee_reports_a_checkin_and_the_supervisor_answers(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await in_monitoring(client, auth, period_id)

    reported = await appraisal.ok("POST", "/checkins/1/report", appraisal.staff, report_body())
    answered = await appraisal.ok(
        "POST",
        "/checkins/1/feedback",
        appraisal.supervisor,
        {"text": "Pertahankan", "rating": "sesuai"},
    )

    assert reported["checkins"][0]["report"]["realisations"][0]["indicator_id"] == "ind-1"
    assert reported["pending"][0]["key"] == "pemantauan_umpan_balik/1"
    assert reported["pending"][0]["owed_by"] == "pejabat_penilai"
    assert answered["checkins"][0]["feedback"]["rating"] == "sesuai"
    assert answered["checkins"][0]["feedback"]["by"] == SUPERVISOR
    if len(answered["checkins"]) > 1:
        assert answered["pending"][0]["key"] == "pemantauan_laporan/2"
    stored = await appraisal.read()
    assert stored["version"] == answered["version"]


# --- 2. object-level authorisation ------------------------------------------------------


def every_write(url: str) -> list[tuple[str, str, Any]]:
    """Every write endpoint with a body that passes request validation."""
    return [
        ("POST", f"{url}/acknowledge", None),
        ("PUT", f"{url}/skp", skp_body()),
        ("POST", f"{url}/skp/submit", None),
        ("POST", f"{url}/skp/approve", {"note": "OK"}),
        ("POST", f"{url}/skp/return", {"note": "Perbaiki"}),
        ("POST", f"{url}/checkins/1/report", report_body()),
        ("POST", f"{url}/checkins/1/feedback", {"text": "Bagus sekali"}),
        (
            "POST",
            f"{url}/deadlines/skp_draft_due/extend",
            {"new_due": "2099-01-01T16:00:00+07:00", "reason": "Sakit"},
        ),
        ("POST", f"{url}/supervisor", {"new_supervisor_nip": TIM, "reason": "Mutasi"}),
    ]


async def test_strangers_get_404_on_every_write_and_change_nothing(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await submitted(client, auth, period_id)
    before = await appraisal.read()

    strangers = {
        "peer under the same supervisor": auth(PEER),
        "peer claiming every role but hr": auth(PEER, "pejabat_penilai", "atasan_penilai"),
        "employee of another agency": auth(OUTSIDER),
        "tim penilai of another agency": auth(OUTSIDER, "tim_penilai"),
    }
    for who, headers in strangers.items():
        for method, url, body in every_write(appraisal.url):
            response = await client.request(method, url, headers=headers, json=body)
            assert_problem(response, 404, "not-found")
            assert response.json()["detail"] == "Penilaian tidak ditemukan", (who, url)

    assert await appraisal.read() == before


async def test_people_who_may_see_but_not_act_get_403_and_change_nothing(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await submitted(client, auth, period_id)
    before = await appraisal.read()
    head = auth(HEAD, "pejabat_penilai")

    refusals = {
        "atasan penilai approves": ("POST", "/skp/approve", head, {"note": "OK"}),
        "atasan penilai returns": ("POST", "/skp/return", head, {"note": "Perbaiki"}),
        "employee approves own SKP": ("POST", "/skp/approve", appraisal.staff, {}),
        "employee returns own SKP": ("POST", "/skp/return", appraisal.staff, {"note": "Ulang"}),
        "hr drafts": ("PUT", "/skp", appraisal.hr, skp_body()),
        "hr submits": ("POST", "/skp/submit", appraisal.hr, None),
        "tim penilai drafts before the deadline": (
            "PUT",
            "/skp",
            auth(TIM, "tim_penilai"),
            skp_body(),
        ),
        "supervisor drafts": ("PUT", "/skp", appraisal.supervisor, skp_body()),
        "supervisor extends": (
            "POST",
            "/deadlines/skp_approval_due/extend",
            appraisal.supervisor,
            {"new_due": "2099-01-01T16:00:00+07:00", "reason": "Cuti"},
        ),
        "employee changes own supervisor": (
            "POST",
            "/supervisor",
            appraisal.staff,
            {"new_supervisor_nip": TIM, "reason": "Saya mau"},
        ),
    }
    for who, (method, path, headers, body) in refusals.items():
        response = await appraisal.call(method, path, headers, body)
        assert response.status_code == 403, (who, response.text)
        assert_problem(response, 403, "forbidden")

    assert await appraisal.read() == before
    assert before["skp"]["status"] == "diajukan"


async def test_mutasi_endpoint_tells_a_stranger_nothing(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    """Object-level access comes first: whatever the body names, a caller who may not see
    the appraisal gets the same 404 (never a 422 revealing who is an active employee or
    who reports to whom)."""
    appraisal = await opened(client, auth, period_id)
    before = await appraisal.read()

    for new_supervisor in (UNKNOWN_NIP, STAFF, TIM):
        response = await appraisal.call(
            "POST",
            "/supervisor",
            auth(PEER),
            {"new_supervisor_nip": new_supervisor, "reason": "Mutasi"},
        )
        assert_problem(response, 404, "not-found")

    assert await appraisal.read() == before


# --- 3. wrong state ---------------------------------------------------------------------


async def test_steps_out_of_order_are_409_wrong_state(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await opened(client, auth, period_id)

    draft_before_acknowledging = await appraisal.call("PUT", "/skp", appraisal.staff, skp_body())
    assert_problem(draft_before_acknowledging, 409, "wrong-state")

    await appraisal.acknowledged()
    submit_nothing = await appraisal.call("POST", "/skp/submit", appraisal.staff)
    assert_problem(submit_nothing, 409, "wrong-state")

    drafted = await appraisal.drafted()
    approve_unsubmitted = await appraisal.call(
        "POST", "/skp/approve", appraisal.supervisor, {"note": "OK"}
    )
    assert_problem(approve_unsubmitted, 409, "wrong-state")
    report_before_approval = await appraisal.call(
        "POST", "/checkins/1/report", appraisal.staff, report_body()
    )
    assert_problem(report_before_approval, 409, "wrong-state")
    assert (await appraisal.read())["version"] == drafted["version"]

    first = await appraisal.submitted()
    second = await appraisal.call("POST", "/skp/submit", appraisal.staff)
    assert_problem(second, 409, "wrong-state")
    redraft_while_submitted = await appraisal.call("PUT", "/skp", appraisal.staff, skp_body())
    assert_problem(redraft_while_submitted, 409, "wrong-state")
    stored = await appraisal.read()
    assert stored["version"] == first["version"]
    assert stored["skp"]["submissions"] == 1

    approved = await appraisal.approved()
    approve_again = await appraisal.call("POST", "/skp/approve", appraisal.supervisor, {})
    assert_problem(approve_again, 409, "wrong-state")
    await appraisal.ok("POST", "/checkins/1/report", appraisal.staff, report_body())
    report_again = await appraisal.call(
        "POST", "/checkins/1/report", appraisal.staff, report_body()
    )
    assert_problem(report_again, 409, "wrong-state")
    assert (await appraisal.read())["version"] == approved["version"] + 1


# --- 4. validation ----------------------------------------------------------------------


async def test_invalid_skp_is_422_naming_the_field(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await opened(client, auth, period_id)
    await appraisal.acknowledged()
    before = await appraisal.read()
    good = skp_body()["content"]

    six_values = {"content": {**good, "perilaku": good["perilaku"][:6]}}
    duplicated_value = {
        "content": {**good, "perilaku": [*good["perilaku"][:6], good["perilaku"][0]]}
    }
    stage_at_top = {**skp_body(), "stage": "selesai"}
    stage_in_content = {"content": {**good, "stage": "selesai"}}
    status_in_content = {"content": {**good, "status": "disetujui"}}

    async def fields(body: dict[str, Any]) -> set[str]:
        return invalid_fields(await appraisal.call("PUT", "/skp", appraisal.staff, body))

    assert "body.content.perilaku" in await fields(six_values)
    assert "body.content" in await fields(duplicated_value)
    assert "body.stage" in await fields(stage_at_top)
    assert "body.content.stage" in await fields(stage_in_content)
    assert "body.content.status" in await fields(status_in_content)
    assert await appraisal.read() == before


async def test_invalid_checkin_report_is_422_naming_the_field(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await in_monitoring(client, auth, period_id)
    before = await appraisal.read()

    async def fields(path: str, body: dict[str, Any]) -> set[str]:
        return invalid_fields(await appraisal.call("POST", path, appraisal.staff, body))

    bad_url = report_body(evidence=[{"url": "javascript:alert(1)"}])
    ftp_url = report_body(evidence=[{"url": "ftp://files.example.go.id/bukti.pdf"}])
    negative = report_body(realisations=[{"indicator_id": "ind-1", "value": -1}])
    nothing = report_body(realisations=[])
    extra = {**report_body(), "by": SUPERVISOR}

    assert "body.evidence.0.url" in await fields("/checkins/1/report", bad_url)
    assert "body.evidence.0.url" in await fields("/checkins/1/report", ftp_url)
    assert "body.realisations.0.value" in await fields("/checkins/1/report", negative)
    assert "body.realisations" in await fields("/checkins/1/report", nothing)
    assert "body.by" in await fields("/checkins/1/report", extra)
    assert "path.index" in await fields("/checkins/0/report", report_body())
    assert "path.index" in await fields("/checkins/53/report", report_body())

    unknown_indicator = await appraisal.call(
        "POST",
        "/checkins/1/report",
        appraisal.staff,
        report_body(realisations=[{"indicator_id": "ind-99", "value": 1}]),
    )
    problem = assert_problem(unknown_indicator, 422, "validation-error")
    assert "ind-99" in problem["detail"]
    no_such_checkin = await appraisal.call(
        "POST", "/checkins/52/report", appraisal.staff, report_body()
    )
    assert_problem(no_such_checkin, 422, "validation-error")

    assert await appraisal.read() == before


# --- 5. HR extends one employee's deadline ----------------------------------------------


async def test_hr_extends_one_employees_draft_deadline(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await opened(client, auth, period_id)
    acknowledged = await appraisal.acknowledged()
    step = acknowledged["pending"][0]
    assert step["kind"] == "skp_penyusunan" and step["deadline"] == "skp_draft_due"
    scheduled = when(step["due"])
    path = "/deadlines/skp_draft_due/extend"

    earlier = await appraisal.call(
        "POST",
        path,
        appraisal.hr,
        {"new_due": (scheduled - timedelta(days=1)).isoformat(), "reason": "Salah tanggal"},
    )
    assert_problem(earlier, 422, "validation-error")
    same = await appraisal.call(
        "POST", path, appraisal.hr, {"new_due": scheduled.isoformat(), "reason": "Sama saja"}
    )
    assert_problem(same, 422, "validation-error")
    naive = await appraisal.call(
        "POST", path, appraisal.hr, {"new_due": "2099-01-01T16:00:00", "reason": "Tanpa zona"}
    )
    assert_problem(naive, 422, "validation-error")
    later = scheduled + timedelta(days=14)
    body = {"new_due": later.isoformat(), "reason": "Cuti melahirkan"}
    for who, headers in {
        "employee": appraisal.staff,
        "supervisor": appraisal.supervisor,
        "tim penilai": auth(TIM, "tim_penilai"),
    }.items():
        refused = await appraisal.call("POST", path, headers, body)
        assert refused.status_code == 403, (who, refused.text)
        assert_problem(refused, 403, "forbidden")
    assert (await appraisal.read())["version"] == acknowledged["version"]

    extended = await appraisal.ok("POST", path, appraisal.hr, body)

    assert when(extended["due_overrides"]["skp_draft_due"]) == later
    assert when(extended["pending"][0]["due"]) == later
    stored = await appraisal.read()
    assert stored["version"] == acknowledged["version"] + 1
    assert when(stored["due_overrides"]["skp_draft_due"]) == later
    assert when(stored["pending"][0]["due"]) == later
    # One employee's extension: a colleague keeps the period's due time.
    peer = await client.get(f"/appraisals/{period_id}/{PEER}", headers=auth(PEER))
    assert peer.json()["due_overrides"] == {}
    assert when(peer.json()["pending"][0]["due"]) != later


# --- 6. mutasi --------------------------------------------------------------------------


async def test_mutasi_moves_a_pending_approval_to_the_new_supervisor(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await submitted(client, auth, period_id)
    tim = auth(TIM, "pejabat_penilai")

    changed = await appraisal.ok(
        "POST",
        "/supervisor",
        appraisal.hr,
        {"new_supervisor_nip": TIM, "reason": "Mutasi jabatan SK 800/12"},
    )

    assert changed["supervisor_nip"] == TIM
    [change] = changed["supervisor_history"]
    assert change["previous_nip"] == SUPERVISOR
    assert change["new_nip"] == TIM
    assert change["by"] == HR
    assert change["reason"] == "Mutasi jabatan SK 800/12"
    assert changed["skp"]["status"] == "diajukan"
    assert changed["pending"][0]["owed_by"] == "pejabat_penilai"

    # The old supervisor may no longer decide. Visibility follows the stored appraisal,
    # whose supervisor is now TIM, and SUPERVISOR is neither TIM nor TIM's supervisor
    # (HEAD), so the appraisal is invisible to them: 404 rather than 403. Either way,
    # never 200.
    by_old_supervisor = await appraisal.call(
        "POST", "/skp/approve", appraisal.supervisor, {"note": "OK"}
    )
    assert by_old_supervisor.status_code in (403, 404), by_old_supervisor.text
    assert by_old_supervisor.status_code == 404
    old_reads = await client.get(appraisal.url, headers=appraisal.supervisor)
    assert old_reads.status_code == 404
    assert (await appraisal.read())["skp"]["status"] == "diajukan"

    approved = await appraisal.ok("POST", "/skp/approve", tim, {"note": "Disetujui"})

    assert approved["stage"] == "pemantauan"
    assert approved["skp"]["history"][-1]["by"] == TIM
    stored = await appraisal.read()
    assert stored["stage"] == "pemantauan"
    assert stored["supervisor_nip"] == TIM
    assert [c["previous_nip"] for c in stored["supervisor_history"]] == [SUPERVISOR]


async def test_mutasi_refuses_an_impossible_supervisor(
    client: httpx.AsyncClient, auth: TokenFor, period_id: str
) -> None:
    appraisal = await submitted(client, auth, period_id)
    before = await appraisal.read()

    async def change(url: str, new_supervisor: str | None) -> httpx.Response:
        return await client.post(
            f"{url}/supervisor",
            headers=appraisal.hr,
            json={"new_supervisor_nip": new_supervisor, "reason": "Mutasi"},
        )

    self_supervised = await change(appraisal.url, STAFF)
    assert_problem(self_supervised, 422, "validation-error")
    not_an_employee = await change(appraisal.url, UNKNOWN_NIP)
    assert (
        "bukan pegawai aktif" in assert_problem(not_an_employee, 422, "validation-error")["detail"]
    )
    same_as_now = await change(appraisal.url, SUPERVISOR)
    assert_problem(same_as_now, 422, "validation-error")
    assert await appraisal.read() == before

    # A cycle: STAFF reports to SUPERVISOR, so STAFF may not become SUPERVISOR's
    # pejabat penilai; nor may PEER (also under SUPERVISOR), nor anyone below.
    supervisors_url = f"/appraisals/{period_id}/{SUPERVISOR}"
    supervisors_before = (await client.get(supervisors_url, headers=appraisal.hr)).json()
    for subordinate in (STAFF, PEER):
        cycle = await change(supervisors_url, subordinate)
        assert "siklus" in assert_problem(cycle, 422, "validation-error")["detail"]
    assert (await client.get(supervisors_url, headers=appraisal.hr)).json() == supervisors_before


# --- 7. the audit trail -----------------------------------------------------------------


async def test_every_skp_step_is_audited_with_the_role_it_was_taken_in(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    appraisal = await opened(client, auth, period_id)
    approved = await through_the_happy_path(appraisal)

    async with sessionmaker() as session:
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(
                    AuditEvent.subject_type == "appraisal",
                    AuditEvent.subject_id == f"{period_id}/{STAFF}",
                    AuditEvent.actor != "system",
                )
                .order_by(AuditEvent.id)
            )
        ).all()

    assert [(e.action, e.actor, e.actor_role) for e in events] == [
        ("sosialisasi.acknowledged", STAFF, "pegawai"),
        ("skp.drafted", STAFF, "pegawai"),
        ("skp.submitted", STAFF, "pegawai"),
        ("skp.returned", SUPERVISOR, "pejabat_penilai"),
        ("skp.drafted", STAFF, "pegawai"),
        ("skp.submitted", STAFF, "pegawai"),
        ("skp.approved", SUPERVISOR, "pejabat_penilai"),
    ]
    versions = [(e.before["version"], e.after["version"]) for e in events]  # type: ignore[index]
    assert all(after == before + 1 for before, after in versions)
    assert versions[-1][1] == approved["version"]
    assert events[-1].before == {"stage": "perencanaan", "version": approved["version"] - 1}
    assert events[-1].after == {"stage": "pemantauan", "version": approved["version"]}
    assert all(e.period_id == period_id for e in events)
