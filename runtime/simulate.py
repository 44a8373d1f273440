"""``kinerja simulate``: rehearse a whole appraisal year before HR opens a real period.

The real ``AppraisalWorkflow`` runs on the time-skipping test server for N generated
employees; its activities are replaced by in-memory stand-ins (registered under the real
activity names), and a seeded behaviour model plays every actor: who acknowledges late,
whose SKP comes back once, how results and behaviour are rated, who objects, how quickly
supervisors answer. Time jumps from one day with something to do to the next, so a year
takes minutes. What HR wants to know comes out at the end: escalations per stage, the
predicate distribution per agency against the distribution rule, the training load, and
the busiest weeks for supervisors.

The organisation generator here is also what ``bench/`` uses for its regencies.
"""

import asyncio
import contextlib
import heapq
import os
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, TypeVar

from pydantic import BaseModel, Field
from temporalio import activity
from temporalio.api.testservice.v1 import UnlockTimeSkippingRequest
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError

from domain.appraisal import Actor, AppraisalState, Command
from domain.checkin import Rating, Realisation
from domain.development import DevelopmentKind
from domain.distribusi import UnitPredikat, check_distribution
from domain.keberatan import KeberatanOutcome
from domain.notices import NoticeKind, notice_recipient
from domain.organisation import EmployeeRecord
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.penilaian import (
    AddKeberatanStatement,
    DecideKeberatan,
    DeliverResult,
    FileKeberatan,
    RateAppraisal,
)
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.predikat import NEEDS_DEVELOPMENT, Predikat
from domain.roles import Role
from domain.schedule import MonitoringFrequency, Period, PeriodSchedule
from domain.skp import (
    Aspect,
    BehaviourExpectation,
    BerakhlakValue,
    Indicator,
    Rhk,
    RhkKind,
    SkpContent,
)
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from domain.wawancara import RecordDialogue
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import (
    ActivityNames,
    AppraisalChange,
    AppraisalInput,
    Envelope,
    MutasiRecord,
    NoticeDelivery,
    NoticeReceipt,
)
from workflows.ids import appraisal_workflow_id

T = TypeVar("T")
WIB = timezone(timedelta(hours=7), "WIB")
UPDATE_PATIENCE = timedelta(seconds=15)
STALL_PATIENCE = 60.0  # wall seconds a jump in time may take before the server is stuck
ATTEMPTS = 3
# The rehearsal's server lives as long as this process: a throwaway pseudonym key will do.
SIMULATION_ID_KEY = os.urandom(32)


class RehearsalStalledError(RuntimeError):
    """The time-skipping test server stopped skipping time, even after its leaked clock
    lock was given back (``Rehearsal.release_leaked_lock``). A weakness of that server,
    not of the workflow (the same histories replay cleanly). The rehearsal is seeded, so
    it starts over on a fresh server and comes out the same."""


async def _in_time(awaitable: Awaitable[T], what: str) -> T:
    try:
        return await asyncio.wait_for(awaitable, STALL_PATIENCE)
    except TimeoutError:
        raise RehearsalStalledError(what) from None
    except RPCError as error:  # the call gave up first ("Timeout expired", "h2 protocol error")
        raise RehearsalStalledError(f"{what}: {error}") from error


# --- a generated organisation ---------------------------------------------------------


def make_nip(index: int) -> str:
    """A well-formed, unique NIP for the ``index``-th generated employee (index < 10^7)."""
    birth = date(1965, 1, 1) + timedelta(days=index // 1000)
    tmt_year = 1990 + index % 30
    tmt_month = 1 + index % 12
    sex = 1 + index % 2
    return f"{birth:%Y%m%d}{tmt_year}{tmt_month:02d}{sex}{index % 1000:03d}"


def generate_organisation(
    employees: int, *, seed: int = 1, agency_size: int = 250, first_index: int = 0
) -> list[EmployeeRecord]:
    """A regency of ``employees`` ASN in agencies of about ``agency_size``.

    Each agency (OPD) has a head, up to six bidang (each its own unit, the unit the
    distribution rule applies to) with a kepala bidang, up to four kepala seksi under
    each, and staff under those: chains four deep (staff → kepala seksi → kepala bidang →
    kepala OPD → the regional head, whom BKPSDM represents). The first agency is BKPSDM;
    its first staff member is an HR admin, and each agency's first staff member sits on
    its tim penilai. NIPs are ``make_nip(first_index)`` onwards.
    """
    if employees < 1:
        raise ValueError("employees must be at least 1")
    rng = random.Random(seed)
    agency_count = max(1, round(employees / agency_size))
    weights = [rng.uniform(0.6, 1.4) for _ in range(agency_count)]
    total = sum(weights)
    sizes = [max(1, int(employees * w / total)) for w in weights]
    sizes[0] += employees - sum(sizes)
    while sizes[0] < 1:  # rounding took too much from the first agency
        donor = max(range(agency_count), key=sizes.__getitem__)
        sizes[donor] -= 1
        sizes[0] += 1
    records: list[EmployeeRecord] = []

    def add(agency: str, unit: str, supervisor: str | None, position: str, **flags: bool) -> str:
        nip = make_nip(first_index + len(records))
        records.append(
            EmployeeRecord(
                nip=nip,
                name=f"Pegawai {len(records) + 1}",
                position=position,
                grade="Penata (III/c)",
                agency_code=agency,
                agency_name=f"Dinas {agency}",
                unit_code=unit,
                unit_name=f"Bidang {unit}",
                supervisor_nip=supervisor,
                **flags,
            )
        )
        return nip

    for number, size in enumerate(sizes):
        agency = "BKPSDM" if number == 0 else f"OPD{number:02d}"
        head = add(agency, f"{agency}-PIM", None, "Kepala OPD")
        left = size - 1
        bidang = max(1, min(6, left // 40)) if left else 0
        for b in range(bidang):
            share = left // (bidang - b)
            left -= share
            if share == 0:
                continue
            unit = f"{agency}-B{b + 1}"
            kabid = add(agency, unit, head, "Kepala Bidang")
            rest = share - 1
            seksi = min(4, rest // 8)
            leaders = [kabid]
            for _ in range(seksi):
                leaders.append(add(agency, unit, kabid, "Kepala Seksi"))
                rest -= 1
            staff_leaders = leaders[1:] or leaders
            for s in range(rest):
                flags: dict[str, bool] = {}
                if b == 0 and s == 0:
                    flags["is_tim_penilai"] = True
                    if number == 0:
                        flags["is_hr_admin"] = True
                add(agency, unit, staff_leaders[s % len(staff_leaders)], "Analis", **flags)
    return records


def skp_content(rhk_count: int = 2) -> SkpContent:
    """A plausible SKP: odd RHK are utama with a quantity target of 12 documents, even
    ones tambahan with a quality target of 90 %; one expectation per BerAKHLAK value."""
    rhk = []
    for number in range(1, rhk_count + 1):
        main = number % 2 == 1
        rhk.append(
            Rhk(
                id=f"rhk-{number}",
                description=f"Rencana hasil kerja ke-{number} bidang pelayanan publik",
                kind=RhkKind.UTAMA if main else RhkKind.TAMBAHAN,
                supports="Meningkatnya mutu pelayanan publik daerah",
                indicators=(
                    Indicator(
                        id=f"ind-{number}",
                        description=f"Capaian indikator ke-{number} rencana hasil kerja",
                        aspect=Aspect.KUANTITAS if main else Aspect.KUALITAS,
                        target=12 if main else 90,
                        unit="dokumen" if main else "%",
                    ),
                ),
            )
        )
    perilaku = tuple(
        BehaviourExpectation(value=value, expectation=f"Menunjukkan perilaku {value.value}")
        for value in BerakhlakValue
    )
    return SkpContent(rhk=tuple(rhk), perilaku=perilaku)


# --- the behaviour model --------------------------------------------------------------


class Behaviour(BaseModel):
    """How the people of the regency behave, drawn per person from a seeded generator."""

    late_share: float = Field(
        default=0.15,
        ge=0,
        le=1,
        description="Share of people who do their steps after the due time.",
    )
    return_share: float = Field(default=0.2, ge=0, le=1, description="SKPs returned once.")
    objection_share_low: float = Field(
        default=0.4, ge=0, le=1, description="Keberatan filed by those rated below expectations."
    )
    objection_share_other: float = Field(default=0.02, ge=0, le=1)
    changed_share: float = Field(
        default=0.3, ge=0, le=1, description="Keberatan the atasan penilai decides in favour of."
    )
    spread: dict[Predikat, float] = Field(
        default_factory=lambda: {
            Predikat.SANGAT_BAIK: 0.15,
            Predikat.BAIK: 0.62,
            Predikat.BUTUH_PERBAIKAN: 0.15,
            Predikat.KURANG: 0.06,
            Predikat.SANGAT_KURANG: 0.02,
        },
        description="Performance spread: the predicate each person's work deserves.",
    )
    unit_spread: dict[UnitPredikat, float] = Field(
        default_factory=lambda: {
            UnitPredikat.ISTIMEWA: 0.1,
            UnitPredikat.BAIK: 0.75,
            UnitPredikat.BUTUH_PERBAIKAN: 0.15,
        }
    )
    frequency: MonitoringFrequency = MonitoringFrequency.TRIWULAN


RATINGS: dict[Predikat, tuple[Rating, Rating]] = {
    Predikat.SANGAT_BAIK: (Rating.DI_ATAS, Rating.DI_ATAS),
    Predikat.BAIK: (Rating.SESUAI, Rating.SESUAI),
    Predikat.BUTUH_PERBAIKAN: (Rating.DI_BAWAH, Rating.SESUAI),
    Predikat.KURANG: (Rating.SESUAI, Rating.DI_BAWAH),
    Predikat.SANGAT_KURANG: (Rating.DI_BAWAH, Rating.DI_BAWAH),
}
# how much of the quantity target each grade of work realises
REALISED = {
    Predikat.SANGAT_BAIK: 1.2,
    Predikat.BAIK: 1.0,
    Predikat.BUTUH_PERBAIKAN: 0.7,
    Predikat.KURANG: 0.95,
    Predikat.SANGAT_KURANG: 0.5,
}
STAGE_OF_STEP = {
    "sosialisasi": Stage.SOSIALISASI,
    "skp_penyusunan": Stage.PERENCANAAN,
    "skp_revisi": Stage.PERENCANAAN,
    "skp_persetujuan": Stage.PERENCANAAN,
    "pemantauan_laporan": Stage.PEMANTAUAN,
    "pemantauan_umpan_balik": Stage.PEMANTAUAN,
    "wawancara": Stage.WAWANCARA,
    "penilaian": Stage.PENILAIAN,
    "keberatan_putusan": Stage.PENILAIAN,
    "tindak_lanjut_penugasan": Stage.TINDAK_LANJUT,
    "tindak_lanjut_pelaksanaan": Stage.TINDAK_LANJUT,
    "tindak_lanjut_konfirmasi": Stage.TINDAK_LANJUT,
}


def year_period(year: int, frequency: MonitoringFrequency) -> Period:
    """A calendar year with the customary due times (end of January for the SKP, end of
    November for dialogues, mid-December for ratings, March for follow-up)."""

    def at(y: int, month: int, day: int) -> datetime:
        return datetime(y, month, day, 16, tzinfo=WIB)

    return Period(
        period_id=f"sim{year}",
        name=f"Gladi penilaian kinerja {year}",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        schedule=PeriodSchedule(
            sosialisasi_due=at(year, 1, 15),
            skp_draft_due=at(year, 1, 22),
            skp_approval_due=at(year, 1, 31),
            wawancara_due=at(year, 11, 30),
            penilaian_due=at(year, 12, 15),
            tindak_lanjut_due=at(year + 1, 3, 31),
            monitoring_frequency=frequency,
        ),
    )


# --- in-memory activities -------------------------------------------------------------


@dataclass
class SimActivities:
    """Stand-ins for the activities, under the real names: notices are recorded instead of
    sent, and the latest state of each appraisal is kept instead of written."""

    supervisors: dict[str, str | None]
    deliveries: list[NoticeDelivery] = field(default_factory=list)
    states: dict[str, AppraisalState] = field(default_factory=dict)
    changes: int = 0
    calls: int = 0  # every activity call, to tell when timers have stopped firing

    @activity.defn(name=ActivityNames.RECORD_APPRAISAL_CHANGE)
    async def record_appraisal_change(self, change: AppraisalChange) -> bool:
        self.changes += 1
        self.calls += 1
        known = self.states.get(change.state.nip)
        if known is None or known.version < change.state.version:
            self.states[change.state.nip] = change.state
        return True

    @activity.defn(name=ActivityNames.DELIVER_NOTICE)
    async def deliver_notice(self, delivery: NoticeDelivery) -> NoticeReceipt:
        self.deliveries.append(delivery)
        self.calls += 1
        atasan = self.supervisors.get(delivery.supervisor_nip or "")
        role, nip = notice_recipient(
            delivery.recipient_role, delivery.nip, delivery.supervisor_nip, atasan
        )
        return NoticeReceipt(recipient_role=role, recipient_nip=nip)

    @activity.defn(name=ActivityNames.RECORD_MUTASI)
    async def record_mutasi(self, record: MutasiRecord) -> bool:
        self.supervisors[record.nip] = record.new_supervisor_nip
        return True

    def all(self) -> list[Callable[..., Any]]:
        return [self.record_appraisal_change, self.deliver_notice, self.record_mutasi]


# --- the summary ------------------------------------------------------------------------


class AgencyDistribution(BaseModel):
    agency_code: str
    employees: int
    predikat: dict[Predikat, int]
    units: int
    units_breaking_rule: int


class SimulationSummary(BaseModel):
    """What HR wants to know before opening the real period."""

    employees: int
    seed: int
    completed: int
    wall_seconds: float
    updates: int
    reminders_per_stage: dict[Stage, int]
    escalations_per_stage: dict[Stage, int]
    escalations_to_bkpsdm: int
    agencies: list[AgencyDistribution]
    keberatan_filed: int
    keberatan_changed: int
    training: dict[DevelopmentKind, int]
    training_by_month: dict[str, int]
    busiest_weeks: list[tuple[str, int, int]] = Field(
        description="(week starting, supervisor actions, most by one supervisor)"
    )
    failures: dict[str, int]
    clock_releases: int = Field(
        default=0,
        description="Times the test server's clock was stuck on a refused workflow task "
        "and was released.",
    )
    carried_on: int = Field(
        default=0,
        description="Appraisals whose run the test server stopped answering, carried on "
        "on a fresh run from their last state.",
    )


# --- the driver -------------------------------------------------------------------------

Step = Callable[[], Awaitable[None]]


@dataclass
class Person:
    record: EmployeeRecord
    atasan: str | None
    late: bool
    supervisor_late: bool
    returned: bool
    deserves: Predikat
    objects: bool
    handle: WorkflowHandle[Any, Any] | None = None
    state: AppraisalState | None = None


@dataclass
class Rehearsal:
    client: Client
    period: Period
    behaviour: Behaviour
    rng: random.Random
    hr: Actor
    people: dict[str, Person]
    persisted: dict[str, AppraisalState]  # the latest state each workflow wrote, by NIP
    workflow_schedule: PeriodSchedule  # resolved, as the workflows are given it
    task_queue: str
    concurrency: int = 50
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    queue: list[tuple[datetime, int, Step]] = field(default_factory=list)
    sequence: int = 0
    sent: int = 0  # commands sent, to give each its own update ID
    updates: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    clock_releases: int = 0  # leaked clock locks given back to the test server
    carried_on: int = 0  # runs replaced after the test server stopped answering them
    supervisor_actions: list[tuple[date, str]] = field(default_factory=list)
    unit_rated: Counter[str] = field(default_factory=Counter)
    unit_size: Counter[str] = field(default_factory=Counter)
    unit_predikat: dict[str, UnitPredikat] = field(default_factory=dict)
    keberatan_filed: int = 0
    keberatan_changed: int = 0
    training: list[tuple[str, DevelopmentKind, datetime]] = field(default_factory=list)

    # scheduling ------------------------------------------------------------------------

    def at(self, moment: datetime, step: Step) -> None:
        """Run ``step`` on the day of ``moment`` (at ten in the morning, WIB)."""
        day = moment.astimezone(WIB).date()
        when = datetime.combine(day, time(10), tzinfo=WIB)
        if when < self.now:
            when = self.now
        self.sequence += 1
        heapq.heappush(self.queue, (when, self.sequence, step))

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def when(self, late: bool, due: datetime, earliest: datetime) -> datetime:
        """On time: some day before ``due`` (not before ``earliest``); late: after it."""
        if late:
            return max(earliest, due) + self.days(1, 12)
        latest = due - timedelta(days=1)
        if latest <= earliest:
            return earliest
        span = (latest - earliest).days
        return earliest + timedelta(days=self.rng.randint(0, max(0, span)))

    # commands --------------------------------------------------------------------------

    def actor(self, nip: str | None, *roles: Role) -> Actor:
        if nip is None:
            return self.hr
        return Actor(subject=nip, nip=nip, roles=frozenset({Role.PEGAWAI, *roles}))

    def penilai(self, person: Person) -> Actor:
        return self.actor(person.record.supervisor_nip, Role.PEJABAT_PENILAI)

    async def send(
        self, person: Person, update: Any, actor: Actor, command: Command, name: str
    ) -> AppraisalState | None:
        """Send one command and return the state it led to (``None`` if refused or lost).

        Each attempt is bounded and carries the same update ID, so a retry joins the first
        attempt instead of acting twice. An attempt can go unanswered when the test
        server refuses the workflow task (see ``release_leaked_lock``); the task is
        retried after its timeout, and the state the workflow persisted shows whether
        the command landed meanwhile."""
        assert person.handle is not None
        await self.settle(person)
        envelope: Envelope[Any] = Envelope(actor=actor, command=command)
        before = person.state.version if person.state else 0
        self.sent += 1
        update_id = f"{name}-{self.sent}"
        state: AppraisalState | None = None
        for attempt in range(1, ATTEMPTS + 1):
            if attempt == ATTEMPTS:
                await self.carry_on(person)  # the last try goes to a fresh run
            try:
                state = await self._answer(person.handle, update, envelope, update_id)
            except WorkflowUpdateFailedError as error:
                cause = getattr(error.cause, "type", None) or type(error.cause).__name__
                self.failures[f"{name}: {cause}"] += 1
                return None
            persisted = self.persisted.get(person.record.nip)
            if state is None and persisted is not None and persisted.version > before:
                state = persisted
            if state is not None:
                break
        if state is None:
            self.failures[f"{name}: no answer"] += 1
            return None
        self.updates += 1
        person.state = state
        if actor.has(Role.PEJABAT_PENILAI) or actor.has(Role.ATASAN_PENILAI):
            self.supervisor_actions.append((self.now.astimezone(WIB).date(), actor.subject))
        return state

    @staticmethod
    async def _answer(
        handle: WorkflowHandle[Any, Any], update: Any, envelope: Envelope[Any], update_id: str
    ) -> AppraisalState | None:
        """The update's answer, or ``None`` if none came within ``UPDATE_PATIENCE``.

        The SDK turns a cancelled update call into ``WorkflowUpdateRPCTimeoutOrCancelledError``
        and would go on polling the test server for an answer it never gives, so the bound
        is an ``asyncio.timeout`` around the whole call, not only each RPC's timeout."""
        try:
            async with asyncio.timeout(UPDATE_PATIENCE.total_seconds()):
                answer: AppraisalState = await handle.execute_update(
                    update,
                    envelope,
                    id=update_id,
                    result_type=AppraisalState,
                    rpc_timeout=UPDATE_PATIENCE,
                )
                return answer
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the caller gave up on this step: do not swallow its cancellation
            return None

    async def settle(self, person: Person) -> None:
        """Wait until the workflow has no task in flight (a query is answered after it):
        an update racing a task (one that followed the last update, or a timer that fired
        as time jumped) is what now and then makes the time-skipping test server reject the
        task ("invalid history builder state")."""
        assert person.handle is not None
        with contextlib.suppress(Exception):
            await person.handle.query(AppraisalWorkflow.state, rpc_timeout=UPDATE_PATIENCE)

    async def carry_on(self, person: Person) -> None:
        """Replace a run that no longer answers updates with a fresh one that starts from
        the last state the appraisal wrote, as continue-as-new would.

        After refusing a workflow task, the test server sometimes neither retries the
        task nor answers updates; the same histories replay cleanly, so the fault is the
        server's. The appraisal state is all a run needs to go on (the reminders already
        sent are part of it)."""
        assert person.handle is not None
        latest = self.persisted.get(person.record.nip) or person.state
        assert latest is not None
        with contextlib.suppress(RPCError):
            await person.handle.terminate("gladi: dilanjutkan dari keadaan terakhir")
        person.handle = await self.client.start_workflow(
            AppraisalWorkflow.run,
            AppraisalInput(
                state=latest, schedule=self.workflow_schedule, persisted_version=latest.version
            ),
            id=person.handle.id,
            task_queue=self.task_queue,
        )
        person.state = latest
        self.carried_on += 1

    async def skip(
        self,
        moment: datetime,
        sleep: Callable[[timedelta], Awaitable[None]],
        current_time: Callable[[], Awaitable[datetime]],
    ) -> None:
        """Let time jump to ``moment``. Should it not move, give back the clock lock the
        server leaked (see ``release_leaked_lock``) and try again."""
        for attempt in range(1, ATTEMPTS + 1):
            current = await _in_time(current_time(), "reading the time")
            if current >= moment:
                return
            try:
                await _in_time(sleep(moment - current), f"skipping to {moment:%d %b}")
                return
            except RehearsalStalledError:
                if attempt == ATTEMPTS:
                    raise
                await self.release_leaked_lock()

    async def release_leaked_lock(self) -> None:
        """Give back the clock lock that a refused workflow task took and never returned.

        The test server holds time still while a workflow task is open, counting locks.
        Now and then it refuses a task's completion ("invalid history builder state for
        action"); the task is retried after its timeout and the workflow goes on, but its
        lock is never counted down, so time stands still for everyone. One extra unlock
        balances the count (measured: ``kinerja simulate --employees 200`` needed it once
        or twice a year and then ran to the end)."""
        with contextlib.suppress(RPCError):
            await self.client.test_service.unlock_time_skipping(UnlockTimeSkippingRequest())
            self.clock_releases += 1

    # the year of one person --------------------------------------------------------------

    def plan(self, person: Person) -> None:
        schedule = self.period.schedule
        start = datetime.combine(self.period.starts_on, time(10), tzinfo=WIB)
        self.at(
            self.when(person.late, schedule.sosialisasi_due, start + timedelta(days=1)),
            lambda: self.acknowledge(person),
        )

    async def acknowledge(self, person: Person) -> None:
        me = self.actor(person.record.nip)
        if await self.send(person, AppraisalWorkflow.acknowledge, me, Acknowledge(), "ack"):
            due = self.period.schedule.skp_draft_due
            self.at(
                self.when(person.late, due, self.now + self.days(1, 3)), lambda: self.draft(person)
            )

    async def draft(self, person: Person) -> None:
        me = self.actor(person.record.nip)
        content = DraftSkp(content=skp_content())
        if not await self.send(person, AppraisalWorkflow.draft_skp, me, content, "draft"):
            return
        if await self.send(person, AppraisalWorkflow.submit_skp, me, SubmitSkp(), "submit"):
            due = self.period.schedule.skp_approval_due
            moment = self.when(person.supervisor_late, due, self.now + self.days(1, 3))
            self.at(moment, lambda: self.review(person))

    async def review(self, person: Person) -> None:
        boss = self.penilai(person)
        if person.returned:
            person.returned = False
            note = ReturnSkp(note="Perjelas target kuantitas RHK utama")
            if await self.send(person, AppraisalWorkflow.return_skp, boss, note, "return"):
                self.at(self.now + self.days(1, 4), lambda: self.draft(person))
            return
        state = await self.send(
            person, AppraisalWorkflow.approve_skp, boss, ApproveSkp(), "approve"
        )
        if state and state.checkins:
            self.plan_report(person, 1)

    def plan_report(self, person: Person, index: int) -> None:
        assert person.state is not None
        due = person.state.checkins[index - 1].due
        earliest = max(self.now + timedelta(days=1), due - timedelta(days=10))
        self.at(self.when(person.late, due, earliest), lambda: self.report(person, index))

    async def report(self, person: Person, index: int) -> None:
        assert person.state is not None
        count = len(person.state.checkins)
        value = round(12 * REALISED[person.deserves] * index / count, 1)
        quality = 90 * min(1.1, REALISED[person.deserves])
        command = ReportCheckIn(
            index=index,
            realisations=(
                Realisation(indicator_id="ind-1", value=value),
                Realisation(indicator_id="ind-2", value=round(quality, 1)),
            ),
        )
        me = self.actor(person.record.nip)
        if await self.send(person, AppraisalWorkflow.report_checkin, me, command, "report"):
            due = self.now + timedelta(days=self.period.schedule.feedback_days)
            moment = self.when(person.supervisor_late, due, self.now + timedelta(days=1))
            self.at(moment, lambda: self.feedback(person, index))

    async def feedback(self, person: Person, index: int) -> None:
        command = GiveFeedback(index=index, text="Terima kasih, lanjutkan")
        state = await self.send(
            person, AppraisalWorkflow.give_feedback, self.penilai(person), command, "feedback"
        )
        if state is None:
            return
        if state.stage is Stage.PEMANTAUAN:
            self.plan_report(person, index + 1)
        else:
            due = self.period.schedule.wawancara_due
            earliest = max(self.now + timedelta(days=1), due - timedelta(days=40))
            self.at(self.when(person.supervisor_late, due, earliest), lambda: self.dialogue(person))

    async def dialogue(self, person: Person) -> None:
        participants = tuple(n for n in (person.record.nip, person.record.supervisor_nip) if n)
        command = RecordDialogue(
            held_at=self.now - timedelta(hours=1),
            participants=participants,
            notes="Dialog kinerja akhir tahun: capaian dan hambatan dibahas",
            agreed_actions=("Lengkapi bukti dukung",),
        )
        boss = self.penilai(person)
        if await self.send(person, AppraisalWorkflow.record_dialogue, boss, command, "dialogue"):
            due = self.period.schedule.penilaian_due
            earliest = self.now + timedelta(days=1)
            self.at(self.when(person.supervisor_late, due, earliest), lambda: self.rate(person))

    async def rate(self, person: Person) -> None:
        hasil, perilaku = RATINGS[person.deserves]
        command = RateAppraisal(hasil_kerja=hasil, perilaku=perilaku)
        unit = person.record.unit_code
        if await self.send(person, AppraisalWorkflow.rate, self.penilai(person), command, "rate"):
            self.unit_rated[unit] += 1
            if self.unit_rated[unit] == self.unit_size[unit]:
                self.at(self.now + timedelta(days=1), lambda: self.finalise(unit))

    async def finalise(self, unit: str) -> None:
        """The unit's gate: predicates against the rule (a break is overridden with a
        reason, as the tim penilai would), then every result delivered."""
        members = [p for p in self.people.values() if p.record.unit_code == unit]

        async def deliver(person: Person) -> None:
            command = DeliverResult(atasan_nip=person.atasan)
            state = await self.send(
                person, AppraisalWorkflow.deliver_result, self.hr, command, "deliver"
            )
            if state and person.objects:
                self.at(self.now + self.days(1, 10), lambda: self.object(person))
            elif state and state.result and state.result.predikat in NEEDS_DEVELOPMENT:
                closes = self.now + timedelta(days=self.period.schedule.keberatan_days)
                self.at(closes + timedelta(days=1), lambda: self.plan_development(person))

        await asyncio.gather(*(deliver(person) for person in members))

    async def object(self, person: Person) -> None:
        me = self.actor(person.record.nip)
        reasons = FileKeberatan(reasons="Bukti dukung triwulan terakhir belum dipertimbangkan")
        if not await self.send(person, AppraisalWorkflow.file_keberatan, me, reasons, "keberatan"):
            return
        self.keberatan_filed += 1
        statement = AddKeberatanStatement(text="Penilaian sudah berdasarkan bukti dukung")
        await self.send(
            person,
            AppraisalWorkflow.add_keberatan_statement,
            self.penilai(person),
            statement,
            "statement",
        )
        self.at(self.now + self.days(2, 10), lambda: self.decide(person))

    async def decide(self, person: Person) -> None:
        assert person.state is not None and person.state.result is not None
        result = person.state.result
        judge = self.actor(person.atasan, Role.ATASAN_PENILAI)
        if (
            self.rng.random() < self.behaviour.changed_share
            and result.hasil_kerja is not Rating.DI_ATAS
        ):
            better = Rating.SESUAI if result.hasil_kerja is Rating.DI_BAWAH else Rating.DI_ATAS
            command = DecideKeberatan(
                outcome=KeberatanOutcome.DIUBAH,
                reasoning="Bukti dukung tambahan membuktikan capaian",
                hasil_kerja=better,
                perilaku=result.perilaku,
            )
        else:
            command = DecideKeberatan(
                outcome=KeberatanOutcome.DITOLAK, reasoning="Penilaian sesuai bukti yang ada"
            )
        state = await self.send(
            person, AppraisalWorkflow.decide_keberatan, judge, command, "decide"
        )
        if state is None:
            return
        if command.outcome is KeberatanOutcome.DIUBAH:
            self.keberatan_changed += 1
        if state.stage is Stage.TINDAK_LANJUT:
            self.at(self.now, lambda: self.plan_development(person))

    async def plan_development(self, person: Person) -> None:
        person.state = self.persisted.get(person.record.nip, person.state)
        if person.state is None or person.state.stage is not Stage.TINDAK_LANJUT:
            return
        moment = self.when(person.supervisor_late, self.now + timedelta(days=7), self.now)
        self.at(moment, lambda: self.assign(person))

    async def assign(self, person: Person) -> None:
        kind = self.rng.choice(list(DevelopmentKind))
        due = self.now + timedelta(days=60)
        command = AssignDevelopment(
            kind=kind, title=f"{kind.value.title()} peningkatan kinerja", due=due
        )
        if await self.send(
            person, AppraisalWorkflow.assign_development, self.penilai(person), command, "assign"
        ):
            self.training.append((person.record.agency_code, kind, due))
            moment = self.when(person.late, due, self.now + timedelta(days=20))
            self.at(moment, lambda: self.develop(person))

    async def develop(self, person: Person) -> None:
        me = self.actor(person.record.nip)
        command = ReportDevelopmentDone(number=1, note="Selesai; sertifikat terlampir")
        if await self.send(person, AppraisalWorkflow.report_development, me, command, "dev_report"):
            moment = self.when(
                person.supervisor_late, self.now + timedelta(days=7), self.now + timedelta(days=1)
            )
            self.at(moment, lambda: self.confirm(person))

    async def confirm(self, person: Person) -> None:
        command = ConfirmDevelopment(number=1)
        await self.send(
            person,
            AppraisalWorkflow.confirm_development,
            self.penilai(person),
            command,
            "dev_confirm",
        )


def _people(
    records: list[EmployeeRecord], behaviour: Behaviour, rng: random.Random
) -> dict[str, Person]:
    supervisor = {r.nip: r.supervisor_nip for r in records}
    late_supervisors = {nip for nip in supervisor if rng.random() < behaviour.late_share}
    grades, weights = list(behaviour.spread), list(behaviour.spread.values())
    crowd: dict[str, Person] = {}
    for record in records:
        deserves = rng.choices(grades, weights=weights)[0]
        share = (
            behaviour.objection_share_low
            if deserves in NEEDS_DEVELOPMENT
            else behaviour.objection_share_other
        )
        boss = record.supervisor_nip
        crowd[record.nip] = Person(
            record=record,
            atasan=supervisor.get(boss) if boss else None,
            late=rng.random() < behaviour.late_share,
            supervisor_late=boss in late_supervisors if boss else False,
            returned=rng.random() < behaviour.return_share,
            deserves=deserves,
            objects=rng.random() < share,
        )
    return crowd


async def rehearse(
    client: Client,
    *,
    employees: int,
    seed: int,
    behaviour: Behaviour | None = None,
    sleep: Callable[[timedelta], Awaitable[None]],
    current_time: Callable[[], Awaitable[datetime]],
    progress: Callable[[str, float], None] | None = None,
) -> SimulationSummary:
    """Run one year for ``employees`` generated people on a time-skipping ``client``.

    ``sleep`` and ``current_time`` are the environment's (``WorkflowEnvironment.sleep`` /
    ``get_current_time``); ``progress(label, share_of_year)`` is told as days pass.
    """
    from temporalio.worker import Worker

    from runtime.worker import workflow_runner

    behaviour = behaviour or Behaviour()
    rng = random.Random(seed)
    # a rehearsal shows several agencies even for a few people
    records = generate_organisation(
        employees, seed=seed, agency_size=min(250, max(8, employees // 4))
    )
    crowd = _people(records, behaviour, rng)
    fakes = SimActivities(supervisors={r.nip: r.supervisor_nip for r in records})
    began = asyncio.get_running_loop().time()
    now = (await current_time()).astimezone(WIB)
    year = now.year + 1
    period = year_period(year, behaviour.frequency).model_copy(
        update={"period_id": f"sim{year}-{uuid.uuid4().hex[:6]}"}
    )
    await sleep(datetime(year, 1, 1, 8, tzinfo=WIB) - now)
    hr_nip = next(r.nip for r in records if r.is_hr_admin)
    schedule = period.resolved_schedule()
    run = Rehearsal(
        client=client,
        period=period,
        behaviour=behaviour,
        rng=rng,
        hr=Actor(subject=hr_nip, nip=hr_nip, roles=frozenset({Role.PEGAWAI, Role.HR_ADMIN})),
        people=crowd,
        persisted=fakes.states,
        workflow_schedule=schedule,
        task_queue=f"simulate-{uuid.uuid4().hex[:8]}",
    )
    for person in crowd.values():
        run.unit_size[person.record.unit_code] += 1
    for unit in sorted(run.unit_size):
        run.unit_predikat[unit] = rng.choices(
            list(behaviour.unit_spread), weights=list(behaviour.unit_spread.values())
        )[0]
    limit = asyncio.Semaphore(run.concurrency)

    async def start(person: Person) -> None:
        record = person.record
        state = AppraisalState(
            period_id=period.period_id,
            nip=record.nip,
            agency_code=record.agency_code,
            unit_code=record.unit_code,
            supervisor_nip=record.supervisor_nip,
        )
        async with limit:
            person.handle = await client.start_workflow(
                AppraisalWorkflow.run,
                AppraisalInput(state=state, schedule=schedule),
                id=appraisal_workflow_id(period.period_id, record.nip, SIMULATION_ID_KEY),
                task_queue=run.task_queue,
            )
        person.state = state

    async with Worker(
        client,
        task_queue=run.task_queue,
        workflows=[AppraisalWorkflow],
        activities=fakes.all(),
        workflow_runner=workflow_runner(),
        max_cached_workflows=max(1000, employees + 100),
    ):
        await asyncio.gather(*(start(person) for person in crowd.values()))
        for person in crowd.values():
            run.plan(person)
        year_start = datetime.combine(period.starts_on, time(0), tzinfo=WIB)
        year_end = schedule.tindak_lanjut_due + timedelta(days=90)
        span = (year_end - year_start).total_seconds()
        while run.queue:
            moment = run.queue[0][0]
            calls = fakes.calls
            await run.skip(moment, sleep, current_time)  # returns at once if already there
            if fakes.calls != calls:
                await _quiet(fakes)
            run.now = max(moment, await _in_time(current_time(), "reading the time"))
            due: list[Step] = []
            while run.queue and run.queue[0][0] <= run.now:
                due.append(heapq.heappop(run.queue)[2])

            async def bounded(step: Step) -> None:
                async with limit:
                    try:
                        await asyncio.wait_for(step(), (ATTEMPTS + 2) * UPDATE_PATIENCE.seconds)
                    except (TimeoutError, RPCError) as error:
                        run.failures[f"step: {type(error).__name__}"] += 1

            await asyncio.gather(*(bounded(step) for step in due))
            if progress is not None:
                share = (run.now - year_start).total_seconds() / span
                progress(f"{run.now.astimezone(WIB):%d %b %Y}: {run.updates} perintah", share)
        # let every keberatan window close and every appraisal report completion
        await _in_time(sleep(timedelta(days=schedule.keberatan_days + 2)), "closing the year")
        completed = sum(
            1 for state in fakes.states.values() if state.stage is Stage.SELESAI
        )  # from what the workflows wrote: no query can hang on an appraisal still open
    return _summarise(
        run, fakes, records, seed, completed, asyncio.get_running_loop().time() - began
    )


async def _quiet(fakes: SimActivities, interval: float = 0.05) -> None:
    """Timers fired while time jumped: wait until their notices and state changes have
    stopped arriving before anyone acts. An update racing the workflow task that follows
    is what now and then makes the time-skipping test server reject that task ("invalid
    history builder state for action") and lose the workflow."""
    quiet_for = 0
    last = fakes.calls
    while quiet_for < 2:
        await asyncio.sleep(interval)
        quiet_for = quiet_for + 1 if fakes.calls == last else 0
        last = fakes.calls


def _summarise(
    run: Rehearsal,
    fakes: SimActivities,
    records: list[EmployeeRecord],
    seed: int,
    completed: int,
    seconds: float,
) -> SimulationSummary:
    reminders: Counter[Stage] = Counter()
    escalations: Counter[Stage] = Counter()
    to_bkpsdm = 0
    for delivery in fakes.deliveries:
        stage = STAGE_OF_STEP[delivery.step.value]
        if delivery.kind is NoticeKind.PENGINGAT:
            reminders[stage] += 1
        elif delivery.kind is NoticeKind.ESKALASI:
            escalations[stage] += 1
            if delivery.recipient_role is Role.HR_ADMIN:
                to_bkpsdm += 1
    by_agency: dict[str, list[Predikat]] = defaultdict(list)
    by_unit: dict[str, list[Predikat]] = defaultdict(list)
    agency_of_unit: dict[str, str] = {}
    for record in records:
        state = fakes.states.get(record.nip)
        agency_of_unit[record.unit_code] = record.agency_code
        if state is not None and state.result is not None:
            by_agency[record.agency_code].append(state.result.predikat)
            by_unit[record.unit_code].append(state.result.predikat)
    breaking: Counter[str] = Counter()
    for unit, predicates in by_unit.items():
        if check_distribution(run.unit_predikat[unit], predicates):
            breaking[agency_of_unit[unit]] += 1
    agencies = []
    for agency in sorted({r.agency_code for r in records}):
        predicates = by_agency.get(agency, [])
        agencies.append(
            AgencyDistribution(
                agency_code=agency,
                employees=sum(1 for r in records if r.agency_code == agency),
                predikat={p: predicates.count(p) for p in Predikat},
                units=sum(1 for u, a in agency_of_unit.items() if a == agency),
                units_breaking_rule=breaking[agency],
            )
        )
    weeks: dict[date, Counter[str]] = defaultdict(Counter)
    for day, supervisor in run.supervisor_actions:
        weeks[day - timedelta(days=day.weekday())][supervisor] += 1
    busiest = sorted(weeks.items(), key=lambda item: -sum(item[1].values()))[:5]
    return SimulationSummary(
        employees=len(records),
        seed=seed,
        completed=completed,
        wall_seconds=round(seconds, 1),
        updates=run.updates,
        reminders_per_stage={stage: reminders[stage] for stage in Stage if stage in reminders},
        escalations_per_stage={
            stage: escalations[stage] for stage in Stage if stage in escalations
        },
        escalations_to_bkpsdm=to_bkpsdm,
        agencies=agencies,
        keberatan_filed=run.keberatan_filed,
        keberatan_changed=run.keberatan_changed,
        training=dict(Counter(kind for _, kind, _ in run.training)),
        training_by_month=dict(
            sorted(
                Counter(due.astimezone(WIB).strftime("%Y-%m") for _, _, due in run.training).items()
            )
        ),
        busiest_weeks=[
            (f"{week:%d %b %Y}", sum(counts.values()), max(counts.values()))
            for week, counts in busiest
        ],
        failures=dict(run.failures),
        clock_releases=run.clock_releases,
        carried_on=run.carried_on,
    )


# --- running it from the command line ---------------------------------------------------


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
            progress=progress,
        )
    finally:
        await env.shutdown()
