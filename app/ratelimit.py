"""Rate limits: in-memory token buckets per process, on joining and looking up join codes (per
address), on items (per participant and per address) and on every other participant write:
comments, "me too", ballots (cast or withdrawn), definitions, choosing a table, taking one's
own item back or rewording it (per participant and kind, and per address). A refusal is never
silent: HTTP 429 with a `detail` and `Retry-After`, and the client's outbox
(static/js/outbox.js) sends an item again later."""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from session_engine.errors import N_

from .fragments import base_context
from .settings import Settings
from .templating import gettext, pick_language, render

JOIN_PATHS = ("/api/join", "/join")
SESSION = r"^/api/sessions/(?P<session>[^/]+)"
ITEM_PATH = re.compile(SESSION + r"/items$")
# The other participant writes, each kind with its own bucket: a burst of "me too" never
# holds up saving a ballot.
WRITE_PATHS: dict[tuple[str, str], re.Pattern[str]] = {
    ("POST", "comments"): re.compile(SESSION + r"/items/[^/]+/comments$"),
    ("PUT", "metoo"): re.compile(SESSION + r"/items/[^/]+/metoo$"),
    ("PUT", "ballots"): re.compile(SESSION + r"/steps/[^/]+/ballot$"),
    ("DELETE", "ballots"): re.compile(SESSION + r"/steps/[^/]+/ballot$"),
    ("PATCH", "own-items"): re.compile(SESSION + r"/own-items/[^/]+$"),
    ("DELETE", "own-items"): re.compile(SESSION + r"/own-items/[^/]+$"),
    ("POST", "definitions"): re.compile(SESSION + r"/steps/[^/]+/definitions$"),
    ("PUT", "table"): re.compile(SESSION + r"/table$"),
}
LIMITED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MAX_BUCKETS = 50_000  # beyond this, idle (full) buckets are forgotten
TOO_MANY_JOINS = N_("Too many joins from this address: wait %(seconds)s s and try again.")
TOO_MANY_ITEMS = N_("Too many submissions: wait %(seconds)s s; nothing is lost, it is sent again.")
TOO_MANY_WRITES = N_("Too many changes in a short time: wait %(seconds)s s and try again.")
TOO_MANY_MESSAGES = "too many messages: at most %(limit)s a minute on this socket"


@dataclass(slots=True)
class Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """`per_minute` actions per key, in bursts of up to `per_minute`; 0 means no limit."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.buckets: dict[str, Bucket] = {}

    def take(self, key: str) -> float:
        """Spend one token of `key`: 0.0 when allowed, else the seconds until one is free."""
        if self.capacity <= 0:
            return 0.0
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            self._forget_idle(now)
            bucket = self.buckets[key] = Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        """Keep memory bounded: a bucket that has refilled is the same as no bucket."""
        if len(self.buckets) < MAX_BUCKETS:
            return
        full = self.capacity / self.rate
        self.buckets = {k: b for k, b in self.buckets.items() if now - b.stamp < full}


class Limits:
    """The limiters of one server process, sized by the settings."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        def limiter(per_minute: int) -> RateLimiter:
            return RateLimiter(per_minute, clock)

        self.join_per_address = limiter(settings.join_limit_per_address)
        self.items_per_participant = limiter(settings.item_limit_per_participant)
        self.items_per_address = limiter(settings.item_limit_per_address)
        # Looking a code up (GET /join?code=) answers whether it exists, as joining does.
        self.code_lookups_per_address = limiter(settings.join_limit_per_address)
        self.writes_per_participant = {
            kind: limiter(settings.write_limit_per_participant) for _, kind in WRITE_PATHS
        }
        self.writes_per_address = limiter(settings.write_limit_per_address)
        self.socket_messages = settings.socket_message_limit
        self.sockets = SocketSlots(settings.sockets_per_credential)

    def check(
        self, method: str, path: str, address: str, credential: str | None
    ) -> tuple[str, float] | None:
        """The refusal (message, seconds to wait) for a write to `path`, or None."""
        if method == "POST" and path in JOIN_PATHS:
            wait = self.join_per_address.take(address)
            return (TOO_MANY_JOINS, wait) if wait else None
        if method == "POST" and ITEM_PATH.match(path):
            wait = self.check_item(address, credential)
            return (TOO_MANY_ITEMS, wait) if wait else None
        kind = write_kind(method, path)
        if kind is None:
            return None
        wait = self.writes_per_address.take(address)
        if not wait and credential:
            wait = self.writes_per_participant[kind].take(_digest(credential))
        return (TOO_MANY_WRITES, wait) if wait else None

    def check_code_lookup(self, address: str) -> tuple[str, float] | None:
        """The refusal for looking up a join code (`GET /join?code=`), or None."""
        wait = self.code_lookups_per_address.take(address)
        return (TOO_MANY_JOINS, wait) if wait else None

    def check_item(self, address: str, credential: str | None) -> float:
        """Seconds to wait before this submission (HTTP or socket) is accepted; 0: now."""
        wait = self.items_per_address.take(address)
        if not wait and credential:
            wait = self.items_per_participant.take(_digest(credential))
        return wait

    def socket_limiter(self) -> RateLimiter:
        """A bucket for one socket's incoming messages."""
        return RateLimiter(self.socket_messages)


class SocketSlots:
    """Open sockets per credential in this process, at most `limit` each (0: no cap): one
    participant's token could otherwise hold thousands of sockets, each with its queue."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: dict[str, int] = {}

    def take(self, credential: str) -> bool:
        """Count one more socket of `credential`; False (nothing counted) when it has all."""
        key = _digest(credential)
        if self.limit and self.open.get(key, 0) >= self.limit:
            return False
        self.open[key] = self.open.get(key, 0) + 1
        return True

    def give_back(self, credential: str) -> None:
        key = _digest(credential)
        left = self.open.get(key, 0) - 1
        if left > 0:
            self.open[key] = left
        else:
            self.open.pop(key, None)


def write_kind(method: str, path: str) -> str | None:
    """Which participant write (other than an item) this request is, if any."""
    for (verb, kind), pattern in WRITE_PATHS.items():
        if verb == method and pattern.match(path):
            return kind
    return None


def _digest(secret: str) -> str:
    """Buckets are keyed by a hash: no token is kept in the limiter's memory."""
    return hashlib.sha256(secret.encode()).hexdigest()


class RateLimitMiddleware:
    """Refuses over-limit writes and join-code lookups before they reach a route; everything
    else passes through."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in LIMITED_METHODS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        address = scope["client"][0] if scope.get("client") else "unknown"
        refusal: tuple[str, float] | None = None
        if scope["method"] != "GET":
            refusal = self.limits.check(scope["method"], path, address, _credential(scope, path))
        elif path == "/join" and _query_code(scope):
            refusal = self.limits.check_code_lookup(address)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        await _refuse(scope, send, *refusal)


def _credential(scope: Scope, path: str) -> str | None:
    """The participant's secret: a bearer token (API) or the session cookie (browser)."""
    headers: dict[str, str] = {
        k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
    }
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    match = re.match(SESSION, path)
    if match is None or "cookie" not in headers:
        return None
    cookie = SimpleCookie()
    cookie.load(headers["cookie"])
    morsel = cookie.get(f"vk_p_{match['session']}")
    return str(morsel.value) if morsel else None


def _query_code(scope: Scope) -> bool:
    """Whether a `GET /join` asks about a code (the bare form does not)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return any(code.strip() for code in query.get("code", []))


def socket_flood_error(limiter: RateLimiter) -> str | None:
    """The error for a socket message over the limit, or None."""
    if not limiter.take("socket"):
        return None
    return TOO_MANY_MESSAGES % {"limit": int(limiter.capacity)}


def retry_after(wait: float) -> int:
    return max(1, math.ceil(wait))


def refusal_text(message: str, wait: float, language: str) -> str:
    return gettext(language, message, seconds=retry_after(wait))


async def _refuse(scope: Scope, send: Send, message: str, wait: float) -> None:
    """429 with {"detail": …} and Retry-After; browser routes get the page's language."""
    language = "en"
    if not scope["path"].startswith("/api/"):
        cookies = SimpleCookie()
        for key, value in scope["headers"]:
            if key == b"cookie":
                cookies.load(value.decode("latin-1"))
        lang = cookies.get("vk_lang")
        language = pick_language(lang.value if lang else None)
    detail = refusal_text(message, wait, language)
    if scope["path"] == "/join":  # the join form: a page, not JSON
        title = gettext(language, N_("Please wait a moment"))
        page = render("error.html", language, **base_context(language), title=title, message=detail)
        body, content_type = page.encode(), b"text/html; charset=utf-8"
    else:
        body, content_type = json.dumps({"detail": detail}).encode(), b"application/json"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after(wait)).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
