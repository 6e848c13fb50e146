"""The load generator of the programme bench, in its own process: whole sessions, each with
its participants' sockets, its facilitator console and its projector (JSON sockets with their
keys), participants submitting over their own socket on a brainstorm's schedule. Notes when
each submission was sent, the seq its ack gave it, and when each event reached each socket.
Driven over a multiprocessing pipe."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

SEQ = re.compile(r'^\{"seq": (\d+)')
CONNECTING_AT_ONCE = 50
CLOSE_TOO_SLOW = 1013  # the server dropped a socket that fell behind (app/hub.py)


@dataclass(frozen=True)
class SessionSetup:
    """What a client process needs to play one session."""

    index: int
    session_id: str
    step_id: int
    tokens: list[str]  # participants
    facilitator_key: str
    projector_key: str
    after: int  # the session's last seq before the run
    ports: list[int]  # the server processes; sockets are spread over them


@dataclass
class SessionLog:
    """One session's run: when each acked seq was sent, refusals, and per socket (role,
    [(seq, arrival)]) in arrival order. Times are CLOCK_MONOTONIC, shared by every process."""

    session_id: str
    sent: dict[int, float] = field(default_factory=dict)
    refused: int = 0
    sockets: list[tuple[str, list[tuple[int, float]]]] = field(default_factory=list)
    resumed: int = 0  # sockets the server dropped as too slow, reopened after their last seq


@dataclass(frozen=True)
class Schedule:
    period: float  # seconds between one participant's items
    duration: float  # seconds of submitting
    start: float  # monotonic time of the first submission of the programme
    sessions: int  # in the whole programme: sessions are phased over one slot


class PlayedSession:
    """One session's sockets and its submitting participants."""

    def __init__(self, setup: SessionSetup) -> None:
        self.setup = setup
        self.log = SessionLog(setup.session_id)
        self.pending: dict[str, float] = {}
        self.sockets: list[ClientConnection] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.closing = False

    def urls(self) -> list[tuple[str, str]]:
        s = self.setup
        keys = [("participant", t) for t in s.tokens]
        keys += [("facilitator", s.facilitator_key), ("projector", s.projector_key)]
        return [
            (
                role,
                f"ws://127.0.0.1:{s.ports[(s.index + k) % len(s.ports)]}/api/sessions/"
                f"{s.session_id}/ws?token={key}&after={s.after}",
            )
            for k, (role, key) in enumerate(keys)
        ]

    async def open(self, gate: asyncio.Semaphore) -> None:
        async def open_one(role: str, url: str) -> None:
            async with gate:
                websocket = await connect(
                    url, compression=None, ping_interval=None, open_timeout=120, max_queue=None
                )
            arrivals: list[tuple[int, float]] = []
            self.log.sockets.append((role, arrivals))
            self.sockets.append(websocket)
            index = len(self.sockets) - 1
            self.tasks.append(asyncio.create_task(self.listen(index, url, arrivals)))

        for role, url in self.urls():  # in order: socket k is participant k
            await open_one(role, url)

    async def listen(self, index: int, url: str, arrivals: list[tuple[int, float]]) -> None:
        """Note arrivals; a socket the server drops as too slow is reopened after the last
        seq it had, as the app's clients do (events.md), so what it missed is replayed."""
        while True:
            websocket = self.sockets[index]
            async for message in websocket:
                now = time.monotonic()
                assert isinstance(message, str)
                if seq := SEQ.match(message):
                    arrivals.append((int(seq.group(1)), now))
                    continue
                reply = json.loads(message)
                sent = self.pending.pop(str(reply.get("client_id")), None)
                if sent is None:
                    continue
                if reply.get("type") == "ack":
                    self.log.sent[int(reply["seq"])] = sent
                else:
                    self.log.refused += 1
            if self.closing or websocket.close_code != CLOSE_TOO_SLOW:
                return
            self.log.resumed += 1
            last = max((seq for seq, _ in arrivals), default=self.setup.after)
            self.sockets[index] = await connect(
                re.sub(r"after=\d+", f"after={last}", url),
                compression=None,
                ping_interval=None,
                open_timeout=120,
                max_queue=None,
            )

    def times(self, schedule: Schedule) -> list[tuple[float, int]]:
        """(when, participant) for every item of this session, the participants evenly
        phased over a period and the sessions over one participant's slot."""
        people = len(self.setup.tokens)
        slot = schedule.period / people
        offset = slot * self.setup.index / schedule.sessions
        count = round(schedule.duration * people / schedule.period)
        return [(schedule.start + offset + n * slot, n % people) for n in range(count)]

    async def submit(self, schedule: Schedule) -> None:
        """Open loop: each item goes out on time, answered or not."""
        for number, (when, person) in enumerate(self.times(schedule)):
            delay = when - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            client_id = f"p{self.setup.index}-{number}"
            message = {
                "type": "add_item",
                "client_id": client_id,
                "step_id": self.setup.step_id,
                "category": "voordelen",
                "text": f"bench #{number}# idee",
            }
            self.pending[client_id] = time.monotonic()
            while True:  # the participant's socket may be reopening (listen)
                try:
                    await self.sockets[person].send(json.dumps(message))
                    break
                except ConnectionClosed:
                    await asyncio.sleep(0.01)

    def counts(self) -> tuple[int, int, int, int]:
        """(arrivals of acked seqs, acked × sockets, still unanswered, acked)."""
        sent = self.log.sent
        got = sum(1 for _, a in self.log.sockets for seq, _ in a if seq in sent)
        return got, len(sent) * len(self.sockets), len(self.pending), len(sent)

    async def close(self) -> None:
        self.closing = True
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)


async def serve_commands(setups: list[SessionSetup], pipe: Connection) -> None:
    played = [PlayedSession(s) for s in setups]
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    await asyncio.gather(*(p.open(gate) for p in played))
    pipe.send(("ready", sum(len(p.sockets) for p in played)))
    loop = asyncio.get_running_loop()
    submitting: list[asyncio.Task[None]] = []
    while True:
        command, argument = await loop.run_in_executor(None, pipe.recv)
        if command == "go":
            submitting = [asyncio.create_task(p.submit(argument)) for p in played]
            pipe.send("going")
        elif command == "count":
            counts = [p.counts() for p in played]
            done = all(t.done() for t in submitting)
            pipe.send((*(sum(c[k] for c in counts) for k in range(4)), done))
        elif command == "stop":
            for task in submitting:
                task.cancel()
            await asyncio.gather(*(p.close() for p in played))
            pipe.send([p.log for p in played])
            return


def run_programme_clients(setups: list[SessionSetup], pipe: Connection) -> None:
    """Process entry point: open every socket of these sessions, then answer `go`, `count`
    and `stop`."""
    from bench.limits import raise_file_limit

    raise_file_limit()
    asyncio.run(serve_commands(setups, pipe))
