"""The seeded behaviour model: how the people of a generated regency behave (who acts
late, whose SKP comes back once, what their work deserves, who objects), drawn per
person from one seeded generator, and the calendar year they behave in."""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TypeVar

from pydantic import BaseModel, Field

from domain.checkin import Rating
from domain.distribusi import UnitPredikat
from domain.organisation import EmployeeRecord
from domain.predikat import NEEDS_DEVELOPMENT, Predikat
from domain.schedule import MonitoringFrequency, Period, PeriodSchedule

WIB = timezone(timedelta(hours=7), "WIB")


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


@dataclass
class Person:
    """One generated employee and the traits the behaviour model drew for them."""

    record: EmployeeRecord
    atasan: str | None  # the supervisor's supervisor: who decides a keberatan
    late: bool
    supervisor_late: bool
    returned: bool
    deserves: Predikat
    objects: bool


P = TypeVar("P", bound=Person)


def people(
    records: Sequence[EmployeeRecord],
    behaviour: Behaviour,
    rng: random.Random,
    make: type[P],
) -> dict[str, P]:
    """Everyone's traits, by NIP, drawn in a fixed order from ``rng`` (the same seed,
    the same people): first which supervisors answer late, then per person the grade
    their work deserves, whether they act late, whose SKP comes back, who objects.
    ``make`` is :class:`Person` or a driver's subclass of it."""
    supervisor = {r.nip: r.supervisor_nip for r in records}
    late_supervisors = {nip for nip in supervisor if rng.random() < behaviour.late_share}
    grades, weights = list(behaviour.spread), list(behaviour.spread.values())
    crowd: dict[str, P] = {}
    for record in records:
        deserves = rng.choices(grades, weights=weights)[0]
        share = (
            behaviour.objection_share_low
            if deserves in NEEDS_DEVELOPMENT
            else behaviour.objection_share_other
        )
        boss = record.supervisor_nip
        crowd[record.nip] = make(
            record=record,
            atasan=supervisor.get(boss) if boss else None,
            late=rng.random() < behaviour.late_share,
            supervisor_late=boss in late_supervisors if boss else False,
            returned=rng.random() < behaviour.return_share,
            deserves=deserves,
            objects=rng.random() < share,
        )
    return crowd
