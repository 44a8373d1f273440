"""Object-level authorisation (OWASP API1) walked as a matrix: every caller who is not
entitled × someone else's object × every action, on real Temporal and PostgreSQL.

STAFF's appraisal is driven through its whole year. At each point where an action is
genuinely possible (the right person does it right after, with the very same body, as
the positive control), every caller who is not entitled tries it first. Because each
action is tried in the stage where it is legal, a refusal is about *who* asks, never
about *when*: no cell depends on a 409.

Expected answers: no or a bad token → 401; a caller who may not even see the appraisal →
404 (a 403 would confirm to a stranger that the NIP is appraised); a caller who may see
it but not do this → 403. After every cell the object is read back as HR and must be
exactly as before. The unit DINKES-UMUM, the period and the read endpoints get the same
treatment; reads that are allowed but scoped (lists, inbox, a tim penilai's summary) must
not contain STAFF's data. Notices in the outbox are their recipient's alone: nobody else
lists one or marks it read (404, as for an id that does not exist). The organisation
reads (a person, a unit, the agencies) are scoped as appraisals are: whoever may not see
STAFF's appraisal does not find STAFF there either.
"""

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from api.auth import DevTokenIssuer
from persistence.models import Employee, Notification, RosterUpload
from persistence.repositories import notifications
from persistence.repositories.organisation import upsert_roster
from runtime.devkeys import KEY_ID
from tests.api.conftest import AUDIENCE, ISSUER, TokenFor
from tests.api.journey import (
    PROBLEM_JSON,
    UNIT,
    UNIT_MEMBERS,
    checkin_report,
    dialogue_body,
    rate_unit,
    skp_content,
    start_period,
    unit_url,
)
from tests.api.test_organisation_imports import as_csv, roster_row
from tests.factories import make_period
from tests.orgs import (
    AUDITOR,
    HEAD,
    HR,
    OTHER_TIM,
    OUTSIDER,
    PEER,
    SMALL_ORG,
    STAFF,
    SUPERVISOR,
    TIM,
    WITH_OTHER_ROLES,
)
from workflows.ids import closure_workflow_id, cycle_workflow_id, unit_workflow_id

MIN_CELLS = 100
REFUSAL_KINDS = {401: "unauthenticated", 403: "forbidden", 404: "not-found"}
Observe = Callable[[], Awaitable[Any]]


# STAFF with every penilai role in the token: on their own appraisal that changes nothing
# (nobody rates, approves or decides for themselves); for the unit and the period's
# figures they are simply a tim penilai of DINKES, so those cells leave them out.
SELF_WITH_ROLES = "the employee claiming pejabat/atasan/tim penilai"
EMPLOYEE = frozenset({"the employee", SELF_WITH_ROLES})
PENILAI = frozenset({"pejabat penilai (SUPERVISOR)"})
PENILAI_OR_TIM = PENILAI | {"tim penilai (own agency)"}
ONLY_HR = frozenset({"HR"})
UNIT_MANAGERS = frozenset({"HR", "tim penilai (own agency)"})
READERS = frozenset({"HR", "auditor"})
PERIOD_READERS = READERS | {"tim penilai (own agency)"}


@dataclass(frozen=True)
class Caller:
    label: str
    headers: dict[str, str]
    authenticated: bool = True
    sees_staff: bool = False  # may read STAFF's appraisal at all
    subject: str | None = None  # the token subject (the Idempotency-Key is scoped by it)

    def on_appraisal(self) -> int:
        """What a write to STAFF's appraisal by this caller must answer."""
        if not self.authenticated:
            return 401
        return 403 if self.sees_staff else 404

    def on_role_gated(self) -> int:
        return 403 if self.authenticated else 401


@pytest.fixture
async def callers(
    auth: TokenFor,
    token_issuer: DevTokenIssuer,
    sessionmaker: async_sessionmaker[AsyncSession],
    seeded: None,
) -> dict[str, Caller]:
    async with sessionmaker.begin() as session:
        await upsert_roster(session, [*SMALL_ORG, *WITH_OTHER_ROLES])
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forger = DevTokenIssuer(
        private_key_pem=other_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        key_id=KEY_ID,  # same key id, wrong key: the signature must not verify
        issuer=ISSUER,
        audience=AUDIENCE,
    )

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    expired = token_issuer.issue(subject=HR, nip=HR, roles=["hr_admin"], ttl_seconds=-300)
    forged = forger.issue(subject=HR, nip=HR, roles=["hr_admin"], ttl_seconds=600)
    everyone = [
        Caller("unauthenticated", {}, authenticated=False),
        Caller("expired HR token", bearer(expired), authenticated=False),
        Caller("HR token signed by another key", bearer(forged), authenticated=False),
        Caller("peer (same supervisor)", auth(PEER), subject=PEER),
        Caller(
            "peer claiming pejabat/atasan penilai",
            auth(PEER, "pejabat_penilai", "atasan_penilai"),
            subject=PEER,
        ),
        Caller("pegawai of another agency", auth(OUTSIDER), subject=OUTSIDER),
        Caller(
            "pejabat penilai of someone else",
            auth(OUTSIDER, "pejabat_penilai"),
            subject=OUTSIDER,
        ),
        Caller("tim penilai of another agency", auth(OTHER_TIM), subject=OTHER_TIM),
        Caller("auditor", auth(AUDITOR), sees_staff=True, subject=AUDITOR),
        Caller("atasan (HEAD)", auth(HEAD, "pejabat_penilai"), sees_staff=True, subject=HEAD),
        Caller("HR", auth(HR, "hr_admin"), sees_staff=True, subject=HR),
        Caller("the employee", auth(STAFF), sees_staff=True, subject=STAFF),
        Caller(
            SELF_WITH_ROLES,
            auth(STAFF, "pejabat_penilai", "atasan_penilai", "tim_penilai"),
            sees_staff=True,
            subject=STAFF,
        ),
        Caller(
            "pejabat penilai (SUPERVISOR)",
            auth(SUPERVISOR, "pejabat_penilai"),
            sees_staff=True,
            subject=SUPERVISOR,
        ),
        Caller("tim penilai (own agency)", auth(TIM, "tim_penilai"), sees_staff=True, subject=TIM),
    ]
    return {caller.label: caller for caller in everyone}


@dataclass(frozen=True)
class Action:
    label: str
    method: str
    path: str  # under /appraisals/{period}/{nip}
    body: Any
    allowed: frozenset[str]


def actions(now: datetime) -> dict[str, Action]:
    """Every write on one appraisal, each with a body that passes validation (the right
    person sends the same body right after the cells, or it is HR's, sent to PEER)."""
    listed = [
        Action("acknowledge", "POST", "/acknowledge", None, EMPLOYEE),
        # the agency's tim penilai may draft only once the draft deadline has passed
        # (a year away here), so TIM is refused for who, not for when
        Action("draft SKP", "PUT", "/skp", {"content": skp_content()}, EMPLOYEE),
        Action("submit SKP", "POST", "/skp/submit", None, EMPLOYEE),
        Action("approve SKP", "POST", "/skp/approve", {"note": "Disetujui"}, PENILAI),
        Action("return SKP", "POST", "/skp/return", {"note": "Lengkapi indikator"}, PENILAI),
        Action("report check-in", "POST", "/checkins/1/report", checkin_report(), EMPLOYEE),
        Action(
            "answer check-in",
            "POST",
            "/checkins/1/feedback",
            {"text": "Terus pertahankan", "rating": "sesuai"},
            PENILAI,
        ),
        Action(
            "schedule dialogue",
            "POST",
            "/wawancara/schedule",
            {"scheduled_for": (now + timedelta(days=1)).isoformat(), "participants": [STAFF]},
            PENILAI_OR_TIM,
        ),
        Action(
            "record dialogue",
            "POST",
            "/wawancara",
            dialogue_body(STAFF, SUPERVISOR),
            PENILAI_OR_TIM,
        ),
        Action(
            "rate",
            "POST",
            "/rating",
            {"hasil_kerja": "di_bawah", "perilaku": "sesuai", "notes": "Di bawah target"},
            PENILAI_OR_TIM,
        ),
        Action(
            "file keberatan",
            "POST",
            "/keberatan",
            {"reasons": "Beban kerja bertambah"},
            EMPLOYEE,
        ),
        Action(
            "add keberatan statement",
            "POST",
            "/keberatan/statements",
            {"text": "Target kuantitas memang tidak tercapai"},
            EMPLOYEE | PENILAI,
        ),
        Action(
            "decide keberatan",
            "POST",
            "/keberatan/decision",
            {"outcome": "ditolak", "reasoning": "Realisasi memang di bawah target"},
            frozenset({"atasan (HEAD)"}),
        ),
        Action(
            "assign development",
            "POST",
            "/development",
            {"kind": "pelatihan", "title": "Pelatihan pelayanan kesehatan dasar"},
            PENILAI_OR_TIM,
        ),
        Action(
            "report development done",
            "POST",
            "/development/1/report",
            {"note": "Pelatihan 40 JP selesai", "evidence_url": "https://lms.example.go.id/1"},
            EMPLOYEE,
        ),
        Action("confirm development", "POST", "/development/1/confirm", None, PENILAI),
        Action(
            "extend a deadline",
            "POST",
            "/deadlines/penilaian_due/extend",
            {"new_due": (now + timedelta(days=400)).isoformat(), "reason": "Bencana banjir"},
            ONLY_HR,
        ),
        Action(
            "change supervisor (mutasi)",
            "POST",
            "/supervisor",
            {"new_supervisor_nip": HEAD, "reason": "Mutasi jabatan"},
            ONLY_HR,
        ),
    ]
    return {action.label: action for action in listed}


def refusal_problem(response: httpx.Response, expected: int) -> str | None:
    """None when ``response`` is the expected refusal as problem+json, else what is wrong."""
    if response.status_code != expected:
        return f"answered {response.status_code}, expected {expected}: {response.text[:300]}"
    if response.headers.get("content-type") != PROBLEM_JSON:
        return f"content-type {response.headers.get('content-type')!r}"
    body = response.json()
    if body.get("type") != f"/problems/{REFUSAL_KINDS[expected]}" or body.get("status") != expected:
        return f"problem {body!r}"
    if expected == 401 and response.headers.get("www-authenticate") != "Bearer":
        return "401 without WWW-Authenticate: Bearer"
    return None


@dataclass
class Matrix:
    client: httpx.AsyncClient
    cells: int = 0
    successes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    async def refused(
        self,
        where: str,
        caller: Caller,
        method: str,
        url: str,
        *,
        expected: int,
        body: Any = None,
        observe: Observe | None = None,
        before: Any = None,
        headers: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> httpx.Response:
        """One cell: ``caller`` tries it, is refused with ``expected``, nothing changes.
        ``files`` makes it a multipart post (``body`` then holds its form fields)."""
        if files is not None:
            response = await self.client.request(
                method, url, headers={**caller.headers, **(headers or {})}, files=files, data=body
            )
        else:
            response = await self.client.request(
                method, url, headers={**caller.headers, **(headers or {})}, json=body
            )
        self.cells += 1
        label = f"{where} by {caller.label} ({method} {url})"
        if response.is_success:
            self.successes.append(f"{label}: {response.status_code} {response.text[:300]}")
        wrong = refusal_problem(response, expected)
        if wrong:
            self.failures.append(f"{label}: {wrong}")
        if observe is not None and await observe() != before:
            self.failures.append(f"{label}: the object changed")
        return response

    async def scoped(
        self, where: str, caller: Caller, url: str, leak: Callable[[httpx.Response], str | None]
    ) -> None:
        """One cell on a read the caller may make, whose answer must not contain STAFF."""
        response = await self.client.get(url, headers=caller.headers)
        self.cells += 1
        label = f"{where} by {caller.label} (GET {url})"
        if response.status_code != 200:
            self.failures.append(f"{label}: answered {response.status_code}: {response.text}")
            return
        found = leak(response)
        if found:
            self.successes.append(f"{label}: {found}")


async def test_nobody_acts_on_or_reads_someone_elses_objects(
    client: httpx.AsyncClient,
    auth: TokenFor,
    period_id: str,
    callers: dict[str, Caller],
    temporal_env: WorkflowEnvironment,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await start_period(client, auth, period_id, len(SMALL_ORG) + len(WITH_OTHER_ROLES))
    now = datetime.now(UTC)
    matrix = Matrix(client)
    writes = actions(now)
    hr = auth(HR, "hr_admin")
    supervisor = auth(SUPERVISOR, "pejabat_penilai")
    staff = auth(STAFF)
    url = f"/appraisals/{period_id}/{STAFF}"

    async def staff_appraisal() -> dict[str, Any]:
        response = await client.get(url, headers=hr)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def appraisal_cells(*labels: str) -> None:
        """Every caller not entitled to each action tries it now; nothing may change."""
        before = await staff_appraisal()
        for label in labels:
            action = writes[label]
            for caller in callers.values():
                if caller.label in action.allowed:
                    continue
                await matrix.refused(
                    f"appraisal: {label} [{before['stage']}]",
                    caller,
                    action.method,
                    url + action.path,
                    expected=caller.on_appraisal(),
                    body=action.body,
                    observe=staff_appraisal,
                    before=before,
                )

    async def entitled(label: str, headers: dict[str, str], target: str = url) -> dict[str, Any]:
        """The positive control: the entitled caller, the same body, a success."""
        action = writes[label]
        response = await client.request(
            action.method, target + action.path, headers=headers, json=action.body
        )
        assert response.status_code == 200, (label, response.text)
        body: dict[str, Any] = response.json()
        return body

    # sosialisasi
    await appraisal_cells("acknowledge", "extend a deadline", "change supervisor (mutasi)")
    await entitled("extend a deadline", hr, f"/appraisals/{period_id}/{PEER}")
    assert (await entitled("acknowledge", staff))["stage"] == "perencanaan"
    # perencanaan: drafting, submitting, the supervisor's decision (returned, then approved)
    await appraisal_cells("draft SKP")
    await entitled("draft SKP", staff)
    await appraisal_cells("submit SKP")
    await entitled("submit SKP", staff)
    await appraisal_cells("approve SKP", "return SKP")
    await entitled("return SKP", supervisor)
    await entitled("draft SKP", staff)
    await entitled("submit SKP", staff)
    assert (await entitled("approve SKP", supervisor))["stage"] == "pemantauan"
    # pemantauan: the one check-in
    await appraisal_cells("report check-in")
    await entitled("report check-in", staff)
    await appraisal_cells("answer check-in")
    assert (await entitled("answer check-in", supervisor))["stage"] == "wawancara"
    # wawancara
    await appraisal_cells("schedule dialogue", "record dialogue")
    await entitled("schedule dialogue", supervisor)
    assert (await entitled("record dialogue", supervisor))["stage"] == "penilaian"
    # penilaian: STAFF below target; the rest of the unit so that a 'baik' unit holds
    await appraisal_cells("rate")
    assert (await entitled("rate", supervisor))["result"]["predikat"] == "butuh_perbaikan"
    others = {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS if nip not in (STAFF, PEER)}
    await rate_unit(client, auth, period_id, {**others, PEER: ("di_bawah", "di_atas")})

    await unit_cells(matrix, client, callers, period_id, hr, temporal_env)
    await period_cells(matrix, client, callers, period_id, hr, now, staff_appraisal, temporal_env)
    await read_cells(matrix, client, callers, period_id, hr, now)
    await organisation_cells(matrix, callers)
    await roster_import_cells(matrix, client, callers, sessionmaker)
    await notification_cells(matrix, client, callers, period_id, sessionmaker)

    # the unit is finalised by HR: results delivered, the keberatan window opens
    for path, body in (("/predikat", {"predikat": "baik"}), ("/finalise", None)):
        response = await client.request(
            "PUT" if path == "/predikat" else "POST",
            unit_url(period_id) + path,
            headers=hr,
            json=body,
        )
        assert response.status_code == 200, response.text
    await appraisal_cells("file keberatan")
    await entitled("file keberatan", staff)
    await appraisal_cells("add keberatan statement", "decide keberatan")
    await entitled("add keberatan statement", supervisor)
    decided = await entitled("decide keberatan", auth(HEAD, "pejabat_penilai"))
    assert decided["stage"] == "tindak_lanjut"
    # tindak lanjut
    await appraisal_cells("assign development")
    await entitled("assign development", supervisor)
    await appraisal_cells("report development done")
    await entitled("report development done", staff)
    await appraisal_cells("confirm development")
    assert (await entitled("confirm development", supervisor))["stage"] == "selesai"
    # HR's mutasi body is valid too: sent to an appraisal no test cell depends on
    await entitled("change supervisor (mutasi)", hr, f"/appraisals/{period_id}/{OUTSIDER}")

    print(
        f"authorization matrix: {matrix.cells} cells, "
        f"{len(matrix.successes)} unauthorised successes"
    )
    assert matrix.successes == [], "\n".join(matrix.successes)
    assert matrix.failures == [], "\n".join(matrix.failures)
    assert matrix.cells >= MIN_CELLS


async def _workflow_exists(env: WorkflowEnvironment, workflow_id: str) -> bool:
    try:
        await env.client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def unit_cells(
    matrix: Matrix,
    client: httpx.AsyncClient,
    callers: dict[str, Caller],
    period_id: str,
    hr: dict[str, str],
    env: WorkflowEnvironment,
) -> None:
    """DINKES-UMUM is fully rated: its predicate, an override and finalisation are now
    possible, for HR and the agency's own tim penilai only."""
    url = unit_url(period_id)

    async def distribution() -> dict[str, Any]:
        response = await client.get(f"{url}/distribution", headers=hr)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    before = await distribution()
    assert before["unrated"] == 0
    assert before["unit_predikat"] is None
    unit_writes = [
        ("set unit predikat", "PUT", "/predikat", {"predikat": "baik"}),
        ("override distribution", "POST", "/override", {"reason": "Kalibrasi tim penilai OPD"}),
        ("finalise unit", "POST", "/finalise", None),
    ]
    for label, method, path, body in unit_writes:
        for caller in callers.values():
            if caller.label in UNIT_MANAGERS:
                continue
            await matrix.refused(
                f"unit {UNIT}: {label}",
                caller,
                method,
                url + path,
                expected=caller.on_role_gated(),
                body=body,
                observe=distribution,
                before=before,
            )
    # not even started: no unit workflow exists
    assert not await _workflow_exists(env, unit_workflow_id(period_id, UNIT))
    # HR manages the unit but an override is the tim penilai's alone (HR is refused by
    # the unit workflow, which update-with-start has to create to ask)
    await matrix.refused(
        f"unit {UNIT}: override distribution",
        callers["HR"],
        "POST",
        f"{url}/override",
        expected=403,
        body={"reason": "Kalibrasi tim penilai OPD"},
        observe=distribution,
        before=before,
    )


async def period_cells(
    matrix: Matrix,
    client: httpx.AsyncClient,
    callers: dict[str, Caller],
    period_id: str,
    hr: dict[str, str],
    now: datetime,
    staff_appraisal: Observe,
    env: WorkflowEnvironment,
) -> None:
    """Starting a period, extending a deadline for a whole agency and closing the
    period: HR only."""
    new_period = f"{period_id}-x"
    new_body = make_period(new_period).model_dump(mode="json")
    year_only = {"period_id": new_period, "year": now.year + 2}

    async def new_period_state() -> int:
        return (await client.get(f"/periods/{new_period}", headers=hr)).status_code

    async def period_status() -> str:
        return str((await client.get(f"/periods/{period_id}", headers=hr)).json()["status"])

    extension = {
        "deadline": "penilaian_due",
        "new_due": (now + timedelta(days=400)).isoformat(),
        "reason": "Bencana banjir",
        "agency_code": "DINKES",
    }
    staff_before = await staff_appraisal()
    for caller in callers.values():
        if caller.label in ONLY_HR:
            continue
        await matrix.refused(
            "period: start",
            caller,
            "POST",
            "/periods",
            expected=caller.on_role_gated(),
            body=new_body,
            observe=new_period_state,
            before=404,
        )
        # the customary schedule from the year alone, and a preview (which starts nothing
        # even for HR): HR only as well
        for label, path, body in (
            ("period: start from the year", "/periods/from-year", year_only),
            ("period: preview", "/periods/preview", year_only),
            ("period: preview (full body)", "/periods/preview", new_body),
        ):
            await matrix.refused(
                label,
                caller,
                "POST",
                path,
                expected=caller.on_role_gated(),
                body=body,
                observe=new_period_state,
                before=404,
            )
        key = f"matrix-{hashlib.sha256(caller.label.encode()).hexdigest()[:12]}"
        await matrix.refused(
            "period: extend for DINKES",
            caller,
            "POST",
            f"/periods/{period_id}/extensions",
            expected=caller.on_role_gated(),
            body=extension,
            observe=staff_appraisal,
            before=staff_before,
            headers={"Idempotency-Key": key},
        )
        if caller.subject is not None:
            suffix = hashlib.sha256(f"{caller.subject}\n{key}".encode()).hexdigest()[:16]
            extension_id = f"extension-{period_id}-{suffix}"
            assert not await _workflow_exists(env, extension_id), (caller.label, extension_id)
        # closing the period opened by mistake: HR only, and nothing starts or changes
        await matrix.refused(
            "period: close",
            caller,
            "POST",
            f"/periods/{period_id}/close",
            expected=caller.on_role_gated(),
            body={"reason": "Periode dibuka karena keliru"},
            observe=period_status,
            before="running",
            headers={"Idempotency-Key": key},
        )
    assert not await _workflow_exists(env, cycle_workflow_id(new_period))
    assert not await _workflow_exists(env, closure_workflow_id(period_id))


async def read_cells(
    matrix: Matrix,
    client: httpx.AsyncClient,
    callers: dict[str, Caller],
    period_id: str,
    hr: dict[str, str],
    now: datetime,
) -> None:
    """Reads: the appraisal itself, the unit's distribution, the period's counts and
    summary, the audit trail, a bulk extension's progress; and the scoped lists."""
    started = await client.post(
        f"/periods/{period_id}/extensions",
        headers=hr,
        json={
            "deadline": "penilaian_due",
            "new_due": (now + timedelta(days=400)).isoformat(),
            "reason": "Bencana banjir",
            "agency_code": "DISDIK",  # OUTSIDER only: STAFF's appraisal stays as it is
        },
    )
    assert started.status_code == 202, started.text
    extension_id = started.json()["extension_id"]
    gated = [
        ("unit distribution", f"{unit_url(period_id)}/distribution", UNIT_MANAGERS | READERS),
        ("period summary", f"/periods/{period_id}/summary", PERIOD_READERS),
        ("period dashboard", f"/periods/{period_id}/dashboard", PERIOD_READERS),
        ("period counts", f"/periods/{period_id}", PERIOD_READERS),
        ("period list", "/periods", PERIOD_READERS),
        ("audit trail", f"/audit?period_id={period_id}", READERS),
        ("extension progress", f"/periods/{period_id}/extensions/{extension_id}", READERS),
        ("closure progress", f"/periods/{period_id}/closure", READERS),
    ]
    outsider_tim = "tim penilai of another agency"
    for label, target, allowed in gated:
        for caller in callers.values():
            if caller.label in allowed:
                continue
            if caller.label == outsider_tim and label in (
                "period summary",
                "period dashboard",
                "period counts",
                "period list",
            ):
                continue  # their own agency's figures: checked below as scoped reads
            await matrix.refused(label, caller, "GET", target, expected=caller.on_role_gated())

    appraisal = f"/appraisals/{period_id}/{STAFF}"
    for caller in callers.values():
        if not caller.sees_staff:
            await matrix.refused(
                "appraisal: read", caller, "GET", appraisal, expected=caller.on_appraisal()
            )

    def dinkes_in_summary(response: httpx.Response) -> str | None:
        body = response.json()
        agencies = {a["agency_code"] for a in body["agencies"]} | {
            u["agency_code"] for u in body["units"]
        }
        return f"sees {sorted(agencies)}" if agencies - {"DISDIK"} else None

    def dinkes_in_counts(response: httpx.Response) -> str | None:
        total = response.json()["total"]
        return f"counts {total} appraisals, DISDIK has 2" if total != 2 else None

    outsider = callers[outsider_tim]
    await matrix.scoped(
        "period summary", outsider, f"/periods/{period_id}/summary", dinkes_in_summary
    )
    await matrix.scoped("period counts", outsider, f"/periods/{period_id}", dinkes_in_counts)

    def dinkes_in_dashboard(response: httpx.Response) -> str | None:
        body = response.json()
        seen = {row["agency_code"] for row in body["agencies"] + body["units"]}
        seen |= {u["agency_code"] for u in body["distribution"]}
        seen |= {p["agency_code"] for p in body["at_risk"]["people"]}
        if seen - {"DISDIK"} or body["total"] != 2:
            return f"sees {sorted(seen)}, {body['total']} appraisals; DISDIK has 2"
        return None

    await matrix.scoped(
        "period dashboard", outsider, f"/periods/{period_id}/dashboard", dinkes_in_dashboard
    )

    def dinkes_in_list(response: httpx.Response) -> str | None:
        items = [i for i in response.json()["items"] if i["period_id"] == period_id]
        if [i["total"] for i in items] != [2]:
            return f"lists {items}, DISDIK has 2"
        return None

    await matrix.scoped("period list", outsider, "/periods?limit=200", dinkes_in_list)

    def staff_listed(response: httpx.Response) -> str | None:
        if "csv" in response.headers.get("content-type", ""):
            return "STAFF exported" if STAFF in response.text else None
        items = response.json()["items"]
        found = [item for item in items if item["nip"] == STAFF]
        return f"lists STAFF: {found}" if found else None

    scoped_reads = [
        ("appraisal list", f"/appraisals?period_id={period_id}&limit=200"),
        ("appraisal export", f"/appraisals/export?period_id={period_id}&format=csv"),
        ("inbox", "/me/inbox"),
    ]
    for label, target in scoped_reads:
        for caller in callers.values():
            if not caller.authenticated:
                await matrix.refused(label, caller, "GET", target, expected=401)
            elif not caller.sees_staff:
                await matrix.scoped(label, caller, target, staff_listed)


async def notification_cells(
    matrix: Matrix,
    client: httpx.AsyncClient,
    callers: dict[str, Caller],
    period_id: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A reminder to STAFF and an escalation about STAFF to SUPERVISOR: only each
    recipient lists and marks their own; everyone else gets a 404 and it stays unread."""
    now = datetime.now(UTC)
    ids: dict[str, int] = {}
    async with sessionmaker.begin() as session:
        for recipient, role, kind, level in (
            (STAFF, "pegawai", "pengingat", 0),
            (SUPERVISOR, "pejabat_penilai", "eskalasi", 1),
        ):
            key = f"matrix/{kind}/{level}"
            await notifications.add_notification(
                session,
                workflow_id=f"matrix-{period_id}",
                notice_key=key,
                period_id=period_id,
                subject_nip=STAFF,
                recipient_role=role,
                recipient_nip=recipient,
                kind=kind,
                step="penilaian",
                level=level,
                due=now,
                created_at=now,
            )
            found = await session.scalar(
                select(Notification.id).where(Notification.notice_key == key)
            )
            assert found is not None
            ids[recipient] = found

    for recipient, notice in ids.items():

        async def read_at(notice: int = notice) -> datetime | None:
            async with sessionmaker() as session:
                row = await session.get(Notification, notice)
            assert row is not None
            return row.read_at

        for caller in callers.values():
            if caller.subject == recipient:
                continue
            await matrix.refused(
                f"notice to {recipient}: mark read",
                caller,
                "POST",
                f"/me/notifications/{notice}/read",
                expected=404 if caller.authenticated else 401,
                observe=read_at,
                before=None,
            )

    def others_notices(caller: Caller) -> Callable[[httpx.Response], str | None]:
        def leak(response: httpx.Response) -> str | None:
            found = [
                item
                for item in response.json()["items"]
                if item["id"] in ids.values() and ids.get(caller.subject or "") != item["id"]
            ]
            return f"lists others' notices: {found}" if found else None

        return leak

    for caller in callers.values():
        if not caller.authenticated:
            await matrix.refused("notifications", caller, "GET", "/me/notifications", expected=401)
        else:
            await matrix.scoped(
                "notifications", caller, "/me/notifications", others_notices(caller)
            )
    # the positive control: each recipient lists and marks their own
    for recipient, headers in (
        (STAFF, callers["the employee"].headers),
        (SUPERVISOR, callers["pejabat penilai (SUPERVISOR)"].headers),
    ):
        listed = await client.get("/me/notifications", headers=headers)
        assert ids[recipient] in [item["id"] for item in listed.json()["items"]], listed.text
        marked = await client.post(f"/me/notifications/{ids[recipient]}/read", headers=headers)
        assert marked.status_code == 200, marked.text


async def organisation_cells(matrix: Matrix, callers: dict[str, Caller]) -> None:
    """The organisation reads, scoped as appraisals are: STAFF's person page is a 404 for
    whoever may not see STAFF's appraisal; DINKES-UMUM and SUPERVISOR's page too, except
    for the peer who works there, whose view of both must not name STAFF; the agencies
    list names only the caller's own agency; roster roles are shown to HR alone."""
    person, boss, unit = f"/people/{STAFF}", f"/people/{SUPERVISOR}", f"/organisation/units/{UNIT}"
    own_agency = {PEER: "DINKES", OUTSIDER: "DISDIK", OTHER_TIM: "DISDIK"}

    def staff_in_unit(response: httpx.Response) -> str | None:
        body = response.json()
        named = [p["nip"] for p in body["people"] + body["heads"]]
        return f"lists STAFF in {UNIT}" if STAFF in named else None

    def staff_among_reports(response: httpx.Response) -> str | None:
        named = [p["nip"] for p in response.json()["direct_reports"]]
        return "names STAFF as a report" if STAFF in named else None

    def roles_shown(response: httpx.Response) -> str | None:
        roles = response.json()["roles"]
        return f"shows roster roles {roles}" if roles is not None else None

    for caller in callers.values():
        if not caller.authenticated:
            for target in ("/organisation/agencies", unit, person, boss):
                await matrix.refused("organisation", caller, "GET", target, expected=401)
            continue
        if caller.sees_staff:
            if caller.label != "HR":
                await matrix.scoped("person: STAFF's roles", caller, person, roles_shown)
            continue

        def other_agencies(response: httpx.Response, caller: Caller = caller) -> str | None:
            codes = {a["code"] for a in response.json()["items"]}
            extra = codes - {own_agency[caller.subject or ""]}
            return f"lists agencies {sorted(extra)}" if extra else None

        await matrix.scoped("agencies", caller, "/organisation/agencies", other_agencies)
        await matrix.refused("person: STAFF", caller, "GET", person, expected=404)
        if caller.subject == PEER:
            await matrix.scoped(f"unit {UNIT}", caller, unit, staff_in_unit)
            await matrix.scoped("person: SUPERVISOR", caller, boss, staff_among_reports)
        else:
            await matrix.refused(f"unit {UNIT}", caller, "GET", unit, expected=404)
            await matrix.refused("person: SUPERVISOR", caller, "GET", boss, expected=404)


async def roster_import_cells(
    matrix: Matrix,
    client: httpx.AsyncClient,
    callers: dict[str, Caller],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Uploading a roster (dry run or at once) and applying a kept dry run: HR only. The
    file moves STAFF under HEAD; after every refused cell the organisation and HR's kept
    upload are as before."""
    rows = [roster_row(record) for record in [*SMALL_ORG, *WITH_OTHER_ROLES]]
    for row in rows:
        if row["nip"] == STAFF:
            row["nip_atasan"] = HEAD
    files = {"file": ("roster.csv", as_csv(rows), "text/csv")}

    async def organisation() -> list[tuple[Any, ...]]:
        async with sessionmaker() as session:
            found = await session.execute(select(Employee.__table__).order_by(Employee.nip))
            uploads = await session.execute(select(RosterUpload.id, RosterUpload.applied_at))
            return [tuple(row) for row in found.all()] + [tuple(row) for row in uploads.all()]

    hr = callers["HR"].headers
    kept = await client.post("/organisation/imports", headers=hr, files=files)  # positive
    assert kept.status_code == 200 and kept.json()["errors"] == [], kept.text
    apply = f"/organisation/imports/{kept.json()['id']}/apply"
    before = await organisation()
    for caller in callers.values():
        if caller.label in ONLY_HR:
            continue
        for label, dry_run in (("dry run", "true"), ("at once", "false")):
            await matrix.refused(
                f"roster upload ({label})",
                caller,
                "POST",
                "/organisation/imports",
                expected=caller.on_role_gated(),
                body={"dry_run": dry_run},
                files=files,
                observe=organisation,
                before=before,
            )
        await matrix.refused(
            "roster upload: apply HR's dry run",
            caller,
            "POST",
            apply,
            expected=caller.on_role_gated(),
            observe=organisation,
            before=before,
        )
