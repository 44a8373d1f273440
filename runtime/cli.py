"""The ``kinerja`` command: dev stack, worker, API, migrations and organisation import."""

import asyncio
import contextlib
import gc
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from persistence.db import create_engine, create_sessionmaker
from persistence.migrate import upgrade_to_head
from runtime.logs import configure_logging
from runtime.settings import Settings

app = typer.Typer(
    help="Kinerja: siklus pengelolaan kinerja ASN di atas Temporal.", no_args_is_help=True
)
console = Console()


def _database_url(settings: Settings) -> str:
    if not settings.database_url:
        raise typer.BadParameter("Set DATABASE_URL (or use 'kinerja dev', which starts one)")
    return settings.database_url


@app.command()
def dev() -> None:
    """Run everything on this machine: embedded PostgreSQL and Temporal unless
    DATABASE_URL / TEMPORAL_ADDRESS are set, migrations, demo data, worker and API."""
    from runtime.dev import run_dev_stack
    from runtime.devstack import DevStackError

    configure_logging()
    # run_dev_stack handles SIGINT/SIGTERM itself and returns (exit 0) once every server
    # is stopped; a Ctrl-C before its handlers are in place only needs no traceback.
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_dev_stack(Settings(dev_mode=True)))
    except DevStackError as refusal:  # e.g. a port held by another program: one line
        typer.echo(str(refusal), err=True)
        raise typer.Exit(code=1) from None
    # Everything is stopped: spare the exit the seconds a full garbage collection of the
    # worker's heap takes (objects frozen are skipped by the collector at shutdown).
    gc.freeze()


@app.command()
def worker() -> None:
    """Run a Temporal worker (workflows and activities)."""
    from runtime.assembly import connect_temporal
    from runtime.worker import run_worker

    configure_logging()
    settings = Settings()

    async def main() -> None:
        engine = create_engine(_database_url(settings))
        client = await connect_temporal(settings)
        try:
            await run_worker(settings, client, create_sessionmaker(engine))
        finally:
            await engine.dispose()

    asyncio.run(main())


@app.command()
def api() -> None:
    """Serve the HTTP API (uvicorn)."""
    from runtime.assembly import build_api_context, connect_temporal, serve_api

    configure_logging()
    settings = Settings()

    async def main() -> None:
        engine = create_engine(_database_url(settings))
        client = await connect_temporal(settings)
        try:
            await serve_api(
                settings, build_api_context(settings, client, create_sessionmaker(engine))
            )
        finally:
            await engine.dispose()

    asyncio.run(main())


@app.command()
def migrate() -> None:
    """Bring the database schema to the newest version."""
    settings = Settings()

    async def main() -> None:
        engine = create_engine(_database_url(settings))
        try:
            await upgrade_to_head(engine)
        finally:
            await engine.dispose()

    asyncio.run(main())
    console.print("[green]Skema basis data mutakhir.[/green]")


@app.command("import-org")
def import_org(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV atau XLSX")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; write nothing")
    ] = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Lembar kerja XLSX yang diimpor")
    ] = None,
) -> None:
    """Import the organisation (agencies, units, employees) from CSV or XLSX.

    Every row is validated first; if any row is bad, nothing is imported."""
    from rich.markup import escape  # messages quote the file's own text

    from api.roster_files import RosterFileError, RosterLimits
    from api.roster_import import import_roster

    settings = Settings()

    async def main() -> None:
        engine = create_engine(_database_url(settings))
        try:
            report = await import_roster(
                create_sessionmaker(engine),
                file,
                dry_run=dry_run,
                sheet=sheet,
                limits=RosterLimits.from_settings(settings),
            )
        finally:
            await engine.dispose()
        if report.errors:
            table = Table(
                "Baris", "Kolom", "Kesalahan", title="Impor dibatalkan: tidak ada yang disimpan"
            )
            for error in report.errors:
                table.add_row(str(error.row), error.column or "-", escape(error.message))
            console.print(table)
            raise typer.Exit(code=1)
        summary = report.summary
        assert summary is not None
        verb = "Akan" if dry_run else "Selesai:"
        console.print(
            f"[green]{verb} {summary.created} baru, {summary.updated} diperbarui, "
            f"{summary.unchanged} tidak berubah ({report.rows} baris).[/green]"
        )

    try:
        asyncio.run(main())
    except RosterFileError as error:
        console.print(f"[red]{escape(error.message)}[/red]")
        raise typer.Exit(code=1) from error


@app.command()
def simulate(
    employees: Annotated[
        int, typer.Option("--employees", min=1, help="Pegawai yang digladi")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Benih model perilaku")] = 1,
    late_share: Annotated[
        float, typer.Option("--late-share", min=0, max=1, help="Porsi yang terlambat")
    ] = 0.15,
    objection_share: Annotated[
        float,
        typer.Option("--objection-share", min=0, max=1, help="Porsi keberatan bila dinilai rendah"),
    ] = 0.4,
    monthly: Annotated[bool, typer.Option("--bulanan", help="Pemantauan bulanan")] = False,
) -> None:
    """Rehearse a whole year for N generated employees on the time-skipping server:
    escalations per stage, predicates per agency against the distribution rule, training
    load and the busiest weeks for supervisors."""
    from domain.schedule import MonitoringFrequency
    from runtime.simulate import Behaviour, print_summary
    from runtime.simulate import simulate as rehearse

    behaviour = Behaviour(
        late_share=late_share,
        objection_share_low=objection_share,
        frequency=MonitoringFrequency.BULANAN if monthly else MonitoringFrequency.TRIWULAN,
    )
    summary = asyncio.run(rehearse(employees, seed, behaviour))
    print_summary(summary, console)


if __name__ == "__main__":
    app()
