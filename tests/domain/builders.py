"""Builders of valid SKP content, appraisal states, actors and rule contexts for domain
tests. Every value built here passes the domain's own validation, so a test that changes
one field knows that field is what the domain reacts to."""

from datetime import datetime

from domain.appraisal import Actor, AppraisalState, RuleContext
from domain.checkin import CheckIn
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.skp import (
    Aspect,
    BehaviourExpectation,
    BerakhlakValue,
    Indicator,
    Rhk,
    RhkKind,
    Skp,
    SkpContent,
    SkpEvent,
    SkpEventKind,
    SkpStatus,
)
from domain.stages import Stage
from tests.factories import WIB, year_2026

OWNER = "199003032015032003"  # the pegawai being appraised
SUPERVISOR = "198002022005011002"  # her pejabat penilai (atasan langsung)
HR = "197505052000032004"  # a BKPSDM officer
TIM = "198506062010011005"  # a member of the agency's tim penilai

PERIOD_ID = "2026"
AGENCY = "DINKES"
UNIT = "DINKES-YANKES"


def person(nip: str, *roles: Role) -> Actor:
    """An authenticated ASN: subject and NIP are the same, every ASN is also pegawai."""
    return Actor(subject=nip, nip=nip, roles=frozenset({Role.PEGAWAI, *roles}))


PEGAWAI = person(OWNER)
PENILAI = person(SUPERVISOR, Role.PEJABAT_PENILAI)
BKPSDM = person(HR, Role.HR_ADMIN)
TIM_PENILAI = person(TIM, Role.TIM_PENILAI)


def schedule_2026() -> PeriodSchedule:
    """The Kuranji demo schedule with its quarterly check-ins (end of March, June,
    September) filled in, as every appraisal of 2026 receives it."""
    return year_2026().resolved_schedule()


def context_at(now: datetime, schedule: PeriodSchedule | None = None) -> RuleContext:
    return RuleContext(now=now, schedule=schedule or schedule_2026())


def valid_content(rhk_count: int = 2) -> SkpContent:
    """An SKP with ``rhk_count`` RHK ("rhk-1", ...) of one indicator each ("ind-1", ...).

    Odd RHK are utama with a kuantitas indicator (target 12 dokumen); even RHK are
    tambahan with a kualitas indicator (target 90 %). So the default has one main and one
    extra result. Every BerAKHLAK value has one expectation."""
    rhk = []
    for number in range(1, rhk_count + 1):
        main = number % 2 == 1
        indicator = Indicator(
            id=f"ind-{number}",
            description=(
                f"Jumlah dokumen layanan kesehatan ke-{number} yang diselesaikan"
                if main
                else f"Persentase kepuasan pasien atas layanan ke-{number}"
            ),
            aspect=Aspect.KUANTITAS if main else Aspect.KUALITAS,
            target=12 if main else 90,
            unit="dokumen" if main else "%",
        )
        rhk.append(
            Rhk(
                id=f"rhk-{number}",
                description=f"Rencana hasil kerja ke-{number} bidang pelayanan kesehatan",
                kind=RhkKind.UTAMA if main else RhkKind.TAMBAHAN,
                supports="Meningkatnya mutu pelayanan kesehatan dasar",
                indicators=(indicator,),
            )
        )
    perilaku = tuple(
        BehaviourExpectation(value=value, expectation=f"Menunjukkan perilaku {value.value}")
        for value in BerakhlakValue
    )
    return SkpContent(rhk=tuple(rhk), perilaku=perilaku)


def approved_skp(content: SkpContent | None = None) -> Skp:
    """An SKP drafted, submitted once and approved in January 2026."""
    at = datetime(2026, 1, 20, 9, tzinfo=WIB)
    return Skp(
        status=SkpStatus.DISETUJUI,
        content=content or valid_content(),
        submissions=1,
        history=(
            SkpEvent(kind=SkpEventKind.DISUSUN, by=OWNER, at=at),
            SkpEvent(kind=SkpEventKind.DIAJUKAN, by=OWNER, at=at),
            SkpEvent(kind=SkpEventKind.DISETUJUI, by=SUPERVISOR, at=at),
        ),
    )


def state_in(stage: Stage, **changes: object) -> AppraisalState:
    """A consistent appraisal of OWNER (supervised by SUPERVISOR) in ``stage``.

    From perencanaan on, socialisation is acknowledged; after perencanaan the SKP is
    approved (``valid_content()``); in pemantauan the three quarterly check-ins of 2026
    exist, none reported. ``changes`` override any field."""
    fields: dict[str, object] = {
        "period_id": PERIOD_ID,
        "nip": OWNER,
        "agency_code": AGENCY,
        "unit_code": UNIT,
        "supervisor_nip": SUPERVISOR,
        "stage": stage,
    }
    if stage.position >= Stage.PERENCANAAN.position:
        fields["acknowledged_at"] = datetime(2026, 1, 5, 9, tzinfo=WIB)
    if stage.position > Stage.PERENCANAAN.position:
        fields["skp"] = approved_skp()
    if stage is Stage.PEMANTAUAN:
        fields["checkins"] = tuple(
            CheckIn(index=index, due=due)
            for index, due in enumerate(schedule_2026().checkin_dues, start=1)
        )
    return AppraisalState.model_validate({**fields, **changes})
