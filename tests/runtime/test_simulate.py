"""``kinerja simulate``: a year for a small generated regency on the time-skipping server,
with the real AppraisalWorkflow and in-memory activities."""

from collections import Counter

from rich.console import Console

from domain.nip import is_valid_nip
from domain.predikat import NEEDS_DEVELOPMENT
from domain.stages import Stage
from rehearsal.behaviour import Behaviour
from rehearsal.organisation import generate_organisation, hr_admin_for
from runtime.simulate import print_summary, simulate


def test_generated_regency_has_chains_four_deep_and_valid_nips() -> None:
    org = generate_organisation(1000, seed=5)
    supervisor = {r.nip: r.supervisor_nip for r in org}
    assert len(supervisor) == 1000
    assert all(is_valid_nip(nip) for nip in supervisor)

    def depth(nip: str) -> int:
        boss = supervisor[nip]
        return 1 if boss is None else 1 + depth(boss)

    depths = Counter(depth(nip) for nip in supervisor)
    assert max(depths) == 4 and depths[4] > 800  # most staff: seksi → bidang → head
    # two HR admins in two agencies: each head of agency has one outside their own chain
    hr_agencies = [r.agency_code for r in org if r.is_hr_admin]
    assert len(hr_agencies) == len(set(hr_agencies)) == 2
    agencies = {r.agency_code for r in org}
    assert {r.agency_code for r in org if r.is_tim_penilai} == agencies  # one team each


async def test_a_year_for_twenty_employees() -> None:
    # its own time-skipping server (a fresh one per attempt, should one stall): the
    # session's may hold other tests' leftover tasks, and then it cannot skip time
    behaviour = Behaviour(late_share=0.3, objection_share_low=1.0)
    shares: list[float] = []
    summary = await simulate(20, 3, behaviour, progress=lambda label, share: shares.append(share))

    assert summary.employees == 20
    assert shares == sorted(shares) and shares[-1] > 0.6  # the bar moved through the year
    assert summary.failures == {}
    assert summary.completed == 20  # every appraisal reached selesai within the year
    # late people were reminded and escalated in the first stages
    assert summary.escalations_per_stage[Stage.SOSIALISASI] > 0
    assert summary.reminders_per_stage[Stage.SOSIALISASI] > 0
    rated = Counter[str]()
    for agency in summary.agencies:
        for predikat, count in agency.predikat.items():
            rated[predikat] += count
        assert agency.units_breaking_rule <= agency.units
    assert sum(rated.values()) == 20
    # everyone below expectations objects here; each one left below gets one action
    low = sum(rated[p] for p in NEEDS_DEVELOPMENT)
    assert summary.keberatan_filed >= low
    assert sum(summary.training.values()) == low
    assert sum(summary.training_by_month.values()) == low
    weeks = [actions for _, actions, _ in summary.busiest_weeks]
    assert weeks and weeks == sorted(weeks, reverse=True)
    assert all(most <= actions for _, actions, most in summary.busiest_weeks)

    console = Console(record=True, width=120)
    print_summary(summary, console)
    text = console.export_text()
    assert "Sebaran predikat per OPD terhadap pola distribusi" in text
    assert "Minggu tersibuk para atasan" in text
    assert f"Gladi 20 pegawai (seed 3): {summary.completed} selesai" in text


def test_a_head_of_agency_gets_an_hr_admin_from_another_agency() -> None:
    org = generate_organisation(1000, seed=5)
    for head in (r for r in org if r.supervisor_nip is None):
        hr = next(r for r in org if r.nip == hr_admin_for(org, head))
        assert hr.is_hr_admin and hr.agency_code != head.agency_code
    staff = next(r for r in org if r.supervisor_nip is not None)
    assert hr_admin_for(org, staff) == next(r.nip for r in org if r.is_hr_admin)
