"""Builders of valid SKP content, appraisal states, actors and rule contexts for domain
tests. Every value built here passes the domain's own validation, so a test that changes
one field knows that field is what the domain reacts to."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from domain.appraisal import Actor, AppraisalState, RuleContext
from domain.checkin import CheckIn, CheckInReport, Feedback, Rating, Realisation
from domain.development import DevelopmentAction, DevelopmentKind
from domain.dialogue import Dialogue
from domain.keberatan import Keberatan
from domain.predikat import CREDIT_PERCENT, NEEDS_DEVELOPMENT, PROMOTION_ELIGIBLE, predikat
from domain.result import Result
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.skp import (
    Skp,
    SkpContent,
    SkpEvent,
    SkpEventKind,
    SkpStatus,
)
from domain.stages import Stage
from rehearsal.skp import skp_content as valid_content
from tests.factories import WIB, year_2026

OWNER = "199003032015032003"  # the pegawai being appraised
SUPERVISOR = "198002022005011002"  # her pejabat penilai (atasan langsung)
HR = "197505052000032004"  # a BKPSDM officer
TIM = "198506062010011005"  # a member of the agency's tim penilai
ATASAN = "197202022000031007"  # the supervisor's supervisor (atasan penilai)

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
ATASAN_PENILAI = person(ATASAN, Role.ATASAN_PENILAI)


def schedule_2026() -> PeriodSchedule:
    """The Kuranji demo schedule with its quarterly check-ins (end of March, June,
    September) filled in, as every appraisal of 2026 receives it."""
    return year_2026().resolved_schedule()


def context_at(now: datetime, schedule: PeriodSchedule | None = None) -> RuleContext:
    return RuleContext(now=now, schedule=schedule or schedule_2026())


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


# The second half of 2026 as state_in() builds it (keberatan window: 14 days).
HELD_AT = datetime(2026, 11, 20, 9, tzinfo=WIB)  # the performance dialogue
RATED_AT = datetime(2026, 12, 10, 9, tzinfo=WIB)  # before penilaian_due (15 December)
DELIVERED_AT = datetime(2026, 12, 16, 9, tzinfo=WIB)  # the keberatan window opens
OBJECTED_AT = datetime(2026, 12, 20, 9, tzinfo=WIB)  # a keberatan filed inside it
LOCKED_AT = DELIVERED_AT + timedelta(days=14)  # the window closed without a keberatan
ASSIGNED_AT = datetime(2027, 1, 5, 9, tzinfo=WIB)  # development actions assigned
REPORTED_AT = datetime(2027, 2, 1, 9, tzinfo=WIB)  # ... reported done
CONFIRMED_AT = datetime(2027, 2, 5, 9, tzinfo=WIB)  # ... and confirmed
IMPROVEMENT = timedelta(days=183)  # the six-month improvement period

ActionProgress = Literal["assigned", "reported", "confirmed"]


def done_checkins() -> tuple[CheckIn, ...]:
    """The three quarterly check-ins of 2026, each reported on target (nobody at risk)
    the day before it is due and answered two days after."""
    checkins = []
    for index, due in enumerate(schedule_2026().checkin_dues, start=1):
        report = CheckInReport(
            realisations=(
                Realisation(indicator_id="ind-1", value=12),
                Realisation(indicator_id="ind-2", value=90),
            ),
            evidence=(),
            notes=None,
            at=due - timedelta(days=1),
            by=OWNER,
        )
        feedback = Feedback(
            text="Pertahankan capaian", rating=None, at=due + timedelta(days=2), by=SUPERVISOR
        )
        checkins.append(CheckIn(index=index, due=due, report=report, feedback=feedback))
    return tuple(checkins)


def held_dialogue() -> Dialogue:
    return Dialogue(
        number=1,
        scheduled_for=HELD_AT,
        held_at=HELD_AT,
        participants=(OWNER, SUPERVISOR),
        notes="Capaian sesuai target; perlu penguatan kolaborasi",
        recorded_by=SUPERVISOR,
    )


def rated_result(
    ratings: tuple[Rating, Rating],
    *,
    delivered: bool = False,
    atasan: str | None = ATASAN,
    locked_at: datetime | None = None,
) -> Result:
    """A result rated by SUPERVISOR at RATED_AT; delivered at DELIVERED_AT (naming
    ``atasan``) and locked at ``locked_at`` as ``lock`` would do it."""
    hasil_kerja, perilaku = ratings
    value = predikat(hasil_kerja, perilaku)
    fields: dict[str, object] = {
        "hasil_kerja": hasil_kerja,
        "perilaku": perilaku,
        "predikat": value,
        "suggested_hasil_kerja": Rating.SESUAI,
        "rated_by": SUPERVISOR,
        "rated_at": RATED_AT,
    }
    if delivered or locked_at is not None:
        fields.update(delivered_at=DELIVERED_AT, atasan_nip=atasan)
    if locked_at is not None:
        fields.update(
            locked_at=locked_at,
            promotion_eligible=value in PROMOTION_ELIGIBLE,
            credit_percent=CREDIT_PERCENT[value],
            improvement_until=locked_at + IMPROVEMENT if value in NEEDS_DEVELOPMENT else None,
        )
    return Result.model_validate(fields)


def development_action(number: int, progress: ActionProgress = "assigned") -> DevelopmentAction:
    """Action ``number``: a training assigned by SUPERVISOR, due at the period's
    tindak_lanjut_due, reported and confirmed as far as ``progress`` says."""
    fields: dict[str, object] = {
        "number": number,
        "kind": DevelopmentKind.PELATIHAN,
        "title": f"Pelatihan pelayanan prima ke-{number}",
        "due": schedule_2026().tindak_lanjut_due,
        "assigned_by": SUPERVISOR,
        "assigned_at": ASSIGNED_AT,
    }
    if progress in ("reported", "confirmed"):
        fields.update(reported_at=REPORTED_AT, report_note="Pelatihan telah diikuti")
    if progress == "confirmed":
        fields.update(confirmed_at=CONFIRMED_AT, confirmed_by=SUPERVISOR)
    return DevelopmentAction.model_validate(fields)


BELOW = (Rating.DI_BAWAH, Rating.SESUAI)  # butuh_perbaikan: needs development
MEETS = (Rating.SESUAI, Rating.SESUAI)  # baik


def state_in(
    stage: Stage,
    *,
    ratings: tuple[Rating, Rating] | None = None,
    delivered: bool = False,
    objected: bool = False,
    atasan: str | None = ATASAN,
    actions: Sequence[ActionProgress] | None = None,
    **changes: object,
) -> AppraisalState:
    """A consistent appraisal of OWNER (supervised by SUPERVISOR) in ``stage``.

    From perencanaan on, socialisation is acknowledged; after perencanaan the SKP is
    approved (``valid_content()``); in pemantauan the three quarterly check-ins of 2026
    exist, none reported; from wawancara on all three are reported and answered; from
    penilaian on one dialogue was held (HELD_AT).

    In penilaian nothing is rated unless ``ratings`` (hasil kerja, perilaku) are given;
    ``delivered`` delivers the result at DELIVERED_AT naming ``atasan`` as the one who
    decides a keberatan; ``objected`` (implies delivered) adds a keberatan filed at
    OBJECTED_AT, undecided.

    In tindak_lanjut and selesai the result was delivered and locked at LOCKED_AT when
    the window closed without a keberatan. ``ratings`` default to BELOW (butuh
    perbaikan) in tindak_lanjut and MEETS (baik) in selesai. ``actions`` gives the
    development actions by progress (tindak_lanjut: none by default; selesai with a
    predicate needing development: one confirmed, and every one must be confirmed);
    a selesai appraisal is completed at its last confirmation, else at LOCKED_AT.

    ``changes`` override any field."""
    fields: dict[str, object] = {
        "period_id": PERIOD_ID,
        "nip": OWNER,
        "agency_code": AGENCY,
        "unit_code": UNIT,
        "supervisor_nip": SUPERVISOR,
        "stage": stage,
    }
    position = stage.position
    if position >= Stage.PERENCANAAN.position:
        fields["acknowledged_at"] = datetime(2026, 1, 5, 9, tzinfo=WIB)
    if position > Stage.PERENCANAAN.position:
        fields["skp"] = approved_skp()
    if stage is Stage.PEMANTAUAN:
        fields["checkins"] = tuple(
            CheckIn(index=index, due=due)
            for index, due in enumerate(schedule_2026().checkin_dues, start=1)
        )
    if position >= Stage.WAWANCARA.position:
        fields["checkins"] = done_checkins()
    if position >= Stage.PENILAIAN.position:
        fields["dialogues"] = (held_dialogue(),)
    if stage is Stage.PENILAIAN:
        if objected or delivered:
            assert ratings is not None, "only a rated result is delivered"
        if ratings is not None:
            fields["result"] = rated_result(ratings, delivered=delivered or objected, atasan=atasan)
        if objected:
            fields["keberatan"] = Keberatan(
                filed_at=OBJECTED_AT, reasons="Capaian triwulan IV belum diperhitungkan"
            )
    else:
        assert not (delivered or objected), f"no open result in {stage.value}"
    if position >= Stage.TINDAK_LANJUT.position:
        final = ratings or (BELOW if stage is Stage.TINDAK_LANJUT else MEETS)
        result = rated_result(final, atasan=atasan, locked_at=LOCKED_AT)
        needs_help = result.predikat in NEEDS_DEVELOPMENT
        if stage is Stage.TINDAK_LANJUT:
            assert needs_help, "only a predicate needing development is followed up"
            progress = tuple(actions or ())
            assert progress.count("confirmed") < len(progress) or not progress, (
                "the last confirmation completes the appraisal"
            )
        else:
            default: tuple[ActionProgress, ...] = ("confirmed",) if needs_help else ()
            progress = tuple(actions if actions is not None else default)
            assert all(p == "confirmed" for p in progress)
            assert bool(progress) is needs_help
            fields["completed_at"] = CONFIRMED_AT if progress else LOCKED_AT
        fields["result"] = result
        fields["development"] = tuple(
            development_action(number, p) for number, p in enumerate(progress, start=1)
        )
    else:
        assert actions is None, f"no development actions in {stage.value}"
    if position < Stage.PENILAIAN.position:
        assert ratings is None, f"nothing is rated in {stage.value}"
    return AppraisalState.model_validate({**fields, **changes})
