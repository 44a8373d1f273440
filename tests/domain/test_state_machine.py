"""The whole appraisal state machine under random use: random commands from random people
(the employee, her supervisor, a newly appointed supervisor, BKPSDM, the tim penilai, a
stranger) while the clock moves forward, with reminders and escalations delivered when
due. Half the steps follow the happy path so that runs reach monitoring and beyond; the
other half try anything. Whatever happens, the invariants below hold after every step."""

from datetime import datetime, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.administrasi import ChangeSupervisor, ExtendDeadline
from domain.appraisal import Actor, AppraisalState, Command
from domain.checkin import Realisation
from domain.deadlines import earliest_notice, is_overdue, with_notice
from domain.errors import DomainError
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.roles import Role
from domain.skp import SkpEventKind, SkpStatus
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from tests.domain.builders import (
    BKPSDM,
    OWNER,
    PEGAWAI,
    PENILAI,
    SUPERVISOR,
    TIM_PENILAI,
    context_at,
    person,
    schedule_2026,
    state_in,
    valid_content,
)
from tests.factories import WIB

SCHEDULE = schedule_2026()
START = datetime(2026, 1, 1, 8, tzinfo=WIB)
NEW_SUPERVISOR = "198806062012032006"
STRANGER = person("197001012000031001")
NEW_PENILAI = person(NEW_SUPERVISOR, Role.PEJABAT_PENILAI)
ACTORS = [PEGAWAI, PENILAI, NEW_PENILAI, BKPSDM, TIM_PENILAI, STRANGER]
CONTENTS = [valid_content(1), valid_content(2), valid_content(3)]
DEADLINE_KEYS = [
    "sosialisasi_due",
    "skp_draft_due",
    "skp_approval_due",
    "checkin_due:1",
    "checkin_due:2",
    "checkin_due:3",
    "checkin_due:9",
    "wawancara_due",
]

realisations = st.lists(
    st.builds(
        Realisation,
        indicator_id=st.sampled_from(["ind-1", "ind-2", "ind-3", "ind-9"]),
        value=st.floats(min_value=0, max_value=20),
    ),
    min_size=1,
    max_size=3,
).map(tuple)

any_command: st.SearchStrategy[Command] = st.one_of(
    st.just(Acknowledge()),
    st.sampled_from(CONTENTS).map(lambda content: DraftSkp(content=content)),
    st.just(SubmitSkp()),
    st.builds(ApproveSkp, note=st.none() | st.just("Disetujui")),
    st.just(ReturnSkp(note="Perbaiki target kuantitas")),
    st.builds(ReportCheckIn, index=st.integers(1, 4), realisations=realisations),
    st.builds(GiveFeedback, index=st.integers(1, 4), text=st.just("Pertahankan capaian")),
    st.builds(
        ExtendDeadline,
        deadline=st.sampled_from(DEADLINE_KEYS),
        new_due=st.integers(-10, 60).map(lambda days: START + timedelta(days=days * 5)),
        reason=st.just("Tugas luar daerah"),
    ),
    st.builds(
        ChangeSupervisor,
        new_supervisor_nip=st.sampled_from([SUPERVISOR, NEW_SUPERVISOR, OWNER, None]),
        reason=st.just("Mutasi"),
    ),
)


def pejabat_penilai(state: AppraisalState) -> Actor:
    if state.supervisor_nip is None:
        return BKPSDM
    return person(state.supervisor_nip, Role.PEJABAT_PENILAI)


def happy_path(state: AppraisalState, data: st.DataObject) -> tuple[Command, Actor] | None:
    """The command the right person would issue next, if any."""
    if state.stage is Stage.SOSIALISASI:
        return Acknowledge(), PEGAWAI
    if state.stage is Stage.PERENCANAAN:
        status = state.skp.status
        if status in (SkpStatus.BELUM_DISUSUN, SkpStatus.DIKEMBALIKAN):
            return DraftSkp(content=data.draw(st.sampled_from(CONTENTS))), PEGAWAI
        if status is SkpStatus.DRAF:
            return SubmitSkp(), PEGAWAI
        decision: Command = data.draw(
            st.sampled_from([ApproveSkp(), ApproveSkp(), ReturnSkp(note="Perbaiki indikator")])
        )
        return decision, pejabat_penilai(state)
    if state.stage is Stage.PEMANTAUAN:
        assert state.skp.content is not None
        for checkin in state.checkins:
            if checkin.report is None:
                ids = sorted(state.skp.content.indicators())
                values = data.draw(st.lists(st.floats(0, 15), min_size=len(ids), max_size=len(ids)))
                reported = tuple(
                    Realisation(indicator_id=i, value=v) for i, v in zip(ids, values, strict=True)
                )
                return ReportCheckIn(index=checkin.index, realisations=reported), PEGAWAI
            if checkin.feedback is None:
                command = GiveFeedback(index=checkin.index, text="Lanjutkan")
                return command, pejabat_penilai(state)
    return None


def check_invariants(state: AppraisalState, now: datetime) -> None:
    approved = state.skp.status is SkpStatus.DISETUJUI
    assert approved is (state.stage.position > Stage.PERENCANAAN.position)
    if state.checkins:
        assert approved
        assert state.stage.position >= Stage.PEMANTAUAN.position
    if state.stage is Stage.PEMANTAUAN:
        assert state.checkins
        assert not all(checkin.done for checkin in state.checkins)
    if state.stage is Stage.WAWANCARA:
        assert all(checkin.done for checkin in state.checkins)
    if state.stage is not Stage.SOSIALISASI:
        assert state.acknowledged_at is not None
    # Reports come in order; feedback only answers a report.
    reported = [checkin.report is not None for checkin in state.checkins]
    assert reported == sorted(reported, reverse=True)
    assert all(c.report is not None for c in state.checkins if c.feedback is not None)
    assert [c.index for c in state.checkins] == list(range(1, len(state.checkins) + 1))
    # The risk flag reflects the latest report.
    latest = [checkin for checkin in state.checkins if checkin.report is not None]
    assert state.at_risk is (bool(latest[-1].behind_target) if latest else False)
    kinds = [event.kind for event in state.skp.history]
    assert state.skp.submissions == kinds.count(SkpEventKind.DIAJUKAN)
    assert kinds.count(SkpEventKind.DISETUJUI) == (1 if approved else 0)
    assert state.overdue is is_overdue(state, SCHEDULE, now)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_random_use_keeps_every_invariant(data: st.DataObject) -> None:
    state = state_in(Stage.SOSIALISASI)
    now = START
    accepted: list[str] = []
    changes_of_supervisor = 0
    for _ in range(data.draw(st.integers(1, 60), label="steps")):
        now += timedelta(hours=data.draw(st.integers(0, 24 * 12), label="hours"))
        before = state
        snapshot = state.model_copy(deep=True)

        if data.draw(st.integers(0, 9), label="kind") < 2:
            # The workflow's timer fired: deliver the earliest notice if it is due.
            planned = earliest_notice(state, SCHEDULE, now)
            if planned is None or planned.at > now:
                continue
            state = with_notice(
                state,
                SCHEDULE,
                planned,
                recipient_role=planned.recipient_role,
                recipient_nip=None,
                at=now,
            )
            assert state.version == before.version + 1
            assert state.stage is before.stage
            assert state.notices[-1].key == planned.key
            check_invariants(state, now)
            continue

        step = happy_path(state, data) if data.draw(st.booleans(), label="happy") else None
        command, actor = step or (data.draw(any_command), data.draw(st.sampled_from(ACTORS)))
        try:
            state = command.apply(state, actor, context_at(now, SCHEDULE))
        except DomainError:
            assert state == snapshot
            assert state is before
            continue

        accepted.append(command.action)
        assert state.version == before.version + 1
        assert state.stage.position >= before.stage.position
        assert len(state.notices) == len(before.notices)
        if isinstance(command, ChangeSupervisor):
            changes_of_supervisor += 1
            assert actor.has(Role.HR_ADMIN)
            assert state.supervisor_history[-1].previous_nip == before.supervisor_nip
        if isinstance(command, Acknowledge | DraftSkp | SubmitSkp | ReportCheckIn):
            assert actor.nip == OWNER or (
                isinstance(command, DraftSkp | SubmitSkp) and actor.has(Role.TIM_PENILAI)
            )
        if isinstance(command, ApproveSkp | ReturnSkp | GiveFeedback):
            assert before.is_pejabat_penilai(actor)
            assert actor.nip != OWNER
        if isinstance(command, ExtendDeadline):
            assert state.due_overrides[command.deadline] == command.new_due
        check_invariants(state, now)

    event(f"reached {state.stage.value}")
    event(f"at risk: {state.at_risk}")
    assert state.version == 1 + len(accepted) + len(state.notices)
    assert len(state.supervisor_history) == changes_of_supervisor


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_the_happy_path_alone_finishes_monitoring(data: st.DataObject) -> None:
    """Without interference, the right people doing the next step in time reach
    wawancara through every check-in of 2026."""
    state = state_in(Stage.SOSIALISASI)
    now = START
    while state.stage is not Stage.WAWANCARA:
        step = happy_path(state, data)
        assert step is not None
        command, actor = step
        now += timedelta(hours=data.draw(st.integers(0, 24)))
        state = command.apply(state, actor, context_at(now, SCHEDULE))
        check_invariants(state, now)
    assert len(state.checkins) == len(SCHEDULE.checkin_dues)
    assert state.skp.submissions >= 1
