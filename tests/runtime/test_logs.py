"""No NIP reaches a log line, whether it is in the message, in an exception's text or
deep in a traceback (UU PDP 27/2022)."""

import io
import logging
from collections.abc import Iterator

import pytest

from runtime.logs import configure_logging

NIP = "199003032015032003"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """The root logger as ``configure_logging`` sets it up, writing into a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging()
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)


def _fail_deep(nip: str) -> None:
    raise ValueError(f"no employee {nip} in the roster")


def test_a_nip_in_a_message_is_masked(log_output: io.StringIO) -> None:
    logging.getLogger("kinerja.test").info("approved %s", NIP)

    assert NIP not in log_output.getvalue()
    assert "approved [NIP]" in log_output.getvalue()


def test_a_forced_error_carrying_a_nip_never_reaches_the_log_unmasked(
    log_output: io.StringIO,
) -> None:
    try:
        _fail_deep(NIP)
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")

    text = log_output.getvalue()
    assert "Traceback" in text and "_fail_deep" in text  # the traceback is there
    assert NIP not in text
    assert "no employee [NIP] in the roster" in text


def test_a_traceback_through_a_library_logger_is_masked_too(log_output: io.StringIO) -> None:
    try:
        int(f"{NIP}x")
    except ValueError as error:
        logging.getLogger("temporalio.worker").error("task failed", exc_info=error)

    assert NIP not in log_output.getvalue()
    assert "[NIP]" in log_output.getvalue()
