"""Drill 3: PostgreSQL stops for a while (small: a few seconds; full: 30 s) while the API
is read and written and workflows persist commands and fire reminders. Activities retry
and catch up with nothing lost; every API answer meanwhile is 503 problem+json (never a
500, never a hang), and the API recovers by itself when the database is back.

Figure: outage length, API answers by status during it, time until the API answered 200
again and until every activity had caught up."""

import asyncio
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from sqlalchemy import select
from temporalio.client import WorkflowUpdateStage
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import TokenVerifier
from api.deps import ApiContext
from domain.appraisal import AppraisalState
from domain.notices import StepKind
from domain.sosialisasi import Acknowledge
from persistence.db import create_engine, create_sessionmaker
from persistence.migrate import upgrade_to_head
from persistence.models import Appraisal, AuditEvent, Notification
from persistence.repositories.organisation import upsert_roster
from runtime.devkeys import public_jwks
from runtime.worker import build_worker
from tests.api.conftest import AUDIENCE, ISSUER, TokenFor
from tests.drills.app import drill_app
from tests.drills.drive import pegawai
from tests.drills.org import HR_NIP, organisation
from tests.drills.postgres import StoppablePostgres
from tests.drills.scale import report, sized
from tests.drills.snapshot import integrity
from tests.factories import make_period
from tests.keys import appraisal_id
from tests.waiting import eventually
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import Envelope
from workflows.ids import cycle_workflow_id

PROBLEM_JSON = "application/problem+json"
OUTAGE = sized(4.0, 30.0)
MARGIN = sized(6.0, 20.0)  # seconds from the period's start to the reminders


async def test_api_and_activities_ride_out_a_database_outage(
    temporal_env: WorkflowEnvironment, signing_key: bytes, auth: TokenFor
) -> None:
    postgres = StoppablePostgres()
    engine = create_engine(postgres.url, pool_size=5)
    await upgrade_to_head(engine)
    sessionmaker = create_sessionmaker(engine)
    org = organisation(sized(11, 110))
    async with sessionmaker.begin() as session:
        await upsert_roster(session, org)
    queue = f"drill3-{uuid.uuid4().hex[:8]}"
    period_id = f"d3{uuid.uuid4().hex[:8]}"
    app = drill_app(temporal_env.client, sessionmaker, signing_key, queue)
    hr = auth(HR_NIP, "hr_admin")
    worker = build_worker(temporal_env.client, sessionmaker, task_queue=queue)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with worker, httpx.AsyncClient(transport=transport, base_url="http://k.test") as http:
        # The sosialisasi reminders fall due two seconds into the outage.
        start = datetime.now(UTC)
        reminders_at = start + timedelta(seconds=MARGIN)
        wait_for_reminder = timedelta(seconds=OUTAGE + 60)
        period = make_period(
            period_id,
            start=start,
            step=timedelta(seconds=MARGIN) + wait_for_reminder,
            reminder_before=wait_for_reminder,
            escalation_interval=timedelta(days=1),
        )
        started = await http.post("/periods", json=period.model_dump(mode="json"), headers=hr)
        assert started.status_code == 201, started.text

        async def opened() -> int:
            response = await http.get(f"/periods/{period_id}", headers=hr)
            return int(response.json().get("total", 0)) if response.status_code == 200 else 0

        await eventually(opened, lambda n: n == len(org), what="every appraisal opened")

        # Traffic: HR and employees read all the time; employees acknowledge.
        answers: list[tuple[float, str, int, str]] = []  # (asked at, kind, status, type)
        stop_traffic = asyncio.Event()

        async def read_forever(worker_index: int) -> None:
            while not stop_traffic.is_set():
                record = org[worker_index % len(org)]
                for url in (f"/appraisals/{period_id}/{record.nip}", f"/periods/{period_id}"):
                    asked = time.monotonic()
                    try:
                        response = await asyncio.wait_for(http.get(url, headers=hr), timeout=20)
                        kind = response.headers.get("content-type", "")
                        answers.append((asked, "read", response.status_code, kind))
                    except TimeoutError:
                        answers.append((asked, "read", 0, "hang"))
                await asyncio.sleep(0.05)

        readers = [asyncio.create_task(read_forever(i)) for i in range(4)]
        await asyncio.sleep(0.5)

        # Half the staff acknowledge through Temporal just before the stop: their
        # persistence activities run into the outage.
        half = org[: len(org) // 2]
        handles = []
        for record in half:
            handle = temporal_env.client.get_workflow_handle(appraisal_id(period_id, record.nip))
            handles.append(
                await handle.start_update(
                    AppraisalWorkflow.acknowledge,
                    Envelope[Acknowledge](actor=pegawai(record.nip), command=Acknowledge()),
                    wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                    result_type=AppraisalState,
                )
            )
        until_outage = (reminders_at - timedelta(seconds=2) - datetime.now(UTC)).total_seconds()
        assert until_outage > 0, "setup took longer than the margin; raise MARGIN"
        await asyncio.sleep(until_outage)
        postgres.stop()
        down_at = time.monotonic()
        down_wall = datetime.now(UTC)
        # the other half try through the API while the database is away
        writes: list[int] = []
        for record in org[len(org) // 2 :]:
            asked = time.monotonic()
            response = await http.post(
                f"/appraisals/{period_id}/{record.nip}/acknowledge", headers=auth(record.nip)
            )
            writes.append(response.status_code)
            answers.append((asked, "write", response.status_code, response.headers["content-type"]))
        await asyncio.sleep(max(0.0, OUTAGE - (time.monotonic() - down_at)))
        restarting_at = time.monotonic()
        postgres.start()
        up_at = time.monotonic()

        async def read_ok() -> int:
            response = await http.get(f"/periods/{period_id}", headers=hr)
            return response.status_code

        await eventually(read_ok, lambda status: status == 200, patience=60, what="API back")
        api_back = time.monotonic() - up_at
        acknowledged = [await handle.result() for handle in handles]
        activities_back = time.monotonic() - up_at
        # the refused writes are the client's to retry, and now they pass
        for record in org[len(org) // 2 :]:
            response = await http.post(
                f"/appraisals/{period_id}/{record.nip}/acknowledge", headers=auth(record.nip)
            )
            assert response.status_code == 200, response.text

        # those who had not acknowledged when their reminder fell due, in the outage
        reminders_due = [record.nip for record in org[len(org) // 2 :]]
        assert down_wall < reminders_at < datetime.now(UTC)

        async def reminded() -> set[str]:
            async with sessionmaker() as session:
                rows = await session.scalars(
                    select(Notification.subject_nip).where(
                        Notification.period_id == period_id,
                        Notification.step == StepKind.SOSIALISASI.value,
                    )
                )
                return set(rows.all())

        await eventually(
            reminded, lambda nips: nips >= set(reminders_due), patience=90, what="reminders"
        )
        caught_up = time.monotonic() - up_at
        await asyncio.sleep(0.3)
        stop_traffic.set()
        await asyncio.gather(*readers)

        # asked while it was down, and not just before the restart (a request that reaches
        # the database only after the restart rightly succeeds)
        during = [a for a in answers if down_at <= a[0] < restarting_at - 0.5]
        statuses = Counter((kind, status) for _, kind, status, _ in during)
        assert during, "traffic must have reached the API during the outage"
        assert all(status == 503 for _, _, status, _ in during), (
            statuses,
            [(round(a[0] - down_at, 3), a[2]) for a in during if a[2] != 503],
            round(restarting_at - down_at, 3),
        )
        assert all(kind == PROBLEM_JSON for _, _, _, kind in during)
        assert all(status != 500 for _, _, status, _ in answers), Counter(
            s for _, _, s, _ in answers
        )
        assert all(s.version == 2 for s in acknowledged)

        async with sessionmaker() as session:
            stages = Counter(
                (
                    await session.scalars(
                        select(Appraisal.stage).where(Appraisal.period_id == period_id)
                    )
                ).all()
            )
            acks = len(
                (
                    await session.scalars(
                        select(AuditEvent.id).where(
                            AuditEvent.period_id == period_id,
                            AuditEvent.action == "sosialisasi.acknowledged",
                        )
                    )
                ).all()
            )
        assert stages == {"perencanaan": len(org)}
        assert acks == len(org)
        checks = await integrity(sessionmaker, period_id)
        assert checks == dict.fromkeys(checks, 0)
        after = [a for a in answers if a[0] >= up_at + api_back]
        report(
            3,
            "PostgreSQL stopped under traffic",
            appraisals=len(org),
            outage_s=up_at - down_at,
            api_answers_during_outage=dict(statuses),
            api_500s_overall=sum(1 for _, _, s, _ in answers if s == 500),
            api_200_again_after_s=api_back,
            accepted_commands_persisted_after_s=activities_back,
            reminders_caught_up_after_s=caught_up,
            reads_after_recovery_ok=sum(1 for a in after if a[2] == 200),
            lost=0,
            **checks,
        )
    await temporal_env.client.get_workflow_handle(cycle_workflow_id(period_id)).terminate("over")
    await engine.dispose()
    postgres.close()


async def test_a_read_caught_mid_query_by_the_stop_is_a_503_too(
    temporal_env: WorkflowEnvironment, signing_key: bytes, auth: TokenFor
) -> None:
    """The traffic above mostly meets a database that is already gone; this pins down the
    moment itself: a read waiting inside PostgreSQL when it shuts down (its connection is
    terminated by the server, SQLSTATE 08003/57P01) must also answer 503."""
    postgres = StoppablePostgres()
    engine = create_engine(postgres.url, pool_size=2)
    await upgrade_to_head(engine)
    async with create_sessionmaker(engine).begin() as session:  # the roster knows HR
        await upsert_roster(session, [r for r in organisation(1) if r.nip == HR_NIP])
    app = create_app(
        ApiContext(
            temporal=temporal_env.client,
            sessionmaker=create_sessionmaker(engine),
            verifier=TokenVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=public_jwks(signing_key)),
            task_queue="unused",
        )
    )
    locker = await asyncpg.connect(postgres.url)
    transaction = locker.transaction()
    await transaction.start()
    await locker.execute("LOCK TABLE period IN ACCESS EXCLUSIVE MODE")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://k.test") as http:
        read = asyncio.create_task(http.get("/periods/2026", headers=auth(HR_NIP, "hr_admin")))
        await asyncio.sleep(0.5)
        assert not read.done(), "the read should be waiting on the lock"
        await asyncio.to_thread(postgres.stop)
        response = await asyncio.wait_for(read, timeout=30)
        postgres.start()
        again = await http.get("/periods/2026", headers=auth(HR_NIP, "hr_admin"))
    await engine.dispose()
    postgres.close()

    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "/problems/service-unavailable"
    assert again.status_code == 404  # recovered by itself: no such period, but answered
    report(
        3,
        "PostgreSQL stopped under a read in flight",
        status_of_read_in_flight=response.status_code,
        status_after_restart=again.status_code,
    )
