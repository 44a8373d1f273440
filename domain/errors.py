"""Domain errors. Their class names travel to the API (as Temporal failure types), so the
API can map them to HTTP status codes without importing workflow internals."""


class DomainError(Exception):
    """Base of every rule violation the domain reports."""


class WrongStateError(DomainError):
    """The command is not legal in the appraisal's current stage (HTTP 409)."""


class NotPermittedError(DomainError):
    """The actor may not issue this command on this appraisal (HTTP 403)."""


class InvalidInputError(DomainError):
    """The command's content breaks a rule (HTTP 422)."""
