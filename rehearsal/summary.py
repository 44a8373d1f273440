"""What a rehearsed year tells HR before the real period opens: reminders and
escalations per stage, the predicate distribution per agency against the distribution
rule, keberatan, the training load, and the busiest weeks for supervisors."""

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field

from domain.appraisal import AppraisalState
from domain.development import DevelopmentKind
from domain.distribusi import UnitPredikat, check_distribution
from domain.notices import NoticeKind
from domain.organisation import EmployeeRecord
from domain.predikat import Predikat
from domain.roles import Role
from domain.stages import Stage
from rehearsal.behaviour import WIB
from workflows.contracts import NoticeDelivery

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


@dataclass
class Tally:
    """What the driver counts as the year goes by."""

    updates: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    clock_releases: int = 0  # leaked clock locks given back to the test server
    carried_on: int = 0  # runs replaced after the test server stopped answering them
    supervisor_actions: list[tuple[date, str]] = field(default_factory=list)
    unit_predikat: dict[str, UnitPredikat] = field(default_factory=dict)
    keberatan_filed: int = 0
    keberatan_changed: int = 0
    training: list[tuple[str, DevelopmentKind, datetime]] = field(default_factory=list)


def summarise(
    tally: Tally,
    deliveries: Sequence[NoticeDelivery],
    states: Mapping[str, AppraisalState],
    records: Sequence[EmployeeRecord],
    seed: int,
    seconds: float,
) -> SimulationSummary:
    """The year's findings from what the driver counted (``tally``), the notices the
    workflows sent and the states they wrote (by NIP)."""
    completed = sum(1 for state in states.values() if state.stage is Stage.SELESAI)
    reminders: Counter[Stage] = Counter()
    escalations: Counter[Stage] = Counter()
    to_bkpsdm = 0
    for delivery in deliveries:
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
        state = states.get(record.nip)
        agency_of_unit[record.unit_code] = record.agency_code
        if state is not None and state.result is not None:
            by_agency[record.agency_code].append(state.result.predikat)
            by_unit[record.unit_code].append(state.result.predikat)
    breaking: Counter[str] = Counter()
    for unit, predicates in by_unit.items():
        if check_distribution(tally.unit_predikat[unit], predicates):
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
    for day, supervisor in tally.supervisor_actions:
        weeks[day - timedelta(days=day.weekday())][supervisor] += 1
    busiest = sorted(weeks.items(), key=lambda item: -sum(item[1].values()))[:5]
    return SimulationSummary(
        employees=len(records),
        seed=seed,
        completed=completed,
        wall_seconds=round(seconds, 1),
        updates=tally.updates,
        reminders_per_stage={stage: reminders[stage] for stage in Stage if stage in reminders},
        escalations_per_stage={
            stage: escalations[stage] for stage in Stage if stage in escalations
        },
        escalations_to_bkpsdm=to_bkpsdm,
        agencies=agencies,
        keberatan_filed=tally.keberatan_filed,
        keberatan_changed=tally.keberatan_changed,
        training=dict(Counter(kind for _, kind, _ in tally.training)),
        training_by_month=dict(
            sorted(
                Counter(
                    due.astimezone(WIB).strftime("%Y-%m") for _, _, due in tally.training
                ).items()
            )
        ),
        busiest_weeks=[
            (f"{week:%d %b %Y}", sum(counts.values()), max(counts.values()))
            for week, counts in busiest
        ],
        failures=dict(tally.failures),
        clock_releases=tally.clock_releases,
        carried_on=tally.carried_on,
    )
