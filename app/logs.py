"""Server logs keep no secrets: participant tokens and facilitator/projector keys travel in
query strings (`/ws?token=…`, `/console/{id}?key=…`), and uvicorn logs every request line."""

from __future__ import annotations

import logging
import re

SECRET_IN_QUERY = re.compile(r"\b(token|key)=[^&\s\"]+")
REDACTED = r"\1=[redacted]"
LOGGERS = ("uvicorn.access", "uvicorn.error")


class RedactSecrets(logging.Filter):
    """Replaces the value of every `token=` and `key=` in a record's message arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                SECRET_IN_QUERY.sub(REDACTED, arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = SECRET_IN_QUERY.sub(REDACTED, record.msg)
        return True


def redact_server_logs() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
