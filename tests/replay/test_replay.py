"""Committed histories must replay on today's workflow code. A failure here means a
change would break running cycles: guard it with ``workflow.patched`` instead of
re-recording. New scenarios are recorded with ``python -m tests.replay.capture``.

Histories recorded before payload encryption hold plain payloads, which the codec passes
through; newer ones are sealed with the fixed test keys of ``tests.keys``."""

import base64
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from runtime.codec import ENCODING
from runtime.temporal import data_converter
from runtime.worker import WORKFLOWS, workflow_runner
from tests import keys

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def _workflow_type(path: Path) -> str:
    events = json.loads(path.read_text())["events"]
    started = events[0]["workflowExecutionStartedEventAttributes"]
    return str(started["workflowType"]["name"])


@pytest.mark.parametrize("path", HISTORIES, ids=[path.stem for path in HISTORIES])
async def test_history_replays_without_nondeterminism(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())  # noqa: ASYNC240 - tiny file
    replayer = Replayer(
        workflows=list(WORKFLOWS),
        data_converter=data_converter(keys.KEYS),
        workflow_runner=workflow_runner(),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


def test_every_workflow_type_has_a_committed_history() -> None:
    recorded = {_workflow_type(path) for path in HISTORIES}
    registered = {workflow.__temporal_workflow_definition.name for workflow in WORKFLOWS}  # type: ignore[attr-defined]
    assert registered <= recorded, f"no history for {registered - recorded}"


def test_sealed_and_plain_histories_are_both_replayed() -> None:
    """The replayer opens sealed payloads and passes plain ones through: both kinds are
    committed, so a codec change that broke either would fail the replays above."""
    sealed_marker = base64.b64encode(ENCODING).decode()
    sealed = {path.stem for path in HISTORIES if sealed_marker in path.read_text()}
    assert "appraisal_sealed_full_year_to_wawancara" in sealed
    assert len(sealed) < len(HISTORIES)
