"""Two real server processes sharing one database (PostgreSQL in the PostgreSQL run) and one
private Redis: an event committed through either reaches every socket on both, once and in
order, also when Redis is killed and started again in the middle."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from websockets.sync.client import ClientConnection, connect

from tests.databases import Databases
from tests.harness import (
    ORGANISER,
    ORGANISER_TOKEN,
    ROOT,
    Server,
    bearer,
    free_port,
    start_server,
    wait_until_up,
)
from tests.redis_server import RedisProcess

SOCKETS_PER_SERVER = 3


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path_factory.mktemp("redis") / "redis.log")
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.kill()


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases, private_redis: RedisProcess
) -> Iterator[tuple[Server, Server]]:
    tmp: Path = tmp_path_factory.mktemp("scaleout")
    url = databases.fresh(tmp)
    env = {
        "DATABASE_URL": url,
        "BROADCAST_URL": private_redis.url,
        "ORGANISER_TOKEN": ORGANISER_TOKEN,
    }
    first = start_server(env, tmp / "a.log")
    second = start_server(env, tmp / "b.log")
    yield first, second
    first.stop()
    second.stop()
    databases.drop(url)


@dataclass
class SharedRoom:
    """A session in a brainstorm step, with one participant per server and sockets on both."""

    servers: tuple[Server, Server]
    http: httpx.Client
    id: str
    step: int
    tokens: list[str]
    sockets: list[ClientConnection]
    facilitator_key: str = ""

    def post(self, n: int) -> int:
        """Item n, through server n % 2 by its participant; returns its seq."""
        server = self.servers[n % 2]
        response = self.http.post(
            f"{server.url}/api/sessions/{self.id}/items",
            json={
                "client_id": f"c{n}",
                "step_id": self.step,
                "category": "nadelen",
                "text": f"punt {n}",
            },
            headers=bearer(self.tokens[n % 2]),
        )
        assert response.status_code == 201, response.text
        return int(response.json()["seq"])


@pytest.fixture
def shared_room(two_servers: tuple[Server, Server]) -> Iterator[SharedRoom]:
    a, b = two_servers
    with httpx.Client(timeout=30) as http, contextlib.ExitStack() as stack:
        session = http.post(f"{a.url}/api/sessions", json={"title": "Utrecht"}, headers=ORGANISER)
        sid, key = session.json()["id"], session.json()["facilitator_key"]
        facilitator = bearer(key)
        code = session.json()["code"]
        tokens = [
            http.post(f"{s.url}/api/join", json={"code": code}).json()["token"] for s in (a, b)
        ]
        steps = http.get(f"{b.url}/api/sessions/{sid}", headers=facilitator).json()["steps"]
        step = next(s["id"] for s in steps if s["type"] == "brainstorm")
        sockets = [
            stack.enter_context(
                # No cap on what waits unread: a capped client stops reading, and its close
                # would wait out the timeout for the server's answer behind unread events.
                connect(
                    f"{server.ws_url}/api/sessions/{sid}/ws?token={token}&after=3", max_queue=None
                )
            )
            for server, token in ((a, tokens[0]), (b, tokens[1]))
            for _ in range(SOCKETS_PER_SERVER)
        ]
        url = f"{b.url}/api/sessions/{sid}/steps/{step}/activate"
        assert http.post(url, headers=facilitator).status_code == 200
        room = SharedRoom((a, b), http, sid, step, tokens, sockets, key)
        for ws in sockets:
            assert [e["seq"] for e in receive(ws, 1)] == [4]
        yield room


def receive(ws: ClientConnection, count: int, timeout: float = 30) -> list[dict[str, Any]]:
    return [json.loads(ws.recv(timeout=timeout)) for _ in range(count)]


def assert_nothing_more(ws: ClientConnection) -> None:
    """A ping is answered after everything queued before it: no duplicate is waiting."""
    ws.send(json.dumps({"type": "ping"}))
    assert json.loads(ws.recv(timeout=30)) == {"type": "pong"}


def assert_items_arrive(room: SharedRoom, numbers: list[int], seqs: list[int]) -> None:
    for ws in room.sockets:
        got = receive(ws, len(numbers))
        assert [e["seq"] for e in got] == seqs
        assert [e["type"] for e in got] == ["item_added"] * len(numbers)
        assert [e["data"]["item"]["text"] for e in got] == [f"punt {n}" for n in numbers]
        assert_nothing_more(ws)


def test_an_item_posted_on_either_process_reaches_every_socket_once(shared_room) -> None:
    seqs = [shared_room.post(n) for n in range(6)]
    assert seqs == list(range(5, 11))
    assert_items_arrive(shared_room, list(range(6)), seqs)


def test_events_committed_while_redis_is_down_arrive_after_it_returns(
    shared_room, private_redis: RedisProcess
) -> None:
    before = [shared_room.post(n) for n in range(2)]
    assert_items_arrive(shared_room, [0, 1], before)

    private_redis.kill()
    during = [shared_room.post(n) for n in range(2, 8)]  # committed; the fan-out is down
    private_redis.start()
    assert_items_arrive(shared_room, list(range(2, 8)), during)

    after = [shared_room.post(n) for n in range(8, 10)]
    assert before + during + after == list(range(5, 15))
    assert_items_arrive(shared_room, [8, 9], after)


def test_servers_started_together_on_an_empty_database_all_come_up(
    tmp_path: Path, databases: Databases, private_redis: RedisProcess
) -> None:
    """A deployment starts its processes at once: one migrates and stores the programme, the
    others wait for it (PostgreSQL advisory lock; SQLite's write lock), and none fails."""
    url = databases.empty(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BROADCAST_URL": private_redis.url,
        "ORGANISER_TOKEN": ORGANISER_TOKEN,
    }
    ports = [free_port() for _ in range(3)]
    logs = [tmp_path / f"server-{port}.log" for port in ports]
    processes = []
    for port, log in zip(ports, logs, strict=True):  # all started before any is up
        with log.open("ab") as out:
            command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            )
    try:
        for port, process, log in zip(ports, processes, logs, strict=True):
            wait_until_up(f"http://127.0.0.1:{port}", process, log)
        engine = create_engine(url)
        with engine.connect() as connection:
            programmes = connection.execute(text("SELECT count(*) FROM programme")).scalar_one()
        engine.dispose()
        assert programmes == 1
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        databases.drop(url)


def test_the_dashboard_on_one_process_gets_both_processes_events_and_resumes_on_the_other(
    shared_room: SharedRoom,
) -> None:
    """Items posted through either process reach a dashboard on the first in order; after a
    drop it resumes on the second with nothing missed or doubled. A facilitator's socket on
    one process is known to the dashboard on the other (presence over Redis)."""
    a, b = shared_room.servers
    programme = shared_room.http.get(
        f"{a.url}/api/sessions/{shared_room.id}", headers=bearer(shared_room.tokens[0])
    ).json()["programme_id"]

    def dashboard(server: Server, after: str = "") -> ClientConnection:
        url = f"{server.ws_url}/api/programmes/{programme}/ws?after={after}"
        return connect(url, open_timeout=10, additional_headers=ORGANISER)

    def events_until(ws: ClientConnection, seq: int) -> list[int]:
        seqs: list[int] = []
        while not seqs or seqs[-1] < seq:
            message = json.loads(ws.recv(timeout=30))
            if message["kind"] == "event" and message["session_id"] == shared_room.id:
                seqs.append(message["seq"])
        return seqs

    with dashboard(a) as ws:
        snapshot = json.loads(ws.recv(timeout=30))
        start = next(r["seq"] for r in snapshot["sessions"] if r["session_id"] == shared_room.id)
        seqs = [shared_room.post(n) for n in range(10)]
        assert events_until(ws, seqs[-1]) == list(range(start + 1, seqs[-1] + 1))
    during = [shared_room.post(n) for n in range(10, 16)]
    with dashboard(b, f"{shared_room.id}:{seqs[-1]}") as ws:
        after = [shared_room.post(n) for n in range(16, 20)]
        assert events_until(ws, after[-1]) == during + after
        away_until(ws, shared_room.id, True)
        facilitator = (
            f"{a.ws_url}/api/sessions/{shared_room.id}/ws?token={shared_room.facilitator_key}"
        )
        with connect(facilitator, open_timeout=10, max_queue=None):
            away_until(ws, shared_room.id, False)
        away_until(ws, shared_room.id, True)


def away_until(ws: ClientConnection, session_id: str, away: bool) -> None:
    """Read the dashboard until its alerts say the session has (no) facilitator connected."""
    while True:
        message = json.loads(ws.recv(timeout=30))
        if message["kind"] in ("alerts", "snapshot"):
            kinds = {a["kind"] for a in message["alerts"] if a["session_id"] == session_id}
            if ("facilitator_away" in kinds) == away:
                return


@contextlib.asynccontextmanager
async def publishing_to(url: str, channel: str) -> Any:
    """(a fan-out that publishes, a subscription of another one to `channel`), once a probe
    published on it has come through."""
    from session_engine.store.fanout.redis import RedisFanout

    sending, listening = RedisFanout(url), RedisFanout(url)
    await sending.connect()
    await listening.connect()
    try:
        subscription = await listening.subscribe(channel)

        async def subscribed() -> None:
            while True:
                await sending.publish(channel, "probe")
                with contextlib.suppress(TimeoutError):
                    if await asyncio.wait_for(subscription.get(), 0.5) == "probe":
                        return

        await asyncio.wait_for(subscribed(), 30)
        yield sending, subscription
    finally:
        await sending.disconnect()
        await listening.disconnect()


async def received_numbers(subscription: Any, count: int) -> list[str]:
    received: list[str] = []
    while len(received) < count:
        message = await asyncio.wait_for(subscription.get(), 30)
        if message.isdigit():  # not a late probe or a resync marker
            received.append(message)
    return received


def test_a_burst_of_publishes_beyond_the_connection_pool_all_arrive(
    private_redis: RedisProcess,
) -> None:
    """300 publishes at once (50 sessions' events, each also on the programme channel): more
    than redis-py's default pool of 100 connections, which refused the rest outright. The
    fan-out's pool waits for a free connection instead: every message arrives, none refused."""

    async def burst() -> list[str]:
        async with publishing_to(private_redis.url, "burst") as (sending, subscription):
            await asyncio.gather(*(sending.publish("burst", str(n)) for n in range(300)))
            return await received_numbers(subscription, 300)

    assert sorted(asyncio.run(burst()), key=int) == [str(n) for n in range(300)]


def test_publishes_survive_an_event_loop_that_falls_behind_and_arrive_in_order(
    private_redis: RedisProcess,
) -> None:
    """A server at its limit (50 sessions on two processes) reads Redis's answers late. One
    connection per publish in flight then held the whole pool, and the publishes waiting for a
    connection failed after its 5 s timeout ("No connection available"): the dashboard missed
    those events. Publishes go out in batches on one connection now: a loop that stalls for
    longer than that timeout loses none, and one channel's messages arrive in the order sent."""
    import time

    async def stalled() -> list[str]:
        async with publishing_to(private_redis.url, "stall") as (sending, subscription):
            publishing = asyncio.gather(*(sending.publish("stall", str(n)) for n in range(300)))
            await asyncio.sleep(0)  # the publishes have started
            time.sleep(6)  # the event loop held up, longer than the pool's 5 s wait
            await publishing
            return await received_numbers(subscription, 300)

    assert asyncio.run(stalled()) == [str(n) for n in range(300)]
