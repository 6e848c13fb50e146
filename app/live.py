"""WebSockets. JSON clients: every event after `after`, then live ones, none missing or twice.
Browsers: a fresh snapshot of the active step, then live HTML fragments."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from starlette.websockets import WebSocketState

from session_engine.actors import Actor
from session_engine.errors import EngineError
from session_engine.items import AddedItem, add_item, participant_table
from session_engine.models import item_public
from session_engine.store.events import check_resume_point, events_after
from session_engine.views import snapshot

from .auth import VIEW_ROLES, cookie_name, credentials, origin_allowed
from .clock import now_of
from .fragments import json_for, paced_step, render_stage, viewer_of
from .hub import Connection, Hub
from .ratelimit import (
    TOO_MANY_ITEMS,
    Limits,
    RateLimiter,
    SocketSlots,
    refusal_text,
    retry_after,
    socket_flood_error,
)
from .schemas import ItemCreate
from .settings import Settings
from .templating import pick_language

router = APIRouter()
CLOSE_POLICY = 1008  # refused: bad origin, token or view
MAX_MESSAGE = 4096  # bytes a client may send in one message
PING = '{"type": "ping"}'
PING_OR_ITEM = '{"type": "ping"} or {"type": "add_item", …}'
SERVER_ERROR = "the server could not store this item: send it again"
log = logging.getLogger(__name__)
Handler = Callable[..., Awaitable[None]]


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


def one_of_few(credential_of: Callable[[WebSocket], str]) -> Callable[[Handler], Handler]:
    """Hold a socket route to SOCKETS_PER_CREDENTIAL open sockets per credential: one more is
    accepted and closed at once with 1008 and a reason saying so."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def limited(websocket: WebSocket, **params: Any) -> None:
            credential = credential_of(websocket)
            slots: SocketSlots = websocket.app.state.limits.sockets
            if credential and not slots.take(credential):
                await websocket.accept()
                reason = f"too many open sockets for this credential: at most {slots.limit}"
                await websocket.close(CLOSE_POLICY, reason)
                return
            try:
                await handler(websocket, **params)
            finally:
                if credential:
                    slots.give_back(credential)

        return limited

    return wrap


def _token_param(websocket: WebSocket) -> str:
    return websocket.query_params.get("token", "")


def _view_cookie(websocket: WebSocket) -> str:
    view = websocket.query_params.get("view", "participant")
    if view not in VIEW_ROLES:
        return ""
    return websocket.cookies.get(cookie_name(view, websocket.path_params["session_id"]), "")


@router.websocket("/api/sessions/{session_id}/ws")
@one_of_few(_token_param)
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
        sent = await _replay(websocket, connection, session_id, max(after, 0))
        if sent is None:
            return
        connection.sent_seq = sent
        await _serve(websocket, connection, Submitter(websocket, connection, actor, token))
    finally:
        await hub.detach(session_id, connection)


async def _replay(
    websocket: WebSocket, connection: Connection, session_id: str, after: int
) -> int | None:
    """Send committed events after `after` from the database; return the last seq sent.
    The connection is attached first, so live events meanwhile wait in its queue. An `after`
    beyond the last event gets an error and the socket is closed (None): resuming there would
    silently skip every event up to it."""
    database = websocket.app.state.database
    try:
        await database.read(check_resume_point, session_id, after)
    except EngineError as exc:
        await websocket.send_text(json.dumps({"type": "error", "message": exc.message}))
        await websocket.close(CLOSE_POLICY, "after is beyond the last event")
        return None
    while True:
        events = await database.read(events_after, session_id, after, 1000)
        for event in events:
            await websocket.send_text(json_for(event, connection))
            after = event.seq
        if len(events) < 1000:
            return after


@router.websocket("/live/{session_id}")
@one_of_few(_view_cookie)
async def browser_socket(
    websocket: WebSocket, session_id: str, view: str = "participant", lang: str = "", step: int = 0
) -> None:
    """htmx ws: the stage for this view now, then out-of-band fragments as events commit. An
    online round's participant names the step they are on (`step`): they hear only of that."""
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
    database = websocket.app.state.database
    table_id = await database.read(participant_table, actor) if actor.participant_id else None
    connection = hub.connection(
        websocket,
        view,
        language,
        role=actor.role,
        participant_id=actor.participant_id,
        table_id=table_id,
        step_id=step if step > 0 and actor.participant_id else None,  # normalised below
        credential=credential,
    )
    await hub.attach(session_id, connection)
    try:
        threshold = websocket.app.state.settings.segment_threshold
        snap = await database.read(snapshot, session_id, viewer_of(connection), threshold)
        connection.step_id = paced_step(snap) if actor.participant_id else None
        await websocket.send_text(render_stage(snap, language))
        connection.sent_seq = snap.seq
        await _serve(websocket, connection)
    finally:
        await hub.detach(session_id, connection)


async def _serve(
    websocket: WebSocket, connection: Connection, submitter: Submitter | None = None
) -> None:
    """Send queued events while reading the client; a malformed message gets an error reply.
    On the JSON socket (`submitter`), participants may also add items."""
    sender = connection.start_sending()
    limiter: RateLimiter = websocket.app.state.limits.socket_limiter()
    await read_until_closed(
        websocket, sender, lambda raw: _answer(connection, raw, limiter, submitter)
    )


async def read_until_closed(
    websocket: WebSocket, sender: asyncio.Task[None], answer: Callable[[str | bytes], None]
) -> None:
    """Answer each message the client sends until it goes; then stop sending and close."""
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            answer(message.get("text") or message.get("bytes") or "")
    except WebSocketDisconnect:
        return
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
        if websocket.client_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await websocket.close()


def _answer(
    connection: Connection, raw: str | bytes, limiter: RateLimiter, submitter: Submitter | None
) -> None:
    """Answer what a client sent: a ping with a pong, an item (JSON socket) with an ack after
    commit, anything else with an error. A client over the socket's message limit gets an
    error, never silence."""
    error = socket_flood_error(limiter)
    message, problem = _parse(raw)
    error = error or problem
    if error is None and message.get("type") == "ping":
        connection.offer(None, json.dumps({"type": "pong"}))
    elif error is None and message.get("type") == "add_item" and submitter is not None:
        submitter.submit(message)
    else:
        accepted = PING_OR_ITEM if submitter else PING
        error = error or f"unknown message: this socket only accepts {accepted}"
        reply = {"type": "error", "message": error}
        if submitter is not None and isinstance(message.get("client_id"), str):
            reply["client_id"] = message["client_id"]
        connection.offer(None, json.dumps(reply))


def _parse(raw: str | bytes) -> tuple[dict[str, Any], str | None]:
    """The message as a JSON object, or the reason it is not one."""
    if len(raw) > MAX_MESSAGE:
        return {}, f"message too long: at most {MAX_MESSAGE} bytes"
    try:
        message = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}, "malformed message: expected JSON"
    if not isinstance(message, dict):
        return {}, "malformed message: expected a JSON object"
    return message, None


class Submitter:
    """Items sent on a participant's JSON socket: `{"type": "add_item", "client_id", "step_id",
    "category", "theme", "text"}`, with the same fields, rules and rate limits as `POST
    …/items`. Each is answered once its commit is done, `{"type": "ack", "client_id", "seq",
    "item", "created", "late"}` (`late`: kept off the board, input had closed), or refused,
    `{"type": "error", "client_id", "message"}`. A retry with the same client id is
    acknowledged with the stored item (`created` false)."""

    def __init__(self, websocket: WebSocket, connection: Connection, actor: Actor, token: str):
        self.websocket = websocket
        self.connection = connection
        self.actor = actor
        self.token = token
        self.address = websocket.client.host if websocket.client else "unknown"
        self._running: set[asyncio.Task[None]] = set()  # held until done; writes are shielded

    def submit(self, message: dict[str, Any]) -> None:
        task = asyncio.create_task(self._add(message))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _add(self, message: dict[str, Any]) -> None:
        client_id = message.get("client_id")
        try:
            body = ItemCreate.model_validate({k: v for k, v in message.items() if k != "type"})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            self._reply(client_id, {"type": "error", "message": f"{where}: {first['msg']}"})
            return
        limits: Limits = self.websocket.app.state.limits
        wait = limits.check_item(self.address, self.token)
        if wait:
            detail = refusal_text(TOO_MANY_ITEMS, wait, "en")
            self._reply(
                body.client_id,
                {"type": "error", "message": detail, "retry_after": retry_after(wait)},
            )
            return
        database = self.websocket.app.state.database
        try:
            added: AddedItem = await database.write(
                add_item,
                actor=self.actor,
                client_id=body.client_id,
                step_id=body.step_id,
                category=body.category,
                theme=body.theme,
                text=body.text,
                now=now_of(self.websocket),
            )
        except EngineError as exc:
            self._reply(body.client_id, {"type": "error", "message": exc.message})
            return
        except Exception:  # as an HTTP 500: nothing was acknowledged, the client sends again
            log.exception("adding an item sent on a socket failed")
            self._reply(body.client_id, {"type": "error", "message": SERVER_ERROR})
            return
        ack = {"type": "ack", "seq": added.seq, "item": item_public(added.item).model_dump()}
        self._reply(body.client_id, {**ack, "created": added.created, "late": added.late})

    def _reply(self, client_id: object, reply: dict[str, Any]) -> None:
        if reply["type"] == "error":  # a refused submission: the dashboard counts them
            hub: Hub = self.websocket.app.state.hub
            hub.presence.refused(self.actor.session_id)
        if isinstance(client_id, str):
            reply = {"type": reply["type"], "client_id": client_id, **reply}
        self.connection.offer(None, json.dumps(reply, ensure_ascii=False))
