"""Actors speaking to the appraisal workflows through the Temporal client: a year of a
generated regency on the time-skipping test server, every step sent by the person the
rules require on the day the behaviour model picked. ``kinerja simulate`` runs it; the
runtime supplies the server and the workflow sandbox."""

import asyncio
import heapq
import os
import random
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.worker import Worker, WorkflowRunner

from domain.appraisal import Actor, AppraisalState, Command
from domain.checkin import Rating, Realisation
from domain.development import DevelopmentKind
from domain.errors import DomainError
from domain.keberatan import KeberatanOutcome
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.penilaian import (
    AddKeberatanStatement,
    DecideKeberatan,
    DeliverResult,
    FileKeberatan,
    RateAppraisal,
)
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.predikat import NEEDS_DEVELOPMENT
from domain.roles import Role
from domain.schedule import Period, PeriodSchedule
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from domain.unit import FinaliseUnit, RecordOverride, SetUnitPredikat, UnitState, violations_of
from domain.wawancara import RecordDialogue
from rehearsal import time_skipping
from rehearsal.behaviour import RATINGS, REALISED, WIB, Behaviour, Person, people, year_period
from rehearsal.memory import MemoryActivities
from rehearsal.organisation import generate_organisation
from rehearsal.skp import skp_content
from rehearsal.summary import SimulationSummary, Tally, summarise
from rehearsal.time_skipping import ATTEMPTS, UPDATE_PATIENCE, Clock, in_time
from workflows.appraisal import AppraisalWorkflow
from workflows.contracts import AppraisalInput, Envelope
from workflows.ids import appraisal_workflow_id

# The rehearsal's server lives as long as this process: a throwaway pseudonym key will do.
SIMULATION_ID_KEY = os.urandom(32)

Step = Callable[[], Awaitable[None]]


@dataclass
class Appraisal(Person):
    """A person and the run of their appraisal workflow."""

    handle: WorkflowHandle[Any, Any] | None = None
    state: AppraisalState | None = None


@dataclass
class Rehearsal:
    """Every actor of a generated regency, each step on the day the behaviour model
    picked, sent to the appraisal workflows through the Temporal client. A step that
    succeeds plans the next one; the queue runs in time order as the server skips."""

    client: Client
    period: Period
    behaviour: Behaviour
    rng: random.Random
    hr: Actor
    people: dict[str, Appraisal]
    persisted: dict[str, AppraisalState]  # the latest state each workflow wrote, by NIP
    workflow_schedule: PeriodSchedule  # resolved, as the workflows are given it
    task_queue: str
    tim: dict[str, str]  # a tim penilai member per agency
    concurrency: int = 50
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    queue: list[tuple[datetime, int, Step]] = field(default_factory=list)
    sequence: int = 0
    sent: int = 0  # commands sent, to give each its own update ID
    tally: Tally = field(default_factory=Tally)
    unit_rated: Counter[str] = field(default_factory=Counter)
    unit_size: Counter[str] = field(default_factory=Counter)

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

    def penilai(self, person: Appraisal) -> Actor:
        return self.actor(person.record.supervisor_nip, Role.PEJABAT_PENILAI)

    async def send(
        self, person: Appraisal, update: Any, actor: Actor, command: Command, name: str
    ) -> AppraisalState | None:
        """Send one command and return the state it led to (``None`` if refused or lost).

        Each attempt is bounded and carries the same update ID, so a retry joins the first
        attempt instead of acting twice. An attempt can go unanswered when the test
        server refuses the workflow task (see :mod:`rehearsal.time_skipping`); the task is
        retried after its timeout, and the state the workflow persisted shows whether
        the command landed meanwhile."""
        assert person.handle is not None
        await time_skipping.settle(person.handle)
        envelope: Envelope[Any] = Envelope(actor=actor, command=command)
        before = person.state.version if person.state else 0
        self.sent += 1
        update_id = f"{name}-{self.sent}"
        state: AppraisalState | None = None
        for attempt in range(1, ATTEMPTS + 1):
            if attempt == ATTEMPTS:
                await self.carry_on(person)  # the last try goes to a fresh run
            try:
                state = await time_skipping.answer(person.handle, update, envelope, update_id)
            except WorkflowUpdateFailedError as error:
                cause = getattr(error.cause, "type", None) or type(error.cause).__name__
                self.tally.failures[f"{name}: {cause}"] += 1
                return None
            persisted = self.persisted.get(person.record.nip)
            if state is None and persisted is not None and persisted.version > before:
                state = persisted
            if state is not None:
                break
        if state is None:
            self.tally.failures[f"{name}: no answer"] += 1
            return None
        self.tally.updates += 1
        person.state = state
        if actor.has(Role.PEJABAT_PENILAI) or actor.has(Role.ATASAN_PENILAI):
            self.tally.supervisor_actions.append((self.now.astimezone(WIB).date(), actor.subject))
        return state

    async def carry_on(self, person: Appraisal) -> None:
        """Go on from the last state this appraisal wrote on a fresh run (the server
        stopped answering this one: see :func:`time_skipping.carry_on`)."""
        assert person.handle is not None
        latest = self.persisted.get(person.record.nip) or person.state
        assert latest is not None
        person.handle = await time_skipping.carry_on(
            self.client, person.handle, latest, self.workflow_schedule, self.task_queue
        )
        person.state = latest
        self.tally.carried_on += 1

    # the year of one person --------------------------------------------------------------

    def plan(self, person: Appraisal) -> None:
        schedule = self.period.schedule
        start = datetime.combine(self.period.starts_on, time(10), tzinfo=WIB)
        self.at(
            self.when(person.late, schedule.sosialisasi_due, start + timedelta(days=1)),
            lambda: self.acknowledge(person),
        )

    async def acknowledge(self, person: Appraisal) -> None:
        me = self.actor(person.record.nip)
        if await self.send(person, AppraisalWorkflow.acknowledge, me, Acknowledge(), "ack"):
            due = self.period.schedule.skp_draft_due
            self.at(
                self.when(person.late, due, self.now + self.days(1, 3)), lambda: self.draft(person)
            )

    async def draft(self, person: Appraisal) -> None:
        me = self.actor(person.record.nip)
        content = DraftSkp(content=skp_content())
        if not await self.send(person, AppraisalWorkflow.draft_skp, me, content, "draft"):
            return
        if await self.send(person, AppraisalWorkflow.submit_skp, me, SubmitSkp(), "submit"):
            due = self.period.schedule.skp_approval_due
            moment = self.when(person.supervisor_late, due, self.now + self.days(1, 3))
            self.at(moment, lambda: self.review(person))

    async def review(self, person: Appraisal) -> None:
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

    def plan_report(self, person: Appraisal, index: int) -> None:
        assert person.state is not None
        due = person.state.checkins[index - 1].due
        earliest = max(self.now + timedelta(days=1), due - timedelta(days=10))
        self.at(self.when(person.late, due, earliest), lambda: self.report(person, index))

    async def report(self, person: Appraisal, index: int) -> None:
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

    async def feedback(self, person: Appraisal, index: int) -> None:
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

    async def dialogue(self, person: Appraisal) -> None:
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

    async def rate(self, person: Appraisal) -> None:
        hasil, perilaku = RATINGS[person.deserves]
        command = RateAppraisal(hasil_kerja=hasil, perilaku=perilaku)
        unit = person.record.unit_code
        if await self.send(person, AppraisalWorkflow.rate, self.penilai(person), command, "rate"):
            self.unit_rated[unit] += 1
            if self.unit_rated[unit] == self.unit_size[unit]:
                self.at(self.now + timedelta(days=1), lambda: self.finalise(unit))

    async def finalise(self, unit: str) -> None:
        """The unit's gate, run by ``domain.unit`` as the unit workflow runs it: HR sets
        the unit predicate, a distribution that breaks the rule is overridden with a
        reason (as the tim penilai would), and only then is every result delivered."""
        members = [p for p in self.people.values() if p.record.unit_code == unit]
        if not self.passes_gate(unit, members):
            return

        async def deliver(person: Appraisal) -> None:
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

    def passes_gate(self, unit: str, members: list[Appraisal]) -> bool:
        """Whether ``domain.unit`` lets the unit be finalised (a refusal is a failure)."""
        agency = members[0].record.agency_code
        ratings = [p.state.result.predikat if p.state and p.state.result else None for p in members]
        # an agency too small for a tim penilai has BKPSDM's (its HR admin sits on it)
        tim = self.actor(self.tim.get(agency, self.hr.nip), Role.TIM_PENILAI)
        try:
            state = UnitState(period_id=self.period.period_id, unit_code=unit, agency_code=agency)
            predikat = SetUnitPredikat(predikat=self.tally.unit_predikat[unit])
            state = predikat.apply(state, self.hr)
            if violations_of(state, ratings):
                reason = RecordOverride(reason="Unit kecil; sebaran predikat sesuai capaian nyata")
                state = reason.apply(state, tim, ratings, self.now)
            FinaliseUnit().apply(state, self.hr, ratings, self.now)
        except DomainError as refused:
            self.tally.failures[f"finalise: {type(refused).__name__}"] += 1
            return False
        return True

    async def object(self, person: Appraisal) -> None:
        me = self.actor(person.record.nip)
        reasons = FileKeberatan(reasons="Bukti dukung triwulan terakhir belum dipertimbangkan")
        if not await self.send(person, AppraisalWorkflow.file_keberatan, me, reasons, "keberatan"):
            return
        self.tally.keberatan_filed += 1
        statement = AddKeberatanStatement(text="Penilaian sudah berdasarkan bukti dukung")
        await self.send(
            person,
            AppraisalWorkflow.add_keberatan_statement,
            self.penilai(person),
            statement,
            "statement",
        )
        self.at(self.now + self.days(2, 10), lambda: self.decide(person))

    async def decide(self, person: Appraisal) -> None:
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
            self.tally.keberatan_changed += 1
        if state.stage is Stage.TINDAK_LANJUT:
            self.at(self.now, lambda: self.plan_development(person))

    async def plan_development(self, person: Appraisal) -> None:
        person.state = self.persisted.get(person.record.nip, person.state)
        if person.state is None or person.state.stage is not Stage.TINDAK_LANJUT:
            return
        moment = self.when(person.supervisor_late, self.now + timedelta(days=7), self.now)
        self.at(moment, lambda: self.assign(person))

    async def assign(self, person: Appraisal) -> None:
        kind = self.rng.choice(list(DevelopmentKind))
        due = self.now + timedelta(days=60)
        command = AssignDevelopment(
            kind=kind, title=f"{kind.value.title()} peningkatan kinerja", due=due
        )
        if await self.send(
            person, AppraisalWorkflow.assign_development, self.penilai(person), command, "assign"
        ):
            self.tally.training.append((person.record.agency_code, kind, due))
            moment = self.when(person.late, due, self.now + timedelta(days=20))
            self.at(moment, lambda: self.develop(person))

    async def develop(self, person: Appraisal) -> None:
        me = self.actor(person.record.nip)
        command = ReportDevelopmentDone(number=1, note="Selesai; sertifikat terlampir")
        if await self.send(person, AppraisalWorkflow.report_development, me, command, "dev_report"):
            moment = self.when(
                person.supervisor_late, self.now + timedelta(days=7), self.now + timedelta(days=1)
            )
            self.at(moment, lambda: self.confirm(person))

    async def confirm(self, person: Appraisal) -> None:
        command = ConfirmDevelopment(number=1)
        await self.send(
            person,
            AppraisalWorkflow.confirm_development,
            self.penilai(person),
            command,
            "dev_confirm",
        )


async def rehearse(
    client: Client,
    *,
    employees: int,
    seed: int,
    behaviour: Behaviour | None = None,
    sleep: Callable[[timedelta], Awaitable[None]],
    current_time: Callable[[], Awaitable[datetime]],
    workflow_runner: WorkflowRunner,
    progress: Callable[[str, float], None] | None = None,
) -> SimulationSummary:
    """Run one year for ``employees`` generated people on a time-skipping ``client``.

    ``sleep`` and ``current_time`` are the environment's (``WorkflowEnvironment.sleep`` /
    ``get_current_time``); ``workflow_runner`` is the production sandbox (the runtime's);
    ``progress(label, share_of_year)`` is told as days pass.
    """
    behaviour = behaviour or Behaviour()
    rng = random.Random(seed)
    # a rehearsal shows several agencies even for a few people
    records = generate_organisation(
        employees, seed=seed, agency_size=min(250, max(8, employees // 4))
    )
    crowd = people(records, behaviour, rng, Appraisal)
    fakes = MemoryActivities(
        supervisors={r.nip: r.supervisor_nip for r in records}, keep_changes=False
    )
    clock = Clock(client, sleep, current_time)
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
        tim={r.agency_code: r.nip for r in records if r.is_tim_penilai},
    )
    for person in crowd.values():
        run.unit_size[person.record.unit_code] += 1
    for unit in sorted(run.unit_size):
        run.tally.unit_predikat[unit] = rng.choices(
            list(behaviour.unit_spread), weights=list(behaviour.unit_spread.values())
        )[0]
    limit = asyncio.Semaphore(run.concurrency)

    async def start(person: Appraisal) -> None:
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
        workflow_runner=workflow_runner,
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
            await clock.skip(moment)  # returns at once if already there
            if fakes.calls != calls:
                await time_skipping.quiet(lambda: fakes.calls)
            run.now = max(moment, await clock.now())
            due: list[Step] = []
            while run.queue and run.queue[0][0] <= run.now:
                due.append(heapq.heappop(run.queue)[2])

            async def bounded(step: Step) -> None:
                async with limit:
                    try:
                        await asyncio.wait_for(step(), (ATTEMPTS + 2) * UPDATE_PATIENCE.seconds)
                    except (TimeoutError, RPCError) as error:
                        run.tally.failures[f"step: {type(error).__name__}"] += 1

            await asyncio.gather(*(bounded(step) for step in due))
            if progress is not None:
                share = (run.now - year_start).total_seconds() / span
                progress(f"{run.now.astimezone(WIB):%d %b %Y}: {run.tally.updates} perintah", share)
        # let every keberatan window close and every appraisal report completion
        await in_time(sleep(timedelta(days=schedule.keberatan_days + 2)), "closing the year")
        # from what the workflows wrote: no query can hang on an appraisal still open
        states = dict(fakes.states)
    run.tally.clock_releases = clock.releases
    seconds = asyncio.get_running_loop().time() - began
    return summarise(run.tally, fakes.deliveries, states, records, seed, seconds)
