"""What this process knows about its sessions that is in no database: how many facilitator
screens are connected, and how many submissions it refused lately. Every process reports it
on the fan-out's presence channel every few seconds (while there is something to report),
so a dashboard on any process sees the whole deployment; a process that stops reporting
(stopped, crashed) is forgotten after a few missed beats."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from session_engine.dashboard import Presence
from session_engine.store.fanout.base import PRESENCE_CHANNEL, Fanout

log = logging.getLogger(__name__)
BEAT = 2.0  # seconds between reports
FORGET_AFTER = 3 * BEAT  # a process not heard of for this long has no sockets any more
REFUSAL_WINDOW = 300.0  # seconds: refused submissions are counted over the last five minutes
ITEM_PATH = re.compile(r"^/api/sessions/(?P<session>[^/]+)/items$")


class LocalPresence:
    """This process's facilitator sockets and refused submissions, per session."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.process = uuid.uuid4().hex
        self.clock = clock
        self.facilitators: Counter[str] = Counter()
        self._refused: dict[str, deque[float]] = {}
        self._reported_something = False

    def facilitator_joined(self, session_id: str) -> None:
        self.facilitators[session_id] += 1

    def facilitator_left(self, session_id: str) -> None:
        self.facilitators[session_id] -= 1
        if self.facilitators[session_id] <= 0:
            del self.facilitators[session_id]

    def refused(self, session_id: str) -> None:
        self._refused.setdefault(session_id, deque()).append(self.clock())

    def refused_lately(self) -> dict[str, int]:
        since = self.clock() - REFUSAL_WINDOW
        for session_id, stamps in list(self._refused.items()):
            while stamps and stamps[0] < since:
                stamps.popleft()
            if not stamps:
                del self._refused[session_id]
        return {session_id: len(stamps) for session_id, stamps in self._refused.items()}

    def report(self) -> str | None:
        """The next report, or None when there is nothing new to say (nothing now, and the
        last report already said so)."""
        facilitators, refused = dict(self.facilitators), self.refused_lately()
        something = bool(facilitators or refused)
        if not something and not self._reported_something:
            return None
        self._reported_something = something
        message = {"kind": "presence", "process": self.process}
        return json.dumps({**message, "facilitators": facilitators, "refused": refused})

    async def report_forever(self, fanout: Fanout) -> None:
        """The server's lifespan task: report every BEAT seconds."""
        while True:
            if (message := self.report()) is not None:
                try:
                    await fanout.publish(PRESENCE_CHANNEL, message)
                except Exception:  # the fan-out is down: the next beat tries again
                    log.warning("reporting presence failed", exc_info=True)
                    self._reported_something = True
            await asyncio.sleep(BEAT)


class Deployment:
    """Every process's last report, as one dashboard hears them."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = clock()
        self._reports: dict[str, tuple[float, dict[str, int], dict[str, int]]] = {}

    def heard(self, message: dict[str, object]) -> None:
        facilitators, refused = message.get("facilitators"), message.get("refused")
        if isinstance(facilitators, dict) and isinstance(refused, dict):
            self._reports[str(message.get("process"))] = (self.clock(), facilitators, refused)

    def of(self, session_id: str) -> Presence | None:
        """A session's presence over every live process; None until every process has had
        the time to report once (so a fresh dashboard raises no false alarm)."""
        now = self.clock()
        if now - self.started < BEAT * 1.5:
            return None
        fresh = [r for r in self._reports.values() if now - r[0] <= FORGET_AFTER]
        return Presence(
            facilitators=sum(r[1].get(session_id, 0) for r in fresh),
            refused=sum(r[2].get(session_id, 0) for r in fresh),
        )


class RefusalWatch:
    """ASGI middleware counting refused submissions (any 4xx on POST …/items, 429 included)
    per session for the dashboard's alert. Outside the rate limits, so it sees their 429s."""

    def __init__(self, app: ASGIApp, presence: LocalPresence) -> None:
        self.app = app
        self.presence = presence

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = ITEM_PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
        if match is None or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        session_id = match["session"]

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and 400 <= message["status"] < 500:
                self.presence.refused(session_id)
            await send(message)

        await self.app(scope, receive, watch)
