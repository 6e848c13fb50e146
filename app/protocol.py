"""uvicorn's HTTP protocol with a deadline for each request's head. uvicorn times out only
the wait between requests (keep-alive): a client that sends half a request line, or a header
a few bytes at a time, or nothing at all, held its connection open as long as it liked, and
1,000 such clients (slowloris) held 1,000 connections. Here the request line and headers must
be complete within `head_timeout` seconds of the connection (or of the next request's first
byte) and hold at most `max_head` bytes; otherwise the connection is answered (408 or 431)
and closed."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD = 64 * 1024  # request line and headers; browsers send a few KiB


def _answer(status: bytes, text: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
        b"content-length: " + str(len(text)).encode() + b"\r\nconnection: close\r\n\r\n" + text
    )


TOO_SLOW = _answer(b"408 Request Timeout", b"The request's headers came too late.")
TOO_LARGE = _answer(b"431 Request Header Fields Too Large", b"The request's headers are too large.")


class GuardedHttpProtocol(HttpToolsProtocol):
    head_timeout: float = 10.0
    max_head: int = MAX_HEAD

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._head_bytes: int | None = 0  # None: the head is in, the body or response next

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def data_received(self, data: bytes) -> None:
        if self._head_bytes is not None:
            end = data.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else end
            if self._head_bytes > self.max_head:
                self._refuse(TOO_LARGE)
                return
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_done()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_deadline is None:  # the next request on a kept-alive connection
            self._await_head()

    def on_headers_complete(self) -> None:
        self._head_done()
        self._head_bytes = None
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self._head_bytes = 0  # the next request's head, if one comes
        super().on_response_complete()

    def _await_head(self) -> None:
        self._head_deadline = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _head_done(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        self._refuse(TOO_SLOW)

    def _refuse(self, answer: bytes) -> None:
        self._head_done()
        if not self.transport.is_closing():
            self.transport.write(answer)
            self.transport.close()


def guarded_protocol(head_timeout: float) -> type[GuardedHttpProtocol]:
    """The protocol class `serve` gives uvicorn, with this server's head deadline."""
    return type("GuardedHttpProtocol", (GuardedHttpProtocol,), {"head_timeout": head_timeout})
