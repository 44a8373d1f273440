"""Deterministic workflow ids: starting a period twice cannot fork it, and the API builds
handles without a lookup."""


def cycle_workflow_id(period_id: str) -> str:
    return f"cycle-{period_id}"


def appraisal_workflow_id(period_id: str, nip: str) -> str:
    return f"appraisal-{period_id}-{nip}"


def unit_workflow_id(period_id: str, unit_code: str) -> str:
    return f"unit-{period_id}-{unit_code}"
