"""Running ``kinerja dev`` (what ``make run`` starts) as a real process for e2e tests:
its own data directory and free ports, driven over HTTP, stopped with Ctrl-C."""

import csv
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
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
        self.output = data_dir / "dev-output.log"
        self.extra_env: dict[str, str] = {}

    def start(self) -> None:
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
        self.process = subprocess.Popen(  # noqa: S603 - our own CLI from the venv
            [str(venv_binary("kinerja")), "dev"],
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
    dev.data_dir.mkdir()
    yield dev
    dev.kill()


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
