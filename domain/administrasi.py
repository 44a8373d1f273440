"""HR's interventions in a running appraisal: extending a due time and changing the
pejabat penilai (mutasi). Both keep the record of what was there before."""

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from domain.appraisal import (
    Actor,
    AppraisalState,
    Command,
    Reason,
    RuleContext,
    SupervisorChange,
    require,
)
from domain.deadlines import effective_due, is_deadline_key
from domain.errors import InvalidInputError, WrongStateError
from domain.nip import NipError, parse_nip
from domain.roles import Role
from domain.segregation import require_independent, require_not_self_appointed
from domain.stages import Stage
from domain.transition import advance


class ExtendDeadline(Command):
    """Move one deadline of this appraisal later; running timers follow the new time."""

    action: ClassVar[str] = "deadline.extended"
    deadline: str = Field(
        description="sosialisasi_due, skp_draft_due, skp_approval_due or checkin_due:<n>",
        max_length=40,
    )
    new_due: datetime
    reason: Reason

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        require(actor.has(Role.HR_ADMIN), "Hanya BKPSDM yang dapat memperpanjang batas waktu")
        if state.stage is Stage.SELESAI:
            raise WrongStateError("Penilaian sudah selesai")
        if not is_deadline_key(self.deadline):
            raise InvalidInputError(f"Batas waktu '{self.deadline}' tidak dikenal")
        if self.new_due.tzinfo is None:
            raise InvalidInputError("new_due harus menyertakan zona waktu")
        current = effective_due(state, context.schedule, self.deadline)
        if self.new_due <= current:
            raise InvalidInputError("Perpanjangan harus setelah batas waktu yang berlaku")
        overrides = {**state.due_overrides, self.deadline: self.new_due}
        return advance(state, context.schedule, context.now, due_overrides=overrides)


class ChangeSupervisor(Command):
    """Mutasi: a new pejabat penilai takes over pending approvals; the old one is kept."""

    action: ClassVar[str] = "mutasi.supervisor_changed"
    new_supervisor_nip: str | None = Field(
        description="NIP of the new pejabat penilai; null when the employee becomes a head "
        "of agency (rated for the regional head, i.e. BKPSDM)."
    )
    reason: Reason

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        require_not_self_appointed(actor, self.new_supervisor_nip)
        require(actor.has(Role.HR_ADMIN), "Hanya BKPSDM yang dapat mencatat mutasi")
        if state.stage is Stage.SELESAI:
            raise WrongStateError("Penilaian sudah selesai")
        new = self.new_supervisor_nip
        if new is not None:
            try:
                new = parse_nip(new)
            except NipError as error:
                raise InvalidInputError(str(error)) from error
            if new == state.nip:
                raise InvalidInputError("Pegawai tidak dapat menjadi pejabat penilainya sendiri")
        if new == state.supervisor_nip:
            raise InvalidInputError("Pejabat penilai baru sama dengan yang sekarang")
        change = SupervisorChange(
            previous_nip=state.supervisor_nip,
            new_nip=new,
            at=context.now,
            by=actor.subject,
            reason=self.reason,
        )
        return advance(
            state,
            context.schedule,
            context.now,
            supervisor_nip=new,
            supervisor_history=(*state.supervisor_history, change),
        )
