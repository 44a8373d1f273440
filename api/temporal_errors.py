"""Temporal failures as problems. A refused update carries the domain error's class name
as its failure ``type``; that name decides the HTTP status."""

from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.problems import Problem

_DOMAIN_ERROR_KINDS = {
    "WrongStateError": "wrong-state",
    "NotPermittedError": "forbidden",
    "InvalidInputError": "validation-error",
    "DistributionViolatedError": "distribution-violated",
}
UNAVAILABLE = "Mesin alur kerja sedang tidak dapat dihubungi"


def problem_from_update_failure(error: WorkflowUpdateFailedError) -> Problem:
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.type in _DOMAIN_ERROR_KINDS:
        extensions = {"violations": cause.details[0]} if cause.details else {}
        return Problem(_DOMAIN_ERROR_KINDS[cause.type], cause.message, **extensions)
    return Problem("internal-error", "Perintah gagal diproses")


def problem_from_rpc(error: RPCError, *, not_found: str) -> Problem:
    if error.status is RPCStatusCode.NOT_FOUND:
        return Problem("not-found", not_found)
    return Problem("service-unavailable", UNAVAILABLE)
