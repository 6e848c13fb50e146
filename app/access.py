"""Access control routes: new keys for a session (organiser), and opening or closing a session
to new participants (facilitator or organiser)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from session_engine.access import set_joining
from session_engine.actors import ORGANISER, Actor, Organiser
from session_engine.sessions import rotate_keys

from .api import created_out
from .auth import (
    DatabaseDep,
    OrganiserDep,
    SettingsDep,
    actor_from_request,
    is_api_organiser,
)
from .schemas import REFUSALS, JoiningState, JoiningUpdate, SessionCreated

router = APIRouter(prefix="/api", tags=["api"], responses=REFUSALS)


@router.post("/sessions/{session_id}/keys/rotate", response_model=SessionCreated)
async def rotate_keys_route(
    session_id: str, request: Request, database: DatabaseDep, settings: SettingsDep, _: OrganiserDep
) -> SessionCreated:
    """New facilitator and projector keys (organiser). The old keys stop working at once and
    sockets opened with them are closed (1008). The new keys are shown only in this answer."""
    created = await database.write(rotate_keys, session_id=session_id)
    return created_out(request, settings, created)


@router.post("/sessions/{session_id}/joining", response_model=JoiningState)
async def joining_route(
    session_id: str,
    body: JoiningUpdate,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
) -> JoiningState:
    """Open or close the session to new participants (facilitator or organiser). Those
    already in keep their access; a change is recorded as a `joining_changed` event."""
    actor: Actor | Organiser = ORGANISER
    if not is_api_organiser(request, settings):
        actor = await actor_from_request(request)
    changed = await database.write(
        set_joining, session_id=session_id, open_for_joining=body.open, actor=actor
    )
    return JoiningState(open=body.open, changed=changed)
