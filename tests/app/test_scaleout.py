"""Two real server processes sharing one database and one Redis: an event committed through
either reaches the sockets of both, once and in order."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from websockets.sync.client import connect

from tests.conftest import ORGANISER_TOKEN, Server, start_server
from tests.databases import Databases

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[tuple[Server, Server]]:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    tmp: Path = tmp_path_factory.mktemp("scaleout")
    url = databases.fresh(tmp)
    env = {
        "DATABASE_URL": url,
        "BROADCAST_URL": REDIS_URL,
        "ORGANISER_TOKEN": ORGANISER_TOKEN,
    }
    first = start_server(env, tmp / "a.log")
    second = start_server(env, tmp / "b.log")
    yield first, second
    first.stop()
    second.stop()
    databases.drop(url)


def test_an_item_posted_on_one_process_reaches_sockets_on_both(two_servers) -> None:
    a, b = two_servers
    organiser = {"Authorization": f"Bearer {ORGANISER_TOKEN}"}
    with httpx.Client(timeout=10) as http:
        session = http.post(
            f"{a.url}/api/sessions", json={"title": "Utrecht"}, headers=organiser
        ).json()
        sid, key = session["id"], session["facilitator_key"]
        tokens = [
            http.post(f"{url}/api/join", json={"code": session["code"]}).json()["token"]
            for url in (a.url, b.url)
        ]
        steps = http.get(f"{b.url}/api/sessions/{sid}", headers={"Authorization": f"Bearer {key}"})
        step = next(s["id"] for s in steps.json()["steps"] if s["type"] == "brainstorm")
        with contextlib.ExitStack() as stack:
            sockets = [
                stack.enter_context(
                    connect(f"{server.ws_url}/api/sessions/{sid}/ws?token={token}&after=3")
                )
                for server, token in ((a, tokens[0]), (b, tokens[1]))
            ]
            http.post(
                f"{b.url}/api/sessions/{sid}/steps/{step}/activate",
                headers={"Authorization": f"Bearer {key}"},
            )
            posted = []
            for n, server in enumerate((a, b, a, b)):
                response = http.post(
                    f"{server.url}/api/sessions/{sid}/items",
                    json={
                        "client_id": f"c{n}",
                        "step_id": step,
                        "category": "nadelen",
                        "text": f"punt {n}",
                    },
                    headers={"Authorization": f"Bearer {tokens[n % 2]}"},
                )
                posted.append(response.json()["seq"])
            for ws in sockets:
                got = [json.loads(ws.recv(timeout=10)) for _ in range(5)]
                assert [e["seq"] for e in got] == [4, *posted]
                assert [e["type"] for e in got] == ["step_activated"] + ["item_added"] * 4
                assert [e["data"]["item"]["text"] for e in got[1:]] == [
                    f"punt {n}" for n in range(4)
                ]
