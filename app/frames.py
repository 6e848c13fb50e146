"""uvicorn's WebSocket protocol with one addition: a prepared frame written straight to the
socket. The hub encodes a message's frame once and writes the same bytes to every socket of
its audience whose client keeps up, instead of one ASGI send per socket (Starlette's send,
the middleware stack, uvicorn's send, websockets building the same frame again: about three
quarters of the per-socket cost, issue #16). A socket that is behind, closing or closed is
left to the ASGI send, which waits for it or fails, so nothing else changes."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

FRAMES = "vk.frames"  # the scope extension: {"write": FrameWriter}
TEXT_FIN = 0x81  # FIN and the text opcode; a server's frames are never masked

FrameWriter = Callable[[bytes], bool]


def text_frame(text: str) -> bytes:
    """`text` as one whole, unmasked text frame (server to client, no extension)."""
    payload = text.encode()
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", TEXT_FIN, length)
    elif length < 65536:
        head = struct.pack("!BBH", TEXT_FIN, 126, length)
    else:
        head = struct.pack("!BBQ", TEXT_FIN, 127, length)
    return head + payload


class PreparedFrames:
    """Each text's frame, encoded the first time it is asked for: the sockets of one audience
    are offered the same text object, so one event is encoded once per audience."""

    def __init__(self) -> None:
        self._frames: dict[str, bytes] = {}

    def __call__(self, text: str) -> bytes:
        frame = self._frames.get(text)
        if frame is None:
            frame = self._frames[text] = text_frame(text)
        return frame


def frame_writer(websocket: WebSocket) -> FrameWriter | None:
    """The socket's prepared-frame writer, if the server offers one (`serve` does; the
    TestClient and other servers do not, and their sockets send through ASGI)."""
    extension = (websocket.scope.get("extensions") or {}).get(FRAMES) or {}
    writer: FrameWriter | None = extension.get("write")
    return writer


class FrameWebSocketProtocol(WebSocketsSansIOProtocol):
    """The protocol `serve` gives uvicorn: its own, plus `write_frame` in the scope."""

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        if not self.close_sent:  # a handshake the app will answer: the scope is made
            self.scope["extensions"][FRAMES] = {"write": self.write_frame}

    def write_frame(self, frame: bytes) -> bool:
        """Write a whole prepared frame now, if the socket is open without extensions and its
        client keeps up (the transport is not paused); otherwise write nothing, say False."""
        if (
            self.handshake_complete
            and not self.close_sent
            and not self.disconnected
            and self.initial_response is None
            and self.writable.is_set()
            and self.conn.state is State.OPEN
            and not self.conn.extensions
            and not self.transport.is_closing()
        ):
            self.transport.write(frame)
            return True
        return False
