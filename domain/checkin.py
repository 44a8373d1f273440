"""Check-ins during pemantauan: realisation per indicator with evidence (bukti dukung),
then the supervisor's feedback (umpan balik berkelanjutan)."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.skp import Aspect, RhkKind, SkpContent

# Below this share of the expected progress on any main indicator, an employee is at risk.
AT_RISK_THRESHOLD = 0.8
_TOLERANCE = 1e-9


class Rating(StrEnum):
    """Ekspektasi: the three-level scale used for results and behaviour."""

    DI_ATAS = "di_atas"  # above expectations
    SESUAI = "sesuai"  # meets expectations
    DI_BAWAH = "di_bawah"  # below expectations


class Realisation(BaseModel):
    """Progress on one indicator so far (cumulative for kuantitas)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator_id: str = Field(min_length=1, max_length=40)
    value: float = Field(ge=0, le=1_000_000_000)
    note: str | None = Field(default=None, max_length=1000)


class Evidence(BaseModel):
    """Bukti dukung: a link to a document or photo, with what it shows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(pattern=r"^https?://", max_length=2000)
    note: str | None = Field(default=None, max_length=500)


class CheckInReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    realisations: tuple[Realisation, ...]
    evidence: tuple[Evidence, ...]
    notes: str | None
    at: datetime
    by: str


class Feedback(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    rating: Rating | None
    at: datetime
    by: str


class CheckIn(BaseModel):
    """One check-in: due time, the employee's report, the supervisor's feedback."""

    model_config = ConfigDict(frozen=True)

    index: int = Field(ge=1, description="1-based: triwulan I, II, ... or month 1, 2, ...")
    due: datetime
    report: CheckInReport | None = None
    feedback: Feedback | None = None
    behind_target: tuple[str, ...] = Field(
        default=(), description="Main indicators behind the expected progress at this check-in."
    )

    @property
    def done(self) -> bool:
        return self.report is not None and self.feedback is not None


def achievement(target: float, value: float, *, lower_is_better: bool) -> float:
    """Realisation as a share of target (1.0 = on target)."""
    if lower_is_better:
        return target / value if value > 0 else 0.0
    return value / target


def indicators_behind(
    content: SkpContent, realisations: tuple[Realisation, ...], *, share: float
) -> tuple[str, ...]:
    """Main-RHK indicators whose progress is below ``AT_RISK_THRESHOLD`` of what is expected
    by now. Quantities accumulate through the year, so when ``share`` of the period has
    passed, that share of the target is expected; quality and time are levels to hold from
    the start. An indicator with no realisation reported counts as zero."""
    reported = {item.indicator_id: item.value for item in realisations}
    behind: list[str] = []
    for rhk, indicator in content.indicators().values():
        if rhk.kind is not RhkKind.UTAMA:
            continue
        expected = share if indicator.aspect is Aspect.KUANTITAS else 1.0
        value = reported.get(indicator.id, 0.0)
        achieved = achievement(indicator.target, value, lower_is_better=indicator.lower_is_better)
        # exactly at the threshold is not behind, whatever binary floats make of 0.75 * 0.8
        if achieved < expected * AT_RISK_THRESHOLD - _TOLERANCE:
            behind.append(indicator.id)
    return tuple(behind)
