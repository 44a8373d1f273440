"""Stage 5, penilaian: the supervisor rates results and behaviour, the predicate follows
from the matrix, the unit's distribution check delivers the result, and the employee may
file a keberatan within the window; the atasan penilai's decision is final. When the
window closes (or the keberatan is decided) the result locks."""

from datetime import datetime, timedelta
from typing import ClassVar

from pydantic import Field

from domain.appraisal import Actor, AppraisalState, Command, LongNote, Note, RuleContext, require
from domain.checkin import Rating
from domain.errors import InvalidInputError, NotPermittedError, WrongStateError
from domain.keberatan import Keberatan, KeberatanDecision, KeberatanOutcome, KeberatanStatement
from domain.nip import is_valid_nip
from domain.predikat import (
    CREDIT_PERCENT,
    NEEDS_DEVELOPMENT,
    PROMOTION_ELIGIBLE,
    predikat,
    suggest_results_rating,
)
from domain.result import Result
from domain.roles import Role
from domain.segregation import require_independent
from domain.stages import Stage
from domain.transition import advance

IMPROVEMENT_PERIOD = timedelta(days=183)  # six months to improve (PP 30/2019)


def _require_penilaian(state: AppraisalState) -> None:
    if state.stage is not Stage.PENILAIAN:
        raise WrongStateError(
            f"Penilaian belum atau tidak lagi berjalan (tahap {state.stage.value})"
        )


def suggested_rating(state: AppraisalState) -> Rating | None:
    """The system's suggestion for hasil kerja from the last reported realisation; the
    pejabat penilai decides (None before any report)."""
    reported = [c.report for c in state.checkins if c.report is not None]
    if state.skp.content is None or not reported:
        return None
    return suggest_results_rating(state.skp.content, reported[-1].realisations)


class RateAppraisal(Command):
    """The pejabat penilai (or the tim penilai calibrating) rates results and behaviour;
    may be revised until the result is delivered."""

    action: ClassVar[str] = "penilaian.rated"
    hasil_kerja: Rating
    perilaku: Rating
    notes: Note | None = None

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        require(
            state.is_assessor(actor),
            "Penilaian diberikan oleh pejabat penilai (atau tim penilai saat kalibrasi)",
        )
        _require_penilaian(state)
        if state.result is not None and state.result.delivered_at is not None:
            raise WrongStateError(
                "Hasil penilaian sudah disampaikan; perubahan hanya lewat keberatan"
            )
        result = Result(
            hasil_kerja=self.hasil_kerja,
            perilaku=self.perilaku,
            predikat=predikat(self.hasil_kerja, self.perilaku),
            suggested_hasil_kerja=suggested_rating(state),
            notes=self.notes,
            rated_by=actor.subject,
            rated_at=context.now,
        )
        return advance(state, context.schedule, context.now, result=result)


class DeliverResult(Command):
    """The unit passed its distribution check: the result reaches the employee and the
    keberatan window opens. Sent by the unit's finalisation, on behalf of HR or the tim
    penilai, with the atasan penilai resolved from the organisation."""

    action: ClassVar[str] = "penilaian.delivered"
    atasan_nip: str | None = Field(description="Who decides a keberatan; None: BKPSDM.")

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require(
            actor.has(Role.HR_ADMIN) or actor.has(Role.TIM_PENILAI),
            "Hasil disampaikan melalui finalisasi unit oleh BKPSDM atau tim penilai",
        )
        _require_penilaian(state)
        if state.result is None:
            raise WrongStateError("Pegawai ini belum dinilai")
        if state.result.delivered_at is not None:
            raise WrongStateError("Hasil penilaian sudah disampaikan")
        if self.atasan_nip is not None and (
            not is_valid_nip(self.atasan_nip) or self.atasan_nip == state.nip
        ):
            raise InvalidInputError("Atasan penilai harus NIP pegawai lain")
        result = state.result.model_copy(
            update={"delivered_at": context.now, "atasan_nip": self.atasan_nip}
        )
        return advance(state, context.schedule, context.now, result=result)


def keberatan_window_closes(state: AppraisalState, keberatan_days: int) -> datetime | None:
    result = state.result
    if result is None or result.delivered_at is None:
        return None
    return result.delivered_at + timedelta(days=keberatan_days)


class FileKeberatan(Command):
    """The employee objects to the result, within the window, with reasons."""

    action: ClassVar[str] = "keberatan.filed"
    reasons: LongNote

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require(
            state.is_employee(actor), "Keberatan hanya dapat diajukan oleh pegawai yang dinilai"
        )
        _require_penilaian(state)
        closes = keberatan_window_closes(state, context.schedule.keberatan_days)
        if closes is None:
            raise WrongStateError("Hasil penilaian belum disampaikan")
        if state.keberatan is not None:
            raise WrongStateError("Keberatan sudah diajukan")
        if context.now >= closes:
            raise WrongStateError(
                f"Batas waktu keberatan ({context.schedule.keberatan_days} hari) sudah lewat"
            )
        keberatan = Keberatan(filed_at=context.now, reasons=self.reasons)
        return advance(state, context.schedule, context.now, keberatan=keberatan)


def _open_keberatan(state: AppraisalState) -> Keberatan:
    _require_penilaian(state)
    if state.keberatan is None or state.keberatan.decision is not None:
        raise WrongStateError("Tidak ada keberatan yang sedang diperiksa")
    return state.keberatan


class AddKeberatanStatement(Command):
    """Either side adds a statement while the atasan penilai hears the keberatan."""

    action: ClassVar[str] = "keberatan.statement"
    text: LongNote

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        if state.is_employee(actor):
            role = Role.PEGAWAI
        elif state.is_pejabat_penilai(actor):
            role = Role.PEJABAT_PENILAI
        else:
            raise NotPermittedError("Keterangan diberikan oleh pegawai atau pejabat penilainya")
        keberatan = _open_keberatan(state)
        statement = KeberatanStatement(
            by=actor.subject, role=role.value, text=self.text, at=context.now
        )
        updated = keberatan.model_copy(update={"statements": (*keberatan.statements, statement)})
        return advance(state, context.schedule, context.now, keberatan=updated)


def lock(state: AppraisalState, context: RuleContext, **changes: object) -> AppraisalState:
    """The result becomes final: promotion eligibility, credit points, and either the
    development follow-up or the end of the appraisal."""
    result = changes.pop("result", state.result)
    assert isinstance(result, Result)
    needs_help = result.predikat in NEEDS_DEVELOPMENT
    final = result.model_copy(
        update={
            "locked_at": context.now,
            "promotion_eligible": result.predikat in PROMOTION_ELIGIBLE,
            "credit_percent": CREDIT_PERCENT[result.predikat],
            "improvement_until": context.now + IMPROVEMENT_PERIOD if needs_help else None,
        }
    )
    stage = Stage.TINDAK_LANJUT if needs_help else Stage.SELESAI
    completed_at = None if needs_help else context.now
    return advance(
        state,
        context.schedule,
        context.now,
        result=final,
        stage=stage,
        completed_at=completed_at,
        **changes,
    )


class DecideKeberatan(Command):
    """The atasan penilai decides, finally: reject the objection, or change the ratings
    (the predicate is recomputed). The result then locks."""

    action: ClassVar[str] = "keberatan.decided"
    outcome: KeberatanOutcome
    reasoning: LongNote
    hasil_kerja: Rating | None = None
    perilaku: Rating | None = None

    def apply(self, state: AppraisalState, actor: Actor, context: RuleContext) -> AppraisalState:
        require_independent(state, actor)
        require(state.is_atasan_penilai(actor), "Keberatan diputus oleh atasan pejabat penilai")
        keberatan = _open_keberatan(state)
        result = state.result
        assert result is not None  # a keberatan exists only against a delivered result
        if self.outcome is KeberatanOutcome.DIUBAH:
            if self.hasil_kerja is None or self.perilaku is None:
                raise InvalidInputError(
                    "Keputusan mengubah nilai memerlukan hasil_kerja dan perilaku"
                )
            if (self.hasil_kerja, self.perilaku) == (result.hasil_kerja, result.perilaku):
                raise InvalidInputError(
                    "Nilai baru sama dengan nilai semula; gunakan outcome 'ditolak'"
                )
            changed = result.model_copy(
                update={
                    "hasil_kerja": self.hasil_kerja,
                    "perilaku": self.perilaku,
                    "predikat": predikat(self.hasil_kerja, self.perilaku),
                }
            )
        else:
            if self.hasil_kerja is not None or self.perilaku is not None:
                raise InvalidInputError("Keberatan yang ditolak tidak mengubah nilai")
            changed = result
        decision = KeberatanDecision(
            outcome=self.outcome,
            reasoning=self.reasoning,
            predikat_before=result.predikat,
            predikat_after=changed.predikat,
            by=actor.subject,
            at=context.now,
        )
        return lock(
            state,
            context,
            result=changed,
            keberatan=keberatan.model_copy(update={"decision": decision}),
        )


def automatic_lock_at(state: AppraisalState, keberatan_days: int) -> datetime | None:
    """When the result locks by itself: the end of the keberatan window, if the result was
    delivered and nobody objected (a keberatan locks only by its decision)."""
    if state.stage is not Stage.PENILAIAN or state.keberatan is not None:
        return None
    return keberatan_window_closes(state, keberatan_days)


def close_window_if_due(state: AppraisalState, context: RuleContext) -> AppraisalState | None:
    """Lock the result when the keberatan window has passed without an objection."""
    closes = automatic_lock_at(state, context.schedule.keberatan_days)
    if closes is not None and context.now >= closes:
        return lock(state, context)
    return None
