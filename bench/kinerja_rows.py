"""The rows that measure Kinerja itself through its HTTP API: period start, the full
cycle driven by simulated actors, approval latency, and the read side."""

import asyncio
import contextlib
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth import DevTokenIssuer
from bench.measure import closed_loop, median, open_loop, percentile, wait_until
from bench.stack import asyncpg_dsn
from domain.organisation import EmployeeRecord
from domain.predikat import Predikat
from domain.schedule import Period, PeriodSchedule
from persistence.db import create_engine, create_sessionmaker
from persistence.repositories import units as unit_repo
from persistence.repositories.appraisals import count_by_stage, open_appraisal_nips
from persistence.repositories.organisation import upsert_roster
from rehearsal.behaviour import RATINGS, Behaviour, Person, people
from rehearsal.http_driver import ApiAppraisal
from rehearsal.organisation import generate_organisation, hr_admin_for


class Tokens:
    """Bearer headers per person, signed once (RS256 signing costs about a millisecond)."""

    def __init__(self, issuer: DevTokenIssuer) -> None:
        self._issuer = issuer
        self._cache: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {}

    def __call__(self, nip: str, *roles: str) -> dict[str, str]:
        key = (nip, roles)
        if key not in self._cache:
            token = self._issuer.issue(
                subject=nip, nip=nip, roles=["pegawai", *roles], ttl_seconds=6 * 3600
            )
            self._cache[key] = {"Authorization": f"Bearer {token}"}
        return self._cache[key]


async def seed_organisation(database_url: str, records: Sequence[EmployeeRecord]) -> None:
    engine = create_engine(database_url)
    try:
        sessionmaker = create_sessionmaker(engine)
        for start in range(0, len(records), 5000):
            async with sessionmaker.begin() as session:
                await upsert_roster(session, records[start : start + 5000])
    finally:
        await engine.dispose()


def period_body(
    period_id: str,
    *,
    sosialisasi_in: timedelta,
    later_in: timedelta = timedelta(hours=1),
    reminder_before: timedelta = timedelta(days=3),
    escalation_interval: timedelta = timedelta(days=7),
) -> dict[str, Any]:
    """A period whose first due time is ``sosialisasi_in`` from now and whose other
    stages are ``later_in`` apart, with two explicit check-ins."""
    now = datetime.now(UTC)
    first = now + sosialisasi_in
    step = later_in
    schedule = PeriodSchedule(
        sosialisasi_due=first,
        skp_draft_due=first + step,
        skp_approval_due=first + step,
        checkin_dues=(first + 2 * step, first + 3 * step),
        wawancara_due=first + 4 * step,
        penilaian_due=first + 5 * step,
        tindak_lanjut_due=first + 6 * step,
        feedback_days=1,
        keberatan_days=1,
        reminder_before=reminder_before,
        escalation_interval=escalation_interval,
    )
    period = Period(
        period_id=period_id,
        name=f"Bench {period_id}",
        starts_on=now.date(),
        ends_on=(first + 7 * step).date() + timedelta(days=1),
        schedule=schedule,
    )
    return period.model_dump(mode="json")


async def open_period(
    http: httpx.AsyncClient, hr: dict[str, str], body: dict[str, Any]
) -> httpx.Response:
    headers = {**hr, "Idempotency-Key": uuid.uuid4().hex}
    response = await http.post("/periods", json=body, headers=headers)
    if response.status_code not in (200, 201, 202):
        raise RuntimeError(f"POST /periods: {response.status_code} {response.text[:300]}")
    return response


async def count_persisted(db: asyncpg.Connection, period_id: str) -> int:
    return int(await db.fetchval("SELECT count(*) FROM appraisal WHERE period_id = $1", period_id))


# --- period start ----------------------------------------------------------------------


@dataclass
class PeriodStartFigures:
    n: int
    employees_per_s: float
    seconds: float


async def measure_period_start(
    http: httpx.AsyncClient, tokens: Tokens, hr_nip: str, database_url: str, n: int
) -> PeriodStartFigures:
    period_id = f"start-{uuid.uuid4().hex[:6]}"
    # due times far away: nothing but the fan-out and the first persist happens
    body = period_body(period_id, sosialisasi_in=timedelta(days=30), later_in=timedelta(days=30))
    db = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        began = time.monotonic()
        await open_period(http, tokens(hr_nip, "hr_admin"), body)
        done = await wait_until(
            lambda: count_persisted(db, period_id), n, patience=max(300, n / 5), interval=0.25
        )
    finally:
        await db.close()
    return PeriodStartFigures(n=n, employees_per_s=n / (done - began), seconds=done - began)


# --- the full cycle --------------------------------------------------------------------


# The full cycle's people: 5 % acknowledge late (after the due time, so they are
# reminded and escalated), 20 % get their SKP returned once, and half of those rated
# below expectations object (2 % of the others); predicates spread as the default.
CYCLE_BEHAVIOUR = Behaviour(
    late_share=0.05, return_share=0.2, objection_share_low=0.5, objection_share_other=0.02
)


def crowd_of(records: Sequence[EmployeeRecord], seed: int) -> list[Person]:
    return list(people(records, CYCLE_BEHAVIOUR, random.Random(seed), Person).values())


@dataclass
class CycleFigures:
    period_id: str
    m: int
    actions: int
    seconds: float
    actions_per_s: float  # over the wall time, the late cohort's deliberate wait included
    busy_seconds: float  # the part of it with at least one request in flight
    busy_actions_per_s: float  # throughput while anyone was acting: the figure compared
    approval_latencies_ms: list[float]
    failures: list[str]
    stages: dict[str, int]
    by_action: dict[str, int]
    notices: int
    units: int
    overrides: int


@dataclass
class CycleDriver:
    http: httpx.AsyncClient
    tokens: Tokens
    hr_nip: str
    tim_by_agency: dict[str, str]
    period_id: str
    concurrency: int
    hr_by_nip: dict[str, str] = field(default_factory=dict)  # heads rated by another HR
    limit: asyncio.Semaphore = field(init=False)
    actions: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    approvals_ms: list[float] = field(default_factory=list)
    overrides: int = 0
    busy_seconds: float = 0.0  # time with at least one request in flight
    _in_flight: int = field(default=0, init=False)
    _busy_since: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self.limit = asyncio.Semaphore(self.concurrency)

    @property
    def hr(self) -> dict[str, str]:
        return self.tokens(self.hr_nip, "hr_admin")

    def appraisal(self, person: Person) -> ApiAppraisal:
        """``person``'s appraisal, each step sent through :meth:`call`."""
        record = person.record
        hr = self.hr_by_nip.get(record.nip, self.hr_nip)
        return ApiAppraisal(
            self.send, self.tokens, self.period_id, record.nip, record.supervisor_nip, hr
        )

    async def send(
        self, method: str, url: str, headers: dict[str, str], body: Any, name: str
    ) -> dict[str, Any]:
        return await self.call(method, url, headers, body, name=name)

    async def call(
        self, method: str, path: str, headers: dict[str, str], body: Any = None, *, name: str
    ) -> dict[str, Any]:
        async with self.limit:
            began = time.perf_counter()
            self._enter(began)
            try:
                response = await self.http.request(method, path, headers=headers, json=body)
            finally:
                self._leave()
            elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{name}: {response.status_code} {response.text[:200]}")
        self.actions[name] += 1
        if name == "approve":
            self.approvals_ms.append(elapsed)
        result: dict[str, Any] = response.json()
        return result

    def _enter(self, now: float) -> None:
        if self._in_flight == 0:
            self._busy_since = now
        self._in_flight += 1

    def _leave(self) -> None:
        self._in_flight -= 1
        if self._in_flight == 0:
            self.busy_seconds += time.perf_counter() - self._busy_since

    async def to_rating(self, person: Person, late_until: float) -> None:
        appraisal = self.appraisal(person)
        if person.late:
            await asyncio.sleep(max(0.0, late_until - time.monotonic()))
        await appraisal.acknowledge()
        await appraisal.draft_skp()
        await appraisal.submit_skp()
        if person.returned:
            await appraisal.return_skp()
            await appraisal.draft_skp()
            await appraisal.submit_skp()
        await appraisal.approve_skp()
        for index in (1, 2):
            await appraisal.report_checkin(index)
            await appraisal.give_feedback(index)
        await appraisal.record_dialogue()
        hasil, perilaku = RATINGS[person.deserves]
        await appraisal.rate(hasil.value, perilaku.value)

    async def after_delivery(self, person: Person) -> None:
        appraisal = self.appraisal(person)
        filed = await appraisal.file_keberatan()
        await appraisal.add_statement()
        decision = {"outcome": "ditolak", "reasoning": "Penilaian sesuai bukti yang ada"}
        decided = await appraisal.decide_keberatan(filed["result"]["atasan_nip"], decision)
        if decided["stage"] != "tindak_lanjut":
            return
        due = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
        await appraisal.assign_development(
            {"kind": "pelatihan", "title": "Pelatihan teknis layanan", "due": due}
        )
        await appraisal.report_development(1, "Pelatihan selesai, sertifikat terlampir")
        await appraisal.confirm_development(1)

    async def finalise_unit(self, unit: str, agency: str) -> None:
        base = f"/periods/{self.period_id}/units/{unit}"
        await self.call("PUT", f"{base}/predikat", self.hr, {"predikat": "baik"}, name="unit")
        async with self.limit:
            report = (await self.http.get(f"{base}/distribution", headers=self.hr)).json()
        if not report.get("can_finalise") and report.get("violations"):
            tim = self.tim_by_agency[agency]
            await self.call(
                "POST", f"{base}/override", self.tokens(tim, "tim_penilai"),
                {"reason": "Unit kecil; sebaran predikat sesuai capaian nyata"}, name="override",
            )  # fmt: skip
            self.overrides += 1
        body = await self.call("POST", f"{base}/finalise", self.hr, name="finalise")
        self.actions["delivered"] += int(body.get("delivered", 0))


async def run_full_cycle(
    http: httpx.AsyncClient,
    tokens: Tokens,
    records: Sequence[EmployeeRecord],
    database_url: str,
    *,
    concurrency: int,
    seed: int,
) -> CycleFigures:
    period_id = f"cycle-{uuid.uuid4().hex[:6]}"
    hr_nip = next(r.nip for r in records if r.is_hr_admin)
    tim_by_agency = {r.agency_code: r.nip for r in records if r.is_tim_penilai}
    m = len(records)
    # the late cohort acknowledges past the first due time: reminded, escalated twice.
    # The rest must be able to open (about 45/s here) and acknowledge (about 30/s) before
    # it; at m / 40 s the on-time majority of M = 1,000 was escalated every 10 s too
    # (6,253 notices), and the row measured escalations rather than people's actions.
    first_due = timedelta(seconds=max(20.0, m / 10))
    escalation = timedelta(seconds=10)
    body = period_body(
        period_id,
        sosialisasi_in=first_due,
        reminder_before=timedelta(seconds=8),
        escalation_interval=escalation,
    )
    heads = [r for r in records if r.supervisor_nip is None]
    hr_by_nip = {r.nip: hr_admin_for(records, r) for r in heads}
    driver = CycleDriver(
        http, tokens, hr_nip, tim_by_agency, period_id, concurrency, hr_by_nip=hr_by_nip
    )
    crowd = crowd_of(records, seed)
    members: dict[str, list[Person]] = {}
    for person in crowd:
        members.setdefault(person.record.unit_code, []).append(person)
    rated = Counter[str]()
    ready = {unit: asyncio.Event() for unit in members}
    final = {unit: asyncio.Event() for unit in members}
    db = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        began = time.monotonic()
        await open_period(http, tokens(hr_nip, "hr_admin"), body)
        await wait_until(lambda: count_persisted(db, period_id), m, patience=300)
        late_until = began + first_due.total_seconds() + 1.5 * escalation.total_seconds()

        async def journey(person: Person) -> None:
            unit = person.record.unit_code
            try:
                await driver.to_rating(person, late_until)
            except Exception as error:
                driver.failures.append(str(error))
            finally:
                rated[unit] += 1
                if rated[unit] == len(members[unit]):
                    ready[unit].set()
            await final[unit].wait()
            if person.objects:
                try:
                    await driver.after_delivery(person)
                except Exception as error:
                    driver.failures.append(str(error))

        async def unit_flow(unit: str) -> None:
            await ready[unit].wait()
            try:
                await driver.finalise_unit(unit, members[unit][0].record.agency_code)
            except Exception as error:
                driver.failures.append(str(error))
            finally:
                final[unit].set()

        await asyncio.gather(
            *(journey(person) for person in crowd), *(unit_flow(unit) for unit in members)
        )
        seconds = time.monotonic() - began
        notices = int(
            await db.fetchval("SELECT count(*) FROM notification WHERE period_id = $1", period_id)
        )
        stages = {
            row["stage"]: row["n"]
            for row in await db.fetch(
                "SELECT stage, count(*) AS n FROM appraisal WHERE period_id = $1 GROUP BY stage",
                period_id,
            )
        }
    finally:
        await db.close()
    actions = sum(n for name, n in driver.actions.items())
    return CycleFigures(
        period_id=period_id,
        m=m,
        actions=actions,
        seconds=seconds,
        actions_per_s=actions / seconds,
        busy_seconds=driver.busy_seconds,
        busy_actions_per_s=actions / driver.busy_seconds,
        approval_latencies_ms=driver.approvals_ms,
        failures=driver.failures,
        stages=stages,
        by_action=dict(driver.actions),
        notices=notices,
        units=len(members),
        overrides=driver.overrides,
    )


# --- approval latency under load -------------------------------------------------------


@dataclass
class LatencyFigures:
    samples: int
    concurrency: int
    p50_ms: float
    p99_ms: float
    approvals_per_s: float
    failures: int
    open_rate: float
    open_samples: int
    open_p50_ms: float
    open_p99_ms: float


async def measure_approval_latency(
    http: httpx.AsyncClient,
    tokens: Tokens,
    records: Sequence[EmployeeRecord],
    database_url: str,
    *,
    setup_concurrency: int,
    concurrency: int,
    open_rate: float,
) -> LatencyFigures:
    """Everyone's SKP submitted; then half the approvals sent by ``concurrency`` virtual
    users back to back (a closed loop, the machine saturated) and the other half arriving
    at ``open_rate`` per second (an open loop): the latency of each ``POST …/skp/approve``."""
    period_id = f"lat-{uuid.uuid4().hex[:6]}"
    hr_nip = next(r.nip for r in records if r.is_hr_admin)
    body = period_body(period_id, sosialisasi_in=timedelta(hours=1))
    driver = CycleDriver(http, tokens, hr_nip, {}, period_id, setup_concurrency)
    crowd = crowd_of(records, seed=7)
    db = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await open_period(http, tokens(hr_nip, "hr_admin"), body)
        await wait_until(lambda: count_persisted(db, period_id), len(records), patience=300)
    finally:
        await db.close()

    async def submitted(person: Person) -> None:
        appraisal = driver.appraisal(person)
        await appraisal.acknowledge()
        await appraisal.draft_skp()
        await appraisal.submit_skp()

    await asyncio.gather(*(submitted(person) for person in crowd))
    failures = 0

    def approve(person: Person) -> Any:
        async def send() -> None:
            nonlocal failures
            appraisal = driver.appraisal(person)
            url = f"{appraisal.url}/skp/approve"
            response = await http.post(url, headers=appraisal.penilai, json={"note": "Ok"})
            if response.status_code != 200:
                failures += 1

        return send

    half = len(crowd) // 2
    latencies, seconds = await closed_loop(concurrency, [approve(p) for p in crowd[:half]])
    open_latencies = await open_loop(open_rate, [approve(p) for p in crowd[half:]])
    return LatencyFigures(
        samples=len(latencies),
        concurrency=concurrency,
        p50_ms=median(latencies),
        p99_ms=percentile(latencies, 0.99),
        approvals_per_s=len(latencies) / seconds,
        failures=failures,
        open_rate=open_rate,
        open_samples=len(open_latencies),
        open_p50_ms=median(open_latencies),
        open_p99_ms=percentile(open_latencies, 0.99),
    )


# --- the read side ---------------------------------------------------------------------


@dataclass
class ReadFigures:
    rows: int
    bare_count_ms: float
    summary_ms: float
    summary_agency_ms: float
    list_ms: float | None
    list_note: str
    repo_ms: dict[str, float]


STAGES = ["sosialisasi", "perencanaan", "pemantauan", "wawancara", "penilaian", "tindak_lanjut"]


async def load_read_rows(
    database_url: str, period_id: str, rows: int, state: dict[str, Any]
) -> list[EmployeeRecord]:
    """``rows`` appraisal rows of one period straight into PostgreSQL (COPY), each with a
    realistic state document, then VACUUM ANALYZE as a nightly job would leave it."""
    org = generate_organisation(rows, seed=11)
    rng = random.Random(5)
    db = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        now = datetime.now(UTC)
        await db.execute(
            "INSERT INTO period (id, name, starts_on, ends_on, schedule, status, "
            "employees_started, created_by, created_at) VALUES "
            "($1, $2, $3, $4, $5::jsonb, 'running', $6, 'bench', now())",
            period_id, "Bench read side", now.date(), (now + timedelta(days=365)).date(),
            json.dumps({}), rows,
        )  # fmt: skip
        records = []
        for record in org:
            stage = rng.choice(STAGES)
            predikat = (
                rng.choice(list(Predikat)).value
                if stage in ("penilaian", "tindak_lanjut")
                else None
            )
            document = {**state, "period_id": period_id, "nip": record.nip, "stage": stage,
                        "agency_code": record.agency_code, "unit_code": record.unit_code,
                        "supervisor_nip": record.supervisor_nip}  # fmt: skip
            records.append(
                (
                    period_id, record.nip, record.agency_code, record.unit_code,
                    record.supervisor_nip, stage, predikat, 3, json.dumps(document),
                    f"appraisal-{period_id}-{record.nip}", now,
                )
            )  # fmt: skip
        await db.set_type_codec(
            "jsonb",
            encoder=lambda text: b"\x01" + text.encode(),  # binary jsonb: version 1, then text
            decoder=lambda data: json.loads(data[1:]),
            schema="pg_catalog",
            format="binary",
        )
        await db.copy_records_to_table(
            "appraisal",
            records=records,
            columns=[
                "period_id", "nip", "agency_code", "unit_code", "supervisor_nip", "stage",
                "predikat", "version", "state", "workflow_id", "updated_at",
            ],
        )  # fmt: skip
        await db.execute("VACUUM ANALYZE appraisal")
    finally:
        await db.close()
    return org


async def timed(repetitions: int, call: Any) -> float:
    """Median ms of ``repetitions`` calls, after two warm-up calls."""
    for _ in range(2):
        await call()
    samples = []
    for _ in range(repetitions):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    return median(samples)


async def measure_read_side(
    http: httpx.AsyncClient,
    tokens: Tokens,
    database_url: str,
    hr_nip: str,
    *,
    rows: int,
    repetitions: int,
    state: dict[str, Any],
) -> ReadFigures:
    period_id = f"read-{uuid.uuid4().hex[:6]}"
    org = await load_read_rows(database_url, period_id, rows, state)
    agency = org[len(org) // 2].agency_code
    unit = org[len(org) // 2].unit_code
    hr = tokens(hr_nip, "hr_admin")
    db = await asyncpg.connect(asyncpg_dsn(database_url))
    engine = create_engine(database_url)
    sessionmaker: async_sessionmaker[AsyncSession] = create_sessionmaker(engine)
    try:
        bare = await timed(
            repetitions,
            lambda: db.fetchval("SELECT count(*) FROM appraisal WHERE period_id = $1", period_id),
        )

        async def get(url: str) -> None:
            response = await http.get(url, headers=hr)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:200]}")

        summary = await timed(repetitions, lambda: get(f"/periods/{period_id}"))

        async def agency_counts() -> None:
            async with sessionmaker() as session:
                await count_by_stage(session, period_id, agency_code=agency)

        summary_agency = await timed(repetitions, agency_counts)
        list_ms: float | None = None
        list_note = "GET /appraisals not in this build"
        spec = (await http.get("/openapi.json")).json()
        if "get" in spec.get("paths", {}).get("/appraisals", {}):
            url = (
                f"/appraisals?period_id={period_id}&agency_code={agency}&stage=pemantauan&limit=50"
            )
            try:
                list_ms = await timed(repetitions, lambda: get(url))
                list_note = "GET /appraisals?period_id&agency_code&stage&limit=50"
            except RuntimeError as error:
                list_note = f"GET /appraisals failed: {error}"[:200]

        async def open_page() -> None:
            async with sessionmaker() as session:
                await open_appraisal_nips(
                    session, period_id, agency_code=agency, unit_code=None,
                    after_nip=None, limit=200,
                )  # fmt: skip

        async def members() -> None:
            async with sessionmaker() as session:
                await unit_repo.unit_members(session, period_id, unit)

        repo = {
            "open_appraisal_nips(agency, 200)": await timed(repetitions, open_page),
            "unit_members(unit)": await timed(repetitions, members),
        }
    finally:
        await db.close()
        await engine.dispose()
    return ReadFigures(
        rows=rows,
        bare_count_ms=bare,
        summary_ms=summary,
        summary_agency_ms=summary_agency,
        list_ms=list_ms,
        list_note=list_note,
        repo_ms=repo,
    )


async def sample_state(database_url: str, period_id: str) -> dict[str, Any]:
    """A state document from the full cycle, rated, to fill the read-side table with."""
    db = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        raw = await db.fetchval(
            "SELECT state::text FROM appraisal WHERE period_id LIKE $1 AND stage = 'penilaian' "
            "LIMIT 1",
            period_id,
        )
    finally:
        await db.close()
    with contextlib.suppress(TypeError, ValueError):
        return dict(json.loads(raw))
    return {}
