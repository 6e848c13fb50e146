"""Request bodies are capped before anything parses them: a Content-Length over the cap is
refused at once, unread, and a body without one (chunked) is counted while it arrives and
refused as soon as it passes the cap. Either way: 413 with a `detail` saying the limit."""

from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from session_engine.errors import N_

from .templating import gettext, pick_language

TOO_LARGE = N_("The request is too large: at most %(kib)s KiB.")
# Bodies that may be long: the report's texts (four of up to 20,000 characters), and a table
# of up to 200 sessions created at once (API or the organiser page's upload).
LONG_BODY_PATHS = re.compile(
    r"^(?:/api/(?:sessions|programmes)/[^/]+/report/texts"
    r"|/api/programmes/[^/]+/sessions/bulk|/organiser/sessions/bulk)$"
)
LONG_BODY_FACTOR = 8


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a streamed body passes the cap. FastAPI passes an
    HTTPException raised while it reads a body on as it is, so the route never runs."""

    def __init__(self, limit: int, language: str) -> None:
        super().__init__(413, refusal(limit, language), headers={"Connection": "close"})


def refusal(limit: int, language: str) -> str:
    return gettext(language, TOO_LARGE, kib=max(1, limit // 1024))


class BodyLimitMiddleware:
    """Caps every HTTP request body at `max_bytes` (the report texts at 8 times that)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        if LONG_BODY_PATHS.match(scope["path"]):
            limit *= LONG_BODY_FACTOR
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit)
            return
        await self.app(scope, _counting(scope, receive, limit), send)


def _counting(scope: Scope, receive: Receive, limit: int) -> Receive:
    received = 0

    async def receive_counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit, _language(scope))
        return message

    return receive_counted


def _content_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _language(scope: Scope) -> str:
    """English for API clients, the page's language for the browser's forms."""
    if scope["path"].startswith("/api/"):
        return "en"
    cookies = SimpleCookie()
    for key, value in scope["headers"]:
        if key == b"cookie":
            cookies.load(value.decode("latin-1"))
    lang = cookies.get("vk_lang")
    return pick_language(lang.value if lang else None)


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    """413 without reading the body; the connection is closed after it."""
    body = json.dumps({"detail": refusal(limit, _language(scope))}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
