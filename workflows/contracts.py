"""Payloads that cross the workflow boundary (workflow inputs, updates, activity calls).

Pydantic models, serialised by ``pydantic_data_converter``. Activities and the API import
these too, so workflows and their callers cannot drift apart.
"""

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from domain.administrasi import ExtendDeadline
from domain.appraisal import Actor, AppraisalState, Command
from domain.notices import NoticeKind, StepKind
from domain.organisation import RosterMember
from domain.roles import Role
from domain.schedule import Period, PeriodSchedule
from domain.unit import UnitCommand, UnitMember, UnitState

C = TypeVar("C", bound=Command | UnitCommand)


class Envelope(BaseModel, Generic[C]):
    """A domain command with who sent it and the API request it came from."""

    model_config = ConfigDict(frozen=True)

    actor: Actor
    command: C
    request_id: str | None = None


class AppraisalInput(BaseModel):
    """How an appraisal workflow starts (or continues as new)."""

    state: AppraisalState
    schedule: PeriodSchedule
    persisted_version: int = Field(
        default=0, description="Highest state version already written to PostgreSQL."
    )
    history_limit: int | None = Field(
        default=None,
        description="Continue as new past this many history events (tests force it small); "
        "otherwise when the server suggests it.",
    )


class NoticeDelivery(BaseModel):
    """A reminder or escalation to deliver; the activity resolves the recipient's NIP
    from the organisation tree at delivery time, so a mutasi is always followed."""

    workflow_id: str
    notice_key: str
    period_id: str
    nip: str
    supervisor_nip: str | None
    kind: NoticeKind
    level: int
    step: StepKind
    recipient_role: Role
    due: datetime
    at: datetime


class NoticeReceipt(BaseModel):
    recipient_role: Role
    recipient_nip: str | None


class MutasiRecord(BaseModel):
    nip: str
    new_supervisor_nip: str | None


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
    decision: dict[str, Any] | None = Field(
        default=None,
        description="What the change decided, for the audit trail (domain.audit); absent "
        "in activities scheduled before it existed.",
    )


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


class ExtensionScope(BaseModel):
    """Which appraisals of a period an extension covers: a unit, an agency, or all."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agency_code: str | None = Field(default=None, max_length=40)
    unit_code: str | None = Field(default=None, max_length=40)


class ExtensionInput(BaseModel):
    """A deadline extension for many appraisals, and where it resumes after
    continue-as-new."""

    period_id: str
    scope: ExtensionScope
    envelope: Envelope[ExtendDeadline]
    page_size: int = 200
    pages_per_run: int = 20
    cursor: str | None = None
    tally: "ExtensionTally" = Field(default_factory=lambda: ExtensionTally())


class ExtensionTally(BaseModel):
    """How an extension went: moved, or refused (e.g. that step is already done)."""

    extended: int = 0
    refused: int = 0
    refusals: dict[str, int] = Field(default_factory=dict, description="Count per reason type.")

    def plus(self, other: "ExtensionTally") -> "ExtensionTally":
        reasons = dict(self.refusals)
        for reason, count in other.refusals.items():
            reasons[reason] = reasons.get(reason, 0) + count
        return ExtensionTally(
            extended=self.extended + other.extended,
            refused=self.refused + other.refused,
            refusals=reasons,
        )


class AppraisalPageRequest(BaseModel):
    period_id: str
    scope: ExtensionScope
    after_nip: str | None
    limit: int


class ApplyExtension(BaseModel):
    period_id: str
    nips: list[str]
    envelope: Envelope[ExtendDeadline]
    scope: ExtensionScope | None = Field(
        default=None, description="For the batch's audit event; absent in older histories."
    )


ExtensionInput.model_rebuild()


class ClosureTally(BaseModel):
    """How a period's closure went: appraisals stopped now, and those already over
    (finished, or stopped by an earlier attempt) that needed nothing."""

    closed: int = 0
    skipped: int = 0

    def plus(self, other: "ClosureTally") -> "ClosureTally":
        return ClosureTally(closed=self.closed + other.closed, skipped=self.skipped + other.skipped)


class ClosureInput(BaseModel):
    """Closing a period (``workflows.closure``), and where it resumes after
    continue-as-new. The period row is already ``closing`` when this starts."""

    period_id: str
    reason: str
    closed_by: str = Field(description="Who asked (the token subject), for the audit.")
    request_id: str | None = None
    page_size: int = 200
    pages_per_run: int = 20
    cycle_stopped: bool = False
    cursor: str | None = Field(default=None, description="Last NIP whose appraisal was stopped.")
    tally: ClosureTally = Field(default_factory=ClosureTally)


class ClosurePageRequest(BaseModel):
    period_id: str
    after_nip: str | None
    limit: int


class CloseAppraisals(BaseModel):
    period_id: str
    nips: list[str]
    at: datetime


class FinishClosure(BaseModel):
    period_id: str
    reason: str
    closed_by: str
    request_id: str | None = None
    tally: ClosureTally
    at: datetime


class UnitInput(BaseModel):
    state: UnitState


class UnitMembersRequest(BaseModel):
    period_id: str
    unit_code: str


class DeliverUnitResults(BaseModel):
    """Deliver the results of ``members`` on behalf of ``actor`` (who finalised the unit)."""

    period_id: str
    members: list[UnitMember]
    actor: Actor
    request_id: str | None = None


class UnitChange(BaseModel):
    workflow_id: str
    state: UnitState
    action: str
    actor: str
    request_id: str | None = None
    at: datetime
    details: dict[str, Any] | None = None
