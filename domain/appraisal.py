"""One employee's appraisal as a state machine.

Every command is a pure function ``(state, actor, ...) -> new state`` that either returns
the next state or raises a domain error and changes nothing. Workflows call the same
function in their update validators (to refuse before anything reaches history) and in
their handlers (to apply), so the rule lives in exactly one place.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import NotPermittedError, WrongStateError
from domain.roles import Role
from domain.stages import Stage


class Actor(BaseModel):
    """Who issues a command, as authenticated by the API."""

    model_config = ConfigDict(frozen=True)

    subject: str = Field(description="Stable identity from the token (the NIP for ASN).")
    nip: str | None = None
    roles: frozenset[Role] = frozenset()

    def has(self, role: Role) -> bool:
        return role in self.roles


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

    def advanced(self, **changes: object) -> "AppraisalState":
        """A copy with ``changes`` applied and the version bumped."""
        return self.model_copy(update={**changes, "version": self.version + 1})


def check_acknowledge(state: AppraisalState, actor: Actor) -> None:
    """Raise unless ``actor`` may acknowledge the socialisation of ``state`` now."""
    if actor.nip != state.nip:
        raise NotPermittedError("Hanya pegawai yang bersangkutan yang dapat menyatakan sosialisasi")
    if state.stage is not Stage.SOSIALISASI:
        raise WrongStateError(
            f"Sosialisasi sudah dinyatakan; tahap saat ini adalah {state.stage.value}"
        )


def acknowledge(state: AppraisalState, actor: Actor, at: datetime) -> AppraisalState:
    """The employee confirms the policy briefing; target setting (SKP) opens."""
    check_acknowledge(state, actor)
    return state.advanced(stage=Stage.PERENCANAAN, acknowledged_at=at)
