"""Server logs keep no secrets: participant tokens and facilitator/projector keys travel in
query strings (`/ws?token=…`, `/console/{id}?key=…`), and uvicorn logs every request line."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote_plus

# A query parameter as the request line has it: the name still percent-encoded, as sent.
PARAMETER = re.compile(r"(?P<name>[^?&;=\s\"]+)=(?P<value>[^&\s]*)")
SECRET_NAME = re.compile(r"(?:.*\b)?(?:token|key)", re.IGNORECASE | re.DOTALL)
LOGGERS = ("uvicorn.access", "uvicorn.error")


def _redact_parameter(match: re.Match[str]) -> str:
    # The app reads the name after decoding (`%6Bey` is `key`), so judge it decoded too.
    if SECRET_NAME.fullmatch(unquote_plus(match["name"])):
        return f"{match['name']}=[redacted]"
    return match[0]


def redact(text: str) -> str:
    """`text` with the value of every `token=` and `key=` parameter replaced by [redacted]."""
    return PARAMETER.sub(_redact_parameter, text)


class RedactSecrets(logging.Filter):
    """Replaces the value of every `token=` and `key=` in a record's message arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_server_logs() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
