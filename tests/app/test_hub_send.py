"""A socket's send path: a message offered to an idle socket goes out at once, without a task
hop (as a prepared frame where the server offers a frame writer, app/frames.py); one whose
send has to wait (the client is behind) is finished by the socket's sender task before
anything queued behind it, so every socket still gets its messages in order, each once.
(The real-server tests in test_realtime.py and test_slow_clients.py drive the same path
through uvicorn and `FrameWebSocketProtocol`.)"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.websockets import WebSocketState
from websockets.frames import Frame, Opcode

from app.frames import PreparedFrames, text_frame
from app.hub import Connection, SessionHub
from session_engine.store.events import PublishedEvent


class GatedSocket:
    """Stands in for a WebSocket whose sends wait while `open` is clear, as uvicorn's wait
    while a client's transport is paused."""

    client_state = WebSocketState.DISCONNECTED  # nothing to close when dropped

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.open = asyncio.Event()
        self.open.set()

    async def send(self, message: dict[str, Any]) -> None:
        await self.open.wait()
        self.sent.append(message["text"])

    async def send_text(self, text: str) -> None:
        await self.send({"type": "websocket.send", "text": text})


async def until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0)  # a turn of the loop, not a timed wait


async def started(connection: Connection) -> asyncio.Task[None]:
    sender = connection.start_sending()
    await until(lambda: connection.queue.empty() and connection._idle)
    return sender


def test_an_idle_socket_gets_a_message_at_once() -> None:
    async def scenario() -> list[str]:
        socket = GatedSocket()
        connection = Connection(socket, "json", "", queue_size=10)  # type: ignore[arg-type]
        sender = await started(connection)
        connection.offer(1, "e1")
        sent_at_once = list(socket.sent)  # before the loop ran anything else
        connection.offer(1, "e1 again")  # already sent: skipped
        connection.offer(None, "pong")
        sender.cancel()
        return [*sent_at_once, "|", *socket.sent]

    assert asyncio.run(scenario()) == ["e1", "|", "e1", "pong"]


def test_a_send_that_waits_keeps_everything_behind_it_in_order() -> None:
    async def scenario() -> tuple[list[str], int]:
        socket = GatedSocket()
        connection = Connection(socket, "json", "", queue_size=100)  # type: ignore[arg-type]
        sender = await started(connection)
        connection.offer(1, "e1")
        socket.open.clear()  # the client falls behind
        connection.offer(2, "e2")  # begun at once, now waiting
        for seq in range(3, 40):
            connection.offer(seq, f"e{seq}")
        connection.offer(None, "pong")
        waiting = len(socket.sent)
        socket.open.set()
        await until(lambda: len(socket.sent) == 40)
        await until(lambda: connection._idle)
        connection.offer(40, "e40")  # idle again: at once
        sender.cancel()
        return socket.sent, waiting

    sent, waiting = asyncio.run(scenario())
    assert waiting == 1
    assert sent == [*(f"e{seq}" for seq in range(1, 40)), "pong", "e40"]


def test_a_socket_that_stays_behind_is_dropped_when_its_queue_is_full() -> None:
    async def scenario() -> tuple[bool, list[str]]:
        socket = GatedSocket()
        connection = Connection(socket, "json", "", queue_size=5)  # type: ignore[arg-type]
        await started(connection)
        socket.open.clear()
        for seq in range(1, 10):
            connection.offer(seq, f"e{seq}")
        return connection.overflowed, socket.sent

    overflowed, sent = asyncio.run(scenario())
    assert overflowed and sent == []


class FramedSocket(GatedSocket):
    """A socket on a server that writes prepared frames: `write_frame` takes a frame only
    while the client keeps up (`open`); otherwise the message goes through ASGI's `send`."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[bytes] = []

    def write_frame(self, frame: bytes) -> bool:
        if not self.open.is_set():
            return False
        self.frames.append(frame)
        return True


def framed(socket: FramedSocket, view: str = "json", queue_size: int = 10) -> Connection:
    return Connection(
        socket,  # type: ignore[arg-type]
        view,
        "nl",
        queue_size=queue_size,
        write_frame=socket.write_frame,
    )


@pytest.mark.parametrize(
    "text", ["", *("x" * n for n in (125, 126, 65535, 65536)), "één idee" * 20, "é" * 40000]
)
def test_a_prepared_frame_is_the_frame_websockets_would_build(text: str) -> None:
    expected = Frame(Opcode.TEXT, text.encode()).serialize(mask=False)
    assert text_frame(text) == expected


def test_an_idle_socket_gets_its_prepared_frame_at_once_and_never_twice() -> None:
    async def scenario() -> tuple[list[bytes], list[str], int]:
        socket = FramedSocket()
        connection = framed(socket)
        sender = await started(connection)
        connection.offer(1, "e1")
        connection.offer(1, "e1 again")  # already sent: skipped
        connection.offer(None, "pong")
        sender.cancel()
        return socket.frames, socket.sent, connection.sent_seq

    frames, sent_through_asgi, sent_seq = asyncio.run(scenario())
    assert frames == [text_frame("e1"), text_frame("pong")]
    assert sent_through_asgi == [] and sent_seq == 1


def test_each_audience_gets_its_own_frame_encoded_once() -> None:
    """A participant's and a console's rendering of one event differ; every socket of an
    audience is written the very same bytes object."""
    rendered = {"participant": "<p>voor deelnemers</p>", "console": "<p>voor de console</p>"}

    async def render(session_id: str, event: object, connections: list[Connection]) -> Any:
        return {c: rendered[c.view] for c in connections}

    async def scenario() -> list[tuple[str, bytes]]:
        hub = SessionHub("s", None, render)  # type: ignore[arg-type]
        sockets = [FramedSocket() for _ in range(4)]
        views = ["participant", "console", "participant", "console"]
        for socket, view in zip(sockets, views, strict=True):
            connection = framed(socket, view)
            await started(connection)
            hub.connections.add(connection)
        await hub.deliver(PublishedEvent.make("s", 1, "item_added", {}))
        return [(view, socket.frames[0]) for socket, view in zip(sockets, views, strict=True)]

    written = asyncio.run(scenario())
    assert [frame for _, frame in written] == [text_frame(rendered[view]) for view, _ in written]
    assert written[0][1] is written[2][1] and written[1][1] is written[3][1]


def test_a_prepared_frame_for_a_client_that_is_behind_waits_in_order_behind_asgi() -> None:
    async def scenario() -> tuple[list[bytes], list[str]]:
        socket = FramedSocket()
        connection = framed(socket, queue_size=100)
        sender = await started(connection)
        frames = PreparedFrames()
        connection.offer(1, "e1", frames)
        socket.open.clear()  # the client falls behind: the transport is paused
        for seq in range(2, 6):
            connection.offer(seq, f"e{seq}", frames)
        socket.open.set()
        await until(lambda: len(socket.sent) == 4 and connection._idle)
        connection.offer(6, "e6", frames)  # keeping up again: a frame at once
        sender.cancel()
        return socket.frames, socket.sent

    frames, sent_through_asgi = asyncio.run(scenario())
    assert frames == [text_frame("e1"), text_frame("e6")]
    assert sent_through_asgi == ["e2", "e3", "e4", "e5"]


def test_a_slow_socket_with_prepared_frames_is_still_dropped_when_its_queue_is_full() -> None:
    async def scenario() -> tuple[bool, list[bytes], list[str]]:
        socket = FramedSocket()
        connection = framed(socket, queue_size=5)
        await started(connection)
        socket.open.clear()
        frames = PreparedFrames()
        for seq in range(1, 10):
            connection.offer(seq, f"e{seq}", frames)
        return connection.overflowed, socket.frames, socket.sent

    overflowed, frames, sent = asyncio.run(scenario())
    assert overflowed and frames == [] and sent == []
