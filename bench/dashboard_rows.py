"""The dashboard row: the server time of a period's dashboard page
(``GET /periode/{id}/dasbor``, HR, every agency) for N appraisals, against the period
summary's JSON (``GET /periods/{id}/summary``) on the same app, same data, same run.

A read-side row: the appraisals, unit assessments and notices are written straight into
PostgreSQL (COPY), no workflow runs. Each appraisal carries a state document of a
realistic size (an SKP of three RHK, its notices, development actions for those below
expectations), because the training load is read from inside those documents. The app is
called in-process through ``httpx.ASGITransport``, as in ``bench.web_rows``."""

import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from temporalio.client import Client

from bench.kinerja_rows import Tokens, seed_organisation
from bench.measure import percentile
from bench.stack import asyncpg_dsn
from bench.web_rows import LOOPBACK, _log_in, web_app
from domain.distribusi import UnitPredikat
from domain.notices import StepKind
from domain.organisation import EmployeeRecord
from domain.predikat import NEEDS_DEVELOPMENT, Predikat
from persistence.db import create_engine
from rehearsal.organisation import generate_organisation
from rehearsal.skp import skp_json

PAGE, SUMMARY, JSON = "GET /periode/{id}/dasbor", "GET /periods/{id}/summary", "GET /dashboard"
STAGES = ["sosialisasi", "perencanaan", "pemantauan", "wawancara", "penilaian", "tindak_lanjut",
          "selesai"]  # fmt: skip
RATED = ("penilaian", "tindak_lanjut", "selesai")


@dataclass
class DashboardFigures:
    appraisals: int
    units: int
    agencies: int
    notices: int
    repetitions: int
    ms: dict[str, dict[str, float]]  # endpoint -> p50, p99
    ratio_p99: float
    ratio_p50: float
    bytes: dict[str, int]
    seed_s: float


def _state(rng: random.Random, nip: str, stage: str, predikat: str | None, now: datetime) -> str:
    """A state document of about the size the workflows write."""
    notices = [
        {"key": f"sosialisasi@{now.isoformat()}/pengingat/0", "step_key": "sosialisasi",
         "step": "sosialisasi", "kind": "pengingat", "level": 0, "recipient_role": "pegawai",
         "recipient_nip": nip, "due": now.isoformat(), "at": now.isoformat()}
        for _ in range(rng.randint(0, 4))
    ]  # fmt: skip
    development = []
    if predikat in {p.value for p in NEEDS_DEVELOPMENT} and stage != "penilaian":
        for number in range(1, rng.randint(1, 3) + 1):
            done = stage == "selesai" or rng.random() < 0.4
            development.append(
                {"number": number, "kind": rng.choice(["pelatihan", "bimbingan", "coaching",
                 "mentoring"]), "title": "Pelatihan pelayanan publik", "catalogue_code": None,
                 "due": (now + timedelta(days=90)).isoformat(), "assigned_by": nip,
                 "assigned_at": now.isoformat(), "reported_at": now.isoformat() if done else None,
                 "report_note": "Selesai" if done else None, "evidence_url": None,
                 "confirmed_at": now.isoformat() if done else None,
                 "confirmed_by": nip if done else None}
            )  # fmt: skip
    return json.dumps(
        {"nip": nip, "stage": stage, "skp": {"status": "disetujui", "content": skp_json(3)},
         "notices": notices, "development": development}
    )  # fmt: skip


async def seed_dashboard_rows(
    database_url: str, records: list[EmployeeRecord], period_id: str
) -> int:
    """The period, one appraisal per person, a unit assessment per unit (a third broken and
    half of those overridden) and escalations; VACUUM ANALYZE. Answers the notices
    written."""
    rng = random.Random(17)
    now = datetime.now(UTC)
    db = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await db.execute(
            "INSERT INTO period (id, name, starts_on, ends_on, schedule, status, "
            "employees_started, created_by, created_at) VALUES "
            "($1, $2, $3, $4, '{}'::jsonb, 'running', $5, 'bench', now())",
            period_id, "Bench dasbor", now.date(), (now + timedelta(days=365)).date(),
            len(records),
        )  # fmt: skip
        rows, notices = [], []
        for record in records:
            stage = rng.choices(STAGES, weights=[1, 2, 3, 2, 3, 2, 1])[0]
            predikat = rng.choice(list(Predikat)).value if stage in RATED else None
            overdue = stage != "selesai" and rng.random() < 0.15
            at_risk = stage in ("pemantauan", "wawancara", "penilaian") and rng.random() < 0.1
            rows.append(
                (period_id, record.nip, record.agency_code, record.unit_code,
                 record.supervisor_nip, stage, predikat, overdue, at_risk, 3,
                 _state(rng, record.nip, stage, predikat, now),
                 f"appraisal-{period_id}-{record.nip}", now)
            )  # fmt: skip
            if overdue:
                for level in range(1, rng.randint(1, 3) + 1):
                    step = rng.choice(list(StepKind)).value
                    notices.append(
                        (f"appraisal-{period_id}-{record.nip}", f"{step}/{level}", period_id,
                         record.nip, "pejabat_penilai", None, "eskalasi", step, level, now, now)
                    )  # fmt: skip
        await db.set_type_codec(
            "jsonb",
            encoder=lambda text: b"\x01" + text.encode(),
            decoder=lambda data: json.loads(data[1:]),
            schema="pg_catalog",
            format="binary",
        )
        await db.copy_records_to_table(
            "appraisal",
            records=rows,
            columns=["period_id", "nip", "agency_code", "unit_code", "supervisor_nip", "stage",
                     "predikat", "overdue", "at_risk", "version", "state", "workflow_id",
                     "updated_at"],
        )  # fmt: skip
        await db.copy_records_to_table(
            "notification",
            records=notices,
            columns=["workflow_id", "notice_key", "period_id", "subject_nip", "recipient_role",
                     "recipient_nip", "kind", "step", "level", "due", "created_at"],
        )  # fmt: skip
        units = sorted({(r.agency_code, r.unit_code) for r in records})
        assessments = []
        for agency, unit in units:
            predikat = rng.choice(list(UnitPredikat))
            override = None
            if rng.random() < 0.15:
                override = {"reason": "Capaian unit diverifikasi Inspektorat", "by": records[0].nip,
                            "at": now.isoformat(), "violations": []}  # fmt: skip
            state = {
                "period_id": period_id, "unit_code": unit, "agency_code": agency,
                "unit_predikat": predikat.value, "override": override, "version": 2,
            }  # fmt: skip
            assessments.append((period_id, unit, agency, predikat.value, 2, json.dumps(state), now))
        await db.copy_records_to_table(
            "unit_assessment",
            records=assessments,
            columns=["period_id", "unit_code", "agency_code", "unit_predikat", "version", "state",
                     "updated_at"],
        )  # fmt: skip
        await db.execute("VACUUM ANALYZE appraisal")
        await db.execute("VACUUM ANALYZE notification")
    finally:
        await db.close()
    return len(notices)


async def measure_dashboard(
    temporal: Client,
    database_url: str,
    jwks: dict[str, Any],
    tokens: Tokens,
    *,
    appraisals: int,
    repetitions: int,
    issuer: str,
    audience: str,
    warmup: int = 10,
) -> DashboardFigures:
    """Seed, log HR in, then ``repetitions`` rounds of the page, the summary and the
    dashboard's JSON, one at a time in a shuffled order."""
    began = time.monotonic()
    records = generate_organisation(appraisals, seed=23)
    hr_nip = next(r.nip for r in records if r.is_hr_admin)
    await seed_organisation(database_url, records)
    period_id = f"dash-{uuid.uuid4().hex[:6]}"
    notices = await seed_dashboard_rows(database_url, records, period_id)
    seed_s = time.monotonic() - began
    engine = create_engine(database_url)
    app = web_app(temporal, engine, jwks, issuer=issuer, audience=audience, task_queue="unused")
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    hr = tokens(hr_nip, "hr_admin")
    try:
        async with (
            httpx.AsyncClient(transport=transport, base_url=LOOPBACK, timeout=120) as api,
            httpx.AsyncClient(transport=transport, base_url=LOOPBACK, timeout=120) as browser,
        ):
            await _log_in(browser, hr_nip)
            calls = {
                PAGE: (browser, f"/periode/{period_id}/dasbor", {}),
                SUMMARY: (api, f"/periods/{period_id}/summary", hr),
                JSON: (api, f"/periods/{period_id}/dashboard", hr),
            }
            sizes = {}
            for name, (client, url, headers) in calls.items():
                answer = await client.get(url, headers=headers)
                if answer.status_code != 200:
                    raise RuntimeError(f"{name}: {answer.status_code} {answer.text[:300]}")
                sizes[name] = len(answer.content)
            samples: dict[str, list[float]] = {name: [] for name in calls}
            order = list(calls)
            rng = random.Random(3)
            for round_number in range(warmup + repetitions):
                rng.shuffle(order)
                for name in order:
                    client, url, headers = calls[name]
                    start = time.perf_counter()
                    answer = await client.get(url, headers=headers)
                    elapsed = (time.perf_counter() - start) * 1000
                    if answer.status_code != 200:
                        raise RuntimeError(f"{name}: {answer.status_code}")
                    if round_number >= warmup:
                        samples[name].append(elapsed)
    finally:
        await engine.dispose()
    ms = {
        name: {"p50": percentile(values, 0.5), "p99": percentile(values, 0.99)}
        for name, values in samples.items()
    }
    return DashboardFigures(
        appraisals=len(records),
        units=len({r.unit_code for r in records}),
        agencies=len({r.agency_code for r in records}),
        notices=notices,
        repetitions=repetitions,
        ms=ms,
        ratio_p99=ms[PAGE]["p99"] / ms[SUMMARY]["p99"],
        ratio_p50=ms[PAGE]["p50"] / ms[SUMMARY]["p50"],
        bytes=sizes,
        seed_s=seed_s,
    )
