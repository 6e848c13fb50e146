"""The fan-out backend protocol: what every backend does, and the RESYNC marker."""

from __future__ import annotations

import asyncio
from typing import Protocol

# Put in a subscription's queue when messages may have been missed: re-read the database.
RESYNC = ""


class Subscription:
    """Messages of one channel, in the order the backend received them."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    async def get(self) -> str:
        return await self.queue.get()


class Fanout(Protocol):
    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def publish(self, channel: str, message: str) -> None: ...
    async def subscribe(self, channel: str) -> Subscription: ...
    async def unsubscribe(self, subscription: Subscription) -> None: ...


def session_channel(session_id: str) -> str:
    return f"vk:session:{session_id}"


def programme_channel(programme_id: int) -> str:
    """Every event of the programme's sessions, summarised (the dashboard), and what each
    server process reports about its sockets (presence)."""
    return f"vk:programme:{programme_id}"


# Each server process reports its facilitator sockets and refused submissions here (the
# dashboard's alerts; app/presence.py).
PRESENCE_CHANNEL = "vk:presence"
