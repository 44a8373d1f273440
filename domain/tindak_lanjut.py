"""Stage 6, tindak lanjut: an employee below expectations (butuh perbaikan, kurang, sangat
kurang) gets development actions with due dates, tracked until the employee reports each
done and the supervisor confirms it. Then the appraisal is complete."""

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from domain.appraisal import (
    Actor,
    AppraisalState,
    Command,
    Note,
    RuleContext,
    replace_item,
    require,
)
from domain.development import DevelopmentAction, DevelopmentKind
from domain.errors import InvalidInputError, WrongStateError
from domain.segregation import require_independent
from domain.stages import Stage
from domain.transition import advance


def _require_tindak_lanjut(state: AppraisalState) -> None:
    if state.stage is not Stage.TINDAK_LANJUT:
        raise WrongStateError(f"Tindak lanjut tidak berjalan (tahap {state.stage.value})")


def _action(state: AppraisalState, number: int) -> DevelopmentAction:
    for action in state.development:
        if action.number == number:
            return action
    raise InvalidInputError(f"Tindak lanjut ke-{number} tidak ada")


class AssignDevelopment(Command):
    """Assign a training, guidance, coaching or mentoring action with a due date."""

    action: ClassVar[str] = "tindak_lanjut.assigned"
    kind: DevelopmentKind
    title: str = Field(min_length=3, max_length=300)
    catalogue_code: str | None = Field(
        default=None, max_length=40, description="From the training catalogue."
    )
    due: datetime | None = Field(
        default=None, description="Defaults to the period's tindak_lanjut_due."
    )

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        require(
            state.is_assessor(actor),
            "Tindak lanjut ditetapkan oleh pejabat penilai atau tim penilai",
        )
        _require_tindak_lanjut(state)
        due = self.due or context.schedule.tindak_lanjut_due
        if due.tzinfo is None or due <= context.now:
            raise InvalidInputError("due harus berzona waktu dan di masa depan")
        action = DevelopmentAction(
            number=len(state.development) + 1,
            kind=self.kind,
            title=self.title,
            catalogue_code=self.catalogue_code,
            due=due,
            assigned_by=actor.subject,
            assigned_at=context.now,
        )
        return advance(
            state, context.schedule, context.now, development=(*state.development, action)
        )


class ReportDevelopmentDone(Command):
    """The employee reports an action completed, with a note and optional evidence."""

    action: ClassVar[str] = "tindak_lanjut.reported"
    number: int = Field(ge=1)
    note: Note
    evidence_url: str | None = Field(default=None, pattern=r"^https?://", max_length=2000)

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require(state.is_employee(actor), "Penyelesaian dilaporkan oleh pegawai yang bersangkutan")
        _require_tindak_lanjut(state)
        action = _action(state, self.number)
        if action.reported_at is not None:
            raise WrongStateError(f"Tindak lanjut ke-{self.number} sudah dilaporkan")
        updated = action.model_copy(
            update={
                "reported_at": context.now,
                "report_note": self.note,
                "evidence_url": self.evidence_url,
            }
        )
        development = replace_item(state.development, state.development.index(action), updated)
        return advance(state, context.schedule, context.now, development=development)


class ConfirmDevelopment(Command):
    """The pejabat penilai confirms a reported action; the last one completes the year."""

    action: ClassVar[str] = "tindak_lanjut.confirmed"
    number: int = Field(ge=1)

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        require(state.is_pejabat_penilai(actor), "Konfirmasi diberikan oleh pejabat penilai")
        _require_tindak_lanjut(state)
        action = _action(state, self.number)
        if action.reported_at is None:
            raise WrongStateError(f"Tindak lanjut ke-{self.number} belum dilaporkan selesai")
        if action.confirmed_at is not None:
            raise WrongStateError(f"Tindak lanjut ke-{self.number} sudah dikonfirmasi")
        confirmed = action.model_copy(
            update={"confirmed_at": context.now, "confirmed_by": actor.subject}
        )
        development = replace_item(state.development, state.development.index(action), confirmed)
        if all(a.confirmed_at is not None for a in development):
            return advance(
                state,
                context.schedule,
                context.now,
                development=development,
                stage=Stage.SELESAI,
                completed_at=context.now,
            )
        return advance(state, context.schedule, context.now, development=development)
