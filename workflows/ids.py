"""Deterministic workflow ids: starting a period twice cannot fork it.

Appraisal ids carry a keyed pseudonym of the NIP, not the NIP itself: workflow ids are
shown in clear by the Temporal UI, its logs and ``list_workflows``, and are not encrypted
by the payload codec. The pseudonym is an HMAC, so only someone holding the key can link
an id to a person, and it is still the same for the same period and NIP: a retried fan-out
page finds the workflow it already started. The id of each appraisal is also stored in
its PostgreSQL row, which is what the API and the activities use to reach it, so
workflows started before this change (``legacy_appraisal_workflow_id``) keep working.
"""

import hashlib
import hmac

PSEUDONYM_CHARS = 20  # hex digits: 80 bits, no collision in any realistic regency


def cycle_workflow_id(period_id: str) -> str:
    return f"cycle-{period_id}"


def closure_workflow_id(period_id: str) -> str:
    """At most one closure per period: a second request meets the first."""
    return f"closure-{period_id}"


def appraisal_workflow_id(period_id: str, nip: str, key: bytes) -> str:
    """``appraisal-{period}-{pseudonym}``: the prefix still lets an operator list a period."""
    digest = hmac.new(key, f"{period_id}|{nip}".encode(), hashlib.sha256).hexdigest()
    return f"appraisal-{period_id}-{digest[:PSEUDONYM_CHARS]}"


def legacy_appraisal_workflow_id(period_id: str, nip: str) -> str:
    """The id appraisals were started with before the pseudonym; some still run on it."""
    return f"appraisal-{period_id}-{nip}"


def unit_workflow_id(period_id: str, unit_code: str) -> str:
    return f"unit-{period_id}-{unit_code}"
