"""Drill 7: audit coverage. A period is simulated through the real API and worker: the
organisation imported from a file, reminders and escalations firing for an employee who
is late, a deadline extension, a mutasi that re-routes a pending approval, a unit rated,
blocked-or-not by the distribution rule and finalised, a keberatan heard and decided, and
training assigned, reported and confirmed. Then, with every workflow idle:

- every state change in the projections has its audit event: each appraisal version
  1..v and each unit version 2..v has exactly the event keyed by it, nothing more;
- counted per kind, what the projections show happened equals what the audit trail
  says happened (acknowledgements, SKP events, check-ins, dialogues, ratings, deliveries,
  keberatan, training, notices per kind — also against the notification outbox —,
  mutasi — also against the employee table —, extensions, periods, imports);
- UPDATE, DELETE and TRUNCATE on ``audit_event`` fail, even for the application's role.
"""

import asyncio
import csv
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from api.roster_import import import_roster
from persistence.models import Appraisal, AuditEvent, Employee, Notification, Period
from persistence.models import UnitAssessment as UnitRow
from runtime.worker import build_worker
from tests.api.conftest import TokenFor
from tests.api.journey import UNIT_MEMBERS, Journey, skp_content, unit_url
from tests.drills.app import drill_app
from tests.drills.scale import report, sized
from tests.factories import make_period
from tests.keys import appraisal_id
from tests.orgs import HEAD, HR, OUTSIDER, PEER, SMALL_ORG, STAFF, SUPERVISOR
from tests.waiting import eventually
from workflows.ids import cycle_workflow_id, unit_workflow_id

Sessions = async_sessionmaker[AsyncSession]
SECOND = timedelta(seconds=1)
SKP_ACTIONS = {
    "disusun": "skp.drafted",
    "diajukan": "skp.submitted",
    "disetujui": "skp.approved",
    "dikembalikan": "skp.returned",
}


def write_roster(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "nip", "nama", "jabatan", "pangkat_golongan", "kode_opd", "nama_opd",
                "kode_unit", "nama_unit", "nip_atasan", "tim_penilai", "hr_admin",
            ]
        )  # fmt: skip
        for r in SMALL_ORG:
            writer.writerow(
                [
                    r.nip, r.name, r.position, r.grade, r.agency_code, r.agency_name,
                    r.unit_code, r.unit_name, r.supervisor_nip or "",
                    "ya" if r.is_tim_penilai else "tidak", "ya" if r.is_hr_admin else "tidak",
                ]
            )  # fmt: skip
    return path


@asynccontextmanager
async def stack(
    env: WorkflowEnvironment, sessionmaker: Sessions, signing_key: bytes, queue: str
) -> AsyncIterator[httpx.AsyncClient]:
    app = drill_app(env.client, sessionmaker, signing_key, queue)
    async with build_worker(env.client, sessionmaker, task_queue=queue):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://k.test") as http:
            yield http


async def simulate_period(http: httpx.AsyncClient, auth: TokenFor, period_id: str) -> None:
    """One period, compressed: the first deadlines in seconds, the rest months away."""
    now = datetime.now(UTC)
    period = make_period(
        period_id,
        start=now,
        sosialisasi_due=now + 5 * SECOND,
        skp_draft_due=now + 10 * SECOND,
        reminder_before=2 * SECOND,
        escalation_interval=2 * SECOND,
        checkin_dues=(now + timedelta(days=150),),
    )
    hr = auth(HR, "hr_admin")
    started = await http.post("/periods", json=period.model_dump(mode="json"), headers=hr)
    assert started.status_code == 201, started.text

    async def total() -> int:
        response = await http.get(f"/periods/{period_id}", headers=hr)
        return int(response.json().get("total", 0)) if response.status_code == 200 else 0

    await eventually(total, lambda n: n == len(SMALL_ORG), what="every appraisal opened")
    unit = {nip: Journey(http, auth, period_id, nip) for nip in UNIT_MEMBERS}
    late = Journey(http, auth, period_id, OUTSIDER)
    own = Journey(http, auth, period_id, HR)

    async def the_unit() -> None:
        ratings = {nip: ("sesuai", "sesuai") for nip in UNIT_MEMBERS}
        ratings[STAFF] = ratings[PEER] = ("di_bawah", "sesuai")  # → butuh_perbaikan
        await asyncio.gather(*(unit[nip].rated(*ratings[nip]) for nip in UNIT_MEMBERS))
        url = unit_url(period_id)
        response = await http.put(f"{url}/predikat", json={"predikat": "baik"}, headers=hr)
        assert response.status_code == 200, response.text
        response = await http.post(f"{url}/finalise", headers=hr)
        assert response.status_code == 200, response.text
        staff, supervisor = unit[STAFF], auth(SUPERVISOR, "pejabat_penilai")
        await staff.ok("POST", "/keberatan", staff.employee, {"reasons": "Beban kerja bertambah"})
        await staff.ok(
            "POST", "/keberatan/statements", supervisor, {"text": "Target tidak tercapai"}
        )
        await staff.ok(
            "POST",
            "/keberatan/decision",
            auth(HEAD, "pejabat_penilai"),
            {"outcome": "ditolak", "reasoning": "Realisasi memang di bawah target"},
        )
        await staff.ok(
            "POST", "/development", supervisor, {"kind": "pelatihan", "title": "Pelatihan dasar"}
        )
        await staff.ok("POST", "/development/1/report", staff.employee, {"note": "Selesai 40 JP"})
        done = await staff.ok("POST", "/development/1/confirm", supervisor)
        assert done["stage"] == "selesai"

    async def the_late_one() -> None:
        # HR moves OUTSIDER's sosialisasi deadline; reminders and escalations follow it
        await late.ok(
            "POST",
            "/deadlines/sosialisasi_due/extend",
            hr,
            {"new_due": (now + 7 * SECOND).isoformat(), "reason": "Sedang dinas luar"},
        )
        await asyncio.sleep(max(0.0, (now + 10.5 * SECOND - datetime.now(UTC)).total_seconds()))
        await late.ok("POST", "/acknowledge", late.employee)
        await asyncio.sleep(max(0.0, (now + 13.5 * SECOND - datetime.now(UTC)).total_seconds()))
        await late.ok("PUT", "/skp", late.employee, {"content": skp_content()})
        await late.ok("POST", "/skp/submit", late.employee)
        # mutasi: the pending approval moves to a new pejabat penilai, who approves
        await late.ok(
            "POST", "/supervisor", hr, {"new_supervisor_nip": HEAD, "reason": "Mutasi ke Dinkes"}
        )
        await late.ok("POST", "/skp/approve", auth(HEAD, "pejabat_penilai"), {"note": "Setuju"})

    async def hr_own() -> None:
        await own.ok("POST", "/acknowledge", own.employee)
        await own.ok("PUT", "/skp", own.employee, {"content": skp_content()})
        await own.ok("POST", "/skp/submit", own.employee)

    await asyncio.gather(the_unit(), the_late_one(), hr_own())


async def idle(env: WorkflowEnvironment, period_ids: list[str]) -> None:
    """Every workflow of the periods has no task and no activity pending (twice in a row)."""

    async def busy() -> int:
        count = 0
        for period_id in period_ids:
            ids = [appraisal_id(period_id, r.nip) for r in SMALL_ORG]
            ids += [cycle_workflow_id(period_id), unit_workflow_id(period_id, "DINKES-UMUM")]
            for workflow_id in ids:
                try:
                    raw = (
                        await env.client.get_workflow_handle(workflow_id).describe()
                    ).raw_description
                except RPCError:
                    continue
                count += raw.HasField("pending_workflow_task") + len(raw.pending_activities)
        return count

    await eventually(busy, lambda n: n == 0, what="every workflow idle")
    await asyncio.sleep(0.5)
    await eventually(busy, lambda n: n == 0, what="every workflow still idle")


def happened(state: dict[str, Any]) -> Counter[str]:
    """What one appraisal projection shows happened, by audit action."""
    seen: Counter[str] = Counter({"appraisal.opened": 1})
    seen["sosialisasi.acknowledged"] += state["acknowledged_at"] is not None
    for event in state["skp"]["history"]:
        seen[SKP_ACTIONS[event["kind"]]] += 1
    for checkin in state["checkins"]:
        seen["pemantauan.reported"] += checkin["report"] is not None
        seen["pemantauan.feedback"] += checkin["feedback"] is not None
    for dialogue in state["dialogues"]:
        seen["wawancara.scheduled"] += dialogue["scheduled_for"] is not None
        seen["wawancara.recorded"] += dialogue["recorded_by"] is not None
    result, keberatan = state["result"], state["keberatan"]
    if result:
        seen["penilaian.rated"] += 1  # the simulation rates each appraisal once
        seen["penilaian.delivered"] += result["delivered_at"] is not None
        decided = bool(keberatan and keberatan["decision"])
        seen["penilaian.locked"] += result["locked_at"] is not None and not decided
    if keberatan:
        seen["keberatan.filed"] += 1
        seen["keberatan.statement"] += len(keberatan["statements"])
        seen["keberatan.decided"] += keberatan["decision"] is not None
    for action in state["development"]:
        seen["tindak_lanjut.assigned"] += 1
        seen["tindak_lanjut.reported"] += action["reported_at"] is not None
        seen["tindak_lanjut.confirmed"] += action["confirmed_at"] is not None
    for notice in state["notices"]:
        seen[f"deadline.{notice['kind']}"] += 1
    seen["mutasi.supervisor_changed"] += len(state["supervisor_history"])
    seen["deadline.extended"] += len(state["due_overrides"])
    return +seen


async def test_every_state_change_has_its_audit_event(
    temporal_env: WorkflowEnvironment,
    sessionmaker: Sessions,
    signing_key: bytes,
    auth: TokenFor,
    tmp_path: Path,
) -> None:
    imported = await import_roster(sessionmaker, write_roster(tmp_path / "org.csv"), dry_run=False)
    assert imported.ok, imported.errors
    queue = f"drill7-{uuid.uuid4().hex[:8]}"
    period_ids = [f"d7{uuid.uuid4().hex[:8]}" for _ in range(sized(1, 4))]
    async with stack(temporal_env, sessionmaker, signing_key, queue) as http:
        await asyncio.gather(*(simulate_period(http, auth, p) for p in period_ids))
        await idle(temporal_env, period_ids)

    async with sessionmaker() as session:
        appraisals = (
            await session.scalars(select(Appraisal).where(Appraisal.period_id.in_(period_ids)))
        ).all()
        units = (
            await session.scalars(select(UnitRow).where(UnitRow.period_id.in_(period_ids)))
        ).all()
        events = (await session.scalars(select(AuditEvent))).all()
        outbox = (
            await session.scalars(
                select(Notification).where(Notification.period_id.in_(period_ids))
            )
        ).all()
        periods = (await session.scalars(select(Period).where(Period.id.in_(period_ids)))).all()
        employees = {e.nip: e for e in (await session.scalars(select(Employee))).all()}

    # 1. each projection version has exactly its event, and no event lacks its version
    expected_keys = {f"{a.workflow_id}/v{v}" for a in appraisals for v in range(1, a.version + 1)}
    expected_keys |= {
        f"{unit_workflow_id(u.period_id, u.unit_code)}/v{v}"
        for u in units
        for v in range(2, u.version + 1)
    }
    recorded_keys = {e.event_key for e in events if e.subject_type in ("appraisal", "unit")}
    assert recorded_keys == expected_keys, (
        sorted(expected_keys - recorded_keys)[:5],
        sorted(recorded_keys - expected_keys)[:5],
    )

    # 2. per kind: what the projections show == what the audit trail says
    shown: Counter[str] = Counter()
    for row in appraisals:
        shown += happened(row.state)
    audited = Counter(e.action for e in events if e.subject_type == "appraisal")
    assert audited == shown, {
        k: (audited[k], shown[k]) for k in audited | shown if audited[k] != shown[k]
    }
    unit_shown = Counter(
        {
            "unit.predikat_set": sum(u.unit_predikat is not None for u in units),
            "unit.override": sum(u.state.get("override") is not None for u in units),
            "unit.finalised": sum(u.finalised_at is not None for u in units),
        }
    )
    unit_audited = Counter(e.action for e in events if e.subject_type == "unit")
    assert unit_audited == +unit_shown
    outbox_kinds = Counter(f"deadline.{n.kind}" for n in outbox)
    assert outbox_kinds == Counter(
        {k: v for k, v in audited.items() if k.startswith("deadline.") and k != "deadline.extended"}
    )
    period_events = Counter(e.action for e in events if e.subject_type == "period")
    period_shown = Counter({"period.started": len(periods)})
    for row in periods:  # starting → running (fan-out done) → completed
        period_shown["period.running"] += row.status in ("running", "completed")
        period_shown["period.completed"] += row.status == "completed"
    assert period_events == +period_shown
    roster = {r.nip: r.supervisor_nip for r in SMALL_ORG}
    moved = sum(1 for nip, e in employees.items() if e.supervisor_nip != roster[nip])
    assert moved == 1 and audited["mutasi.supervisor_changed"] == len(period_ids)
    imports = [e for e in events if e.action == "organisation.imported"]
    assert len(imports) == 1 and imports[0].after == {
        "created": len(SMALL_ORG),
        "updated": 0,
        "unchanged": 0,
    }
    assert shown["deadline.eskalasi"] >= len(period_ids) and shown["deadline.pengingat"] >= 1
    assert shown["tindak_lanjut.confirmed"] == len(period_ids)

    # 3. the trail cannot be rewritten, not even by the application's own connection
    refused = []
    for statement in (
        update(AuditEvent).values(actor="someone else"),
        delete(AuditEvent).where(AuditEvent.action == "skp.approved"),
        text("TRUNCATE audit_event"),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with sessionmaker.begin() as session:
                await session.execute(statement)
        refused.append(type(statement).__name__)
    async with sessionmaker() as session:
        assert len((await session.scalars(select(AuditEvent.id))).all()) == len(events)

    report(
        7,
        "audit coverage after a simulated period",
        periods=len(period_ids),
        state_changes=len(expected_keys),
        audit_events=len(events),
        kinds_compared=len(shown) + len(+unit_shown) + len(+period_shown) + 1,
        kinds_matching="all",
        changes_without_event=0,
        notices=len(outbox),
        update_delete_truncate_refused=3,
    )
