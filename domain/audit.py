"""What the audit trail says was decided, so an inspector can answer "who set this
predikat, to what, when" from PostgreSQL alone, years after Temporal dropped the history.

Every recorded ``action`` belongs to one ``AuditKind`` (what ``GET /audit`` filters by).
The ``*_decision`` functions turn a command and the state change it made into the
decision's content: ratings and predikat, outcomes, the new due time, old and new
supervisor, the reason or note *when that text is the decision itself* (an override's
reason, an SKP's return note, an extension's or mutasi's reason). Free text that only
argues a case (keberatan reasons and statements, dialogue notes, check-in reports, a
keberatan decision's reasoning) stays in the appraisal record and is not copied here:
the event says that it happened, by whom, and what followed.

Values are JSON-native (strings, numbers, booleans) so they go straight into jsonb.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from domain.administrasi import ChangeSupervisor, ExtendDeadline
from domain.appraisal import AppraisalState, Command
from domain.deadlines import effective_due
from domain.errors import DomainError
from domain.notices import NoticeKind
from domain.pemantauan import GiveFeedback, ReportCheckIn
from domain.penilaian import (
    AddKeberatanStatement,
    DecideKeberatan,
    DeliverResult,
    FileKeberatan,
    RateAppraisal,
    keberatan_window_closes,
)
from domain.perencanaan import ApproveSkp, DraftSkp, ReturnSkp, SubmitSkp
from domain.result import Result
from domain.schedule import PeriodSchedule
from domain.sosialisasi import Acknowledge
from domain.tindak_lanjut import AssignDevelopment, ConfirmDevelopment, ReportDevelopmentDone
from domain.unit import FinaliseUnit, RecordOverride, SetUnitPredikat, UnitState
from domain.wawancara import RecordDialogue, ScheduleDialogue

Decision = dict[str, Any]

# Actions recorded outside any command (the workflows' and activities' own).
APPRAISAL_OPENED = "appraisal.opened"
RESULT_LOCKED = "penilaian.locked"
PERIOD_STARTED, PERIOD_RUNNING, PERIOD_COMPLETED = (
    "period.started",
    "period.running",
    "period.completed",
)
ROSTER_IMPORTED = "organisation.imported"
EXPORTED = "appraisals.exported"
EXTENSION_BATCH = "deadline.extended_batch"
PERIOD_CLOSING, PERIOD_CLOSED = "period.closing", "period.closed"  # domain.period_closure


class AuditKind(StrEnum):
    """What kind of thing an audit event records. ``GET /audit?kind=`` filters by these."""

    PERIOD = "period"  # a period started, running (every appraisal open), completed, closed
    ROSTER_IMPORT = "roster_import"  # the organisation imported (counts only)
    EXPORT = "export"  # a list of appraisals exported (with its filters)
    APPRAISAL_OPENED = "appraisal_opened"  # an appraisal opened for an employee
    ACKNOWLEDGEMENT = "acknowledgement"  # sosialisasi acknowledged
    SKP = "skp"  # SKP drafted or submitted
    SKP_DECISION = "skp_decision"  # SKP approved or returned, with the note
    CHECKIN = "checkin"  # check-in reported or answered (with a periodic rating)
    DIALOGUE = "dialogue"  # performance dialogue scheduled or recorded
    RATING = "rating"  # hasil kerja and perilaku rated: the predikat set
    RESULT = "result"  # result delivered (keberatan window opens) or locked (final)
    KEBERATAN_FILED = "keberatan_filed"  # a keberatan filed (not its text)
    KEBERATAN_STATEMENT = "keberatan_statement"  # a statement added (who, not what)
    KEBERATAN_DECISION = "keberatan_decision"  # outcome, ratings, predikat before/after
    DEVELOPMENT = "development"  # tindak lanjut assigned, reported, confirmed
    EXTENSION = "extension"  # a due time moved: per appraisal, and per batch page
    NOTICE = "notice"  # reminder, escalation or re-routing sent
    MUTASI = "mutasi"  # pejabat penilai changed: old and new, with the reason
    UNIT_PREDIKAT = "unit_predikat"  # a unit's organisational predikat set
    UNIT_OVERRIDE = "unit_override"  # distribution override: reason and violations
    UNIT_FINALISED = "unit_finalised"  # a unit finalised, its results delivered


def _actions(*commands: type[Command]) -> tuple[str, ...]:
    return tuple(command.action for command in commands)


_KIND_ACTIONS: dict[AuditKind, tuple[str, ...]] = {
    AuditKind.PERIOD: (
        PERIOD_STARTED,
        PERIOD_RUNNING,
        PERIOD_COMPLETED,
        PERIOD_CLOSING,
        PERIOD_CLOSED,
    ),
    AuditKind.ROSTER_IMPORT: (ROSTER_IMPORTED,),
    AuditKind.EXPORT: (EXPORTED,),
    AuditKind.APPRAISAL_OPENED: (APPRAISAL_OPENED,),
    AuditKind.ACKNOWLEDGEMENT: _actions(Acknowledge),
    AuditKind.SKP: _actions(DraftSkp, SubmitSkp),
    AuditKind.SKP_DECISION: _actions(ApproveSkp, ReturnSkp),
    AuditKind.CHECKIN: _actions(ReportCheckIn, GiveFeedback),
    AuditKind.DIALOGUE: _actions(ScheduleDialogue, RecordDialogue),
    AuditKind.RATING: _actions(RateAppraisal),
    AuditKind.RESULT: (DeliverResult.action, RESULT_LOCKED),
    AuditKind.KEBERATAN_FILED: _actions(FileKeberatan),
    AuditKind.KEBERATAN_STATEMENT: _actions(AddKeberatanStatement),
    AuditKind.KEBERATAN_DECISION: _actions(DecideKeberatan),
    AuditKind.DEVELOPMENT: _actions(AssignDevelopment, ReportDevelopmentDone, ConfirmDevelopment),
    AuditKind.EXTENSION: (ExtendDeadline.action, EXTENSION_BATCH),
    AuditKind.NOTICE: tuple(f"deadline.{kind.value}" for kind in NoticeKind),
    AuditKind.MUTASI: _actions(ChangeSupervisor),
    AuditKind.UNIT_PREDIKAT: (SetUnitPredikat.action,),
    AuditKind.UNIT_OVERRIDE: (RecordOverride.action,),
    AuditKind.UNIT_FINALISED: (FinaliseUnit.action,),
}
_KIND_OF: dict[str, AuditKind] = {
    action: kind for kind, actions in _KIND_ACTIONS.items() for action in actions
}


def kind_of(action: str) -> AuditKind | None:
    """The kind of a recorded action; None for one this code does not know."""
    return _KIND_OF.get(action)


def actions_of(kinds: Iterable[AuditKind]) -> list[str]:
    """Every action of ``kinds``, sorted: what a filter by kind matches."""
    return sorted({action for kind in kinds for action in _KIND_ACTIONS[kind]})


def _at(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def result_content(result: Result) -> Decision:
    """The rating and what follows from it, as the result now stands."""
    return {
        "hasil_kerja": result.hasil_kerja.value,
        "perilaku": result.perilaku.value,
        "predikat": result.predikat.value,
    }


def locked_decision(state: AppraisalState) -> Decision:
    """The result became final: the predikat and its consequences."""
    result = state.result
    if result is None:
        return {}
    return {
        **result_content(result),
        "promotion_eligible": result.promotion_eligible,
        "credit_percent": result.credit_percent,
        "improvement_until": _at(result.improvement_until),
    }


def appraisal_decision(
    command: Command, before: AppraisalState, after: AppraisalState, schedule: PeriodSchedule
) -> Decision | None:
    """What ``command`` decided, read from the command and the change it made to the
    state; None for a command whose content is not a decision (a draft, a report).

    Total by design: workflows call it while replaying years-old histories, where an
    exception would stall the appraisal, so a state that lacks what a command implies
    gives None rather than an error."""
    result, keberatan = after.result, after.keberatan
    match command:
        case RateAppraisal() if result is not None:
            suggested = result.suggested_hasil_kerja
            return {
                **result_content(result),
                "previous_predikat": before.result.predikat.value if before.result else None,
                "suggested_hasil_kerja": suggested.value if suggested else None,
            }
        case DeliverResult() if result is not None:
            return {
                "predikat": result.predikat.value,
                "atasan_nip": result.atasan_nip,
                "keberatan_until": _at(keberatan_window_closes(after, schedule.keberatan_days)),
            }
        case FileKeberatan():
            return {
                "filed": True,
                "predikat": before.result.predikat.value if before.result else None,
            }
        case AddKeberatanStatement() if keberatan is not None and keberatan.statements:
            return {"statement": len(keberatan.statements), "role": keberatan.statements[-1].role}
        case DecideKeberatan() if keberatan is not None and keberatan.decision is not None:
            decision = keberatan.decision
            return {
                **locked_decision(after),
                "outcome": decision.outcome.value,
                "predikat_before": decision.predikat_before.value,
                "predikat_after": decision.predikat_after.value,
            }
        case ApproveSkp() | ReturnSkp():
            return {"status": after.skp.status.value, "note": command.note}
        case ExtendDeadline():
            return {
                "deadline": command.deadline,
                "previous_due": _previous_due(before, schedule, command.deadline),
                "new_due": _at(command.new_due),
                "reason": command.reason,
            }
        case ChangeSupervisor():
            return {
                "previous_supervisor_nip": before.supervisor_nip,
                "new_supervisor_nip": after.supervisor_nip,
                "reason": command.reason,
            }
        case AssignDevelopment() if after.development:
            action = after.development[-1]
            return {
                "number": action.number,
                "kind": action.kind.value,
                "title": action.title,
                "catalogue_code": action.catalogue_code,
                "due": _at(action.due),
            }
        case ReportDevelopmentDone():
            return {"number": command.number}
        case ConfirmDevelopment():
            return {"number": command.number, "completed": after.completed_at is not None}
        case ReportCheckIn():
            return {"checkin": command.index}
        case GiveFeedback():
            rating = command.rating.value if command.rating else None
            return {"checkin": command.index, "rating": rating}
        case ScheduleDialogue():
            return {"scheduled_for": _at(command.scheduled_for)}
        case RecordDialogue():
            return {"held_at": _at(command.held_at)}
    return None


def _previous_due(state: AppraisalState, schedule: PeriodSchedule, deadline: str) -> str | None:
    try:
        return _at(effective_due(state, schedule, deadline))
    except (DomainError, ValueError):  # not reached: the command itself just read it
        return None


def unit_decision(
    action: str, state: UnitState, details: dict[str, Any] | None = None
) -> Decision | None:
    """What a unit command decided, read from the unit's state after it (``details``:
    what the workflow passed along, e.g. how many results finalisation delivered)."""
    details = details or {}
    if action == SetUnitPredikat.action and state.unit_predikat is not None:
        return {"unit_predikat": state.unit_predikat.value}
    if action == RecordOverride.action and state.override is not None:
        return {
            "reason": state.override.reason,
            "violations": [v.model_dump(mode="json") for v in state.override.violations],
        }
    if action == FinaliseUnit.action:
        return {
            "unit_predikat": state.unit_predikat.value if state.unit_predikat else None,
            "overridden": state.override is not None,
            "delivered": state.delivered,
            "members": details.get("members"),
        }
    return None
