"""WebSockets. JSON clients: every event after `after`, then live ones, none missing or twice.
Browsers: a fresh snapshot of the active step, then live HTML fragments."""

from __future__ import annotations

import asyncio
import contextlib
import json

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from session_engine.errors import EngineError
from session_engine.events import events_after
from session_engine.items import participant_table
from session_engine.sessions import Actor
from session_engine.views import snapshot

from .auth import VIEW_ROLES, cookie_name, credentials, origin_allowed
from .fragments import json_for, render_stage, viewer_of
from .hub import Connection, Hub
from .ratelimit import RateLimiter, socket_flood_error
from .settings import Settings
from .templating import pick_language

router = APIRouter()
CLOSE_POLICY = 1008  # refused: bad origin, token or view
MAX_MESSAGE = 4096  # bytes a client may send in one message


async def _authorise(websocket: WebSocket, session_id: str, token: str | None) -> Actor | None:
    """Check Origin and the secret before accepting; refuse with 1008 otherwise."""
    settings: Settings = websocket.app.state.settings
    if not origin_allowed(websocket, settings) or not token:
        await websocket.close(CLOSE_POLICY, "origin or token refused")
        return None
    try:
        return await credentials(websocket).check(session_id, token)
    except EngineError:
        await websocket.close(CLOSE_POLICY, "token refused")
        return None


@router.websocket("/api/sessions/{session_id}/ws")
async def json_socket(
    websocket: WebSocket, session_id: str, token: str = "", after: int = 0
) -> None:
    """Events as JSON {seq, type, data}: first all after `after`, then live ones."""
    actor = await _authorise(websocket, session_id, token)
    if actor is None:
        return
    await websocket.accept()
    hub: Hub = websocket.app.state.hub
    connection = hub.connection(
        websocket,
        "json",
        "",
        role=actor.role,
        participant_id=actor.participant_id,
        credential=token,
    )
    await hub.attach(session_id, connection)
    try:
        connection.sent_seq = await _replay(websocket, connection, session_id, max(after, 0))
        await _serve(websocket, connection)
    finally:
        await hub.detach(session_id, connection)


async def _replay(websocket: WebSocket, connection: Connection, session_id: str, after: int) -> int:
    """Send committed events after `after` from the database; return the last seq sent.
    The connection is attached first, so live events meanwhile wait in its queue."""
    writer = websocket.app.state.writer
    while True:
        events = await writer.read(events_after, session_id, after, 1000)
        for event in events:
            await websocket.send_text(json_for(event, connection))
            after = event.seq
        if len(events) < 1000:
            return after


@router.websocket("/live/{session_id}")
async def browser_socket(
    websocket: WebSocket, session_id: str, view: str = "participant", lang: str = ""
) -> None:
    """htmx ws: the stage for this view now, then out-of-band fragments as events commit."""
    if view not in VIEW_ROLES:
        await websocket.close(CLOSE_POLICY, "unknown view")
        return
    actor = await _authorise(
        websocket, session_id, websocket.cookies.get(cookie_name(view, session_id))
    )
    if actor is None:
        return
    if actor.role != VIEW_ROLES[view]:
        await websocket.close(CLOSE_POLICY, "this key does not open this view")
        return
    await websocket.accept()
    language = pick_language(lang, websocket.cookies.get("vk_lang"))
    hub: Hub = websocket.app.state.hub
    credential = websocket.cookies.get(cookie_name(view, session_id), "")
    writer = websocket.app.state.writer
    table_id = await writer.read(participant_table, actor) if actor.participant_id else None
    connection = hub.connection(
        websocket,
        view,
        language,
        role=actor.role,
        participant_id=actor.participant_id,
        table_id=table_id,
        credential=credential,
    )
    await hub.attach(session_id, connection)
    try:
        threshold = websocket.app.state.settings.segment_threshold
        snap = await writer.read(snapshot, session_id, viewer_of(connection), threshold)
        await websocket.send_text(render_stage(snap, language))
        connection.sent_seq = snap.seq
        await _serve(websocket, connection)
    finally:
        await hub.detach(session_id, connection)


async def _serve(websocket: WebSocket, connection: Connection) -> None:
    """Send queued events while reading the client; a malformed message gets an error reply."""
    sender = connection.start_sending()
    limiter: RateLimiter = websocket.app.state.limits.socket_limiter()
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            _answer(connection, message.get("text") or message.get("bytes") or "", limiter)
    except WebSocketDisconnect:
        return
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
        if websocket.client_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await websocket.close()


def _answer(connection: Connection, raw: str | bytes, limiter: RateLimiter) -> None:
    """Clients only listen; anything else they send is answered with an error (no seq).
    Pings ({"type": "ping"}) are answered with a pong so clients can detect dead links.
    A client over the socket's message limit gets an error, never silence."""
    error = socket_flood_error(limiter) or _check_message(raw)
    if error is None:
        connection.offer(None, json.dumps({"type": "pong"}))
    else:
        connection.offer(None, json.dumps({"type": "error", "message": error}))


def _check_message(raw: str | bytes) -> str | None:
    if len(raw) > MAX_MESSAGE:
        return f"message too long: at most {MAX_MESSAGE} bytes"
    try:
        message = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return "malformed message: expected JSON"
    if not isinstance(message, dict) or message.get("type") != "ping":
        return 'unknown message: this socket only accepts {"type": "ping"}'
    return None
