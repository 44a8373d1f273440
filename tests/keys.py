"""Fixed Temporal keys for the test session, so the test environments, the workers the
tests start (in-process and as subprocesses) and the replayer all share them. Fixed, not
random: a history recorded by ``tests.replay.capture`` must open on the next run."""

import os

from runtime.codec import PayloadKeys
from runtime.temporal import TemporalKeys, parse_workflow_id_key
from workflows.ids import appraisal_workflow_id

# test keys only: they seal nothing outside this repository's tests
PAYLOAD_KEYS = (
    "test2:KDWgp7wyY4lnMGjNq5YpIKnS0mSBp3b7G3oHSrD9vVc=,"
    "test1:u1mWvq3yqvbd5NyzA9xJm8k1q2bnW1qKB6fXoQDZQeo="
)
WORKFLOW_ID_KEY = "0Tq2f0ZzSgQGx2yR3GBtp1c6Q3Jl4S9E2yQq1cGgk1M="

KEYS = TemporalKeys(
    payload=PayloadKeys.parse(PAYLOAD_KEYS), workflow_ids=parse_workflow_id_key(WORKFLOW_ID_KEY)
)


def export() -> None:
    """What ``connect`` and ``build_worker`` read when not given keys (subprocesses too)."""
    os.environ["KINERJA_PAYLOAD_KEYS"] = PAYLOAD_KEYS
    os.environ["KINERJA_WORKFLOW_ID_KEY"] = WORKFLOW_ID_KEY


def appraisal_id(period_id: str, nip: str) -> str:
    """The id the fan-out gives ``nip``'s appraisal under the test keys."""
    return appraisal_workflow_id(period_id, nip, KEYS.workflow_ids)
