"""The test harness for a live room: one session driven the way a client drives it.

- `bearer(token)`: the Authorization header for a token or key; `ORGANISER` is the
  organiser's.
- `Server`, `start_server`: a real `versnellingskamer serve` process on a free port.
- `LiveRoom`: a session made through the API and driven over HTTP. Its `http` is either the
  in-process `TestClient` (the `api_room` fixture, tests/app/conftest.py) or an
  `httpx.Client` on a real server (the `live` fixture); the two share httpx's API, so every
  helper works on both. On a real server it also opens WebSockets: `socket()` is the JSON
  socket of the API, `browser_socket()` the `/live` socket of a page, with the cookie that
  page's view needs. `receive`/`receive_until` read JSON events from a socket.

Built on it: the browser harness (`BrowserRoom`, tests/e2e/conftest.py) and the reliability
driver (tests/reliability/driver.py). The engine-level `Room` in tests/conftest.py is a
different layer: engine commands on the `Database`, no HTTP.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

ROOT = Path(__file__).resolve().parent.parent
ORGANISER_TOKEN = "test-organiser-token-0123456789"
VIEW_COOKIES = {"participant": "vk_p_", "console": "vk_f_", "projector": "vk_v_"}


def bearer(token: str) -> dict[str, str]:
    """The Authorization header that presents this token or key."""
    return {"Authorization": f"Bearer {token}"}


ORGANISER = bearer(ORGANISER_TOKEN)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A real `versnellingskamer serve` process on a free port."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    port: int

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def start_server(
    env_overrides: dict[str, str],
    log: Path,
    port: int | None = None,
    args: tuple[str, ...] = (),
    root: Path = ROOT,
) -> Server:
    """`args`: more options for `serve`; `root`: the checkout to run (this one unless another
    version is measured)."""
    port = port or free_port()
    env = {**os.environ, **env_overrides}
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port), *args],
            cwd=root,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, process, log)
    return Server(url, process, env_overrides, port)


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # polling for readiness, not waiting for an outcome
    raise RuntimeError(f"server at {url} did not come up in {timeout} s")


class LiveRoom:
    """A session created through the API, with its secrets, driven over HTTP (and WebSockets
    when `server` is a real one)."""

    def __init__(self, http: httpx.Client, data: dict[str, Any], server: Server | None = None):
        self.http = http
        self.client = http  # the name the in-process tests use
        self.data = data
        self.server = server

    @classmethod
    def create(cls, http: httpx.Client, server: Server | None = None, **fields: str) -> LiveRoom:
        """Create a session as the organiser: `fields` are the POST /api/sessions body."""
        response = http.post("/api/sessions", json=fields, headers=ORGANISER)
        assert response.status_code == 201, response.text
        return cls(http, response.json(), server)

    @classmethod
    def on_server(cls, server: Server, **fields: str) -> LiveRoom:
        """A session on a real server, with its own HTTP client: `close()` it when done."""
        return cls.create(httpx.Client(base_url=server.url, timeout=10), server, **fields)

    def close(self) -> None:
        self.http.close()

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def url(self) -> str:
        return str(self.http.base_url).rstrip("/")

    @property
    def facilitator_key(self) -> str:
        return str(self.data["facilitator_key"])

    @property
    def facilitator(self) -> dict[str, str]:
        return bearer(self.facilitator_key)

    def join_token(self, **profile: str) -> str:
        """Join as a new participant: their token."""
        response = self.http.post("/api/join", json={"code": self.data["code"], "profile": profile})
        assert response.status_code == 201, response.text
        return str(response.json()["token"])

    def join(self, **profile: str) -> dict[str, str]:
        """Join as a new participant: the header that acts as them."""
        return bearer(self.join_token(**profile))

    def steps(self) -> list[dict[str, Any]]:
        response = self.http.get(f"/api/sessions/{self.id}", headers=self.facilitator)
        return list(response.json()["steps"])

    def step_id(self, type_: str, nth: int = 0) -> int:
        return int([s["id"] for s in self.steps() if s["type"] == type_][nth])

    @cached_property
    def brainstorm(self) -> int:
        """The first brainstorm step."""
        return self.step_id("brainstorm")

    def activate(self, step_id: int) -> None:
        url = f"/api/sessions/{self.id}/steps/{step_id}/activate"
        assert self.http.post(url, headers=self.facilitator).status_code == 200

    def post_item(self, who: dict[str, str], **fields: Any) -> httpx.Response:
        return self.http.post(f"/api/sessions/{self.id}/items", json=fields, headers=who)

    def add(
        self, token: str, client_id: str, text: str, category: str = "voordelen"
    ) -> dict[str, Any]:
        """Add an item to the first brainstorm step; the acknowledgement."""
        response = self.post_item(
            bearer(token),
            client_id=client_id,
            step_id=self.brainstorm,
            category=category,
            text=text,
        )
        assert response.status_code in (200, 201), response.text
        return dict(response.json())

    def events(self, after: int = 0) -> list[dict[str, Any]]:
        """One page of the session's events after seq `after`."""
        response = self.http.get(
            f"/api/sessions/{self.id}/events", params={"after": after}, headers=self.facilitator
        )
        return list(response.json()["events"])

    def all_events(self) -> list[dict[str, Any]]:
        """Every event of the session, read page by page."""
        events: list[dict[str, Any]] = []
        while page := self.events(events[-1]["seq"] if events else 0):
            events += page
        return events

    def last_seq(self) -> int:
        """The seq of the session's newest event: resume after it to get only new ones."""
        session = self.http.get(f"/api/sessions/{self.id}", headers=self.facilitator)
        return int(session.json()["last_seq"])

    @property
    def ws_url(self) -> str:
        assert self.server is not None, "WebSockets need a room on a real server"
        return self.server.ws_url

    def socket_url(self, token: str, after: int = 0) -> str:
        return f"{self.ws_url}/api/sessions/{self.id}/ws?token={token}&after={after}"

    def socket(self, token: str, after: int = 0, **kwargs: Any) -> ClientConnection:
        """The API's JSON event socket, resuming after seq `after`."""
        ws: ClientConnection = connect(self.socket_url(token, after), open_timeout=10, **kwargs)
        return ws

    def browser_socket(
        self, view: str, secret: str, query: str = "", **kwargs: Any
    ) -> ClientConnection:
        """The `/live` socket of a page (`view`: participant, console or projector), with that
        view's cookie holding `secret`; `query` is appended to the URL (`&lang=en`)."""
        cookie = f"{VIEW_COOKIES[view]}{self.id}={secret}"
        assert self.server is not None, "WebSockets need a room on a real server"
        ws: ClientConnection = connect(
            f"{self.ws_url}/live/{self.id}?view={view}{query}",
            additional_headers={"Cookie": cookie},
            origin=Origin(self.server.url),
            open_timeout=10,
            **kwargs,
        )
        return ws


def receive(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [json.loads(ws.recv(timeout=10)) for _ in range(count)]


def receive_until(ws: ClientConnection, type_: str) -> list[dict[str, Any]]:
    """Read JSON events up to and including the first of this type."""
    events: list[dict[str, Any]] = []
    while not events or events[-1]["type"] != type_:
        events.append(json.loads(ws.recv(timeout=10)))
    return events
