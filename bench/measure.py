"""Small measuring tools shared by the rows: bounded concurrency, percentiles, waiting
for a count, and a row of the results table."""

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


async def bounded(concurrency: int, jobs: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run the jobs with at most ``concurrency`` in flight; results in job order."""
    limit = asyncio.Semaphore(concurrency)

    async def run(job: Callable[[], Awaitable[T]]) -> T:
        async with limit:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))


async def closed_loop(
    concurrency: int, jobs: list[Callable[[], Awaitable[Any]]]
) -> tuple[list[float], float]:
    """``concurrency`` virtual users, each taking the next job as soon as its last one
    answered; per-job latencies in ms, and the wall time in s."""
    queue = list(reversed(jobs))
    latencies: list[float] = []

    async def user() -> None:
        while queue:
            job = queue.pop()
            began = time.perf_counter()
            await job()
            latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(concurrency)))
    return latencies, time.perf_counter() - began


async def open_loop(rate: float, jobs: list[Callable[[], Awaitable[Any]]]) -> list[float]:
    """Jobs arriving at ``rate`` per second whether or not earlier ones have answered (as
    people press buttons); per-job latencies in ms. Unlike a closed loop, the latency
    measured is the request's own path plus real queueing, not a saturated machine's."""
    latencies: list[float] = []
    began = time.perf_counter()

    async def arrive(index: int, job: Callable[[], Awaitable[Any]]) -> None:
        await asyncio.sleep(max(0.0, began + index / rate - time.perf_counter()))
        start = time.perf_counter()
        await job()
        latencies.append((time.perf_counter() - start) * 1000)

    await asyncio.gather(*(arrive(index, job) for index, job in enumerate(jobs)))
    return latencies


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0..1) by the nearest-rank method."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def wait_until(
    probe: Callable[[], Awaitable[int]], target: int, *, patience: float, interval: float = 0.2
) -> float:
    """Seconds (monotonic) at which ``probe()`` first reached ``target``."""
    deadline = time.monotonic() + patience
    while True:
        value = await probe()
        if value >= target:
            return time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(f"reached {value} of {target} within {patience}s")
        await asyncio.sleep(interval)


@dataclass
class Row:
    """One line of the table: a figure, the raw twin it is divided by, and the goal."""

    name: str
    figure: str
    baseline: str
    ratio: float | None
    goal: str
    met: bool | None
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
