"""`kinerja dev` (what `make run` starts) as a newcomer uses it: a real process with its
own embedded PostgreSQL and Temporal dev server, driven over HTTP, stopped with Ctrl-C,
and started again on the same data directory to show that nothing was lost."""

import csv
import json
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
        )
        self.process = subprocess.Popen(  # noqa: S603 - our own CLI from the venv
            [str(venv_binary("kinerja")), "dev"],
            env=env,
            stdout=self.output.open("a"),
            stderr=subprocess.STDOUT,
            text=True,
        )

    def interrupt(self) -> int:
        """Ctrl-C, as a person would; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
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


async def test_make_run_serves_a_period_and_keeps_it_across_a_restart(stack: DevStack) -> None:
    period = json.loads((DEMO / "period-2027.json").read_text())
    employee = demo_nip()
    stack.start()
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as http:
        await wait_until_serving(http, stack)
        hr = await token(http, demo_nip("hr_admin"))
        me = await token(http, employee)

        assert (await http.get("/docs")).status_code == 200
        ui = await http.get(f"http://127.0.0.1:{stack.ui_port}/")
        assert ui.status_code == 200
        started = await http.post("/periods", json=period, headers=hr)
        assert started.status_code == 201, started.text

        async def summary() -> dict:
            return (await http.get("/periods/2027", headers=hr)).json()

        body = await eventually(summary, lambda b: b.get("total") == 60, what="60 appraisals")
        assert body["stages"]["sosialisasi"] == 60
        acknowledged = await http.post(f"/appraisals/2027/{employee}/acknowledge", headers=me)
        assert acknowledged.status_code == 200, acknowledged.text

    banner = stack.output.read_text()
    assert f"{stack.base_url}/docs" in banner
    assert "TOKEN_HR=" in banner
    assert stack.interrupt() == 0
    log = stack.output.read_text()
    assert "Kinerja berhenti." in log
    assert employee not in log.split("Coba: curl")[-1]  # no NIP in the request logs

    stack.start()  # same data directory: PostgreSQL and Temporal state survive
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as http:
        await wait_until_serving(http, stack)
        hr = await token(http, demo_nip("hr_admin"))
        me = await token(http, employee)
        body = (await http.get("/periods/2027", headers=hr)).json()
        again = await http.post(f"/appraisals/2027/{employee}/acknowledge", headers=me)
        restart = await http.post("/periods", json=period, headers=hr)

    assert body["total"] == 60 and body["stages"]["perencanaan"] == 1
    assert again.status_code == 409  # the workflow itself remembers the acknowledgement
    assert restart.status_code == 409
    assert stack.interrupt() == 0
