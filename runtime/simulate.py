"""``kinerja simulate``: rehearse a whole appraisal year before HR opens a real period.

The real ``AppraisalWorkflow`` runs on the time-skipping test server for N generated
employees, on in-memory activities, while a seeded behaviour model plays every actor
(``rehearsal.temporal_driver``). Time jumps from one day with something to do to the
next, so a year takes minutes. This module composes it: it starts the server from the
virtualenv with the production data converter and workflow sandbox, starts over should
the server stall, and prints what HR wants to know (``rehearsal.summary``).
"""

from collections.abc import Callable
from typing import Any

from domain.predikat import Predikat
from domain.stages import Stage
from rehearsal.behaviour import Behaviour
from rehearsal.summary import SimulationSummary
from rehearsal.temporal_driver import rehearse
from rehearsal.time_skipping import ATTEMPTS, RehearsalStalledError

__all__ = ["Behaviour", "SimulationSummary", "print_summary", "simulate"]


SHORT = {
    Predikat.SANGAT_BAIK: "SB",
    Predikat.BAIK: "B",
    Predikat.BUTUH_PERBAIKAN: "BP",
    Predikat.KURANG: "K",
    Predikat.SANGAT_KURANG: "SK",
}


def print_summary(summary: SimulationSummary, console: Any) -> None:
    """The rehearsal's findings as tables (rich ``Console``)."""
    from rich.table import Table

    console.print(
        f"[bold]Gladi {summary.employees} pegawai[/bold] (seed {summary.seed}): "
        f"{summary.completed} selesai, {summary.updates} perintah, "
        f"{summary.wall_seconds:.0f} detik"
    )
    notices = Table("Tahap", "Pengingat", "Eskalasi", title="Pengingat dan eskalasi per tahap")
    for stage in Stage:
        reminded = summary.reminders_per_stage.get(stage, 0)
        escalated = summary.escalations_per_stage.get(stage, 0)
        if reminded or escalated:
            notices.add_row(stage.value, str(reminded), str(escalated))
    notices.caption = f"{summary.escalations_to_bkpsdm} eskalasi sampai ke BKPSDM"
    console.print(notices)
    shares = Table(
        "OPD", "Pegawai", *SHORT.values(), "Unit", "Melanggar pola",
        title="Sebaran predikat per OPD terhadap pola distribusi",
        caption=", ".join(f"{short} = {p.value}" for p, short in SHORT.items()),
    )  # fmt: skip
    for agency in summary.agencies:
        rated = sum(agency.predikat.values()) or 1
        shares.add_row(
            agency.agency_code,
            str(agency.employees),
            *(f"{100 * agency.predikat[p] / rated:.0f}%" for p in Predikat),
            str(agency.units),
            str(agency.units_breaking_rule),
        )
    console.print(shares)
    console.print(
        f"Keberatan: {summary.keberatan_filed} diajukan, {summary.keberatan_changed} dikabulkan."
    )
    training = Table("Jenis", "Jumlah", title="Beban tindak lanjut (pengembangan)")
    for kind, count in sorted(summary.training.items()):
        training.add_row(kind.value, str(count))
    if summary.training_by_month:
        training.caption = "Jatuh tempo: " + ", ".join(
            f"{month} {count}" for month, count in summary.training_by_month.items()
        )
    console.print(training)
    weeks = Table(
        "Minggu mulai", "Tindakan atasan", "Terbanyak oleh satu atasan",
        title="Minggu tersibuk para atasan",
    )  # fmt: skip
    for week, actions, most in summary.busiest_weeks:
        weeks.add_row(week, str(actions), str(most))
    console.print(weeks)
    if summary.failures:
        console.print(f"[yellow]Perintah ditolak: {summary.failures}[/yellow]")
    if summary.clock_releases or summary.carried_on:
        console.print(
            f"Gangguan server uji (bukan hasil gladi): jam macet {summary.clock_releases} "
            f"kali dan dilepas; {summary.carried_on} alur kerja dilanjutkan dari keadaan "
            "terakhirnya"
        )


async def simulate(
    employees: int,
    seed: int,
    behaviour: Behaviour | None = None,
    *,
    show_progress: bool = True,
    progress: Callable[[str, float], None] | None = None,
) -> SimulationSummary:
    """Start the time-skipping server from the virtualenv and rehearse one year on it;
    should that server stall, start over on a fresh one (``RehearsalStalledError``).
    ``progress`` replaces the progress bar (tests listen to it)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        disable=not show_progress or progress is not None,
        transient=True,
    ) as bar:
        task = bar.add_task("Menyiapkan", total=1.0)

        def show(label: str, share: float) -> None:
            bar.update(task, description=label, completed=min(1.0, max(0.0, share)))

        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await _rehearse_on_fresh_server(employees, seed, behaviour, progress or show)
            except RehearsalStalledError as stalled:
                if attempt == ATTEMPTS:
                    raise
                bar.console.log(f"Server uji macet ({stalled}); gladi diulang dari awal")
    raise AssertionError("unreachable")


async def _rehearse_on_fresh_server(
    employees: int,
    seed: int,
    behaviour: Behaviour | None,
    progress: Callable[[str, float], None],
) -> SimulationSummary:
    from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
    from temporalio.testing import WorkflowEnvironment

    from runtime.devstack import venv_binary
    from runtime.temporal import data_converter, ensure_search_attributes, ephemeral_keys
    from runtime.worker import workflow_runner

    quiet = Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(filter=TelemetryFilter(core_level="WARN", other_level="WARN"))
        )
    )
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(ephemeral_keys()),  # sealed, as in production
        test_server_existing_path=str(venv_binary("temporal-test-server")),
        runtime=quiet,
    )
    try:
        await ensure_search_attributes(env.client)
        return await rehearse(
            env.client,
            employees=employees,
            seed=seed,
            behaviour=behaviour,
            sleep=env.sleep,
            current_time=env.get_current_time,
            workflow_runner=workflow_runner(),
            progress=progress,
        )
    finally:
        await env.shutdown()
