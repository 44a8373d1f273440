"""The raw baseline rows, measured first in every run: starts, completions, update
throughput and update latency of ``RawWorkflow`` on the same servers."""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
import psutil
from temporalio.client import Client

from bench.measure import bounded, closed_loop, median, open_loop, percentile, wait_until
from bench.raw_workflow import RawWorkflow
from bench.stack import Child, Cpu, asyncpg_dsn


@dataclass
class RawFigures:
    n: int
    starts_per_s: float
    running_per_s: float  # started and first activity persisted, like a period start
    completions_per_s: float
    updates_per_s: float
    update_p50_ms: float
    update_p99_ms: float
    rss_per_1000_mib: float
    cached: int
    update_cpu_ms: dict[str, float]  # CPU per update, by part of the stack
    open_rate: float  # arrivals per second of the open-loop latency measurement
    open_p50_ms: float
    open_p99_ms: float


async def measure_raw(
    client: Client,
    worker: Child,
    database_url: str,
    *,
    task_queue: str,
    n: int,
    start_concurrency: int,
    update_count: int,
    update_concurrency: int,
    latency_count: int,
    latency_concurrency: int,
    cache_size: int,
    parts: Callable[[], dict[str, list[psutil.Process]]],
    open_rate: float,
) -> RawFigures:
    batch = f"r{uuid.uuid4().hex[:8]}"
    ids = [f"raw-{batch}-{i}" for i in range(n)]
    db = await asyncpg.connect(asyncpg_dsn(database_url))

    async def persisted() -> int:
        return int(await db.fetchval("SELECT count(*) FROM bench_raw WHERE batch = $1", batch))

    try:
        rss_before = worker.rss_mib()
        began = time.monotonic()
        await bounded(
            start_concurrency,
            (
                lambda wid=wid: client.start_workflow(  # type: ignore[misc]
                    RawWorkflow.run, batch, id=wid, task_queue=task_queue
                )
                for wid in ids
            ),
        )
        started = time.monotonic()
        running = await wait_until(persisted, n, patience=max(120, n / 10))
        rss_after = worker.rss_mib()
        cached = min(n, cache_size)

        # update throughput: many in flight, spread over the workflows the worker still
        # caches, as the full cycle's appraisals are. (On the first ones, at N = 10,000,
        # every update replayed its workflow from scratch: 56 updates/s, 15 ms of worker
        # CPU each, against about 130/s and 6 ms in cache.)
        warm = ids[-cached:]
        targets = [warm[index % len(warm)] for index in range(update_count)]
        cpu = Cpu(parts)
        began_updates = time.monotonic()
        await bounded(
            update_concurrency,
            (
                lambda wid=wid: client.get_workflow_handle(wid).execute_update(  # type: ignore[misc]
                    RawWorkflow.touch, 1
                )
                for wid in targets
            ),
        )
        updates_per_s = len(targets) / (time.monotonic() - began_updates)
        update_cpu = {k: round(1000 * v / len(targets), 2) for k, v in cpu.used().items()}

        # update latency: a closed loop of virtual users on other workflows
        others = ids[-latency_count:]
        latencies, _ = await closed_loop(
            latency_concurrency,
            [
                lambda wid=wid: client.get_workflow_handle(wid).execute_update(  # type: ignore[misc]
                    RawWorkflow.touch, 2
                )
                for wid in others
            ],
        )

        # update latency at a fixed arrival rate, on the same workflows
        touches = [
            lambda wid=wid: client.get_workflow_handle(wid).execute_update(  # type: ignore[misc]
                RawWorkflow.touch, 3
            )
            for wid in others
        ]
        open_latencies = await open_loop(open_rate, touches)

        # completions: signal everyone, wait until none runs
        began_signals = time.monotonic()
        await bounded(
            start_concurrency,
            (
                lambda wid=wid: client.get_workflow_handle(wid).signal(  # type: ignore[misc]
                    RawWorkflow.finish
                )
                for wid in ids
            ),
        )
        query = (
            "WorkflowType = 'RawWorkflow' AND ExecutionStatus = 'Running' "
            f"AND WorkflowId STARTS_WITH 'raw-{batch}-'"
        )

        async def finished() -> int:
            return n - (await client.count_workflows(query)).count

        completed = await wait_until(finished, n, patience=max(120, n / 10), interval=0.5)
    finally:
        await db.close()
    return RawFigures(
        n=n,
        starts_per_s=n / (started - began),
        running_per_s=n / (running - began),
        completions_per_s=n / (completed - began_signals),
        updates_per_s=updates_per_s,
        update_p50_ms=median(latencies),
        update_p99_ms=percentile(latencies, 0.99),
        rss_per_1000_mib=(rss_after - rss_before) / cached * 1000,
        cached=cached,
        update_cpu_ms=update_cpu,
        open_rate=open_rate,
        open_p50_ms=median(open_latencies),
        open_p99_ms=percentile(open_latencies, 0.99),
    )
