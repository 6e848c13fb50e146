"""A socket's send path: a message offered to an idle socket goes out at once, without a task
hop; one whose send has to wait (the client is behind) is finished by the socket's sender
task before anything queued behind it, so every socket still gets its messages in order,
each once. (The real-server tests in test_realtime.py and test_slow_clients.py drive the
same path through uvicorn.)"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.websockets import WebSocketState

from app.hub import Connection


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
