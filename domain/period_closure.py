"""Closing a period opened by mistake: HR stops every open appraisal of it, with a
reason, and from then on nobody owes anything in it and nobody is escalated about it.

A period may be closed only while none of its results has reached an employee. Once the
unit's finalisation has delivered a predikat (``DeliverResult``: the keberatan window is
open, and what follows is promotion, angka kredit and training), the year has effects on
people that closing would silently undo; such a period runs to its end. A closed period
is never reopened: the workflows are cancelled, not paused.

Statuses: ``closing`` from the moment HR asks (the fan-out starts nobody more, inboxes
drop its steps, no notice goes out) until every appraisal is stopped, then ``closed``.
"""

from pydantic import ConfigDict

from domain.appraisal import AppraisalState
from domain.errors import WrongStateError
from domain.text import PlainTextInput, Reason

CLOSING, CLOSED = "closing", "closed"
CLOSURE_STATUSES = frozenset({CLOSING, CLOSED})
# Where an appraisal's state records that its result reached the employee: what the
# read model is searched by (``persistence.repositories.period_closure``).
DELIVERED_AT_PATH = ("result", "delivered_at")


class ClosePeriod(PlainTextInput):
    """HR's request to close a period, with the reason recorded in the audit trail."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"examples": [{"reason": "Periode uji coba dibuka karena keliru"}]},
    )

    reason: Reason


class PeriodClosureRefusedError(WrongStateError):
    """The period cannot be closed now (HTTP 409): already closed or closing, or a
    result has been delivered."""


def result_delivered(state: AppraisalState) -> bool:
    """True once the appraisal's result reached the employee (the keberatan window
    opened); never undone."""
    return state.result is not None and state.result.delivered_at is not None


def is_closed(status: str) -> bool:
    """Whether a period in ``status`` is treated as closed by every read and by the
    fan-out and notices: from the moment HR asks, not only once all have stopped."""
    return status in CLOSURE_STATUSES


def check_closable(period_id: str, status: str, delivered: int) -> None:
    """Refuse closing a period already closed or closing, or one with ``delivered``
    results; the message says why, in words HR can act on."""
    if status == CLOSED:
        raise PeriodClosureRefusedError(f"Periode {period_id} sudah ditutup")
    if status == CLOSING:
        raise PeriodClosureRefusedError(f"Periode {period_id} sedang ditutup")
    if delivered > 0:
        raise PeriodClosureRefusedError(
            f"Periode {period_id} tidak dapat ditutup: hasil penilaian {delivered} pegawai "
            "sudah disampaikan"
        )


def closed_refusal(period_id: str) -> str:
    """What a command on an appraisal of a closed (or closing) period is told."""
    return f"Periode {period_id} sudah ditutup; penilaiannya tidak dapat diubah"
