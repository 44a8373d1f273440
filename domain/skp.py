"""The SKP (Sasaran Kinerja Pegawai, the employee's performance agreement).

An SKP lists RHK (rencana hasil kerja, planned work results), each ``utama`` (main) or
``tambahan`` (extra), each naming the supervisor's RHK it supports (the cascade from the
regional plan through the agency plan down to the person), each measured by one or more
indicators. It also states the expected behaviour for each of the seven BerAKHLAK values.
"""

from datetime import datetime
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

_ID = r"^[A-Za-z0-9._-]{1,40}$"


class Aspect(StrEnum):
    """What an indicator measures."""

    KUANTITAS = "kuantitas"  # quantity: accumulates over the year
    KUALITAS = "kualitas"  # quality: a level to hold
    WAKTU = "waktu"  # time: e.g. days to complete; lower is better


class RhkKind(StrEnum):
    UTAMA = "utama"  # main result; none may fall below for an "above" rating
    TAMBAHAN = "tambahan"  # extra result


class BerakhlakValue(StrEnum):
    """The seven ASN core values, the behaviour dimension of the appraisal."""

    BERORIENTASI_PELAYANAN = "berorientasi_pelayanan"
    AKUNTABEL = "akuntabel"
    KOMPETEN = "kompeten"
    HARMONIS = "harmonis"
    LOYAL = "loyal"
    ADAPTIF = "adaptif"
    KOLABORATIF = "kolaboratif"


class Indicator(BaseModel):
    """An indikator kinerja individu: what counts as achieving the RHK, with its target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID)
    description: str = Field(min_length=3, max_length=500)
    aspect: Aspect
    target: float = Field(gt=0, le=1_000_000_000)
    unit: str = Field(min_length=1, max_length=40, description="e.g. 'dokumen', '%', 'hari'")

    @property
    def lower_is_better(self) -> bool:
        return self.aspect is Aspect.WAKTU


class Rhk(BaseModel):
    """A planned work result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID)
    description: str = Field(min_length=3, max_length=1000)
    kind: RhkKind
    supports: str = Field(
        min_length=1,
        max_length=200,
        description="The supervisor's RHK (or agency plan item) this result contributes to.",
    )
    indicators: tuple[Indicator, ...] = Field(min_length=1, max_length=10)


class BehaviourExpectation(BaseModel):
    """What the supervisor expects for one BerAKHLAK value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: BerakhlakValue
    expectation: str = Field(min_length=3, max_length=1000)


class SkpContent(BaseModel):
    """A complete draft: RHK with indicators and one expectation per BerAKHLAK value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rhk: tuple[Rhk, ...] = Field(min_length=1, max_length=30)
    perilaku: tuple[BehaviourExpectation, ...] = Field(min_length=7, max_length=7)

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not any(item.kind is RhkKind.UTAMA for item in self.rhk):
            raise ValueError("SKP memerlukan sedikitnya satu RHK utama")
        rhk_ids = [item.id for item in self.rhk]
        if len(set(rhk_ids)) != len(rhk_ids):
            raise ValueError("id RHK harus unik")
        indicator_ids = [i.id for item in self.rhk for i in item.indicators]
        if len(set(indicator_ids)) != len(indicator_ids):
            raise ValueError("id indikator harus unik di seluruh SKP")
        values = {item.value for item in self.perilaku}
        if values != set(BerakhlakValue):
            raise ValueError("perilaku harus memuat ketujuh nilai BerAKHLAK, masing-masing sekali")
        return self

    def indicators(self) -> dict[str, tuple[Rhk, Indicator]]:
        return {i.id: (item, i) for item in self.rhk for i in item.indicators}


class SkpStatus(StrEnum):
    BELUM_DISUSUN = "belum_disusun"  # nothing drafted yet
    DRAF = "draf"  # drafted, not submitted
    DIAJUKAN = "diajukan"  # submitted, waiting for the pejabat penilai
    DIKEMBALIKAN = "dikembalikan"  # returned with a note; to be revised
    DISETUJUI = "disetujui"  # approved: monitoring starts


class SkpEventKind(StrEnum):
    DISUSUN = "disusun"
    DIAJUKAN = "diajukan"
    DIKEMBALIKAN = "dikembalikan"
    DISETUJUI = "disetujui"


class SkpEvent(BaseModel):
    """One step in the SKP's history, kept so the back-and-forth stays visible."""

    model_config = ConfigDict(frozen=True)

    kind: SkpEventKind
    by: str
    at: datetime
    note: str | None = None


class Skp(BaseModel):
    """The SKP as it stands, with its history."""

    model_config = ConfigDict(frozen=True)

    status: SkpStatus = SkpStatus.BELUM_DISUSUN
    content: SkpContent | None = None
    submissions: int = Field(default=0, description="How often it was submitted.")
    history: tuple[SkpEvent, ...] = ()
    returned_content: SkpContent | None = Field(
        default=None,
        description="The content as it was last returned, so the pejabat penilai sees what "
        "changed since (None before any return, and in states recorded before it was kept).",
    )
