"""``kinerja dev``: the whole system on one machine for a newcomer.

Starts embedded PostgreSQL and the Temporal dev server (state under ``.data/``, so it
survives a restart) unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere, migrates,
seeds the demo organisation once, runs worker and API in one process, prints how to use
it, and stops everything (worker, API, both servers) on Ctrl-C or SIGTERM.
"""

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.panel import Panel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth import DevTokenIssuer
from api.roster_import import import_roster
from domain.roles import roster_roles
from persistence.db import create_engine, create_sessionmaker
from persistence.migrate import upgrade_to_head
from persistence.repositories import organisation
from runtime.assembly import build_api_context, serve_api
from runtime.devstack import (
    STOP_SIGNALS,
    DevPostgres,
    ensure_ports_free,
    hold_instance_lock,
    make_private_dir,
    start_temporal_dev_server,
    stop_orphaned_temporal,
    stop_temporal_dev_server,
    wait_for_temporal,
)
from runtime.settings import Settings
from runtime.temporal import export_keys
from runtime.worker import run_worker

DEMO_ROSTER = Path(__file__).parent / "demo" / "kuranji.csv"
console = Console()
T = TypeVar("T")


async def seed_demo_organisation(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Import the Kuranji demo organisation into an empty database (once)."""
    async with sessionmaker() as session:
        if await organisation.count_active(session) > 0:
            return
    report = await import_roster(sessionmaker, DEMO_ROSTER, dry_run=False)
    if report.errors:
        raise SystemExit(f"demo organisation is invalid: {report.errors[:3]}")
    console.print(f"Organisasi demo Kuranji dimuat: {report.rows} pegawai.")


async def _demo_personas(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> list[tuple[str, str, list[str]]]:
    """(label, NIP, roles) for an HR admin, a supervisor and one of their staff."""
    async with sessionmaker() as session:
        employees = await organisation.list_employees(session)
    supervisors = {e.supervisor_nip for e in employees if e.supervisor_nip}
    staff = next(
        e
        for e in employees
        if e.supervisor_nip and e.nip not in supervisors and e.agency_code == "DINKES"
    )
    hr = next(e for e in employees if e.is_hr_admin)
    chosen = [
        ("HR admin (BKPSDM)", hr),
        ("Atasan langsung", next(e for e in employees if e.nip == staff.supervisor_nip)),
        ("Pegawai", staff),
    ]
    return [
        (
            label,
            person.nip,
            sorted(
                role.value
                for role in roster_roles(
                    is_hr_admin=person.is_hr_admin,
                    is_tim_penilai=person.is_tim_penilai,
                    is_auditor=person.is_auditor,
                    is_supervisor=person.nip in supervisors,
                )
            ),
        )
        for label, person in chosen
    ]


async def run_dev_stack(settings: Settings) -> None:
    """Run until SIGINT or SIGTERM, then stop worker, API, Temporal and PostgreSQL and
    return (exit 0). The handlers are installed here explicitly, so Ctrl-C works however
    the signal arrives: from a terminal to the whole process group, by ``kill``, or to a
    process a shell started in the background with SIGINT ignored."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def request_stop(signum: int) -> None:
        if not stop.is_set():
            console.print(f"{signal.Signals(signum).name}: Kinerja dihentikan …")
        stop.set()

    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, request_stop, signum)
    try:
        await _run(settings, stop)
    finally:
        for signum, handler in previous.items():
            loop.remove_signal_handler(signum)
            signal.signal(signum, handler)


class _Stopped(Exception):
    """A stop signal arrived while the stack was still starting."""


async def _unless_stopped(stop: asyncio.Event, step: Awaitable[T]) -> T:
    """Await a start-up step, abandoning it if a stop signal comes first."""
    task = asyncio.ensure_future(step)
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            raise _Stopped
    return task.result()


def _ports(settings: Settings) -> list[tuple[str, int, str, str]]:
    ports = [(settings.api_host, settings.api_port, "API", "KINERJA_API_PORT")]
    if not settings.temporal_address:
        ports += [
            ("127.0.0.1", settings.temporal_port, "Temporal", "KINERJA_TEMPORAL_PORT"),
            ("127.0.0.1", settings.temporal_ui_port, "Temporal UI", "KINERJA_TEMPORAL_UI_PORT"),
        ]
    return ports


async def _run(settings: Settings, stop: asyncio.Event) -> None:
    """Start the servers this stack owns, serve, and stop them again whatever happens.
    Servers an earlier run left behind after a ``kill -9`` are found under the data
    directory and stopped (Temporal) or reused (PostgreSQL) before anything starts."""
    data_dir = make_private_dir(settings.data_dir)
    instance_lock = hold_instance_lock(data_dir)
    export_keys(settings)  # Temporal keys: made once under the (private) data dir, then kept
    postgres = None if settings.database_url else DevPostgres(data_dir / "postgres")
    temporal: subprocess.Popen[bytes] | None = None
    temporal_pid = data_dir / "temporal.pid"
    try:
        if not settings.temporal_address:
            orphans = stop_orphaned_temporal(temporal_pid, data_dir / "temporal.db")
            if orphans:
                pids = ", ".join(map(str, orphans))
                console.print(
                    f"Temporal dev server sisa jalankan sebelumnya (pid {pids}) dihentikan."
                )
        ensure_ports_free(_ports(settings))
        database_url = settings.database_url
        if postgres is not None:
            console.print("Menyalakan PostgreSQL tertanam …")
            database_url, orphan = postgres.start()
            if orphan is not None:
                console.print(f"PostgreSQL sisa jalankan sebelumnya (pid {orphan}) dipakai lagi.")
        address = settings.temporal_address
        if not address:
            console.print("Menyalakan Temporal dev server …")
            temporal = start_temporal_dev_server(
                data_dir / "temporal.db",
                port=settings.temporal_port,
                ui_port=settings.temporal_ui_port,
                log_file=data_dir / "temporal.log",
                pid_file=temporal_pid,
                own_process_group=True,  # stopped by us, after the worker
            )
            address = f"127.0.0.1:{settings.temporal_port}"
        assert database_url is not None
        if not stop.is_set():
            await _serve(settings, database_url, address, stop, own_temporal=temporal is not None)
    except _Stopped:
        pass
    finally:
        stopping: list[Awaitable[object]] = []
        if temporal is not None:
            stopping.append(
                asyncio.to_thread(stop_temporal_dev_server, temporal, pid_file=temporal_pid)
            )
        if postgres is not None:
            stopping.append(asyncio.to_thread(postgres.stop))
        await asyncio.gather(*stopping)
        instance_lock.close()
        console.print("Kinerja berhenti.")


async def _serve(
    settings: Settings, database_url: str, address: str, stop: asyncio.Event, *, own_temporal: bool
) -> None:
    """Migrate, seed, then run worker and API until ``stop``; both shut down gracefully
    (and if one fails, the other is stopped too)."""
    engine = create_engine(database_url)
    try:
        await _unless_stopped(stop, upgrade_to_head(engine))
        sessionmaker = create_sessionmaker(engine)
        await _unless_stopped(stop, seed_demo_organisation(sessionmaker))
        client = await _unless_stopped(
            stop, wait_for_temporal(address, settings.temporal_namespace)
        )
        context = build_api_context(settings, client, sessionmaker)
        assert context.dev_issuer is not None
        personas = await _unless_stopped(stop, _demo_personas(sessionmaker))
        _print_welcome(settings, context.dev_issuer, personas, own_temporal=own_temporal)
        services = [
            asyncio.create_task(serve_api(settings, context, stop)),
            asyncio.create_task(run_worker(settings, client, sessionmaker, stop)),
        ]
        try:
            await asyncio.wait(services, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            stop.set()
            outcomes = await asyncio.gather(*services, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
    finally:
        await engine.dispose()


def _print_welcome(
    settings: Settings,
    issuer: DevTokenIssuer,
    personas: list[tuple[str, str, list[str]]],
    *,
    own_temporal: bool,
) -> None:
    """URLs in a panel; tokens printed bare (a panel's borders would break copy-paste)
    and also written to ``demo-tokens.env`` for ``source``."""
    base = f"http://{settings.api_host}:{settings.api_port}"
    lines = [
        f"Aplikasi web  {base}/   (buka di peramban)",
        f'              Masuk: {base}/masuk → "Pilih pegawai demo" → klik satu orang',
        "              (BKPSDM, tim penilai, atasan atau pegawai; perannya dari data organisasi)",
        f"API           {base}",
        f"Dokumentasi   {base}/docs",
    ]
    if own_temporal:
        lines.append(f"Temporal UI   http://127.0.0.1:{settings.temporal_ui_port}")
    lines += [
        "",
        "Setiap permintaan butuh 'Authorization: Bearer <token>'. Token demo di bawah",
        f"(berlaku 12 jam) juga tersimpan di {settings.data_dir / 'demo-tokens.env'}.",
        'Token pegawai lain: POST /dev/token dengan {"nip": "<18 digit>"}.',
    ]
    console.print(Panel("\n".join(lines), title="Kinerja berjalan — Ctrl-C untuk berhenti"))
    exports = []
    for label, nip, roles in personas:
        token = issuer.issue(subject=nip, nip=nip, roles=roles, ttl_seconds=12 * 3600)
        variable = "TOKEN_" + label.split()[0].upper()
        exports.append(f"export {variable}={token}  # {label}, NIP {nip}")
        console.print(f"[bold]{label}[/bold] — NIP {nip}, peran: {', '.join(roles)}")
        print(f"{variable}={token}\n", flush=True)
    _write_private(settings.data_dir / "demo-tokens.env", "\n".join(exports) + "\n")
    hr, employee = personas[0], personas[-1]
    console.print(
        "Coba: curl -X POST "
        f"{base}/appraisals/<periode>/{employee[1]}/acknowledge "
        '-H "Authorization: Bearer $TOKEN_PEGAWAI" setelah HR memulai periode '
        f"(POST {base}/periods dengan token {hr[0]}).",
        soft_wrap=True,
    )


def _write_private(path: Path, text: str) -> None:
    """Bearer tokens: readable by the owner only, also when replacing an older file
    that was created world-readable."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(text)
