"""Nothing lost across restarts: a retry after a restart is answered with the stored item; a
`kill -9` in the middle of a burst loses no acknowledged item and stores none twice; SIGTERM
closes sockets with 1012 and finishes the writes in flight; 500 clients come back by
themselves."""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect as aconnect
from websockets.exceptions import ConnectionClosed

from tests.harness import LiveRoom
from tests.reliability.driver import (
    Follower,
    backoff,
    brainstorm_room,
    own_server,
    post_until_acked,
    restart,
)

WRITERS = 6
ITEMS_EACH = 40


def test_a_retry_after_a_restart_gets_the_same_item_and_seq(tmp_path: Path) -> None:
    server = own_server(tmp_path)
    room = brainstorm_room(server)
    token = room.join_token()
    first = post_until_acked(room, token, "before-restart", time.monotonic() + 30)
    assert first["status"] == 201
    server = restart(server, tmp_path / "server.log", kill=True)
    try:
        again = post_until_acked(room, token, "before-restart", time.monotonic() + 30)
        assert again == {**first, "status": 200}
        added = [e for e in room.all_events() if e["type"] == "item_added"]
        assert [(e["seq"], e["data"]["item"]) for e in added] == [(first["seq"], first["item"])]
    finally:
        room.close()
        server.stop()


def burst(room: LiveRoom, deadline: float) -> tuple[list[threading.Thread], dict[str, Any]]:
    """WRITERS participants each send ITEMS_EACH items, retrying each until acknowledged."""
    acks: dict[str, Any] = {}
    tokens = [room.join_token() for _ in range(WRITERS)]

    def write(w: int) -> None:
        for i in range(ITEMS_EACH):
            client_id = f"w{w}-{i}"
            acks[client_id] = post_until_acked(room, tokens[w], client_id, deadline)

    threads = [threading.Thread(target=write, args=(w,), daemon=True) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    return threads, acks


def wait_for(condition: Any, deadline: float) -> None:
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.01)  # polling for a state, not timing an outcome


def assert_stored_exactly_once(room: LiveRoom, acks: dict[str, Any]) -> list[dict[str, Any]]:
    """Every acknowledged item is stored once, with the seq it was acknowledged with; the log
    has no gaps."""
    events = room.all_events()
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    added = {e["data"]["item"]["id"]: e for e in events if e["type"] == "item_added"}
    texts = Counter(e["data"]["item"]["text"] for e in added.values())
    assert texts == Counter({client_id: 1 for client_id in acks})
    for client_id, ack in acks.items():
        assert added[ack["item"]["id"]]["seq"] == ack["seq"], client_id
        assert added[ack["item"]["id"]]["data"]["item"]["text"] == client_id
    return events


def test_kill_9_mid_burst_loses_nothing_acknowledged_and_stores_nothing_twice(
    tmp_path: Path,
) -> None:
    server = own_server(tmp_path)
    room = brainstorm_room(server)
    deadline = time.monotonic() + 120
    follower = Follower(room, room.facilitator_key)
    watching = follower.start(deadline)
    writers, acks = burst(room, deadline)
    try:
        wait_for(lambda: len(acks) >= WRITERS * ITEMS_EACH // 3, deadline)
        acked_before_kill = dict(acks)
        server = restart(server, tmp_path / "server.log", kill=True)
        for thread in writers:
            thread.join()
        assert len(acks) == WRITERS * ITEMS_EACH
        events = assert_stored_exactly_once(room, acks)
        for client_id, ack in acked_before_kill.items():
            assert acks[client_id]["seq"] == ack["seq"]
        retried = [a for a in acks.values() if a["status"] == 200]
        follower.target = events[-1]["seq"]
        watching.join()
        assert follower.seqs == list(range(1, events[-1]["seq"] + 1))
        assert follower.reconnects >= 1
        print(
            f"kill -9 after {len(acked_before_kill)} acks; {len(retried)} retries answered 200;"
            f" follower reconnected {follower.reconnects}x"
        )
    finally:
        room.close()
        server.stop()


def test_sigterm_closes_sockets_with_1012_and_finishes_writes_in_flight(tmp_path: Path) -> None:
    server = own_server(tmp_path)
    room = brainstorm_room(server)
    deadline = time.monotonic() + 120
    codes: list[int | None] = []
    ready = threading.Barrier(4)

    def listen() -> None:
        with room.socket(room.facilitator_key) as ws:
            ready.wait()
            try:
                while True:
                    ws.recv(timeout=60)
            except ConnectionClosed as closed:
                codes.append(closed.rcvd.code if closed.rcvd else None)

    listeners = [threading.Thread(target=listen, daemon=True) for _ in range(3)]
    for thread in listeners:
        thread.start()
    ready.wait()
    writers, acks = burst(room, deadline)
    try:
        wait_for(lambda: len(acks) >= WRITERS * ITEMS_EACH // 3, deadline)
        server.process.terminate()
        # uvicorn finishes its shutdown, then re-raises the signal it caught.
        assert server.process.wait(30) in (0, -signal.SIGTERM)
        log = (tmp_path / "server.log").read_text()
        assert "Application shutdown complete." in log
        assert "timeout graceful shutdown exceeded" not in log
        for thread in listeners:
            thread.join(30)
        assert codes == [1012, 1012, 1012]
        server = restart(server, tmp_path / "server.log", kill=False)
        for thread in writers:
            thread.join()
        assert_stored_exactly_once(room, acks)
    finally:
        room.close()
        server.stop()


CLIENTS = 500


async def follow(room: LiveRoom, token: str, state: dict[str, Any], index: int) -> None:
    """One JSON client: reconnect with jittered back-off and after=<last seq>, forever."""
    attempt = 0
    while True:
        try:
            async with aconnect(
                room.socket_url(token, state["last"][index]), open_timeout=20
            ) as ws:
                attempt = 0
                state["connected"][index] = True
                async for raw in ws:
                    seq = json.loads(raw)["seq"]
                    assert seq == state["last"][index] + 1, (index, seq, state["last"][index])
                    state["last"][index] = seq
        except (ConnectionClosed, OSError, TimeoutError):
            state["connected"][index] = False
            attempt += 1
            await asyncio.sleep(backoff(attempt))


async def all_reach(
    state: dict[str, Any], seq: int, deadline: float, tasks: list[asyncio.Task[None]]
) -> None:
    while min(state["last"]) < seq:
        for task in tasks:  # a client that saw a gap or a duplicate fails the test here
            if task.done():
                task.result()
        assert time.monotonic() < deadline, f"{sum(s < seq for s in state['last'])} behind"
        await asyncio.sleep(0.02)  # polling for a state, not timing an outcome


def test_500_clients_reconnect_and_catch_up_after_kill_9(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = own_server(tmp_path)
    room = brainstorm_room(server)
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda _: room.join_token(), range(CLIENTS)))

    async def scenario() -> tuple[float, float]:
        nonlocal server
        state: dict[str, Any] = {"last": [0] * CLIENTS, "connected": [False] * CLIENTS}
        tasks = [asyncio.create_task(follow(room, t, state, i)) for i, t in enumerate(tokens)]
        deadline = time.monotonic() + 120
        await all_reach(state, await asyncio.to_thread(room.last_seq), deadline, tasks)
        tokens_cycle = itertools.cycle(tokens[:10])
        for n in range(20):  # a burst, then the crash
            await asyncio.to_thread(post_until_acked, room, next(tokens_cycle), f"b{n}", deadline)
        killed = time.monotonic()
        server = await asyncio.to_thread(restart, server, tmp_path / "server.log", kill=True)
        up = time.monotonic()
        after = await asyncio.to_thread(post_until_acked, room, tokens[0], "after", deadline)
        await all_reach(state, after["seq"], deadline, tasks)
        caught_up = time.monotonic()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert all(last == after["seq"] for last in state["last"])
        return caught_up - up, caught_up - killed

    try:
        since_up, since_kill = asyncio.run(scenario())
    finally:
        room.close()
        server.stop()
    with capsys.disabled():
        print(
            f"\n{CLIENTS} JSON clients caught up {since_up:.2f} s after the restarted server"
            f" was up ({since_kill:.2f} s after kill -9)"
        )
