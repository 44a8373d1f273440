"""Running ``kinerja dev`` (what ``make run`` starts) as a real process for e2e tests:
its own data directory and free ports, driven over HTTP, stopped with Ctrl-C."""

import asyncio
import csv
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from runtime.devstack import venv_binary
from tests.waiting import eventually

DEMO = Path(__file__).resolve().parents[2] / "runtime" / "demo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def demo_nip(flag: str | None = None, agency: str = "DINKES") -> str:
    with (DEMO / "kuranji.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    supervisors = {row["nip_atasan"] for row in rows}
    for row in rows:
        if flag and row[flag] == "ya":
            return row["nip"]
        if not flag and row["kode_opd"] == agency and row["nip"] not in supervisors:
            return row["nip"]
    raise LookupError(flag)


class DevStack:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.api_port, self.temporal_port, self.ui_port = free_port(), free_port(), free_port()
        self.base_url = f"http://127.0.0.1:{self.api_port}"
        self.process: subprocess.Popen[str] | None = None
        self.output = data_dir.parent / "dev-output.log"  # kinerja dev makes data_dir
        self.extra_env: dict[str, str] = {}

    def start(self, *, sigint_ignored: bool = False) -> None:
        """``sigint_ignored``: as a shell starts a background job (``setsid … &``), with
        SIGINT inherited as ignored."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "TEMPORAL_ADDRESS")
        }
        env.update(
            KINERJA_DATA_DIR=str(self.data_dir),
            KINERJA_API_PORT=str(self.api_port),
            KINERJA_TEMPORAL_PORT=str(self.temporal_port),
            KINERJA_TEMPORAL_UI_PORT=str(self.ui_port),
            **self.extra_env,
        )
        command = [str(venv_binary("kinerja")), "dev"]
        if sigint_ignored:
            command = ["/bin/sh", "-c", 'trap "" INT; exec "$0" "$@"', *command]
        self.process = subprocess.Popen(  # noqa: S603 - our own CLI from the venv
            command,
            env=env,
            stdout=self.output.open("a"),
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so teardown reaches the servers
        )

    def interrupt(self) -> int:
        """Ctrl-C, as a person would; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)

    def servers(self) -> list[psutil.Process]:
        """Every process the running stack consists of: ``kinerja dev``, all its
        descendants, and the PostgreSQL postmaster with its children (``pg_ctl`` starts
        it in a session of its own, so it is nobody's child)."""
        assert self.process is not None
        main = psutil.Process(self.process.pid)
        found = [main, *main.children(recursive=True)]
        pid_file = self.data_dir / "postgres" / "postmaster.pid"
        if pid_file.exists():
            postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
            found += [postmaster, *postmaster.children(recursive=True)]
        return found

    def exit_code(self, timeout: float) -> int | None:
        assert self.process is not None
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        """Stop the whole process group (kinerja dev and the servers it started), politely
        first: a SIGKILL of the parent alone would orphan its Temporal server."""
        if self.process is None or self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[DevStack]:
    dev = DevStack(tmp_path / "data")
    yield dev
    dev.kill()


async def still_running(processes: list[psutil.Process], patience: float) -> list[str]:
    """Those of ``processes`` still alive after ``patience`` seconds (a zombie awaiting
    its reaper counts as gone; ``is_running`` also sees through a recycled pid)."""

    def alive(process: psutil.Process) -> bool:
        try:
            return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    def described(process: psutil.Process) -> str:
        try:
            return f"{process.pid} {' '.join(process.cmdline())[:120]}"
        except psutil.Error:
            return str(process.pid)

    deadline = time.monotonic() + patience
    while any(alive(p) for p in processes) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    return [described(p) for p in processes if alive(p)]


async def wait_until_serving(http: httpx.AsyncClient, stack: DevStack) -> None:
    async def health() -> int:
        assert stack.process is not None and stack.process.poll() is None, stack.output.read_text()[
            -3000:
        ]
        try:
            return (await http.get("/health")).status_code
        except httpx.TransportError:
            return 0

    await eventually(health, lambda status: status == 200, patience=180, what="API up")


async def token(http: httpx.AsyncClient, nip: str) -> dict[str, str]:
    response = await http.post("/dev/token", json={"nip": nip})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
