"""Live delivery in this process: one listener per session on the fan-out, one bounded send
queue per socket. Each event is serialised once and rendered once per audience."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine, Generator
from dataclasses import dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketState

from session_engine.errors import EngineError
from session_engine.sessions import authenticate, get_session
from session_engine.store.database import Database
from session_engine.store.events import PublishedEvent, events_after
from session_engine.store.fanout.base import RESYNC, Subscription, session_channel

from .frames import FrameWriter, PreparedFrames, frame_writer, text_frame
from .presence import LocalPresence

log = logging.getLogger(__name__)

# Standard close codes; docs/events.md tells clients what to do on each.
CLOSE_TOO_SLOW = 1013  # "try again later": browsers (htmx) and JSON clients reconnect, resync
CLOSE_GOING_AWAY = 1012  # "service restart": reconnect and resync
CLOSE_KEY_REPLACED = 1008  # policy: the key was rotated; do not reconnect with it
CATCH_UP_PAGE = 1000  # events read from the database at a time when filling a gap
KEY_ROLES = ("facilitator", "projector")
PRESENT_ROLES = ("facilitator",)  # whose sockets the dashboard counts (app/presence.py)

# (view, language, table, step of a self-paced participant); "json" gets raw events
Audience = tuple[str, str, int | None, int | None]


class Resumed:
    """A send coroutine that was stepped by hand and is waiting: awaiting this finishes it,
    in whichever task awaits it (as Python 3.12's eager tasks do)."""

    def __init__(self, coro: Coroutine[Any, Any, None], waiting_on: Any) -> None:
        self.coro = coro
        self.waiting_on = waiting_on

    def __await__(self) -> Generator[Any, Any, None]:
        waiting_on = self.waiting_on
        while True:
            try:
                value = yield waiting_on
            except BaseException as exc:  # cancelled while waiting: the send is cancelled too
                step = functools.partial(self.coro.throw, exc)
            else:
                step = functools.partial(self.coro.send, value)
            try:
                waiting_on = step()
            except StopIteration:
                return


@dataclass(eq=False)
class Connection:
    """One socket: who is on it, a bounded queue of (seq, text), a task sending them in order.

    A message offered while nothing is queued or being sent goes out at once, without waking
    the sender task: with a frame writer (`serve`, app/frames.py) its prepared frame is
    written to the socket, else uvicorn's send returns without waiting. Only when the client
    is behind (its transport paused) does the sender task take over, through ASGI."""

    websocket: WebSocket
    view: str  # json | participant | console | projector
    language: str
    queue_size: int
    role: str = "participant"  # the credential's role: participant | facilitator | projector
    participant_id: int | None = None
    table_id: int | None = None
    step_id: int | None = None  # the step an online round's participant is on (self-paced)
    credential: str = ""  # re-checked when keys are rotated
    write_frame: FrameWriter | None = None  # the server's prepared-frame writer, if any
    sent_seq: int = 0
    queue: asyncio.Queue[tuple[int | None, str]] = field(init=False)
    overflowed: bool = False
    sender: asyncio.Task[None] | None = None
    _idle: bool = False  # the sender task waits for the queue, nothing is being sent
    _in_flight: Resumed | None = None  # a send begun at once that had to wait

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.queue_size)

    @property
    def audience(self) -> Audience:
        """Connections with the same audience get the same text (rendered once for all)."""
        return (self.view, self.language, self.table_id, self.step_id)

    def offer(self, seq: int | None, text: str, frames: PreparedFrames | None = None) -> None:
        """Send an event (seq) or a reply (None), or queue it behind what is being sent; a
        client too slow to keep up is dropped, to reconnect and resync. `frames`: the text's
        frame, encoded once for all the sockets it is offered to."""
        if self.overflowed or (seq is not None and seq <= self.sent_seq):
            return
        if self._idle and self._in_flight is None and self.queue.empty():
            if self.write_frame is None:
                self._send_at_once(seq, text)
            else:
                self._write_at_once(seq, text, frames)
            return
        try:
            self.queue.put_nowait((seq, text))
        except asyncio.QueueFull:
            self.drop(CLOSE_TOO_SLOW, "too slow: reconnect to resync")

    def _write_at_once(self, seq: int | None, text: str, frames: PreparedFrames | None) -> None:
        """Write the prepared frame; a client that is behind (or a socket closing) gets it
        from the sender task instead, whose ASGI send waits for it (or fails)."""
        assert self.write_frame is not None
        if not self.write_frame(frames(text) if frames else text_frame(text)):
            self.queue.put_nowait((seq, text))
        elif seq is not None:
            self.sent_seq = seq

    def _send_at_once(self, seq: int | None, text: str) -> None:
        """Step the send by hand; if it has to wait, the sender task finishes it first."""
        coro = self.websocket.send({"type": "websocket.send", "text": text})
        if seq is not None:
            self.sent_seq = seq
        try:
            waiting_on = coro.send(None)
        except StopIteration:
            return
        except Exception:  # the socket is gone: its reader sees that and detaches it
            self.overflowed = True
            return
        self._in_flight = Resumed(coro, waiting_on)
        self.queue.put_nowait((None, ""))  # wakes the sender task to finish it

    def drop(self, code: int, reason: str) -> None:
        """Stop sending and close the socket with `code`, without waiting for it."""
        self.overflowed = True
        if self.sender is not None:
            self.sender.cancel()
        if self._in_flight is not None:
            self._in_flight.coro.close()
            self._in_flight = None
        asyncio.get_running_loop().create_task(self.close(code, reason))

    def start_sending(self) -> asyncio.Task[None]:
        self.sender = asyncio.create_task(self._send_loop())
        return self.sender

    async def _send_loop(self) -> None:
        """Send queued messages in order, skipping events already sent (seq <= sent_seq)."""
        try:
            while True:
                self._idle = True
                seq, text = await self.queue.get()
                self._idle = False
                if self._in_flight is not None:
                    in_flight, self._in_flight = self._in_flight, None
                    await in_flight
                if not text or (seq is not None and seq <= self.sent_seq):
                    continue
                await self.websocket.send_text(text)
                if seq is not None:
                    self.sent_seq = seq
        finally:
            self._idle = False

    async def close(self, code: int, reason: str) -> None:
        if self.websocket.client_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.websocket.close(code, reason)


Renderer = Callable[[str, PublishedEvent, list[Connection]], Awaitable[dict[Connection, str]]]


class SessionHub:
    """The sockets of one session in this process, fed by one fan-out subscription."""

    def __init__(self, session_id: str, database: Database, render: Renderer) -> None:
        self.session_id = session_id
        self.database = database
        self.render = render
        self.connections: set[Connection] = set()
        self.last_seq = 0
        self._subscription: Subscription | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        # Subscribe before reading the seq: nothing committed after this read is missed.
        self._subscription = await self.database.fanout.subscribe(session_channel(self.session_id))
        session = await self.database.read(get_session, self.session_id)
        self.last_seq = session.last_seq
        self._task = asyncio.create_task(self._listen(), name=f"hub-{self.session_id}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._subscription:
            await self.database.fanout.unsubscribe(self._subscription)

    async def _listen(self) -> None:
        assert self._subscription is not None
        while True:
            message = await self._subscription.get()
            try:
                await self._receive(message)
            except Exception:
                log.exception("delivering an event of session %s failed", self.session_id)

    async def _receive(self, message: str) -> None:
        if message == RESYNC:  # the backend may have lost messages: catch up from the database
            await self._catch_up(None)
            return
        event = json.loads(message)
        seq = int(event["seq"])
        if seq == self.last_seq + 1:  # the next one: the message is the committed event
            published = PublishedEvent(self.session_id, seq, event["type"], event["data"], message)
            await self.deliver(published)
        elif seq > self.last_seq:  # a gap: what is missing is in the database
            await self._catch_up(seq)
        # else already delivered (a late publish, a duplicate)

    async def _catch_up(self, upto: int | None) -> None:
        """Deliver every committed event after last_seq (up to `upto`), from the database:
        it fills gaps left by out-of-order publishing or missed messages."""
        while upto is None or self.last_seq < upto:
            limit = CATCH_UP_PAGE if upto is None else min(CATCH_UP_PAGE, upto - self.last_seq)
            events = await self.database.read(events_after, self.session_id, self.last_seq, limit)
            for event in events:
                await self.deliver(event)
            if len(events) < limit:
                return

    async def deliver(self, event: PublishedEvent) -> None:
        """Send one committed event to every socket (the renderer renders once per audience)."""
        self.last_seq = event.seq
        connections = list(self.connections)
        texts = await self.render(self.session_id, event, connections)
        frames = PreparedFrames()  # one frame per audience's text, written to each socket
        for connection in connections:
            if text := texts.get(connection):
                connection.offer(event.seq, text, frames)
        if event.type == "keys_rotated":
            await self._drop_old_keys()
        elif event.type == "session_closed":
            self._drop_participants()

    def _drop_participants(self) -> None:
        """A closed session's participants have no access any more (closing.py)."""
        for connection in list(self.connections):
            if connection.participant_id is not None:
                connection.drop(CLOSE_KEY_REPLACED, "session closed")

    async def _drop_old_keys(self) -> None:
        """New keys end the old ones at once: sockets opened with them are closed (1008)."""
        for connection in list(self.connections):
            if connection.role not in KEY_ROLES:
                continue
            try:
                await self.database.read(
                    authenticate, session_id=self.session_id, token=connection.credential
                )
            except EngineError:
                connection.drop(CLOSE_KEY_REPLACED, "key replaced: ask the organiser")


class Hub:
    """All session hubs of this process, created on first use and dropped when empty."""

    def connection(self, websocket: WebSocket, view: str, language: str, **who: Any) -> Connection:
        writer = frame_writer(websocket)
        return Connection(websocket, view, language, self.queue_size, write_frame=writer, **who)

    def __init__(
        self,
        database: Database,
        render: Renderer,
        queue_size: int,
        presence: LocalPresence | None = None,
    ) -> None:
        self.database = database
        self.render = render
        self.queue_size = queue_size
        self.presence = presence or LocalPresence()
        self.sessions: dict[str, SessionHub] = {}
        self._lock = asyncio.Lock()

    async def attach(self, session_id: str, connection: Connection) -> Connection:
        async with self._lock:
            hub = self.sessions.get(session_id)
            if hub is None:
                hub = SessionHub(session_id, self.database, self.render)
                await hub.start()
                self.sessions[session_id] = hub
            hub.connections.add(connection)
        if connection.role in PRESENT_ROLES:
            self.presence.facilitator_joined(session_id)
        return connection

    async def detach(self, session_id: str, connection: Connection) -> None:
        if connection.role in PRESENT_ROLES:
            self.presence.facilitator_left(session_id)
        async with self._lock:
            hub = self.sessions.get(session_id)
            if hub is None:
                return
            hub.connections.discard(connection)
            if not hub.connections:
                del self.sessions[session_id]
                await hub.stop()

    async def close_all(self) -> None:
        """Graceful shutdown: tell every client to reconnect (to this or another process)."""
        for hub in list(self.sessions.values()):
            for connection in list(hub.connections):
                await connection.close(CLOSE_GOING_AWAY, "server restarting: reconnect")
            await hub.stop()
        self.sessions.clear()
