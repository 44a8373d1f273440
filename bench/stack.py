"""The servers one bench run uses: ONE Temporal dev server and ONE embedded PostgreSQL,
started here, plus worker and API processes started and stopped per row."""

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import psutil
from sqlalchemy.engine import make_url
from temporalio.testing import WorkflowEnvironment

from persistence.db import create_engine, to_async_url
from persistence.migrate import upgrade_to_head
from runtime.codec import PayloadKeys
from runtime.devstack import start_embedded_postgres, venv_binary
from runtime.temporal import data_converter, new_workflow_id_key, temporal_keys
from workflows.search import AGENCY, OVERDUE, STAGE

ROOT = Path(__file__).resolve().parent.parent


def asyncpg_dsn(url: str) -> str:
    return make_url(to_async_url(url)).set(drivername="postgresql").render_as_string(False)


def with_database(url: str, database: str) -> str:
    return make_url(to_async_url(url)).set(database=database).render_as_string(False)


def bench_keys() -> None:
    """Throwaway Temporal keys in the environment (unless set), so this process and the
    worker and API processes it starts all seal payloads as production does."""
    os.environ.setdefault("KINERJA_PAYLOAD_KEYS", PayloadKeys.generate("bench"))
    os.environ.setdefault("KINERJA_WORKFLOW_ID_KEY", new_workflow_id_key())


async def start_temporal() -> WorkflowEnvironment:
    bench_keys()
    return await WorkflowEnvironment.start_local(
        data_converter=data_converter(temporal_keys()),
        dev_server_existing_path=str(venv_binary("temporal")),
        search_attributes=[STAGE, AGENCY, OVERDUE],
        ui=False,
        dev_server_log_level="error",
    )


def temporal_address(env: WorkflowEnvironment) -> str:
    return str(env.client.service_client.config.target_host)


async def fresh_database(server_url: str, name: str, *, migrate: bool = True) -> str:
    admin = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = with_database(server_url, name)
    if migrate:
        engine = create_engine(url)
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()
    return url


def start_postgres(data_dir: Path) -> str:
    return start_embedded_postgres(data_dir)


def processes_named(fragment: str, marker: str) -> list[psutil.Process]:
    """Processes called ``fragment`` whose command line mentions ``marker`` (our port or
    data directory: other servers may run on this machine), with their children."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            if fragment in (process.info["name"] or "") and marker in " ".join(
                process.info["cmdline"] or ()
            ):
                found.append(process)
                found.extend(process.children(recursive=True))
    return found


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


@dataclass
class Child:
    """A worker or API process of the bench."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    profiler: subprocess.Popen[bytes] | None = field(default=None)
    cache: int = 0  # the worker's max_cached_workflows

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_mib(self) -> float:
        return psutil.Process(self.pid).memory_info().rss / 2**20

    def cpu(self) -> float:
        return cpu_seconds([psutil.Process(self.pid)])

    def profile(self, out: Path, seconds: int) -> None:
        """Sample this process with py-spy for ``seconds`` (folded stacks to ``out``)."""
        self.profiler = subprocess.Popen(
            [
                str(venv_binary("py-spy")),
                "record",
                "--pid",
                str(self.pid),
                "--duration",
                str(seconds),
                "--rate",
                "50",
                "--format",
                "raw",
                "--output",
                str(out),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    async def stop(self) -> None:
        if self.profiler is not None and self.profiler.poll() is None:
            self.profiler.send_signal(2)
            await asyncio.to_thread(self.profiler.wait, 30)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                await asyncio.to_thread(self.process.wait, 30)
            except subprocess.TimeoutExpired:
                self.process.kill()


async def start_worker(logs: Path, name: str, *arguments: str) -> Child:
    log = logs / f"{name}.log"
    process = subprocess.Popen(  # noqa: ASYNC220 - returns at once
        [sys.executable, "-m", "bench.worker_proc", *arguments],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log.open("ab"),
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 120)
    ready, _, cached = line.decode().strip().partition(" ")
    if ready != "READY":
        raise RuntimeError(f"worker {name} did not start; see {log}")
    return Child(name, process, log, cache=int(cached))


async def start_api(
    logs: Path,
    name: str,
    *,
    port: int,
    database_url: str,
    address: str,
    task_queue: str,
    jwks_file: Path,
    issuer: str,
    audience: str,
) -> Child:
    log = logs / f"{name}.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TEMPORAL_ADDRESS": address,
        "KINERJA_TASK_QUEUE": task_queue,
        "KINERJA_API_PORT": str(port),
        "KINERJA_JWKS_FILE": str(jwks_file),
        "KINERJA_JWT_ISSUER": issuer,
        "KINERJA_JWT_AUDIENCE": audience,
        "KINERJA_DEV_MODE": "0",
        # one HR identity plays all of BKPSDM here; the per-caller write limit stays on
        # (its cost is measured) but high enough never to refuse the load generator
        "KINERJA_WRITE_RATE": "1000000/minute",
        "KINERJA_MINIMUM_PACING": "PT1S",  # the bench's periods escalate in seconds
    }
    process = subprocess.Popen(  # noqa: ASYNC220 - returns at once
        [str(venv_binary("kinerja")), "api"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as client:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"http://127.0.0.1:{port}/health")).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"API {name} did not start; see {log}")
            await asyncio.sleep(0.2)
    return Child(name, process, log)


class Cpu:
    """CPU seconds used by each part of the stack between two snapshots; processes that
    appear in between (database backends, new connections) count from zero."""

    def __init__(self, parts: Callable[[], dict[str, list[psutil.Process]]]) -> None:
        self._parts = parts
        self._start = self._snapshot()

    def _snapshot(self) -> dict[tuple[str, int], float]:
        values = {}
        for name, processes in self._parts().items():
            for process in processes:
                values[(name, process.pid)] = cpu_seconds([process])
        return values

    def used(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for (name, pid), value in self._snapshot().items():
            before = self._start.get((name, pid), 0.0)
            totals[name] = totals.get(name, 0.0) + value - before
        return {name: round(value, 2) for name, value in totals.items()}
