"""Stage 3, pemantauan: at each check-in the employee reports realisation per indicator
with evidence, and the pejabat penilai gives feedback. Progress behind target flags the
employee as at risk. When every check-in has its feedback, the interviews stage opens."""

from typing import ClassVar

from pydantic import Field

from domain.appraisal import (
    Actor,
    AppraisalState,
    Command,
    LongNote,
    RuleContext,
    replace_item,
    require,
)
from domain.checkin import (
    CheckIn,
    CheckInReport,
    Evidence,
    Feedback,
    Rating,
    Realisation,
    indicators_behind,
)
from domain.errors import InvalidInputError, WrongStateError
from domain.schedule import expected_share
from domain.segregation import require_independent
from domain.stages import Stage
from domain.transition import advance


def _checkin(state: AppraisalState, index: int) -> CheckIn:
    if state.stage is not Stage.PEMANTAUAN:
        raise WrongStateError(
            f"Pemantauan belum atau tidak lagi berjalan (tahap {state.stage.value})"
        )
    for checkin in state.checkins:
        if checkin.index == index:
            return checkin
    raise InvalidInputError(f"Pemantauan ke-{index} tidak ada; ada {len(state.checkins)} kali")


class ReportCheckIn(Command):
    """The employee reports realisation for check-in ``index`` (cumulative so far)."""

    action: ClassVar[str] = "pemantauan.reported"
    index: int = Field(ge=1)
    realisations: tuple[Realisation, ...] = Field(min_length=1, max_length=300)
    evidence: tuple[Evidence, ...] = Field(default=(), max_length=50)
    notes: str | None = Field(default=None, max_length=2000)

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require(
            state.is_employee(actor), "Hanya pegawai yang bersangkutan yang melaporkan realisasi"
        )
        checkin = _checkin(state, self.index)
        if checkin.report is not None:
            raise WrongStateError(f"Realisasi pemantauan ke-{self.index} sudah dilaporkan")
        earlier = [c for c in state.checkins if c.index < self.index and c.report is None]
        if earlier:
            raise WrongStateError(f"Laporkan dahulu pemantauan ke-{earlier[0].index}")
        content = state.skp.content
        assert content is not None  # an approved SKP always has content
        known = content.indicators()
        unknown = [
            item.indicator_id for item in self.realisations if item.indicator_id not in known
        ]
        if unknown:
            raise InvalidInputError(f"Indikator tidak ada di SKP: {', '.join(sorted(unknown))}")
        ids = [item.indicator_id for item in self.realisations]
        if len(set(ids)) != len(ids):
            raise InvalidInputError("Setiap indikator dilaporkan sekali saja")
        share = expected_share(context.schedule, checkin.due, self.index, len(state.checkins))
        behind = indicators_behind(content, self.realisations, share=share)
        report = CheckInReport(
            realisations=self.realisations,
            evidence=self.evidence,
            notes=self.notes,
            at=context.now,
            by=actor.subject,
        )
        updated = checkin.model_copy(update={"report": report, "behind_target": behind})
        checkins = replace_item(state.checkins, state.checkins.index(checkin), updated)
        return advance(
            state, context.schedule, context.now, checkins=checkins, at_risk=bool(behind)
        )


class GiveFeedback(Command):
    """The pejabat penilai answers a reported check-in (umpan balik berkelanjutan)."""

    action: ClassVar[str] = "pemantauan.feedback"
    index: int = Field(ge=1)
    text: LongNote
    rating: Rating | None = Field(default=None, description="Optional periodic rating.")

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        require(
            state.is_pejabat_penilai(actor),
            "Hanya pejabat penilai pegawai ini yang memberi umpan balik",
        )
        checkin = _checkin(state, self.index)
        if checkin.report is None:
            raise WrongStateError(f"Pemantauan ke-{self.index} belum dilaporkan pegawai")
        if checkin.feedback is not None:
            raise WrongStateError(f"Umpan balik pemantauan ke-{self.index} sudah diberikan")
        feedback = Feedback(text=self.text, rating=self.rating, at=context.now, by=actor.subject)
        checkins = replace_item(
            state.checkins,
            state.checkins.index(checkin),
            checkin.model_copy(update={"feedback": feedback}),
        )
        all_done = all(item.done for item in checkins)
        stage = Stage.WAWANCARA if all_done else Stage.PEMANTAUAN
        return advance(state, context.schedule, context.now, checkins=checkins, stage=stage)
