"""Access control routes: new keys for a session (organiser), opening or closing a session to
new participants, and closing it for good (facilitator or organiser)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from session_engine.access import set_joining
from session_engine.actors import ORGANISER, Actor, Organiser
from session_engine.closing import close_session
from session_engine.sessions import rotate_keys

from .api import created_out
from .auth import (
    DatabaseDep,
    OrganiserDep,
    SettingsDep,
    actor_from_request,
    credentials,
    is_api_organiser,
)
from .schemas import REFUSALS, ClosedState, JoiningState, JoiningUpdate, SessionCreated

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


@router.post("/sessions/{session_id}/close", response_model=ClosedState)
async def close_route(
    session_id: str, request: Request, database: DatabaseDep, settings: SettingsDep
) -> ClosedState:
    """Close the session for good ("Sessie afsluiten"; facilitator or organiser): every
    contribution loses its link to its participant, participants' tokens stop working, and
    nothing can be changed or reopened afterwards. Closing again changes nothing."""
    actor: Actor | Organiser = ORGANISER
    if not is_api_organiser(request, settings):
        actor = await actor_from_request(request)
    changed = await database.write(close_session, session_id=session_id, actor=actor)
    await database.checkpoint()
    credentials(request).forget(session_id)
    return ClosedState(closed=True, changed=changed)
