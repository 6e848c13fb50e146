"""A session on a real server, driven like a client would: HTTP and real WebSockets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.conftest import ORGANISER_TOKEN, Server


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Live:
    """A session on the real server, driven over HTTP like a client would."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=10)
        created = self.http.post(
            "/api/sessions", json={"title": "Eindhoven"}, headers=auth(ORGANISER_TOKEN)
        )
        assert created.status_code == 201
        self.session = created.json()
        self.id = self.session["id"]
        self.facilitator_key = self.session["facilitator_key"]
        steps = self.http.get(
            f"/api/sessions/{self.id}", headers=auth(self.facilitator_key)
        ).json()["steps"]
        self.brainstorm = next(s["id"] for s in steps if s["type"] == "brainstorm")

    def join(self, **profile: str) -> str:
        response = self.http.post(
            "/api/join", json={"code": self.session["code"], "profile": profile}
        )
        return str(response.json()["token"])

    def socket(self, token: str, after: int = 0, **kwargs: Any) -> ClientConnection:
        url = f"{self.server.ws_url}/api/sessions/{self.id}/ws?token={token}&after={after}"
        return connect(url, open_timeout=10, **kwargs)

    def last_seq(self) -> int:
        """The seq of the session's newest event: resume after it to get only new ones."""
        session = self.http.get(f"/api/sessions/{self.id}", headers=auth(self.facilitator_key))
        return int(session.json()["last_seq"])

    def activate(self, step_id: int) -> None:
        url = f"/api/sessions/{self.id}/steps/{step_id}/activate"
        assert self.http.post(url, headers=auth(self.facilitator_key)).status_code == 200

    def add(
        self, token: str, client_id: str, text: str, category: str = "voordelen"
    ) -> dict[str, Any]:
        response = self.http.post(
            f"/api/sessions/{self.id}/items",
            json={
                "client_id": client_id,
                "step_id": self.brainstorm,
                "category": category,
                "text": text,
            },
            headers=auth(token),
        )
        assert response.status_code in (200, 201), response.text
        return dict(response.json())


def receive(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [json.loads(ws.recv(timeout=10)) for _ in range(count)]


def receive_until(ws: ClientConnection, type_: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while not events or events[-1]["type"] != type_:
        events.append(json.loads(ws.recv(timeout=10)))
    return events


@pytest.fixture
def live(server: Server) -> Iterator[Live]:
    live = Live(server)
    yield live
    live.http.close()
