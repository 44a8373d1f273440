"""Driving appraisals straight through Temporal (as the API does, minus HTTP) with the
patience of a real client: an update is retried under the same update id while the
worker or the server is away, so a retry can never apply a command twice."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError

from domain.appraisal import Actor, AppraisalState, Command
from domain.roles import Role
from tests.keys import appraisal_id
from workflows.contracts import Envelope

REPO = Path(__file__).resolve().parents[2]


def pegawai(nip: str) -> Actor:
    return Actor(subject=nip, nip=nip, roles=frozenset({Role.PEGAWAI}))


def penilai(nip: str) -> Actor:
    return Actor(subject=nip, nip=nip, roles=frozenset({Role.PEGAWAI, Role.PEJABAT_PENILAI}))


@dataclass
class Sender:
    """Sends updates and counts what the outage cost (retries, refusals)."""

    client: Client
    period_id: str
    patience: float = 180
    retries: int = 0
    refused: dict[str, int] = field(default_factory=dict)

    async def send(
        self, nip: str, update: Any, actor: Actor, command: Command, update_id: str
    ) -> AppraisalState | None:
        """The new state; None when the workflow refused (counted by reason)."""
        handle = self.client.get_workflow_handle(appraisal_id(self.period_id, nip))
        deadline = time.monotonic() + self.patience
        while True:
            try:
                state: AppraisalState = await handle.execute_update(
                    update,
                    Envelope[Any](actor=actor, command=command),
                    id=update_id,
                    result_type=AppraisalState,
                )
                return state
            except WorkflowUpdateFailedError as error:
                reason = getattr(error.cause, "type", None) or type(error.cause).__name__
                self.refused[reason] = self.refused.get(reason, 0) + 1
                return None
            except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                self.retries += 1
                await asyncio.sleep(0.5)


class WorkerProcess:
    """``python -m tests.drills.worker_process`` with its output in a log file."""

    def __init__(self, log: Path, *, database_url: str, temporal_address: str, queue: str) -> None:
        self.log = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "TEMPORAL_ADDRESS": temporal_address,
            "KINERJA_TASK_QUEUE": queue,
        }
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, patience: float = 60) -> float:
        """Start and wait until it polls; returns the seconds that took."""
        began = time.monotonic()
        offset = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
            [sys.executable, "-m", "tests.drills.worker_process"],
            cwd=REPO,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        while b"READY" not in self.log.read_bytes()[offset:]:
            if self.process.poll() is not None:
                raise AssertionError(self.log.read_text()[-3000:])
            if time.monotonic() - began > patience:
                raise AssertionError("worker did not start: " + self.log.read_text()[-3000:])
            await asyncio.sleep(0.05)
        return time.monotonic() - began

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, activities die wherever they are."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def to_rated(
    sender: Sender, nip: str, supervisor: str, hasil: str = "sesuai", perilaku: str = "sesuai"
) -> AppraisalState | None:
    """Sosialisasi to a rating, for a period with one check-in: every step by the right
    person. Returns the rated state (None when something was refused)."""
    from datetime import UTC, datetime, timedelta

    from domain.checkin import Rating, Realisation
    from domain.pemantauan import GiveFeedback, ReportCheckIn
    from domain.penilaian import RateAppraisal
    from domain.perencanaan import ApproveSkp, DraftSkp, SubmitSkp
    from domain.sosialisasi import Acknowledge
    from domain.wawancara import RecordDialogue
    from tests.domain.builders import valid_content
    from workflows.appraisal import AppraisalWorkflow as W

    me, boss = pegawai(nip), penilai(supervisor)
    steps: list[tuple[Any, Actor, Command, str]] = [
        (W.acknowledge, me, Acknowledge(), "ack"),
        (W.draft_skp, me, DraftSkp(content=valid_content()), "draft"),
        (W.submit_skp, me, SubmitSkp(), "submit"),
        (W.approve_skp, boss, ApproveSkp(), "approve"),
        (
            W.report_checkin,
            me,
            ReportCheckIn(
                index=1,
                realisations=(
                    Realisation(indicator_id="ind-1", value=12),
                    Realisation(indicator_id="ind-2", value=90),
                ),
            ),
            "report",
        ),
        (W.give_feedback, boss, GiveFeedback(index=1, text="Terus pertahankan"), "feedback"),
        (
            W.record_dialogue,
            boss,
            RecordDialogue(
                held_at=datetime.now(UTC) - timedelta(minutes=5),
                participants=(nip, supervisor),
                notes="Dialog kinerja akhir tahun: capaian dan hambatan dibahas",
            ),
            "dialogue",
        ),
        (
            W.rate,
            boss,
            RateAppraisal(hasil_kerja=Rating(hasil), perilaku=Rating(perilaku)),
            "rate",
        ),
    ]
    state = None
    for update, actor, command, name in steps:
        state = await sender.send(nip, update, actor, command, f"{nip}-{name}")
        if state is None:
            return None
    return state
