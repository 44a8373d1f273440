"""Stage 4, wawancara: the tim penilai or the supervisor holds a documented performance
dialogue (schedule, participants, notes, agreed actions; coaching, mentoring or
counselling as follow-ups). Recording one opens scoring."""

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from domain.appraisal import Actor, AppraisalState, Command, LongNote, RuleContext, require
from domain.dialogue import Dialogue, FollowUp
from domain.errors import InvalidInputError, WrongStateError
from domain.nip import is_valid_nip
from domain.segregation import require_independent
from domain.stages import Stage
from domain.transition import advance


def _require_wawancara(state: AppraisalState) -> None:
    if state.stage is not Stage.WAWANCARA:
        raise WrongStateError(
            f"Dialog kinerja dicatat pada tahap wawancara, bukan {state.stage.value}"
        )


class ScheduleDialogue(Command):
    """Plan a dialogue: when, and who takes part."""

    action: ClassVar[str] = "wawancara.scheduled"
    scheduled_for: datetime
    participants: tuple[str, ...] = Field(default=(), max_length=20)

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        require(
            state.is_assessor(actor), "Dialog kinerja diatur oleh pejabat penilai atau tim penilai"
        )
        _require_wawancara(state)
        if self.scheduled_for.tzinfo is None:
            raise InvalidInputError("scheduled_for harus menyertakan zona waktu")
        if any(not is_valid_nip(nip) for nip in self.participants):
            raise InvalidInputError("Peserta harus berupa NIP yang valid")
        dialogue = Dialogue(
            number=len(state.dialogues) + 1,
            scheduled_for=self.scheduled_for,
            participants=self.participants,
        )
        return advance(state, context.schedule, context.now, dialogues=(*state.dialogues, dialogue))


class RecordDialogue(Command):
    """Record the dialogue held (the last scheduled one, or a new one); scoring opens."""

    action: ClassVar[str] = "wawancara.recorded"
    held_at: datetime
    participants: tuple[str, ...] = Field(min_length=1, max_length=20)
    notes: LongNote
    agreed_actions: tuple[str, ...] = Field(default=(), max_length=20)
    follow_ups: tuple[FollowUp, ...] = Field(default=(), max_length=10)

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        require(
            state.is_assessor(actor), "Dialog kinerja dicatat oleh pejabat penilai atau tim penilai"
        )
        _require_wawancara(state)
        if self.held_at.tzinfo is None or self.held_at > context.now:
            raise InvalidInputError("held_at harus berzona waktu dan tidak di masa depan")
        if any(not is_valid_nip(nip) for nip in self.participants):
            raise InvalidInputError("Peserta harus berupa NIP yang valid")
        if state.nip not in self.participants:
            raise InvalidInputError("Pegawai yang dinilai harus ikut dalam dialog kinerja")
        planned = [d for d in state.dialogues if d.held_at is None]
        base = planned[-1] if planned else Dialogue(number=len(state.dialogues) + 1)
        held = base.model_copy(
            update={
                "held_at": self.held_at,
                "participants": self.participants,
                "notes": self.notes,
                "agreed_actions": self.agreed_actions,
                "follow_ups": self.follow_ups,
                "recorded_by": actor.subject,
            }
        )
        dialogues = (*(d for d in state.dialogues if d.number != held.number), held)
        return advance(
            state,
            context.schedule,
            context.now,
            dialogues=tuple(sorted(dialogues, key=lambda d: d.number)),
            stage=Stage.PENILAIAN,
        )
