"""Payloads that cross the workflow boundary (workflow inputs, updates, activity calls).

Pydantic models, serialised by ``pydantic_data_converter``. Activities and the API import
these too, so workflows and their callers cannot drift apart.
"""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.appraisal import Actor, AppraisalState
from domain.organisation import RosterMember
from domain.schedule import Period, PeriodSchedule

TASK_QUEUE = "kinerja"


class ActivityNames:
    """Activities are called by name so workflows never import their implementations."""

    REGISTER_PERIOD = "register_period"
    LOAD_ROSTER_PAGE = "load_roster_page"
    START_APPRAISALS = "start_appraisals"
    RECORD_PERIOD_PROGRESS = "record_period_progress"
    RECORD_APPRAISAL_CHANGE = "record_appraisal_change"


class Command(BaseModel):
    """Common part of every command sent to an appraisal by the API."""

    model_config = ConfigDict(frozen=True)

    actor: Actor
    request_id: str | None = None


class AcknowledgeCommand(Command):
    """The employee acknowledges the socialisation briefing."""


class AppraisalInput(BaseModel):
    """How an appraisal workflow starts (or continues as new)."""

    state: AppraisalState
    schedule: PeriodSchedule
    persisted_version: int = Field(
        default=0, description="Highest state version already written to PostgreSQL."
    )


class AppraisalChange(BaseModel):
    """One state change, persisted to the projection and the audit trail in one go."""

    workflow_id: str
    state: AppraisalState
    action: str
    actor: str
    actor_role: str | None = None
    request_id: str | None = None
    at: datetime
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class CycleInput(BaseModel):
    """How a cycle workflow starts, and where it resumes after continue-as-new."""

    period: Period
    started_by: str
    request_id: str | None = None
    page_size: int = 500
    pages_per_run: int = 20
    registered: bool = False
    cursor: str | None = Field(default=None, description="Last NIP whose appraisal was started.")
    employees_started: int = 0
    fanout_done: bool = False
    completed: int = 0


class RegisterPeriod(BaseModel):
    period: Period
    started_by: str
    request_id: str | None = None
    workflow_id: str
    at: datetime


class RosterPageRequest(BaseModel):
    after_nip: str | None
    limit: int


class RosterPage(BaseModel):
    members: list[RosterMember]


class StartAppraisals(BaseModel):
    period_id: str
    schedule: PeriodSchedule
    members: list[RosterMember]


class PeriodProgress(BaseModel):
    period_id: str
    status: str
    employees_started: int
