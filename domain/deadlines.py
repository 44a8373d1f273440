"""Which steps are owed now, when each is due (after extensions), and when the next
reminder or escalation falls. Pure functions of the state, so the workflow only sleeps
until the earliest planned notice and asks again."""

import re
from datetime import datetime, timedelta

from domain.appraisal import AppraisalState
from domain.errors import InvalidInputError
from domain.notices import (
    Notice,
    NoticeKind,
    PendingStep,
    PlannedNotice,
    StepKind,
    escalation_recipient,
)
from domain.roles import Role
from domain.schedule import PeriodSchedule
from domain.skp import SkpStatus
from domain.stages import Stage


def checkin_deadline(index: int) -> str:
    return f"checkin_due:{index}"


DEADLINE_KEYS = (
    "sosialisasi_due",
    "skp_draft_due",
    "skp_approval_due",
    "wawancara_due",
    "penilaian_due",
)


def development_deadline(number: int) -> str:
    return f"development_due:{number}"


# The one spelling of every deadline key (ASCII digits, no leading zero), so an override
# is stored under exactly the key the due-time lookup uses. The API validates paths and
# bodies with the same pattern (it is also valid for pydantic's regex engine).
_NUMBER = "[1-9][0-9]{0,2}"
DEADLINE_KEY_PATTERN = (
    "^(" + "|".join((*DEADLINE_KEYS, f"checkin_due:{_NUMBER}", f"development_due:{_NUMBER}")) + ")$"
)
_DEADLINE_KEY = re.compile(DEADLINE_KEY_PATTERN)


def schedule_deadlines(schedule: PeriodSchedule) -> list[tuple[str, datetime]]:
    """Every deadline of a (resolved) schedule that HR may extend, with its due time, in
    the order of the year. A development action's due is per person and not listed."""
    listed = [(key, getattr(schedule, key)) for key in DEADLINE_KEYS[:3]]
    listed += [(checkin_deadline(i), due) for i, due in enumerate(schedule.checkin_dues, 1)]
    listed += [(key, getattr(schedule, key)) for key in DEADLINE_KEYS[3:]]
    return listed


def is_deadline_key(key: str) -> bool:
    return _DEADLINE_KEY.fullmatch(key) is not None


def effective_due(state: AppraisalState, schedule: PeriodSchedule, deadline: str) -> datetime:
    """The due time of ``deadline`` for this employee: HR's extension, else the schedule."""
    if deadline in state.due_overrides:
        return state.due_overrides[deadline]
    if deadline in DEADLINE_KEYS:
        due: datetime = getattr(schedule, deadline)
        return due
    kind, _, number_text = deadline.partition(":")
    number = int(number_text)
    if kind == "development_due":
        for action in state.development:
            if action.number == number:
                return action.due
        raise InvalidInputError(f"Pegawai ini tidak memiliki tindak lanjut ke-{number}")
    for checkin in state.checkins:
        if checkin.index == number:
            return checkin.due
    raise InvalidInputError(f"Pegawai ini tidak memiliki pemantauan ke-{number}")


def pending_steps(state: AppraisalState, schedule: PeriodSchedule) -> list[PendingStep]:
    """Every step someone owes right now, earliest due first."""
    steps: list[PendingStep] = []

    def owe(key: str, kind: StepKind, owed_by: Role, deadline: str, extra: timedelta) -> None:
        due = effective_due(state, schedule, deadline) + extra
        steps.append(PendingStep(key=key, kind=kind, owed_by=owed_by, due=due, deadline=deadline))

    def owe_by(key: str, kind: StepKind, owed_by: Role, due: datetime) -> None:
        """A step whose due time follows from an event, not from a schedule deadline."""
        steps.append(PendingStep(key=key, kind=kind, owed_by=owed_by, due=due, deadline=None))

    none = timedelta(0)
    if state.stage is Stage.SOSIALISASI:
        owe("sosialisasi", StepKind.SOSIALISASI, Role.PEGAWAI, "sosialisasi_due", none)
    elif state.stage is Stage.PERENCANAAN:
        skp = state.skp
        if skp.status in (SkpStatus.BELUM_DISUSUN, SkpStatus.DRAF) and skp.submissions == 0:
            owe("skp_penyusunan", StepKind.SKP_PENYUSUNAN, Role.PEGAWAI, "skp_draft_due", none)
        elif skp.status in (SkpStatus.DIKEMBALIKAN, SkpStatus.DRAF):
            key = f"skp_revisi/{skp.submissions}"
            owe(key, StepKind.SKP_REVISI, Role.PEGAWAI, "skp_approval_due", none)
        elif skp.status is SkpStatus.DIAJUKAN:
            key = f"skp_persetujuan/{skp.submissions}"
            owe(key, StepKind.SKP_PERSETUJUAN, Role.PEJABAT_PENILAI, "skp_approval_due", none)
    elif state.stage is Stage.PEMANTAUAN:
        feedback_window = timedelta(days=schedule.feedback_days)
        for checkin in state.checkins:
            deadline = checkin_deadline(checkin.index)
            if checkin.report is None:
                key = f"pemantauan_laporan/{checkin.index}"
                owe(key, StepKind.PEMANTAUAN_LAPORAN, Role.PEGAWAI, deadline, none)
                break  # later check-ins open once this one is reported
            if checkin.feedback is None:
                key = f"pemantauan_umpan_balik/{checkin.index}"
                kind = StepKind.PEMANTAUAN_UMPAN_BALIK
                owe(key, kind, Role.PEJABAT_PENILAI, deadline, feedback_window)
    elif state.stage is Stage.WAWANCARA:
        owe("wawancara", StepKind.WAWANCARA, Role.PEJABAT_PENILAI, "wawancara_due", none)
    elif state.stage is Stage.PENILAIAN:
        keberatan = state.keberatan
        if state.result is None:
            owe("penilaian", StepKind.PENILAIAN, Role.PEJABAT_PENILAI, "penilaian_due", none)
        elif keberatan is not None and keberatan.decision is None:
            due = keberatan.filed_at + timedelta(days=schedule.keberatan_days)
            owe_by("keberatan", StepKind.KEBERATAN_PUTUSAN, Role.ATASAN_PENILAI, due)
    elif state.stage is Stage.TINDAK_LANJUT:
        feedback_window = timedelta(days=schedule.feedback_days)
        locked_at = state.result.locked_at if state.result else None
        if not state.development and locked_at is not None:
            kind = StepKind.TINDAK_LANJUT_PENUGASAN
            owe_by(
                "tindak_lanjut_penugasan", kind, Role.PEJABAT_PENILAI, locked_at + feedback_window
            )
        for action in state.development:
            if action.reported_at is None:
                key = f"tindak_lanjut/{action.number}"
                deadline = development_deadline(action.number)
                owe(key, StepKind.TINDAK_LANJUT_PELAKSANAAN, Role.PEGAWAI, deadline, none)
            elif action.confirmed_at is None:
                key = f"tindak_lanjut_konfirmasi/{action.number}"
                due = action.reported_at + feedback_window
                owe_by(key, StepKind.TINDAK_LANJUT_KONFIRMASI, Role.PEJABAT_PENILAI, due)
    return sorted(steps, key=lambda step: step.due)


def _sent_for(step: PendingStep, notices: tuple[Notice, ...]) -> list[Notice]:
    """Notices already sent for this occurrence at its current due time: an extension
    moves the due time, which re-arms the reminder and restarts the escalation ladder."""
    return [
        notice
        for notice in notices
        if notice.step_key == step.key
        and notice.due == step.due
        and notice.kind is not NoticeKind.PENGALIHAN
    ]


def next_notice(
    step: PendingStep, notices: tuple[Notice, ...], schedule: PeriodSchedule, now: datetime
) -> PlannedNotice:
    """The next reminder or escalation for ``step``.

    A reminder goes out ``reminder_before`` the due time (at once if the step opened
    inside that window), never after it. Escalation level n falls ``n - 1`` intervals after
    the due time, and never sooner than one interval after the previous one, so a step that
    opens long overdue climbs one level per interval instead of all at once.
    """
    sent = _sent_for(step, notices)
    escalations = [notice for notice in sent if notice.kind is NoticeKind.ESKALASI]
    reminded = any(notice.kind is NoticeKind.PENGINGAT for notice in sent)
    if not reminded and not escalations and now < step.due:
        at = max(step.due - schedule.reminder_before, now)
        return PlannedNotice(
            step=step, kind=NoticeKind.PENGINGAT, level=0, recipient_role=step.owed_by, at=at
        )
    level = len(escalations) + 1
    at = step.due + (level - 1) * schedule.escalation_interval
    if escalations:
        at = max(at, max(notice.at for notice in escalations) + schedule.escalation_interval)
    return PlannedNotice(
        step=step,
        kind=NoticeKind.ESKALASI,
        level=level,
        recipient_role=escalation_recipient(step.owed_by, level),
        at=at,
    )


def earliest_notice(
    state: AppraisalState, schedule: PeriodSchedule, now: datetime
) -> PlannedNotice | None:
    """The soonest notice across every pending step, or None when nobody owes anything."""
    planned = [
        next_notice(step, state.notices, schedule, now) for step in pending_steps(state, schedule)
    ]
    return min(planned, key=lambda notice: notice.at, default=None)


def is_overdue(state: AppraisalState, schedule: PeriodSchedule, now: datetime) -> bool:
    return any(step.due <= now for step in pending_steps(state, schedule))


def overdue_deadlines(state: AppraisalState, schedule: PeriodSchedule, now: datetime) -> list[str]:
    """The names of the steps past their due time, earliest first: the deadline key HR
    extends (``skp_approval_due``, ``checkin_due:2``), or the step's kind where its due
    time follows from an event (``keberatan_putusan``)."""
    return [
        step.deadline or step.kind.value
        for step in pending_steps(state, schedule)
        if step.due <= now
    ]


def with_notice(
    state: AppraisalState,
    schedule: PeriodSchedule,
    planned: PlannedNotice,
    *,
    recipient_role: Role,
    recipient_nip: str | None,
    at: datetime,
) -> AppraisalState:
    """The state after ``planned`` was delivered to the resolved recipient."""
    notice = Notice(
        key=planned.key,
        step_key=planned.step.key,
        step=planned.step.kind,
        kind=planned.kind,
        level=planned.level,
        recipient_role=recipient_role,
        recipient_nip=recipient_nip,
        due=planned.step.due,
        at=at,
    )
    updated = state.model_copy(update={"notices": (*state.notices, notice)})
    return updated.advanced(overdue=is_overdue(updated, schedule, at))
