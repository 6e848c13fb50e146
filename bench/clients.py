"""Participant clients in a separate process: hold many WebSockets, note when each
submission arrives on each of them. Driven over a multiprocessing pipe."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from websockets.asyncio.client import ClientConnection, connect

# Submissions carry "#<id>#" in their text; product events also start with their seq.
MARK = re.compile(r"#(\d+)#")
SEQ = re.compile(r'^\{"seq": (\d+)')
CONNECTING_AT_ONCE = 50


@dataclass
class Received:
    """What one socket got: (submission id, monotonic time) in arrival order, and seqs."""

    arrivals: list[tuple[int, float]] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)


async def listen(websocket: ClientConnection, received: Received) -> None:
    async for message in websocket:
        now = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process on the machine
        assert isinstance(message, str)
        mark = MARK.search(message)
        if mark is None:
            continue
        received.arrivals.append((int(mark.group(1)), now))
        if seq := SEQ.match(message):
            received.seqs.append(int(seq.group(1)))


async def open_all(urls: list[str]) -> list[ClientConnection]:
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)

    async def open_one(url: str) -> ClientConnection:
        async with gate:
            return await connect(
                url, compression=None, ping_interval=None, open_timeout=60, max_queue=None
            )

    return list(await asyncio.gather(*(open_one(url) for url in urls)))


async def serve_commands(urls: list[str], pipe: Connection) -> None:
    sockets = await open_all(urls)
    received = [Received() for _ in sockets]
    tasks = [asyncio.create_task(listen(ws, r)) for ws, r in zip(sockets, received, strict=True)]
    pipe.send(("ready", len(sockets)))
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command == "count":
            pipe.send(sum(len(r.arrivals) for r in received))
        elif command == "stop":
            for task in tasks:
                task.cancel()
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
            pipe.send([(r.arrivals, r.seqs) for r in received])
            return


def run_clients(urls: list[str], pipe: Connection) -> None:
    """Process entry point: connect to every URL, then answer `count` and `stop`."""
    from bench.limits import raise_file_limit

    raise_file_limit()
    asyncio.run(serve_commands(urls, pipe))
