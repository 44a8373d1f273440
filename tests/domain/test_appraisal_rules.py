"""The appraisal state machine, so far: socialisation acknowledged by its employee only,
exactly once. Property tests drive random command sequences from random actors."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.appraisal import Actor, AppraisalState, RuleContext
from domain.errors import DomainError, NotPermittedError, WrongStateError
from domain.roles import Role
from domain.sosialisasi import Acknowledge
from domain.stages import Stage
from tests.factories import make_schedule

OWNER = "199003032015032003"
OTHERS = ["198002022005011002", "198806062012032006", "197001012000031001"]
AT = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
CONTEXT = RuleContext(now=AT, schedule=make_schedule())


def acknowledge(state: AppraisalState, actor: Actor, at: datetime = AT) -> AppraisalState:
    return Acknowledge().apply(state, actor, CONTEXT.model_copy(update={"now": at}))


def check_acknowledge(state: AppraisalState, actor: Actor) -> None:
    acknowledge(state, actor)


def fresh() -> AppraisalState:
    return AppraisalState(
        period_id="2026",
        nip=OWNER,
        agency_code="DINKES",
        unit_code="DINKES-YANKES",
        supervisor_nip=OTHERS[0],
    )


actors = st.builds(
    Actor,
    subject=st.sampled_from([OWNER, *OTHERS]),
    nip=st.sampled_from([OWNER, *OTHERS, None]),
    roles=st.frozensets(st.sampled_from(list(Role))),
)


def test_the_employee_acknowledges_and_target_setting_opens() -> None:
    owner = Actor(subject=OWNER, nip=OWNER, roles=frozenset({Role.PEGAWAI}))
    state = acknowledge(fresh(), owner, AT)
    assert state.stage is Stage.PERENCANAAN
    assert state.acknowledged_at == AT
    assert state.version == 2


def test_a_supervisor_or_hr_cannot_acknowledge_for_the_employee() -> None:
    hr = Actor(subject=OTHERS[1], nip=OTHERS[1], roles=frozenset(Role))
    with pytest.raises(NotPermittedError):
        check_acknowledge(fresh(), hr)


def test_acknowledging_twice_is_a_wrong_state() -> None:
    owner = Actor(subject=OWNER, nip=OWNER)
    with pytest.raises(WrongStateError, match="perencanaan"):
        acknowledge(acknowledge(fresh(), owner, AT), owner, AT)


@given(st.lists(actors, max_size=12))
def test_any_sequence_moves_at_most_once_and_refusals_change_nothing(sequence: list[Actor]) -> None:
    state = fresh()
    successes = 0
    for actor in sequence:
        before = state
        try:
            state = acknowledge(state, actor, AT)
        except DomainError:
            assert state == before
            continue
        successes += 1
        assert actor.nip == OWNER
        assert before.stage is Stage.SOSIALISASI
        assert state.version == before.version + 1
    assert successes <= 1
    assert state.stage is (Stage.PERENCANAAN if successes else Stage.SOSIALISASI)


@given(actors)
def test_only_the_owner_succeeds(actor: Actor) -> None:
    """A refused acknowledgement leaves the state as it was; an accepted one comes only
    from the employee."""
    state = fresh()
    try:
        after = acknowledge(state, actor, AT)
    except DomainError:
        assert state == fresh()
        return
    assert actor.nip == OWNER
    assert after.stage is Stage.PERENCANAAN
