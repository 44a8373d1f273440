"""Pemantauan: the employee reports realisation per indicator at each check-in, in order;
the pejabat penilai answers each report once. A main result behind its pro-rated target
flags the employee as at risk; when every check-in has feedback, wawancara opens."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.appraisal import Actor, AppraisalState, Command
from domain.checkin import (
    AT_RISK_THRESHOLD,
    CheckIn,
    Evidence,
    Rating,
    Realisation,
    achievement,
    indicators_behind,
)
from domain.errors import DomainError, InvalidInputError, NotPermittedError, WrongStateError
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.skp import Aspect, Indicator, SkpContent
from domain.stages import Stage
from tests.domain.builders import (
    BKPSDM,
    HR,
    OWNER,
    PEGAWAI,
    PENILAI,
    SUPERVISOR,
    TIM_PENILAI,
    approved_skp,
    context_at,
    person,
    schedule_2026,
    state_in,
    valid_content,
)
from tests.factories import WIB, year_2026

AT = datetime(2026, 4, 2, 10, tzinfo=WIB)
# The 2026 schedule as appraisals receive it: the period's span is known, so quantities
# are pro-rated by the elapsed share of the year.
BY_TIME = schedule_2026()
# A schedule without the span: quantities are pro-rated by check-in index / count.
BY_INDEX = year_2026().schedule
QUARTER_ENDS = (
    datetime(2026, 3, 31, 16, tzinfo=WIB),
    datetime(2026, 6, 30, 16, tzinfo=WIB),
    datetime(2026, 9, 30, 16, tzinfo=WIB),
    datetime(2026, 11, 30, 16, tzinfo=WIB),
)


def monitoring(content: SkpContent | None = None, count: int = 4) -> AppraisalState:
    """An approved SKP with ``count`` check-ins, none reported yet."""
    return state_in(
        Stage.PEMANTAUAN,
        skp=approved_skp(content),
        checkins=tuple(CheckIn(index=i, due=QUARTER_ENDS[i - 1]) for i in range(1, count + 1)),
    )


def report(index: int, **values: float) -> ReportCheckIn:
    """A report with ``ind_1=4`` style keyword values."""
    return ReportCheckIn(
        index=index,
        realisations=tuple(
            Realisation(indicator_id=key.replace("_", "-"), value=value)
            for key, value in values.items()
        ),
    )


def run(
    state: AppraisalState, actor: Actor, command: Command, schedule: PeriodSchedule = BY_TIME
) -> AppraisalState:
    after = command.apply(state, actor, context_at(AT, schedule))
    assert after.version == state.version + 1
    return after


def refuse(state: AppraisalState, actor: Actor, command: Command, error: type[DomainError]) -> None:
    snapshot = state.model_copy(deep=True)
    with pytest.raises(error):
        command.apply(state, actor, context_at(AT))
    assert state == snapshot


def feedback(index: int) -> GiveFeedback:
    return GiveFeedback(index=index, text="Pertahankan capaian, lengkapi bukti dukung")


def test_a_report_is_recorded_with_its_evidence() -> None:
    command = ReportCheckIn(
        index=1,
        realisations=(Realisation(indicator_id="ind-1", value=3, note="Tiga laporan"),),
        evidence=(Evidence(url="https://drive.example.go.id/bukti-1.pdf"),),
        notes="Triwulan I",
    )
    state = run(monitoring(), PEGAWAI, command)
    checkin = state.checkins[0]
    assert checkin.report is not None
    assert checkin.report.by == OWNER
    assert checkin.report.at == AT
    assert checkin.report.realisations == command.realisations
    assert checkin.report.evidence[0].url.startswith("https://")
    assert checkin.feedback is None
    assert state.stage is Stage.PEMANTAUAN


def test_check_ins_are_reported_in_order() -> None:
    state = monitoring()
    refuse(state, PEGAWAI, report(2, ind_1=6), WrongStateError)
    state = run(state, PEGAWAI, report(1, ind_1=3))
    refuse(state, PEGAWAI, report(3, ind_1=9), WrongStateError)
    state = run(state, PEGAWAI, report(2, ind_1=6))
    assert [c.report is not None for c in state.checkins] == [True, True, False, False]


def test_a_check_in_is_reported_once() -> None:
    state = run(monitoring(), PEGAWAI, report(1, ind_1=3))
    refuse(state, PEGAWAI, report(1, ind_1=4), WrongStateError)


@pytest.mark.parametrize("index", [5, 99])
def test_a_check_in_that_does_not_exist_is_invalid(index: int) -> None:
    refuse(monitoring(), PEGAWAI, report(index, ind_1=3), InvalidInputError)


def test_an_unknown_indicator_is_invalid() -> None:
    refuse(monitoring(), PEGAWAI, report(1, ind_1=3, ind_9=1), InvalidInputError)


def test_an_indicator_reported_twice_is_invalid() -> None:
    command = ReportCheckIn(
        index=1,
        realisations=(
            Realisation(indicator_id="ind-1", value=3),
            Realisation(indicator_id="ind-1", value=30),
        ),
    )
    refuse(monitoring(), PEGAWAI, command, InvalidInputError)


@pytest.mark.parametrize(
    "actor",
    [PENILAI, BKPSDM, TIM_PENILAI, person(SUPERVISOR, *Role)],
    ids=["pejabat_penilai", "hr", "tim", "supervisor_with_every_role"],
)
def test_only_the_employee_reports(actor: Actor) -> None:
    refuse(monitoring(), actor, report(1, ind_1=3), NotPermittedError)


@pytest.mark.parametrize("stage", [Stage.PERENCANAAN, Stage.WAWANCARA, Stage.PENILAIAN])
def test_reports_only_during_pemantauan(stage: Stage) -> None:
    refuse(state_in(stage), PEGAWAI, report(1, ind_1=3), WrongStateError)


@pytest.mark.parametrize(
    ("value", "behind"),
    [(0, True), (4, True), (4.7, True), (4.9, False), (6, False), (12, False), (20, False)],
)
def test_a_main_quantity_behind_its_pro_rated_target_flags_risk(value: float, behind: bool) -> None:
    """By check-in 2 of 4, half of the 12 documents are expected; below 80 % of that (4.8)
    the employee is at risk. (Without a known period span the share is index / count.)"""
    state = run(monitoring(), PEGAWAI, report(1, ind_1=3, ind_2=90), BY_INDEX)
    state = run(state, PEGAWAI, report(2, ind_1=value, ind_2=90), BY_INDEX)
    assert state.checkins[1].behind_target == (("ind-1",) if behind else ())
    assert state.at_risk is behind


@pytest.mark.parametrize(("value", "behind"), [(4, True), (4.7, True), (4.8, False), (6, False)])
def test_with_the_period_span_mid_year_still_expects_about_half(value: float, behind: bool) -> None:
    """With the period's span known, the end of June is 181 of 365 days: about half."""
    state = run(monitoring(), PEGAWAI, report(1, ind_1=3, ind_2=90), BY_TIME)
    state = run(state, PEGAWAI, report(2, ind_1=value, ind_2=90), BY_TIME)
    assert state.checkins[1].behind_target == (("ind-1",) if behind else ())
    assert state.at_risk is behind


@pytest.mark.parametrize(("value", "behind"), [(7, True), (7.5, False), (9, False)])
def test_late_approval_pro_rates_by_elapsed_time_not_by_check_in_count(
    value: float, behind: bool
) -> None:
    """Approved in May, the employee has two check-ins (June, September). By the end of
    September three quarters of the year have passed, so 75 % of the target is expected
    there, not 100 % as "check-in 2 of 2" would suggest."""
    state = state_in(
        Stage.PEMANTAUAN,
        checkins=(CheckIn(index=1, due=QUARTER_ENDS[1]), CheckIn(index=2, due=QUARTER_ENDS[2])),
    )
    state = run(state, PEGAWAI, report(1, ind_1=6), BY_TIME)
    state = run(state, PEGAWAI, report(2, ind_1=value), BY_TIME)
    assert state.checkins[1].behind_target == (("ind-1",) if behind else ())


@pytest.mark.parametrize(
    ("target", "share", "value"),
    [(10, 0.25, 2), (20, 0.5, 8), (100, 0.75, 60), (50, 0.75, 30), (40, 0.75, 24)],
)
def test_exactly_eighty_percent_of_the_expected_progress_is_not_behind(
    target: float, share: float, value: float
) -> None:
    """ "Below 80 %" means strictly below: 60 of 100 documents when 75 % is expected is
    exactly 80 % of the expectation and must not flag the employee, whatever rounding
    ``0.75 * 0.8`` suffers in binary floating point."""
    content = single_indicator_content(Aspect.KUANTITAS, target)
    realisations = (Realisation(indicator_id="ind-1", value=value),)
    assert indicators_behind(content, realisations, share=share) == ()
    just_below = (Realisation(indicator_id="ind-1", value=value * 0.99),)
    assert indicators_behind(content, just_below, share=share) == ("ind-1",)


def single_indicator_content(aspect: Aspect, target: float, unit: str = "dokumen") -> SkpContent:
    base = valid_content(1)
    indicator = Indicator(
        id="ind-1", description="Indikator tunggal", aspect=aspect, target=target, unit=unit
    )
    rhk = base.rhk[0].model_copy(update={"indicators": (indicator,)})
    return base.model_copy(update={"rhk": (rhk,)})


def test_an_unreported_main_indicator_counts_as_zero() -> None:
    state = run(monitoring(), PEGAWAI, report(1, ind_2=95))
    assert state.checkins[0].behind_target == ("ind-1",)
    assert state.at_risk


@pytest.mark.parametrize("value", [None, 0, 10, 90])
def test_tambahan_results_never_make_an_employee_at_risk(value: float | None) -> None:
    """Extra results are a bonus: missing them is no risk (here ind-2, kualitas 90 %)."""
    values = {"ind_1": 12.0} if value is None else {"ind_1": 12.0, "ind_2": value}
    state = run(monitoring(), PEGAWAI, report(1, **values))
    assert state.checkins[0].behind_target == ()
    assert not state.at_risk


shares = st.floats(min_value=0, max_value=1)
realised = st.floats(min_value=0, max_value=1000)


@given(st.lists(realised, min_size=3, max_size=3), shares)
def test_only_main_indicators_can_be_behind(values: list[float], share: float) -> None:
    content = valid_content(3)  # rhk-1 and rhk-3 utama, rhk-2 tambahan
    realisations = tuple(
        Realisation(indicator_id=f"ind-{n}", value=v) for n, v in enumerate(values, 1)
    )
    behind = indicators_behind(content, realisations, share=share)
    assert "ind-2" not in behind
    assert set(behind) <= {"ind-1", "ind-3"}


@given(st.lists(realised, min_size=3, max_size=3), shares)
def test_each_main_indicator_is_judged_on_its_own(values: list[float], share: float) -> None:
    """Whether ind-3 is behind depends only on ind-3's realisation and the share of the
    year expected, not on how ind-1 (judged before it) fared."""
    content = valid_content(3)
    realisations = tuple(
        Realisation(indicator_id=f"ind-{n}", value=v) for n, v in enumerate(values, 1)
    )
    behind = indicators_behind(content, realisations, share=share)
    for n in (1, 3):
        alone = (Realisation(indicator_id="ind-1", value=values[n - 1]),)
        expected = indicators_behind(
            single_indicator_content(Aspect.KUANTITAS, 12), alone, share=share
        )
        assert (f"ind-{n}" in behind) is bool(expected)


def test_a_second_main_indicator_is_not_judged_against_the_first() -> None:
    """Half the year gone, ind-1 complete (12 of 12), ind-3 at 5 of 12 (42 %, above the
    40 % bar): nobody is behind."""
    realisations = (
        Realisation(indicator_id="ind-1", value=12),
        Realisation(indicator_id="ind-3", value=5),
    )
    assert indicators_behind(valid_content(3), realisations, share=0.5) == ()


@pytest.mark.parametrize("share", [0.0, 0.25, 0.5, 1.0])
@pytest.mark.parametrize(("value", "behind"), [(71.9, True), (72, False), (100, False)])
def test_a_quality_level_is_held_from_the_first_check_in(
    share: float, value: float, behind: bool
) -> None:
    """Quality does not accumulate: 90 % is expected at every check-in."""
    content = single_indicator_content(Aspect.KUALITAS, 90, "%")
    realisations = (Realisation(indicator_id="ind-1", value=value),)
    result = indicators_behind(content, realisations, share=share)
    assert result == (("ind-1",) if behind else ())


@pytest.mark.parametrize(
    ("days", "behind"), [(1, False), (5, False), (6, False), (6.25, False), (6.3, True), (10, True)]
)
def test_for_time_indicators_lower_is_better(days: float, behind: bool) -> None:
    """Target 5 days: finishing in fewer is fine, needing more than 5 / 0.8 = 6.25 days
    is behind, at every check-in."""
    content = single_indicator_content(Aspect.WAKTU, 5, "hari")
    realisations = (Realisation(indicator_id="ind-1", value=days),)
    for share in (0.25, 1.0):
        result = indicators_behind(content, realisations, share=share)
        assert result == (("ind-1",) if behind else ())


def test_achievement_shares() -> None:
    assert achievement(12, 6, lower_is_better=False) == 0.5
    assert achievement(5, 10, lower_is_better=True) == 0.5
    assert achievement(5, 2.5, lower_is_better=True) == 2.0
    assert achievement(5, 0, lower_is_better=True) == 0.0
    assert AT_RISK_THRESHOLD == 0.8


def test_the_risk_flag_follows_the_latest_report() -> None:
    """Catching up clears the flag; falling behind again sets it."""
    state = run(monitoring(), PEGAWAI, report(1, ind_1=3))
    assert not state.at_risk
    state = run(state, PEGAWAI, report(2, ind_1=4))
    assert state.at_risk
    state = run(state, PEGAWAI, report(3, ind_1=9))
    assert not state.at_risk
    assert state.checkins[1].behind_target == ("ind-1",)  # history is kept
    state = run(state, PEGAWAI, report(4, ind_1=6))
    assert state.at_risk


def test_feedback_by_the_pejabat_penilai_after_the_report() -> None:
    state = run(monitoring(), PEGAWAI, report(1, ind_1=3))
    command = GiveFeedback(index=1, text="Capaian sesuai rencana", rating=Rating.SESUAI)
    state = run(state, PENILAI, command)
    given_feedback = state.checkins[0].feedback
    assert given_feedback is not None
    assert (given_feedback.by, given_feedback.at, given_feedback.rating) == (
        SUPERVISOR,
        AT,
        Rating.SESUAI,
    )
    assert state.checkins[0].done
    assert state.stage is Stage.PEMANTAUAN


@pytest.mark.parametrize(
    "actor",
    [PEGAWAI, BKPSDM, TIM_PENILAI, person("198806062012032006", Role.PEJABAT_PENILAI)],
    ids=["pegawai", "hr", "tim", "another_supervisor"],
)
def test_only_the_pejabat_penilai_gives_feedback(actor: Actor) -> None:
    state = run(monitoring(), PEGAWAI, report(1, ind_1=3))
    refuse(state, actor, feedback(1), NotPermittedError)


def test_hr_gives_feedback_to_a_head_of_agency() -> None:
    state = run(
        monitoring().model_copy(update={"supervisor_nip": None}), PEGAWAI, report(1, ind_1=3)
    )
    refuse(state, PENILAI, feedback(1), NotPermittedError)
    after = run(state, BKPSDM, feedback(1))
    assert after.checkins[0].feedback is not None
    assert after.checkins[0].feedback.by == HR


def test_no_feedback_before_the_report() -> None:
    refuse(monitoring(), PENILAI, feedback(1), WrongStateError)
    state = run(monitoring(), PEGAWAI, report(1, ind_1=3))
    refuse(state, PENILAI, feedback(2), WrongStateError)


def test_feedback_is_given_once() -> None:
    state = run(run(monitoring(), PEGAWAI, report(1, ind_1=3)), PENILAI, feedback(1))
    refuse(state, PENILAI, feedback(1), WrongStateError)


def test_feedback_for_a_missing_check_in_is_invalid() -> None:
    refuse(monitoring(), PENILAI, feedback(7), InvalidInputError)


def test_feedback_may_come_after_later_reports() -> None:
    state = run(monitoring(), PEGAWAI, report(1, ind_1=3))
    state = run(state, PEGAWAI, report(2, ind_1=6))
    state = run(state, PENILAI, feedback(2))
    state = run(state, PENILAI, feedback(1))
    assert [c.done for c in state.checkins] == [True, True, False, False]
    assert state.stage is Stage.PEMANTAUAN


def test_the_last_feedback_opens_wawancara() -> None:
    state = monitoring()
    for index in range(1, 5):
        state = run(state, PEGAWAI, report(index, ind_1=3 * index))
        assert state.stage is Stage.PEMANTAUAN
        state = run(state, PENILAI, feedback(index))
    assert state.stage is Stage.WAWANCARA
    assert all(c.done for c in state.checkins)
    refuse(state, PEGAWAI, report(1, ind_1=12), WrongStateError)
    refuse(state, PENILAI, feedback(4), WrongStateError)


def test_the_last_feedback_waits_for_earlier_ones() -> None:
    """Wawancara opens only when every check-in has feedback, not just the last one."""
    state = monitoring(count=2)
    state = run(state, PEGAWAI, report(1, ind_1=6))
    state = run(state, PEGAWAI, report(2, ind_1=12))
    state = run(state, PENILAI, feedback(2))
    assert state.stage is Stage.PEMANTAUAN
    state = run(state, PENILAI, feedback(1))
    assert state.stage is Stage.WAWANCARA


def test_a_single_check_in_period() -> None:
    state = monitoring(count=1)
    state = run(state, PEGAWAI, report(1, ind_1=12))
    state = run(state, PENILAI, feedback(1))
    assert state.stage is Stage.WAWANCARA


def test_the_report_is_stamped_with_the_rule_clock() -> None:
    """The rule context's time stamps the report, not the check-in's due time."""
    later = AT + timedelta(days=3)
    state = ReportCheckIn(
        index=1, realisations=(Realisation(indicator_id="ind-1", value=3),)
    ).apply(monitoring(), PEGAWAI, context_at(later))
    assert state.checkins[0].report is not None
    assert state.checkins[0].report.at == later
    assert state.checkins[0].due == QUARTER_ENDS[0]
