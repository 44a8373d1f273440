"""Stage 2, perencanaan: the employee drafts the SKP and submits it; the pejabat
penilai approves it or returns it with a note, as often as needed. If the employee has
not drafted by the draft deadline, the agency's tim penilai may draft it for them."""

from typing import ClassVar

from pydantic import Field

from domain.appraisal import Actor, AppraisalState, Command, Note, RuleContext, require
from domain.checkin import CheckIn
from domain.deadlines import effective_due
from domain.errors import WrongStateError
from domain.roles import Role
from domain.segregation import require_independent
from domain.skp import Skp, SkpContent, SkpEvent, SkpEventKind, SkpStatus
from domain.stages import Stage
from domain.transition import advance

_EDITABLE = (SkpStatus.BELUM_DISUSUN, SkpStatus.DRAF, SkpStatus.DIKEMBALIKAN)


def _require_perencanaan(state: AppraisalState) -> None:
    if state.stage is not Stage.PERENCANAAN:
        raise WrongStateError(
            f"SKP hanya dapat diubah pada tahap perencanaan, bukan {state.stage.value}"
        )


def _may_draft(state: AppraisalState, actor: Actor, context: RuleContext) -> bool:
    """The employee always; the tim penilai once the draft deadline has passed."""
    if state.is_employee(actor):
        return True
    draft_due = effective_due(state, context.schedule, "skp_draft_due")
    return actor.has(Role.TIM_PENILAI) and context.now >= draft_due


def _with_event(
    skp: Skp, kind: SkpEventKind, actor: Actor, context: RuleContext, note: str | None = None
) -> tuple[SkpEvent, ...]:
    return (*skp.history, SkpEvent(kind=kind, by=actor.subject, at=context.now, note=note))


class DraftSkp(Command):
    """Write (or rewrite) the SKP draft."""

    action: ClassVar[str] = "skp.drafted"
    content: SkpContent

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        _require_perencanaan(state)
        require(
            _may_draft(state, actor, context),
            "SKP disusun oleh pegawai; tim penilai hanya setelah batas waktu penyusunan lewat",
        )
        skp = state.skp
        if skp.status not in _EDITABLE:
            raise WrongStateError(f"SKP berstatus {skp.status.value} dan tidak dapat diubah")
        updated = skp.model_copy(
            update={
                "status": SkpStatus.DRAF,
                "content": self.content,
                "history": _with_event(skp, SkpEventKind.DISUSUN, actor, context),
            }
        )
        return advance(state, context.schedule, context.now, skp=updated)


class SubmitSkp(Command):
    """Submit the draft to the pejabat penilai."""

    action: ClassVar[str] = "skp.submitted"

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        _require_perencanaan(state)
        require(_may_draft(state, actor, context), "Hanya penyusun SKP yang dapat mengajukannya")
        skp = state.skp
        if skp.status is not SkpStatus.DRAF or skp.content is None:
            raise WrongStateError(f"SKP berstatus {skp.status.value}; susun draf terlebih dahulu")
        updated = skp.model_copy(
            update={
                "status": SkpStatus.DIAJUKAN,
                "submissions": skp.submissions + 1,
                "history": _with_event(skp, SkpEventKind.DIAJUKAN, actor, context),
            }
        )
        return advance(state, context.schedule, context.now, skp=updated)


def _require_submitted(state: AppraisalState, actor: Actor) -> None:
    _require_perencanaan(state)
    require(
        state.is_pejabat_penilai(actor),
        "Hanya pejabat penilai pegawai ini yang dapat memutuskan SKP",
    )
    if state.skp.status is not SkpStatus.DIAJUKAN:
        raise WrongStateError(f"SKP berstatus {state.skp.status.value}, bukan diajukan")


class ApproveSkp(Command):
    """The pejabat penilai approves the SKP; monitoring starts with its check-ins."""

    action: ClassVar[str] = "skp.approved"
    note: str | None = Field(default=None, max_length=2000)

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        _require_submitted(state, actor)
        skp = state.skp.model_copy(
            update={
                "status": SkpStatus.DISETUJUI,
                "history": _with_event(
                    state.skp, SkpEventKind.DISETUJUI, actor, context, self.note
                ),
            }
        )
        # Check-ins already past at approval are skipped: there were no agreed targets then.
        dues = [due for due in context.schedule.checkin_dues if due > context.now]
        checkins = tuple(CheckIn(index=i, due=due) for i, due in enumerate(dues, start=1))
        stage = Stage.PEMANTAUAN if checkins else Stage.WAWANCARA
        return advance(
            state, context.schedule, context.now, skp=skp, checkins=checkins, stage=stage
        )


class ReturnSkp(Command):
    """The pejabat penilai returns the SKP with a note saying what to change."""

    action: ClassVar[str] = "skp.returned"
    note: Note

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        _require_submitted(state, actor)
        skp = state.skp.model_copy(
            update={
                "status": SkpStatus.DIKEMBALIKAN,
                "returned_content": state.skp.content,
                "history": _with_event(
                    state.skp, SkpEventKind.DIKEMBALIKAN, actor, context, self.note
                ),
            }
        )
        return advance(state, context.schedule, context.now, skp=skp)
