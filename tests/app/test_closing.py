"""Closing a session for good over HTTP, the socket and the command line: participants' tokens
stop working with a clear message, their sockets close, nothing can be reopened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from websockets.exceptions import ConnectionClosed

from session_engine.programmes import load_programme
from session_engine.sessions import create_session, get_session
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.fanout.memory import MemoryFanout
from session_engine.store.schema import migrate
from tests.app.test_cli import run_cli
from tests.harness import ORGANISER_TOKEN, LiveRoom, Server, bearer

CLOSED = "This session has been closed"


def test_the_facilitator_closes_and_tokens_stop_working(
    api_room: Callable[..., LiveRoom],
) -> None:
    room = api_room()
    room.activate(room.brainstorm)
    token = room.join_token(sector="PO")
    assert room.add(token, "c-1", "Goed te organiseren")  # the token is known (and cached)
    closed = room.http.post(f"/api/sessions/{room.id}/close", headers=room.facilitator)
    assert closed.status_code == 200
    assert closed.json() == {"closed": True, "changed": True}
    again = room.http.post(f"/api/sessions/{room.id}/close", headers=bearer(ORGANISER_TOKEN))
    assert again.json() == {"closed": True, "changed": False}
    item = room.post_item(bearer(token), client_id="c-2", step_id=room.brainstorm, text="Nog")
    assert item.status_code == 403 and CLOSED in item.json()["detail"]
    events = room.http.get(f"/api/sessions/{room.id}/events", headers=bearer(token))
    assert events.status_code == 403 and CLOSED in events.json()["detail"]


def test_a_closed_session_cannot_be_reopened_or_joined(api_room: Callable[..., LiveRoom]) -> None:
    room = api_room()
    organiser = bearer(ORGANISER_TOKEN)
    assert room.http.post(f"/api/sessions/{room.id}/close", headers=organiser).status_code == 200
    reopen = room.http.post(
        f"/api/sessions/{room.id}/joining", json={"open": True}, headers=organiser
    )
    assert reopen.status_code == 403 and CLOSED in reopen.json()["detail"]
    joined = room.http.post("/api/join", json={"code": room.data["code"], "profile": {}})
    assert joined.status_code == 403
    report = room.http.get(f"/api/sessions/{room.id}/report.json", headers=room.facilitator)
    assert report.status_code == 200  # the report stays


def test_a_participant_cannot_close(client: TestClient, api_room: Callable[..., LiveRoom]) -> None:
    room = api_room()
    refused = room.http.post(f"/api/sessions/{room.id}/close", headers=room.join())
    assert refused.status_code == 403
    state = room.http.get(f"/api/sessions/{room.id}", headers=room.facilitator)
    assert state.status_code == 200


def test_closing_closes_participants_sockets(live: LiveRoom, server: Server) -> None:
    participant = live.join_token()
    with (
        live.socket(participant, live.last_seq()) as board,
        live.socket(live.facilitator_key, live.last_seq()) as console,
    ):
        closed = httpx.post(
            f"{server.url}/api/sessions/{live.id}/close", headers=bearer(ORGANISER_TOKEN)
        )
        assert closed.status_code == 200
        with pytest.raises(ConnectionClosed) as ended:
            while True:
                board.recv(timeout=10)
        assert ended.value.rcvd is not None and ended.value.rcvd.code == 1008
        assert '"session_closed"' in str(console.recv(timeout=10))  # the console stays


def test_close_session_on_the_command_line(tmp_path: Path, content) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    migrate(url)
    engine = create_db_engine(url)
    database = Database(engine, MemoryFanout())
    programme, _ = database.write_sync(load_programme, content=content)
    created, _ = database.write_sync(create_session, programme_id=programme.id, title="Zwolle")
    session_id = created.session.id
    env = {"DATABASE_URL": url}
    result = run_cli("close-session", session_id, env=env)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout == f"Session {session_id} closed; its contributions no longer name anyone.\n"
    )
    assert database.read_sync(get_session, session_id).closed_at is not None
    assert "was already closed" in run_cli("close-session", session_id, env=env).stdout
    unknown = run_cli("close-session", "nope", env=env)
    assert unknown.returncode == 2 and "No session with id 'nope'" in unknown.stderr
    database.close()
    engine.dispose()
