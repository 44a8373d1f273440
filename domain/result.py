"""What penilaian records: the ratings, the predicate that follows from them, and when
the result was delivered and locked."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.checkin import Rating
from domain.predikat import Predikat


class Result(BaseModel):
    """The rating, its predicate and what follows from it."""

    model_config = ConfigDict(frozen=True)

    hasil_kerja: Rating
    perilaku: Rating
    predikat: Predikat
    suggested_hasil_kerja: Rating | None = Field(
        default=None, description="What the indicator realisation suggested (advice only)."
    )
    notes: str | None = None
    rated_by: str
    rated_at: datetime
    delivered_at: datetime | None = Field(default=None, description="Start of keberatan window.")
    atasan_nip: str | None = Field(
        default=None, description="Who decides a keberatan; None: BKPSDM (head of agency)."
    )
    locked_at: datetime | None = None
    promotion_eligible: bool = False
    credit_percent: int | None = Field(default=None, description="Angka kredit conversion.")
    improvement_until: datetime | None = Field(
        default=None, description="End of the six-month improvement period (PP 30/2019)."
    )
