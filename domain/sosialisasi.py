"""Stage 1, sosialisasi: the employee confirms they were briefed on the policy."""

from typing import ClassVar

from domain.appraisal import Actor, AppraisalState, Command, RuleContext, require
from domain.errors import WrongStateError
from domain.stages import Stage
from domain.transition import advance


class Acknowledge(Command):
    """The employee acknowledges the briefing; target setting (SKP) opens."""

    action: ClassVar[str] = "sosialisasi.acknowledged"

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require(
            state.is_employee(actor),
            "Hanya pegawai yang bersangkutan yang dapat menyatakan sosialisasi",
        )
        if state.stage is not Stage.SOSIALISASI:
            raise WrongStateError(
                f"Sosialisasi sudah dinyatakan; tahap saat ini adalah {state.stage.value}"
            )
        return advance(
            state,
            context.schedule,
            context.now,
            stage=Stage.PERENCANAAN,
            acknowledged_at=context.now,
        )
