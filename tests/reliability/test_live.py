"""Live delivery under stress, against real servers: resuming while others hammer the log,
slow and dead clients, oversize messages, and keys that are replaced."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.harness import ORGANISER_TOKEN, LiveRoom, Server, bearer
from tests.reliability.driver import (
    Follower,
    brainstorm_room,
    own_server,
    post_until_acked,
    raw_socket,
    read_frames,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = own_server(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture
def room(server: Server) -> Iterator[LiveRoom]:
    room = brainstorm_room(server)
    yield room
    room.close()


def test_resuming_while_submissions_pour_in_misses_nothing_and_doubles_nothing(
    room: LiveRoom,
) -> None:
    """Subscribe, replay, drain (app/live.py): reconnecting dozens of times in the middle of
    a stream of commits still yields every seq exactly once, in order."""
    tokens = [room.join_token() for _ in range(4)]
    start = room.last_seq()
    deadline = time.monotonic() + 120

    def write(n: int) -> None:
        for i in range(50):
            post_until_acked(room, tokens[n], f"h{n}-{i}", deadline)

    writers = [threading.Thread(target=write, args=(n,), daemon=True) for n in range(4)]
    for thread in writers:
        thread.start()
    seqs: list[int] = []
    reconnects = 0
    while any(t.is_alive() for t in writers) or not seqs or seqs[-1] < room.last_seq():
        assert time.monotonic() < deadline
        after = seqs[-1] if seqs else start
        with room.socket(tokens[0], after) as ws:
            for _ in range(random.randint(1, 12)):
                try:
                    seqs.append(json.loads(ws.recv(timeout=1))["seq"])
                except TimeoutError:
                    break
        reconnects += 1
    assert seqs == list(range(start + 1, start + 201))  # 4 writers x 50 items
    assert reconnects >= 15


def test_a_client_that_stops_reading_is_dropped_and_never_holds_up_the_others(
    tmp_path: Path,
) -> None:
    """A projector that stops reading (its TCP window fills up) while the facilitator moves
    between steps with big boards: 20 other clients get every event, the stuck one is closed
    (1013, or reset when the close cannot get through) and resyncs when it reconnects."""
    server = own_server(tmp_path, SEND_QUEUE_SIZE="8")
    room = brainstorm_room(server)
    try:
        writer = room.join_token()
        deadline = time.monotonic() + 120
        for n in range(300):  # a full board: each redraw of this step is ~1 MB of HTML
            post_until_acked(room, writer, f"s{n}", deadline, f"{n:03} " + "\U0001f642" * 990)
        others = [Follower(room, room.join_token()) for _ in range(20)]
        threads = [follower.start(deadline) for follower in others]
        cookie = f"vk_v_{room.id}={room.data['projector_key']}"
        path = f"/live/{room.id}?view=projector"
        stuck = raw_socket(server.url, path, cookie=cookie)  # never read until the end
        steps = [room.brainstorm, room.step_id("brainstorm", 1)]
        for n in range(30):
            room.activate(steps[(n + 1) % 2])
        target = room.last_seq()
        for follower, thread in zip(others, threads, strict=True):
            follower.target = target
            thread.join()
            assert follower.seqs == list(range(1, target + 1))
            assert follower.reconnects == 0
        dropped = read_frames(stuck)
        stuck.close()
        assert dropped.close_code in (1013, None)
        assert len(dropped.texts) < 31  # the stage and 30 redraws: it was cut off
        with room.browser_socket("projector", room.data["projector_key"], max_size=None) as ws:
            stage = ws.recv(timeout=10)
        assert f'id="items-{room.brainstorm}-voordelen"' in stage  # the step active now, in full
        assert stage.count('class="item"') == 300
    finally:
        room.close()
        server.stop()


def test_a_dead_connection_is_detected_by_heartbeats(tmp_path: Path) -> None:
    """A client that never answers pings (a phone gone from the wifi) is closed by the server."""
    server = own_server(tmp_path, WS_PING_INTERVAL="0.5", WS_PING_TIMEOUT="0.5")
    room = brainstorm_room(server)
    try:
        path = f"/api/sessions/{room.id}/ws?token={room.facilitator_key}&after={room.last_seq()}"
        dead = raw_socket(server.url, path)
        ended = read_frames(dead, timeout=20)  # reads, but never answers a ping
        dead.close()
        assert ended.pings >= 1
        assert ended.close_code in (1011, None)
    finally:
        room.close()
        server.stop()


def test_an_oversize_message_is_refused(room: LiveRoom) -> None:
    with room.socket(room.facilitator_key, room.last_seq()) as ws:
        ws.send(json.dumps({"type": "ping", "pad": "x" * 8000}))
        assert json.loads(ws.recv(timeout=10)) == {
            "type": "error",
            "message": "message too long: at most 4096 bytes",
        }
        ws.send("x" * (17 * 1024))  # beyond uvicorn's ws_max_size: the socket is closed
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_rotated_keys_close_the_old_keys_sockets(room: LiveRoom, server: Server) -> None:
    participant = room.join_token()
    with (
        room.socket(room.facilitator_key, room.last_seq()) as console,
        room.browser_socket("projector", room.data["projector_key"]) as screen,
        room.socket(participant, room.last_seq()) as board,
    ):
        screen.recv(timeout=10)  # the stage
        rotated = httpx.post(
            f"{server.url}/api/sessions/{room.id}/keys/rotate", headers=bearer(ORGANISER_TOKEN)
        )
        assert rotated.status_code == 200
        for ws in (console, screen):
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(timeout=10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        board.send(json.dumps({"type": "ping"}))
        replies = [json.loads(board.recv(timeout=10)) for _ in range(2)]
        assert [r["type"] for r in replies] == ["keys_rotated", "pong"]  # participants stay
    with pytest.raises(InvalidStatus):
        room.socket(room.facilitator_key).close()
    new_key = rotated.json()["facilitator_key"]
    with room.socket(new_key) as ws:
        assert json.loads(ws.recv(timeout=10))["seq"] == 1
