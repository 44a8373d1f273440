"""Read models the API answers with (inputs are domain models with ``extra="forbid"``)."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from domain.stages import Stage


class PeriodStarted(BaseModel):
    period_id: str
    workflow_id: str
    status: str = Field(description="'starting' while appraisals are being created.")


class PeriodView(BaseModel):
    period_id: str
    name: str
    starts_on: date
    ends_on: date
    status: str = Field(description="starting → running → completed")
    employees_started: int
    total: int = Field(description="Appraisals visible to the caller.")
    stages: dict[Stage, int] = Field(description="Appraisals per stage, every stage listed.")


class AppraisalView(BaseModel):
    period_id: str
    nip: str
    agency_code: str
    unit_code: str
    supervisor_nip: str | None
    stage: Stage
    version: int
    acknowledged_at: datetime | None
    updated_at: datetime | None


class DevTokenRequest(BaseModel):
    nip: str = Field(description="Employee whose demo token to issue.", pattern=r"^\d{18}$")
    ttl_seconds: int = Field(default=8 * 3600, ge=60, le=7 * 24 * 3600)


class DevToken(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    roles: list[str]
