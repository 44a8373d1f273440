"""What tindak lanjut records: development actions for an employee below expectations,
from assignment through the report to the supervisor's confirmation."""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class DevelopmentKind(StrEnum):
    PELATIHAN = "pelatihan"  # training
    BIMBINGAN = "bimbingan"  # guidance
    COACHING = "coaching"
    MENTORING = "mentoring"


class DevelopmentAction(BaseModel):
    """A development action for an employee below expectations, tracked to completion."""

    model_config = ConfigDict(frozen=True)

    number: int
    kind: DevelopmentKind
    title: str
    catalogue_code: str | None = None
    due: datetime
    assigned_by: str
    assigned_at: datetime
    reported_at: datetime | None = None
    report_note: str | None = None
    evidence_url: str | None = None
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None
