"""Slow clients cannot hold connections: a request's line and headers must arrive within
HEADER_TIMEOUT (10 s), and hold at most 64 KiB. 1,000 half-sent requests stayed open 70 s.
Raw sockets against a real server, on loopback, a bounded number of them."""

from __future__ import annotations

import socket
import time
from contextlib import ExitStack

from tests.harness import LiveRoom

DEADLINE = 10.0
SLACK = 3.0


def opened(live: LiveRoom) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", live.server.port), timeout=DEADLINE + SLACK)
    return sock


def wait_closed(sock: socket.socket, trickle: bytes = b"") -> bytes:
    """Everything the server sends until it closes; with `trickle`, one more byte of the
    head every second meanwhile, as a slowloris client does."""
    received = b""
    sock.settimeout(1.0 if trickle else DEADLINE + SLACK)
    for byte in [trickle[i : i + 1] for i in range(len(trickle))] or [b""]:
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            sock.sendall(byte)
            continue
        except ConnectionResetError:
            return received
        received += chunk
        if not chunk:
            return received
    sock.settimeout(DEADLINE + SLACK)
    while chunk := sock.recv(4096):
        received += chunk
    return received


def test_half_sent_silent_and_trickling_requests_are_closed_within_the_deadline(
    live: LiveRoom,
) -> None:
    with ExitStack() as stack:
        start = time.monotonic()
        silent = [stack.enter_context(opened(live)) for _ in range(5)]
        half = [stack.enter_context(opened(live)) for _ in range(20)]
        for sock in half:
            sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        trickler = stack.enter_context(opened(live))
        trickler.sendall(b"GET / HTTP/1.1\r\n")
        # Meanwhile everyone else is served as usual.
        assert live.http.get("/openapi.json").status_code == 200
        answers = [wait_closed(sock) for sock in silent + half]
        trickled = wait_closed(trickler, trickle=b"X-Slow-Header-That-Never-Ends: " + b"a" * 40)
        elapsed = time.monotonic() - start
    assert elapsed < DEADLINE + SLACK, f"still open after {elapsed:.1f} s"
    for answer in [*answers, trickled]:
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:80]


def test_a_head_over_64_kib_is_refused(live: LiveRoom) -> None:
    with opened(live) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * (70 * 1024))
        answer = wait_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]


def test_a_kept_alive_connection_serves_one_request_after_another(live: LiveRoom) -> None:
    """The deadline is per request head: a connection that keeps asking is not cut off."""
    with opened(live) as sock:
        for _ in range(3):
            sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            data = b""
            while b"\r\n\r\n" not in data:
                data += sock.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200 ")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += sock.recv(65536)
