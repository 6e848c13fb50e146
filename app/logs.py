"""Server logs keep no secrets and no addresses: participant tokens and facilitator/projector
keys travel in query strings (`/ws?token=…`, `/console/{id}?key=…`, `/join?code=…`), and
an address says who was there. uvicorn's own access log (the client's address and the full
request line) is off; instead `AccessLog` writes one line per request with its method, the
route's template (`/console/{session_id}`, never the address as sent, never its query) and
its status. uvicorn's WebSocket lines (address and full path) are dropped for the same
reason, and anything else uvicorn logs has its `token=`/`key=` values redacted."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import unquote_plus

from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.config import LOGGING_CONFIG

# A query parameter as the request line has it: the name still percent-encoded, as sent.
PARAMETER = re.compile(r"(?P<name>[^?&;=\s\"]+)=(?P<value>[^&\s]*)")
SECRET_NAME = re.compile(r"(?:.*\b)?(?:token|key)", re.IGNORECASE | re.DOTALL)
LOGGERS = ("uvicorn.access", "uvicorn.error")
# uvicorn's lines for a socket's handshake: '<address> - "WebSocket <path?query>" …'.
SOCKET_LINE = '%s - "WebSocket %s"'
NO_ROUTE = "(no route)"

access_log = logging.getLogger("versnellingskamer.access")


def _redact_parameter(match: re.Match[str]) -> str:
    # The app reads the name after decoding (`%6Bey` is `key`), so judge it decoded too.
    if SECRET_NAME.fullmatch(unquote_plus(match["name"])):
        return f"{match['name']}=[redacted]"
    return match[0]


def redact(text: str) -> str:
    """`text` with the value of every `token=` and `key=` parameter replaced by [redacted]."""
    return PARAMETER.sub(_redact_parameter, text)


class RedactSecrets(logging.Filter):
    """Drops uvicorn's WebSocket lines (`AccessLog` writes its own) and replaces the value of
    every `token=` and `key=` in other records' messages and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(SOCKET_LINE):
            return False
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


def server_log_config(*, access: bool = True) -> dict[str, Any]:
    """uvicorn's logging set-up with our own loggers (`app`, `session_engine`,
    `versnellingskamer`: the access lines, retention's counts) printed beside its own;
    `access`: False leaves the access lines out."""
    config = copy.deepcopy(LOGGING_CONFIG)
    for name in ("app", "session_engine", "versnellingskamer"):
        config["loggers"][name] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"][access_log.name] = {"level": "INFO" if access else "WARNING"}
    return config


def route_of(scope: Scope) -> str:
    """The template of the route that served `scope` (the router notes it), else of the
    first route that would have (a request refused before routing, e.g. 429)."""
    route = scope.get("route")
    if route is None:
        routes = getattr(getattr(scope.get("app"), "router", None), "routes", [])
        route = next((r for r in routes if r.matches(scope)[0] is not Match.NONE), None)
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return NO_ROUTE
    return f"{path}/{{path}}" if isinstance(route, Mount) else path


class AccessLog:
    """One line per request: `GET /console/{session_id} 200`; a socket's handshake:
    `WebSocket /live/{session_id} accepted` (or refused with its status)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        outcome: list[str] = []

        async def noting(message: Message) -> None:
            if not outcome:
                outcome.extend(_outcome(message))
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            method = scope.get("method", "WebSocket")
            access_log.info("%s %s %s", method, route_of(scope), "".join(outcome) or "-")


def _outcome(message: Message) -> list[str]:
    kind = message["type"]
    if kind in ("http.response.start", "websocket.http.response.start"):
        return [str(message["status"])]
    if kind == "websocket.accept":
        return ["accepted"]
    if kind == "websocket.close":
        return ["403"]  # closed before the handshake: uvicorn answers 403
    return []
