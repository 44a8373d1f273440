"""One employee's appraisal as a state machine.

The state is one immutable value. Every command is a frozen model whose ``apply(state,
actor, context)`` returns the next state or raises a domain error and changes nothing.
Workflows call the same ``apply`` in their update validators (to refuse before anything
reaches history; the result is discarded) and in their handlers (to change state), so
each rule lives in exactly one place.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from domain.checkin import CheckIn
from domain.development import DevelopmentAction
from domain.dialogue import Dialogue
from domain.errors import NotPermittedError
from domain.keberatan import Keberatan
from domain.notices import Notice
from domain.result import Result
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.skp import Skp
from domain.stages import Stage
from domain.text import LongNote as LongNote  # re-exported: defined once in domain.text
from domain.text import Note as Note
from domain.text import PlainTextInput
from domain.text import Reason as Reason


class Actor(BaseModel):
    """Who issues a command, as authenticated by the API."""

    model_config = ConfigDict(frozen=True)

    subject: str = Field(description="Stable identity from the token (the NIP for ASN).")
    nip: str | None = None
    roles: frozenset[Role] = frozenset()
    superiors: tuple[str, ...] = Field(
        default=(),
        description="NIPs above the actor in the organisation tree when the command was "
        "sent, nearest first: what segregation of duties checks against.",
    )

    def has(self, role: Role) -> bool:
        return role in self.roles

    def is_below(self, nip: str) -> bool:
        """True when ``nip`` is one of the actor's own superiors."""
        return nip in self.superiors


class SupervisorChange(BaseModel):
    """A mutasi or change of pejabat penilai; the old supervisor stays on record."""

    model_config = ConfigDict(frozen=True)

    previous_nip: str | None
    new_nip: str | None
    at: datetime
    by: str
    reason: str


class AppraisalState(BaseModel):
    """Everything the workflow knows about one appraisal; also its persisted projection."""

    model_config = ConfigDict(frozen=True)

    period_id: str
    nip: str
    agency_code: str
    unit_code: str
    supervisor_nip: str | None
    stage: Stage = Stage.SOSIALISASI
    version: int = Field(default=1, description="Increases by one on every state change.")
    acknowledged_at: datetime | None = None
    skp: Skp = Field(default_factory=Skp)
    checkins: tuple[CheckIn, ...] = ()
    at_risk: bool = Field(default=False, description="Progress behind target at a check-in.")
    overdue: bool = Field(default=False, description="A step owed now is past its due time.")
    due_overrides: dict[str, datetime] = Field(
        default_factory=dict, description="Extended due times, by deadline key."
    )
    notices: tuple[Notice, ...] = Field(default=(), description="Reminders and escalations sent.")
    supervisor_history: tuple[SupervisorChange, ...] = ()
    dialogues: tuple[Dialogue, ...] = ()
    result: Result | None = None
    keberatan: Keberatan | None = None
    development: tuple[DevelopmentAction, ...] = ()
    completed_at: datetime | None = None

    def advanced(self, **changes: object) -> "AppraisalState":
        """A copy with ``changes`` applied and the version bumped."""
        return self.model_copy(update={**changes, "version": self.version + 1})

    def is_employee(self, actor: Actor) -> bool:
        return actor.nip is not None and actor.nip == self.nip

    def is_atasan_penilai(self, actor: Actor) -> bool:
        """The supervisor's supervisor, as recorded when the result was delivered; BKPSDM
        where the chain ends (the regional head decides for a head of agency)."""
        if self.is_employee(actor):
            return False  # nobody decides their own keberatan
        atasan = self.result.atasan_nip if self.result else None
        if atasan is None:
            return actor.has(Role.HR_ADMIN)
        return actor.nip is not None and actor.nip == atasan

    def is_assessor(self, actor: Actor) -> bool:
        """Who holds the dialogue, rates and assigns development: the pejabat penilai or
        the agency's tim penilai, never the employee (a tim penilai member is not her own
        assessor)."""
        if self.is_employee(actor):
            return False
        return self.is_pejabat_penilai(actor) or actor.has(Role.TIM_PENILAI)

    def is_pejabat_penilai(self, actor: Actor) -> bool:
        """The direct supervisor; a head of agency has none and is rated for the regional
        head, whom HR represents here."""
        if self.supervisor_nip is None:
            return actor.has(Role.HR_ADMIN) and not self.is_employee(actor)
        return actor.nip is not None and actor.nip == self.supervisor_nip


class RuleContext(BaseModel):
    """What a rule may know besides the state: the time and the period's schedule."""

    model_config = ConfigDict(frozen=True)

    now: datetime
    schedule: PeriodSchedule


class Command(PlainTextInput):
    """A request to change an appraisal. Subclasses name their audit ``action``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: ClassVar[str]

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        raise NotImplementedError


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotPermittedError(message)


T = TypeVar("T")


def replace_item(items: Sequence[T], index: int, item: T) -> tuple[T, ...]:
    """A tuple equal to ``items`` with position ``index`` replaced."""
    return (*items[:index], item, *items[index + 1 :])
