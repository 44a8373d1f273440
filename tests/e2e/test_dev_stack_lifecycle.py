"""`kinerja dev` stops and starts cleanly: a terminal's Ctrl-C (SIGINT to the process
group, also when a shell started it with SIGINT ignored) and SIGTERM stop worker, API,
the Temporal dev server and the embedded PostgreSQL within 15 s with exit code 0; after a
`kill -9` the next start reclaims the orphaned servers it had started itself; a port
held by another program is refused in one line."""

import os
import signal
import socket
import stat
import subprocess
import sys

import httpx
import psutil

from runtime.devstack import DevPostgres, stop_orphaned_temporal
from tests.e2e.devstack import DevStack, still_running, wait_until_serving

PATIENCE = 15  # seconds, from the signal until every process is gone


def names(processes: list[psutil.Process]) -> set[str]:
    return {process.name() for process in processes}


async def start_and_collect(stack: DevStack, **start: bool) -> list[psutil.Process]:
    stack.start(**start)
    async with httpx.AsyncClient(base_url=stack.base_url, timeout=30) as http:
        await wait_until_serving(http, stack)
    processes = stack.servers()
    assert {"temporal", "postgres"} <= names(processes), names(processes)
    return processes


async def test_ctrl_c_to_the_group_stops_everything_even_with_sigint_inherited_ignored(
    stack: DevStack,
) -> None:
    processes = await start_and_collect(stack, sigint_ignored=True)
    assert stack.process is not None
    os.killpg(stack.process.pid, signal.SIGINT)

    assert stack.exit_code(PATIENCE) == 0, stack.output.read_text()[-3000:]
    assert await still_running(processes, 1) == []
    assert "Kinerja berhenti." in stack.output.read_text()
    assert not (stack.data_dir / "temporal.pid").exists()


async def test_sigterm_to_the_main_process_stops_everything(stack: DevStack) -> None:
    processes = await start_and_collect(stack)
    assert stack.process is not None
    stack.process.send_signal(signal.SIGTERM)  # `kill <pid>`: the servers get nothing

    assert stack.exit_code(PATIENCE) == 0, stack.output.read_text()[-3000:]
    assert await still_running(processes, 1) == []


async def test_after_kill_9_the_next_start_reclaims_the_orphans_and_comes_up(
    stack: DevStack,
) -> None:
    first = await start_and_collect(stack)
    temporal = next(p for p in first if p.name() == "temporal")
    postmaster = DevPostgres(stack.data_dir / "postgres").postmaster()
    assert stack.process is not None and postmaster is not None
    stack.process.kill()  # the main process only: Temporal and PostgreSQL are orphaned
    stack.process.wait()
    assert len(await still_running([temporal, postmaster], 0)) == 2

    second = await start_and_collect(stack)  # same data directory, same ports

    assert not temporal.is_running()  # stopped, a new one started
    assert postmaster in second  # reused: the same postmaster serves the new run
    assert f"(pid {postmaster.pid}) dipakai lagi" in stack.output.read_text()
    tokens = stack.data_dir / "demo-tokens.env"
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    # created by kinerja dev: nobody else may list it (as root, PostgreSQL's own user
    # keeps the bit it needs to pass through)
    assert stat.S_IMODE(stack.data_dir.stat().st_mode) & 0o066 == 0
    assert stack.process is not None
    stack.process.send_signal(signal.SIGTERM)
    assert stack.exit_code(PATIENCE) == 0
    assert await still_running(first + second, 1) == []


def test_pid_files_naming_an_unrelated_process_never_get_it_killed(stack: DevStack) -> None:
    """After a reboot the recorded pids may belong to anything: recognised by what they
    run, they are left alone, and the stale records are discarded."""
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stack.data_dir.mkdir()
        (stack.data_dir / "temporal.pid").write_text(f"{bystander.pid}\n")
        assert (
            stop_orphaned_temporal(stack.data_dir / "temporal.pid", stack.data_dir / "t.db") == []
        )
        assert not (stack.data_dir / "temporal.pid").exists()

        postgres = DevPostgres(stack.data_dir / "postgres")
        postgres.start()
        postgres.stop()
        lock = stack.data_dir / "postgres" / "postmaster.pid"
        lock.write_text(f"{bystander.pid}\n" + "\n" * 7)  # as PostgreSQL left it, pid reused
        url, reused = postgres.start()
        try:
            assert reused is None and url.startswith("postgresql://")
        finally:
            assert postgres.stop()
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_a_port_held_by_another_program_is_refused_in_one_line(stack: DevStack) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", stack.temporal_port))
        squatter.listen()
        stack.start()
        code = stack.exit_code(60)
    output = stack.output.read_text()
    assert code == 1, output[-3000:]
    assert "Traceback" not in output
    refusal = output.strip().splitlines()[-1]
    assert f"Port {stack.temporal_port} (Temporal) sudah dipakai proses lain" in refusal
    assert f"pid {os.getpid()}" in refusal  # names the holder
