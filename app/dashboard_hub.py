"""Live delivery of a programme's dashboard in this process: one subscription to the
programme channel (every event of its sessions, summarised) and one to the presence channel,
one bounded queue per dashboard socket. Per session the events go out gap-free and in order
(a gap is filled from the database, as the session hubs do). Rows are re-read from the
database at most once per tick per session, alerts re-judged each tick, and the programme
report's sections re-rendered at most once per DASHBOARD_REPORT_SECONDS (less often when
building it takes long: REPORT_SHARE), never per event."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from starlette.websockets import WebSocket, WebSocketState

from session_engine.dashboard import (
    Alert,
    Presence,
    SessionRow,
    alerts_of,
    programme_rows,
    session_rows,
    window_turned,
)
from session_engine.store.database import Database
from session_engine.store.events import events_after
from session_engine.store.fanout.base import (
    PRESENCE_CHANNEL,
    RESYNC,
    Subscription,
    programme_channel,
)

from .hub import CATCH_UP_PAGE, CLOSE_GOING_AWAY, CLOSE_TOO_SLOW
from .presence import Deployment

log = logging.getLogger(__name__)
TICK = 1.0  # seconds between row refreshes and alert checks
# How long a message that arrived before an earlier seq of its session waits for that one to
# come by the fan-out before the hub reads the gap from the database. With several processes
# a session's events are published by whichever process took each write, so they often cross
# on the way; reading the database for each crossing, one read at a time for every session
# of the programme, put the dashboard tens of seconds behind at 50 sessions.
REORDER_WAIT = 0.05
GAP_DUE = "\x00gap:"  # + session id: the listener's own note that a gap waited long enough
# A large programme's report takes seconds to build (50 sessions × 60 people × 200 items:
# about 1.4 s of CPU): the dashboard spends at most this share of time on it, so a busy
# programme's report is redrawn less often rather than crowd out the sessions themselves.
REPORT_SHARE = 0.1


class Views(Protocol):
    """How the dashboard's parts look in a language (app/dashboard.py renders them)."""

    def row(self, row: SessionRow, alerts: list[Alert], language: str) -> str: ...
    def totals(self, rows: list[SessionRow], language: str) -> str: ...
    def alerts(self, rows: list[SessionRow], alerts: list[Alert], language: str) -> str: ...


@dataclass(frozen=True)
class Rules:
    """When the dashboard raises an alert, and how often it redraws the report."""

    stuck_after: timedelta
    refusal_limit: int
    report_seconds: float
    now: Callable[[], datetime] = lambda: datetime.now(UTC)


def judged(
    rows: Iterable[SessionRow],
    rules: Rules,
    presence_of: Callable[[str], Presence | None] = lambda session_id: None,
) -> list[Alert]:
    """The alerts of these rows now (without presence: none about facilitators or refusals)."""
    now = rules.now()
    return [
        alert
        for row in rows
        for alert in alerts_of(
            row,
            presence_of(row.session_id),
            now=now,
            stuck_after=rules.stuck_after,
            refusal_limit=rules.refusal_limit,
        )
    ]


@dataclass(eq=False)
class DashboardConnection:
    """One dashboard socket: a bounded queue of (session, seq, text); a session's event is
    sent only if it comes after the last one sent of that session."""

    websocket: WebSocket
    language: str  # "" for an API client: JSON only, no HTML
    queue_size: int
    sent: dict[str, int] = field(default_factory=dict)
    queue: asyncio.Queue[tuple[str, int, str]] = field(init=False)
    overflowed: bool = False
    sender: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.queue_size)

    def offer(self, text: str, session_id: str = "", seq: int = 0) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait((session_id, seq, text))
        except asyncio.QueueFull:
            self.overflowed = True
            if self.sender is not None:
                self.sender.cancel()
            asyncio.get_running_loop().create_task(self.close(CLOSE_TOO_SLOW, "too slow"))

    def start_sending(self) -> asyncio.Task[None]:
        self.sender = asyncio.create_task(self._send_loop())
        return self.sender

    async def _send_loop(self) -> None:
        while True:
            session_id, seq, text = await self.queue.get()
            if seq and seq <= self.sent.get(session_id, 0):
                continue
            await self.websocket.send_text(text)
            if seq:
                self.sent[session_id] = seq

    async def close(self, code: int, reason: str) -> None:
        if self.websocket.client_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.websocket.close(code, reason)


class ProgrammeHub:
    """The dashboard sockets of one programme in this process."""

    def __init__(self, programme_id: int, database: Database, views: Views, rules: Rules):
        self.programme_id = programme_id
        self.database = database
        self.views = views
        self.rules = rules
        self.connections: set[DashboardConnection] = set()
        self.rows: dict[str, SessionRow] = {}
        self.last_seq: dict[str, int] = {}
        self.deployment = Deployment()
        self.report: Callable[[], Awaitable[str | None]] | None = None
        self.report_message: str | None = None  # the last one, for sockets that come later
        self._dirty: set[str] = set()
        self._alerts: list[Alert] = []
        self._report_due = True
        self._subscriptions: list[Subscription] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._early: dict[str, dict[int, str]] = {}  # per session: seq → message, ahead of a gap
        self._gap_timers: dict[str, asyncio.TimerHandle] = {}

    async def start(self) -> None:
        fanout = self.database.fanout
        # Subscribe before reading: nothing committed after the read is missed.
        events = await fanout.subscribe(programme_channel(self.programme_id))
        presence = await fanout.subscribe(PRESENCE_CHANNEL)
        self._subscriptions = [events, presence]
        for row in await self._programme_rows():
            self.rows[row.session_id] = row
            self.last_seq[row.session_id] = row.seq
        self._tasks = [
            asyncio.create_task(self._listen(events), name=f"dashboard-{self.programme_id}"),
            asyncio.create_task(self._listen(presence), name="dashboard-presence"),
            asyncio.create_task(self._tick_forever(), name="dashboard-tick"),
        ]

    async def stop(self) -> None:
        for timer in self._gap_timers.values():
            timer.cancel()
        self._gap_timers.clear()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for subscription in self._subscriptions:
            await self.database.fanout.unsubscribe(subscription)

    async def _listen(self, subscription: Subscription) -> None:
        while True:
            message = await subscription.get()
            try:
                await self._receive(message)
            except Exception:
                log.exception("dashboard of programme %s: a message failed", self.programme_id)

    async def _receive(self, message: str) -> None:
        if message == RESYNC:  # the backend may have lost messages, new sessions' too
            for row in await self.database.read(
                programme_rows, self.programme_id, self.rules.now()
            ):
                self.last_seq.setdefault(row.session_id, 0)
            for session_id in list(self.last_seq):
                await self._catch_up(session_id, None)
                self._deliver_early(session_id)
            return
        if message.startswith(GAP_DUE):  # the missing seqs did not come: read them
            session_id = message[len(GAP_DUE) :]
            self._gap_timers.pop(session_id, None)
            early = self._early.get(session_id)
            if early:
                await self._catch_up(session_id, max(early))
                self._deliver_early(session_id)
            return
        parsed = json.loads(message)
        if parsed.get("kind") == "presence":
            self.deployment.heard(parsed)
            return
        session_id, seq = str(parsed["session_id"]), int(parsed["seq"])
        last = self.last_seq.get(session_id, 0)
        if seq == last + 1:
            self.deliver(session_id, seq, message)
            self._deliver_early(session_id)
        elif seq > last:  # a gap: the missing seqs may be on their way, else in the database
            self._early.setdefault(session_id, {})[seq] = message
            if session_id not in self._gap_timers and self._subscriptions:
                queue = self._subscriptions[0].queue
                self._gap_timers[session_id] = asyncio.get_running_loop().call_later(
                    REORDER_WAIT, queue.put_nowait, GAP_DUE + session_id
                )

    def _deliver_early(self, session_id: str) -> None:
        """Deliver what waited for the seqs now delivered; forget what they made stale."""
        early = self._early.get(session_id)
        if early is None:
            return
        while (following := self.last_seq.get(session_id, 0) + 1) in early:
            self.deliver(session_id, following, early.pop(following))
        last = self.last_seq.get(session_id, 0)
        for seq in [seq for seq in early if seq <= last]:
            del early[seq]
        if not early:
            del self._early[session_id]
            timer = self._gap_timers.pop(session_id, None)
            if timer is not None:
                timer.cancel()

    async def _catch_up(self, session_id: str, upto: int | None) -> None:
        while upto is None or self.last_seq.get(session_id, 0) < upto:
            last = self.last_seq.get(session_id, 0)
            limit = CATCH_UP_PAGE if upto is None else min(CATCH_UP_PAGE, upto - last)
            events = await self.database.read(events_after, session_id, last, limit)
            for event in events:
                self.deliver(session_id, event.seq, event.summary_wire())
            if len(events) < limit:
                return

    def deliver(self, session_id: str, seq: int, text: str) -> None:
        self.last_seq[session_id] = seq
        self._dirty.add(session_id)
        self._report_due = True
        for connection in list(self.connections):
            connection.offer(text, session_id, seq)

    async def _tick_forever(self) -> None:
        every = since_report = self.rules.report_seconds  # the first tick draws the report
        while True:
            try:
                await self._refresh_rows()
                self._judge()
                if since_report >= every and self._report_due and self._report_shown():
                    since_report = 0.0
                    took = await self._send_report()
                    every = max(self.rules.report_seconds, took / REPORT_SHARE)
            except Exception:
                log.exception("dashboard of programme %s: a tick failed", self.programme_id)
            await asyncio.sleep(TICK)
            since_report += TICK

    async def _refresh_rows(self) -> None:
        """Re-read the rows of the sessions that had events since the last tick, and of the
        online rounds whose window has opened or closed since."""
        now = self.rules.now()
        self._dirty |= {r.session_id for r in self.rows.values() if window_turned(r, now)}
        if not self._dirty:
            return
        dirty, self._dirty = self._dirty, set()
        for row in await self.database.read(session_rows, dirty, now):
            self.rows[row.session_id] = row
            self._broadcast(functools.partial(self._row_message, row))

    async def _programme_rows(self) -> list[SessionRow]:
        return await self.database.read(programme_rows, self.programme_id, self.rules.now())

    def alerts(self) -> list[Alert]:
        return judged(self.rows.values(), self.rules, self.deployment.of)

    def _judge(self) -> None:
        """Send the alerts when they changed, and the rows whose alerts changed."""
        alerts = self.alerts()
        if alerts == self._alerts:
            return
        changed = {a.session_id for a in set(alerts) ^ set(self._alerts)}
        self._alerts = alerts
        self._broadcast(self.alerts_message)
        for session_id in changed & self.rows.keys():
            self._broadcast(functools.partial(self._row_message, self.rows[session_id]))

    def _report_shown(self) -> bool:
        """Only dashboard pages show the report: sockets without a language (the organiser
        page's review, API clients) never cost a build; it stays due until a page is here."""
        return any(connection.language for connection in self.connections)

    async def _send_report(self) -> float:
        """Send the report's sections if they changed; how long that took (seconds)."""
        self._report_due = False
        started = time.perf_counter()
        html = await self.report() if self.report else None
        if html is not None:
            message = json.dumps({"kind": "report", "html": html}, ensure_ascii=False)
            self.report_message = message
            for connection in list(self.connections):
                if connection.language:
                    connection.offer(message)
        return time.perf_counter() - started

    def _broadcast(self, message: Callable[[str], str]) -> None:
        """One text per language, rendered once, to every socket."""
        texts: dict[str, str] = {}
        for connection in list(self.connections):
            if connection.language not in texts:
                texts[connection.language] = message(connection.language)
            connection.offer(texts[connection.language])

    def rows_now(self) -> list[SessionRow]:
        return list(self.rows.values())

    def _row_message(self, row: SessionRow, language: str) -> str:
        alerts = [a for a in self._alerts if a.session_id == row.session_id]
        message: dict[str, Any] = {"kind": "row", "row": row.model_dump(mode="json")}
        if language:
            message["html"] = self.views.row(row, alerts, language)
            message["totals_html"] = self.views.totals(self.rows_now(), language)
        return json.dumps(message, ensure_ascii=False)

    def alerts_message(self, language: str) -> str:
        message: dict[str, Any] = {
            "kind": "alerts",
            "alerts": [a.model_dump(mode="json") for a in self._alerts],
        }
        if language:
            message["html"] = self.views.alerts(self.rows_now(), self._alerts, language)
        return json.dumps(message, ensure_ascii=False)


class Dashboards:
    """The programme hubs of this process, created on the first socket, dropped with the last."""

    def __init__(self, database: Database, views: Views, rules: Rules, queue_size: int) -> None:
        self.database = database
        self.views = views
        self.rules = rules
        self.queue_size = queue_size
        self.report: Callable[[int], Callable[[], Awaitable[str | None]]] | None = None
        self.hubs: dict[int, ProgrammeHub] = {}
        self._lock = asyncio.Lock()

    def connection(self, websocket: WebSocket, language: str) -> DashboardConnection:
        return DashboardConnection(websocket, language, self.queue_size)

    async def attach(self, programme_id: int, connection: DashboardConnection) -> ProgrammeHub:
        async with self._lock:
            hub = self.hubs.get(programme_id)
            if hub is None:
                hub = ProgrammeHub(programme_id, self.database, self.views, self.rules)
                hub.report = self.report(programme_id) if self.report else None
                await hub.start()
                self.hubs[programme_id] = hub
            hub.connections.add(connection)
            return hub

    async def detach(self, programme_id: int, connection: DashboardConnection) -> None:
        async with self._lock:
            hub = self.hubs.get(programme_id)
            if hub is None:
                return
            hub.connections.discard(connection)
            if not hub.connections:
                del self.hubs[programme_id]
                await hub.stop()

    async def close_all(self) -> None:
        for hub in list(self.hubs.values()):
            for connection in list(hub.connections):
                await connection.close(CLOSE_GOING_AWAY, "server restarting: reconnect")
            await hub.stop()
        self.hubs.clear()
