"""Helpers for the reliability tests, on top of `tests.harness.LiveRoom`: a client that retries
like outbox.js does, a JSON socket client that reconnects by itself, raw WebSocket frames for
clients that never read, and server restarts on the same database."""

from __future__ import annotations

import base64
import json
import os
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.harness import ORGANISER_TOKEN, LiveRoom, Server, bearer, free_port, start_server

UNLIMITED = {
    "JOIN_LIMIT_PER_ADDRESS": "0",
    "ITEM_LIMIT_PER_PARTICIPANT": "0",
    "ITEM_LIMIT_PER_ADDRESS": "0",
    "WRITE_LIMIT_PER_PARTICIPANT": "0",
    "WRITE_LIMIT_PER_ADDRESS": "0",
}


def own_server(tmp_path: Path, **env: str) -> Server:
    """A server on its own SQLite file (so it can be killed and restarted on it)."""
    settings = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'vk.db'}",
        "ORGANISER_TOKEN": ORGANISER_TOKEN,
        **UNLIMITED,
        **env,
    }
    return start_server(settings, tmp_path / "server.log", port=free_port())


def restart(server: Server, log: Path, *, kill: bool) -> Server:
    """Stop the process (SIGKILL or SIGTERM) and start a new one on the same file and port."""
    if kill:
        server.process.kill()
    else:
        server.process.terminate()
    server.process.wait(30)
    return start_server(server.env, log, port=server.port)


def backoff(attempt: int, cap: float = 1.0) -> float:
    """Full jitter, as static/js/connection.js: many clients do not come back in one stampede."""
    return random.uniform(0, min(cap, 0.05 * 2**attempt))


def brainstorm_room(server: Server) -> LiveRoom:
    """A session on a real server with its first brainstorm step active; `close()` it."""
    room = LiveRoom.on_server(server, title="Utrecht")
    room.activate(room.brainstorm)
    return room


def post_until_acked(
    room: LiveRoom, token: str, client_id: str, deadline: float, text: str = ""
) -> dict[str, Any]:
    """POST an item until the server acknowledges it, with the same client id each time."""
    body = {
        "client_id": client_id,
        "step_id": room.brainstorm,
        "category": "voordelen",
        "text": text or client_id,
    }
    attempt = 0
    with httpx.Client(base_url=room.url, timeout=5) as http:
        while time.monotonic() < deadline:
            try:
                response = http.post(
                    f"/api/sessions/{room.id}/items", json=body, headers=bearer(token)
                )
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code in (200, 201):
                return {"status": response.status_code, **response.json()}
            assert response is None or response.status_code >= 500, response.text
            attempt += 1
            time.sleep(backoff(attempt))
    raise AssertionError(f"{client_id} was never acknowledged")


@dataclass
class Follower:
    """A JSON socket client that reconnects by itself with after=<last seq it saw>."""

    room: LiveRoom
    token: str
    seqs: list[int] = field(default_factory=list)
    reconnects: int = 0
    target: int | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, deadline: float) -> None:
        attempt = 0
        while not self.done() and time.monotonic() < deadline and not self.stop.is_set():
            after = self.seqs[-1] if self.seqs else 0
            try:
                with connect(self.room.socket_url(self.token, after), open_timeout=5) as ws:
                    attempt = 0
                    while not self.done() and not self.stop.is_set():
                        try:
                            message = json.loads(ws.recv(timeout=0.5))
                        except TimeoutError:
                            continue
                        self.seqs.append(message["seq"])
            except (ConnectionClosed, OSError):
                self.reconnects += 1
                attempt += 1
                time.sleep(backoff(attempt))

    def done(self) -> bool:
        return self.target is not None and bool(self.seqs) and self.seqs[-1] >= self.target

    def start(self, deadline: float) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(deadline,), daemon=True)
        thread.start()
        return thread


def raw_socket(url: str, path: str, rcvbuf: int = 4096, cookie: str = "") -> socket.socket:
    """A WebSocket opened by hand on a socket with a small receive buffer; the caller decides
    whether it ever reads (a client that never reads makes TCP back up to the server)."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101"), response
    return sock


@dataclass
class RawRead:
    texts: list[str]
    close_code: int | None  # None: the connection ended without a close frame (reset, EOF)
    pings: int


def read_frames(sock: socket.socket, timeout: float = 30) -> RawRead:
    """Read server frames (unmasked) until a close frame, EOF or a reset."""
    sock.settimeout(timeout)
    buffer, texts, pings = b"", [], 0
    try:
        while True:
            while (frame := _frame(buffer)) is None:
                chunk = sock.recv(65536)
                if not chunk:
                    return RawRead(texts, None, pings)
                buffer += chunk
            opcode, payload, buffer = frame
            if opcode == 8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                return RawRead(texts, code, pings)
            if opcode == 9:
                pings += 1
            elif opcode == 1:
                texts.append(payload.decode())
    except ConnectionResetError:
        return RawRead(texts, None, pings)


def _frame(buffer: bytes) -> tuple[int, bytes, bytes] | None:
    if len(buffer) < 2:
        return None
    opcode, length, start = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
    if length == 126:
        if len(buffer) < 4:
            return None
        length, start = struct.unpack("!H", buffer[2:4])[0], 4
    elif length == 127:
        if len(buffer) < 10:
            return None
        length, start = struct.unpack("!Q", buffer[2:10])[0], 10
    if len(buffer) < start + length:
        return None
    return opcode, buffer[start : start + length], buffer[start + length :]
