"""The web pages row: the server time of the two pages a supervisor opens most, Tim saya
(``GET /tim``) and Beranda (``GET /beranda``), against the JSON endpoints that carry the
same data, measured in the same run on the same app.

The app (the API with ``web.app.install_web`` on it, as ``kinerja api`` serves it) runs in
this process behind ``httpx.ASGITransport``: what is timed is the ASGI app's own time per
request (routing, middleware, session or token, queries to PostgreSQL, rendering or JSON),
without uvicorn or a socket, so the ratio is about what a page costs over its JSON twins.
"""

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import psutil
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import Client

from api.app import create_app
from api.auth import TokenVerifier
from api.deps import ApiContext
from bench.kinerja_rows import Tokens, count_persisted, open_period, period_body
from bench.measure import bounded, percentile, wait_until
from bench.stack import Child, Cpu, asyncpg_dsn
from domain.notices import NoticeKind, StepKind
from domain.organisation import EmployeeRecord
from persistence.db import create_engine, create_sessionmaker
from persistence.repositories import notifications
from rehearsal.http_driver import ApiAppraisal, sender
from rehearsal.organisation import generate_organisation, make_nip
from web.app import install_web
from web.config import WebConfig
from web.routes import home, team
from web.routes.home import RECENT
from web.routes.team import BOARD_LIMIT

LOOPBACK = "http://127.0.0.1"  # the demo login answers on loopback only
CSRF_MARK = 'name="csrf_token" value="'
LIMIT_OFF = "1000000/minute"  # the per-caller limits stay on (their cost is measured)

# the pages and the JSON twins that carry the same data
BOARD, HOME = "GET /tim", "GET /beranda"
LIST, INBOX, NOTICES = "GET /appraisals", "GET /me/inbox", "GET /me/notifications"
TWINS = {BOARD: (LIST, INBOX), HOME: (INBOX, NOTICES)}


@dataclass(frozen=True)
class Team:
    """A generated regency around one kepala bidang with ``reports`` direct reports."""

    records: list[EmployeeRecord]
    hr_nip: str
    head_nip: str
    supervisor_nip: str
    report_nips: list[str]


def team_roster(background: int, reports: int = 40) -> Team:
    """``background`` people of ``rehearsal.organisation`` (BKPSDM and its HR admin among
    them), plus one more agency: its head, a kepala bidang and ``reports`` staff whose
    pejabat penilai is that kepala bidang."""
    org = generate_organisation(background, seed=12)
    hr_nip = next(r.nip for r in org if r.is_hr_admin)
    agency, unit = "TIM01", "TIM01-B1"

    def person(offset: int, name: str, position: str, supervisor: str | None) -> EmployeeRecord:
        return EmployeeRecord(
            nip=make_nip(len(org) + offset),
            name=name,
            position=position,
            grade="Penata (III/c)",
            agency_code=agency,
            agency_name="Dinas Tim",
            unit_code=unit if supervisor else f"{agency}-PIM",
            unit_name="Bidang Layanan",
            supervisor_nip=supervisor,
        )

    head = person(0, "Kepala Dinas Tim", "Kepala OPD", None)
    kabid = person(1, "Kepala Bidang Layanan", "Kepala Bidang", head.nip)
    staff = [
        person(2 + i, f"Anggota Tim {i + 1:02d}", "Analis Layanan", kabid.nip)
        for i in range(reports)
    ]
    return Team(
        records=[*org, head, kabid, *staff],
        hr_nip=hr_nip,
        head_nip=head.nip,
        supervisor_nip=kabid.nip,
        report_nips=[r.nip for r in staff],
    )


@dataclass
class WebFigures:
    people: int  # rows on the board
    roster: int  # people in the period (the background regency included)
    repetitions: int
    inbox_items: int
    notices: int
    unread: int
    ms: dict[str, dict[str, float]]  # endpoint -> p50, p99 of its own time
    twins_ms: dict[str, dict[str, float]]  # page -> p50, p99 of its twins' summed time
    ratio_p50: dict[str, float]
    ratio_p99: dict[str, float]
    render_ms: dict[str, float]  # page -> p50 of the Jinja render alone
    queries: dict[str, int]  # endpoint -> SQL statements per request
    statements: dict[str, list[str]]  # endpoint -> the statements, abbreviated
    bytes: dict[str, int]
    cpu_s: dict[str, float]
    setup_s: float
    period_id: str
    rounds_s: float


def web_app(
    temporal: Client,
    engine: AsyncEngine,
    jwks: dict[str, Any],
    *,
    issuer: str,
    audience: str,
    task_queue: str,
) -> FastAPI:
    """Both faces on one app, as ``runtime.assembly.build_app`` builds them, with the
    demo login on (the session is opened through it)."""
    context = ApiContext(
        temporal=temporal,
        sessionmaker=create_sessionmaker(engine),
        verifier=TokenVerifier(issuer=issuer, audience=audience, jwks=jwks),
        task_queue=task_queue,
        write_rate=LIMIT_OFF,
        read_rate=LIMIT_OFF,
        minimum_pacing=timedelta(seconds=1),
    )
    return install_web(create_app(context), WebConfig(dev_login=True))


async def _start_period(
    api: httpx.AsyncClient, tokens: Tokens, team: Team, database_url: str
) -> str:
    """A period for everyone; 30 of the 40 submit their SKP (the supervisor owes 30
    approvals), 5 acknowledge only, 5 do nothing yet; the supervisor has not
    acknowledged his own briefing. Due times are a month away: nothing fires."""
    period_id = f"web-{uuid.uuid4().hex[:6]}"
    body = period_body(period_id, sosialisasi_in=timedelta(days=30), later_in=timedelta(days=30))
    n = len(team.records)
    db = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await open_period(api, tokens(team.hr_nip, "hr_admin"), body)
        await wait_until(lambda: count_persisted(db, period_id), n, patience=max(300, n / 5))
    finally:
        await db.close()
    send = sender(api)
    submit = team.report_nips[: len(team.report_nips) * 3 // 4]
    acknowledge = team.report_nips[len(submit) : len(submit) + len(team.report_nips) // 8]

    def journey(nip: str) -> Callable[[], Any]:
        async def walk() -> None:
            appraisal = ApiAppraisal(send, tokens, period_id, nip, team.supervisor_nip, team.hr_nip)
            await appraisal.acknowledge()
            if nip in submit:
                await appraisal.draft_skp()
                await appraisal.submit_skp()

        return walk

    await bounded(8, [journey(nip) for nip in [*submit, *acknowledge]])
    return period_id


async def _notices(database_url: str, team: Team, period_id: str) -> None:
    """Notices to the supervisor about his people, as the workflows write them: a
    reminder to approve each submitted SKP, an escalation of each late briefing; the
    older ones read."""
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    try:
        async with create_sessionmaker(engine).begin() as session:
            submitted = len(team.report_nips) * 3 // 4  # as in _start_period
            for index, nip in enumerate(team.report_nips):
                kind = NoticeKind.PENGINGAT if index < submitted else NoticeKind.ESKALASI
                step = StepKind.SKP_PERSETUJUAN if index < submitted else StepKind.SOSIALISASI
                await notifications.add_notification(
                    session,
                    workflow_id=f"appraisal-{period_id}-{nip}",
                    notice_key=f"{step.value}/{kind.value}/1",
                    period_id=period_id,
                    subject_nip=nip,
                    recipient_role="pejabat_penilai",
                    recipient_nip=team.supervisor_nip,
                    kind=kind.value,
                    step=step.value,
                    level=1,
                    due=now + timedelta(days=30),
                    created_at=now - timedelta(hours=len(team.report_nips) - index),
                )
    finally:
        await engine.dispose()
    db = await asyncpg.connect(asyncpg_dsn(database_url))
    try:  # the older half has been read
        await db.execute(
            "UPDATE notification SET read_at = created_at + interval '10 minutes' "
            "WHERE recipient_nip = $1 AND created_at < $2",
            team.supervisor_nip,
            now - timedelta(hours=len(team.report_nips) // 2),
        )
    finally:
        await db.close()


async def _log_in(browser: httpx.AsyncClient, nip: str) -> None:
    """Through the demo people picker, as a newcomer would: its CSRF token, then the post
    that opens the session whose cookie the client keeps."""
    picker = await browser.get("/masuk/demo")
    at = picker.text.find(CSRF_MARK)
    if picker.status_code != 200 or at < 0:
        raise RuntimeError(f"GET /masuk/demo: {picker.status_code} {picker.text[:200]}")
    start = at + len(CSRF_MARK)
    csrf = picker.text[start : picker.text.index('"', start)]
    done = await browser.post("/masuk/demo", data={"nip": nip, "csrf_token": csrf})
    if done.status_code != 303 or done.headers.get("location") != "/beranda":
        raise RuntimeError(f"POST /masuk/demo: {done.status_code} {done.text[:200]}")


class RenderTimer:
    """Times ``web.templating.render`` as the two page modules call it (the Jinja render
    happens there, when the response is built), without changing ``web/``."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}
        self._originals = {module: module.render for module in (home, team)}

    def __enter__(self) -> "RenderTimer":
        for module, original in self._originals.items():
            module.render = self._timed(original)  # type: ignore[attr-defined]
        return self

    def __exit__(self, *_: object) -> None:
        for module, original in self._originals.items():
            module.render = original  # type: ignore[attr-defined]

    def _timed(self, original: Any) -> Any:
        def render(request: Any, name: str, *args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(request, name, *args, **kwargs)
            finally:
                elapsed = (time.perf_counter() - began) * 1000
                self.samples.setdefault(name, []).append(elapsed)

        return render


def _quantiles(samples: list[float]) -> dict[str, float]:
    return {"p50": percentile(samples, 0.5), "p99": percentile(samples, 0.99)}


async def measure_web_pages(
    temporal: Client,
    database_url: str,
    jwks: dict[str, Any],
    tokens: Tokens,
    team: Team,
    worker: Child,
    *,
    issuer: str,
    audience: str,
    task_queue: str,
    repetitions: int,
    parts: Callable[[], dict[str, list[psutil.Process]]],
    warmup: int = 20,
) -> WebFigures:
    """Set the period up through the API (the worker runs the workflows), stop the
    worker, log the supervisor in, then ``repetitions`` rounds of the five GETs one at a
    time in a shuffled order; each round's twins are summed."""
    began = time.monotonic()
    engine = create_engine(database_url)
    app = web_app(temporal, engine, jwks, issuer=issuer, audience=audience, task_queue=task_queue)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    try:
        async with (
            httpx.AsyncClient(transport=transport, base_url=LOOPBACK, timeout=120) as api,
            httpx.AsyncClient(transport=transport, base_url=LOOPBACK, timeout=120) as browser,
        ):
            period_id = await _start_period(api, tokens, team, database_url)
            await _notices(database_url, team, period_id)
            boss = tokens(team.supervisor_nip, "pejabat_penilai")
            submitted = len(team.report_nips) * 3 // 4

            async def owed() -> int:
                answer = await api.get("/me/inbox", headers=boss)
                return len(answer.json().get("items", [])) if answer.status_code == 200 else 0

            await wait_until(owed, submitted + 1, patience=120)
            await worker.stop()  # nothing below needs Temporal: only the reads are timed
            await _log_in(browser, team.supervisor_nip)
            setup_s = time.monotonic() - began

            calls: dict[str, tuple[httpx.AsyncClient, str, dict[str, str]]] = {
                BOARD: (browser, "/tim", {}),
                HOME: (browser, "/beranda", {}),
                LIST: (api, f"/appraisals?limit={BOARD_LIMIT}", boss),
                INBOX: (api, "/me/inbox", boss),
                NOTICES: (api, f"/me/notifications?limit={RECENT}", boss),
            }
            answers = {
                name: await client.get(url, headers=h) for name, (client, url, h) in calls.items()
            }
            for name, answer in answers.items():
                if answer.status_code != 200:
                    raise RuntimeError(f"{name}: {answer.status_code} {answer.text[:200]}")
            figures = _check(team, answers)

            samples: dict[str, list[float]] = {name: [] for name in calls}
            twins: dict[str, list[float]] = {page: [] for page in TWINS}
            rng = random.Random(3)
            order = list(calls)
            cpu = Cpu(parts)
            rounds_began = time.perf_counter()
            with RenderTimer() as renders:
                for round_number in range(warmup + repetitions):
                    if round_number == warmup:
                        cpu = Cpu(parts)
                        rounds_began = time.perf_counter()
                        renders.samples.clear()
                    rng.shuffle(order)
                    took: dict[str, float] = {}
                    for name in order:
                        client, url, headers = calls[name]
                        start = time.perf_counter()
                        answer = await client.get(url, headers=headers)
                        took[name] = (time.perf_counter() - start) * 1000
                        if answer.status_code != 200:
                            raise RuntimeError(f"{name}: {answer.status_code}")
                    if round_number >= warmup:
                        for name, elapsed in took.items():
                            samples[name].append(elapsed)
                        for page, pair in TWINS.items():
                            twins[page].append(sum(took[name] for name in pair))
            rounds_s = time.perf_counter() - rounds_began
            cpu_s = cpu.used()
            statements = await _statements(engine, calls)
    finally:
        await engine.dispose()
    ms = {name: _quantiles(values) for name, values in samples.items()}
    twins_ms = {page: _quantiles(values) for page, values in twins.items()}
    return WebFigures(
        people=figures["people"],
        roster=len(team.records),
        repetitions=repetitions,
        inbox_items=figures["inbox_items"],
        notices=figures["notices"],
        unread=figures["unread"],
        ms=ms,
        twins_ms=twins_ms,
        ratio_p50={p: ms[p]["p50"] / twins_ms[p]["p50"] for p in TWINS},
        ratio_p99={p: ms[p]["p99"] / twins_ms[p]["p99"] for p in TWINS},
        render_ms={
            name: percentile(values, 0.5) for name, values in sorted(renders.samples.items())
        },
        queries={name: len(found) for name, found in statements.items()},
        statements=statements,
        bytes={name: len(answer.content) for name, answer in answers.items()},
        cpu_s=cpu_s,
        setup_s=setup_s,
        period_id=period_id,
        rounds_s=rounds_s,
    )


def _check(team: Team, answers: dict[str, httpx.Response]) -> dict[str, int]:
    """The pages and their twins show the same people and the same work."""
    board = answers[BOARD].text
    missing = [nip for nip in team.report_nips if f'/{nip}"' not in board]
    listed = answers[LIST].json()
    inbox = answers[INBOX].json()
    notices = answers[NOTICES].json()
    if missing or listed["total"] != len(team.report_nips) + 1:
        raise RuntimeError(
            f"board lacks {len(missing)} of {len(team.report_nips)}; the JSON list has "
            f"{listed['total']} (the 40 and the supervisor's own)"
        )
    if len(notices["items"]) != RECENT or notices["total"] != len(team.report_nips):
        raise RuntimeError(f"notifications: {notices['total']} total, {len(notices['items'])}")
    return {
        "people": len(team.report_nips) - len(missing),
        "inbox_items": len(inbox["items"]),
        "notices": notices["total"],
        "unread": notices["unread"],
    }


async def _statements(
    engine: AsyncEngine, calls: dict[str, tuple[httpx.AsyncClient, str, dict[str, str]]]
) -> dict[str, list[str]]:
    """The SQL statements of each request, abbreviated (one untimed request each, a
    listener attached)."""
    seen: list[str] = []

    def counted(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        words = " ".join(statement.split())
        head, _, rest = words.partition(" FROM ")  # the tables and the filter, not columns
        seen.append(f"{head.split(' ')[0]} … FROM {rest}"[:100] if rest else words[:100])

    target = engine.sync_engine
    event.listen(target, "before_cursor_execute", counted)
    found = {}
    try:
        for name, (client, url, headers) in calls.items():
            seen = []
            await client.get(url, headers=headers)
            found[name] = seen
    finally:
        event.remove(target, "before_cursor_execute", counted)
    return found
