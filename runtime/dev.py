"""``kinerja dev``: the whole system on one machine for a newcomer.

Starts embedded PostgreSQL and the Temporal dev server (state under ``.data/``, so it
survives a restart) unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere, migrates,
seeds the demo organisation once, runs worker and API in one process, prints how to use
it, and stops everything on Ctrl-C.
"""

import asyncio
import contextlib
import subprocess
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth import DevTokenIssuer
from api.routes.dev import roles_of
from persistence.db import create_engine, create_sessionmaker
from persistence.migrate import upgrade_to_head
from persistence.repositories import organisation
from runtime.assembly import build_api_context, run_worker, serve_api
from runtime.devstack import start_embedded_postgres, start_temporal_dev_server, wait_for_temporal
from runtime.org_import import import_roster
from runtime.settings import Settings
from runtime.temporal import export_keys

DEMO_ROSTER = Path(__file__).parent / "demo" / "kuranji.csv"
console = Console()


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
            roles_of(
                is_hr_admin=person.is_hr_admin,
                is_tim_penilai=person.is_tim_penilai,
                is_auditor=person.is_auditor,
                is_supervisor=person.nip in supervisors,
            ),
        )
        for label, person in chosen
    ]


async def run_dev_stack(settings: Settings) -> None:
    export_keys(settings)  # Temporal keys: generated once under the data dir, then kept
    data_dir = settings.data_dir.resolve()
    temporal_process: subprocess.Popen[bytes] | None = None
    database_url = settings.database_url
    if not database_url:
        console.print("Menyalakan PostgreSQL tertanam …")
        database_url = start_embedded_postgres(data_dir / "postgres")
    address = settings.temporal_address
    if not address:
        console.print("Menyalakan Temporal dev server …")
        temporal_process = start_temporal_dev_server(
            data_dir / "temporal.db",
            port=settings.temporal_port,
            ui_port=settings.temporal_ui_port,
            log_file=data_dir / "temporal.log",
        )
        address = f"127.0.0.1:{settings.temporal_port}"

    engine = create_engine(database_url)
    try:
        await upgrade_to_head(engine)
        sessionmaker = create_sessionmaker(engine)
        await seed_demo_organisation(sessionmaker)
        client = await wait_for_temporal(address, settings.temporal_namespace)
        context = build_api_context(settings, client, sessionmaker)
        assert context.dev_issuer is not None
        _print_welcome(
            settings,
            context.dev_issuer,
            await _demo_personas(sessionmaker),
            own_temporal=temporal_process is not None,
        )
        await asyncio.gather(
            run_worker(settings, client, sessionmaker), serve_api(settings, context)
        )
    finally:
        await engine.dispose()
        if temporal_process is not None:
            temporal_process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                temporal_process.wait(timeout=10)
        console.print("Kinerja berhenti.")


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
    lines = [f"API           {base}", f"Dokumentasi   {base}/docs"]
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
    (settings.data_dir / "demo-tokens.env").write_text("\n".join(exports) + "\n")
    hr, employee = personas[0], personas[-1]
    console.print(
        "Coba: curl -X POST "
        f"{base}/appraisals/<periode>/{employee[1]}/acknowledge "
        '-H "Authorization: Bearer $TOKEN_PEGAWAI" setelah HR memulai periode '
        f"(POST {base}/periods dengan token {hr[0]}).",
        soft_wrap=True,
    )
