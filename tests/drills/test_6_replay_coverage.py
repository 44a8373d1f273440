"""Drill 6: replay. ``tests/replay/test_replay.py`` replays every committed history on
today's workflow code (and fails when a registered workflow type has none). This drill
checks that the committed histories really contain the situations a year-long cycle
meets, by looking inside them rather than trusting file names: a completed year, an
escalation, a keberatan, a mutasi, continue-as-new (both ends) and a completed period."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

from runtime.codec import EncryptionCodec
from tests import keys
from tests.drills.scale import report

HISTORIES = Path(__file__).resolve().parents[1] / "replay" / "histories"
CODEC = EncryptionCodec(keys.KEYS.payload)


@dataclass
class Summary:
    workflow_type: str
    last_event: str
    continued_from_earlier_run: bool
    updates: Counter[str] = field(default_factory=Counter)
    activities: Counter[str] = field(default_factory=Counter)
    notice_kinds: Counter[str] = field(default_factory=Counter)
    signals: Counter[str] = field(default_factory=Counter)


def _payload(attributes: dict[str, Any]) -> Any:
    """The first input, opened with the test keys when the history was recorded sealed."""
    payloads = attributes.get("input", {}).get("payloads", [])
    if not payloads:
        return None
    payload = CODEC.open(json_format.ParseDict(payloads[0], Payload()))
    return json.loads(payload.data)


def summarise(path: Path) -> Summary:
    events = json.loads(path.read_text())["events"]
    started = events[0]["workflowExecutionStartedEventAttributes"]
    summary = Summary(
        workflow_type=started["workflowType"]["name"],
        last_event=events[-1]["eventType"],
        continued_from_earlier_run=bool(started.get("continuedExecutionRunId")),
    )
    for event in events:
        if accepted := event.get("workflowExecutionUpdateAcceptedEventAttributes"):
            summary.updates[accepted["acceptedRequest"]["input"]["name"]] += 1
        if scheduled := event.get("activityTaskScheduledEventAttributes"):
            name = scheduled["activityType"]["name"]
            summary.activities[name] += 1
            if name == "deliver_notice":
                summary.notice_kinds[_payload(scheduled)["kind"]] += 1
        if signalled := event.get("workflowExecutionSignaledEventAttributes"):
            summary.signals[signalled["signalName"]] += 1
    return summary


SUMMARIES = {path.stem: summarise(path) for path in sorted(HISTORIES.glob("*.json"))}
COMPLETED = "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"
CONTINUED = "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW"
YEAR = ("acknowledge", "approve_skp", "report_checkin", "record_dialogue", "rate", "deliver_result")

SITUATIONS = {
    "full appraisal year, completed": lambda s: (
        s.workflow_type == "AppraisalWorkflow"
        and s.last_event == COMPLETED
        and all(s.updates[name] for name in YEAR)
    ),
    "escalation up the chain": lambda s: s.notice_kinds["eskalasi"] >= 2,
    "keberatan filed and decided": lambda s: (
        s.updates["file_keberatan"] and s.updates["decide_keberatan"]
    ),
    "mutasi with a pending approval re-routed": lambda s: (
        s.updates["change_supervisor"]
        and s.activities["record_mutasi"]
        and s.notice_kinds["pengalihan"]
    ),
    "tindak lanjut (training) to completion": lambda s: (
        s.updates["confirm_development"] and s.last_event == COMPLETED
    ),
    "appraisal continued-as-new (the run that ends)": lambda s: (
        s.workflow_type == "AppraisalWorkflow" and s.last_event == CONTINUED
    ),
    "appraisal continued-as-new (the run that carries on)": lambda s: (
        s.workflow_type == "AppraisalWorkflow" and s.continued_from_earlier_run
    ),
    "period fan-out continued-as-new": lambda s: (
        s.workflow_type == "CycleWorkflow" and s.last_event == CONTINUED
    ),
    "period completed after every appraisal reported": lambda s: (
        s.workflow_type == "CycleWorkflow"
        and s.last_event == COMPLETED
        and s.signals["appraisal_completed"] > 0
    ),
    "bulk extension across continue-as-new": lambda s: (
        s.workflow_type == "DeadlineExtensionWorkflow" and s.continued_from_earlier_run
    ),
    "unit blocked by the distribution rule, overridden, finalised": lambda s: (
        s.workflow_type == "UnitAssessmentWorkflow"
        and s.updates["record_override"]
        and s.last_event == COMPLETED
    ),
}


@pytest.mark.parametrize("situation", list(SITUATIONS))
def test_a_committed_history_covers(situation: str) -> None:
    covering = [name for name, summary in SUMMARIES.items() if SITUATIONS[situation](summary)]
    assert covering, f"no committed history shows: {situation} (record one with capture.py)"


def test_coverage_figure() -> None:
    covered = {
        situation: [name for name, s in SUMMARIES.items() if check(s)]
        for situation, check in SITUATIONS.items()
    }
    report(
        6,
        "replay of committed histories",
        histories=len(SUMMARIES),
        workflow_types=len({s.workflow_type for s in SUMMARIES.values()}),
        situations_covered=f"{sum(bool(v) for v in covered.values())}/{len(covered)}",
        replayed_by="tests/replay/test_replay.py",
    )
    assert all(covered.values())
