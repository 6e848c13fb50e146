"""The JSON API: thin routes that call the engine through the Database."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from session_engine.actors import Actor
from session_engine.controls import as_utc
from session_engine.installed import version
from session_engine.items import AddedItem, add_item
from session_engine.joining import join_session
from session_engine.models import Step, item_public
from session_engine.sessions import CreatedSession, create_session
from session_engine.store.events import check_resume_point, events_after
from session_engine.takeback import edit_own_item, withdraw_item
from session_engine.views import Snapshot, snapshot
from session_engine.visibility import Reader, event_for

from .auth import ActorDep, DatabaseDep, OrganiserDep, SettingsDep
from .clock import NowDep
from .links import session_links
from .schemas import (
    REFUSALS,
    EventPublic,
    EventsPage,
    ItemAdded,
    ItemCreate,
    ItemPublic,
    JoinRequest,
    JoinResponse,
    OwnItemEdit,
    SessionCreate,
    SessionCreated,
    SessionPublic,
    StepPublic,
    VersionInfo,
)
from .settings import Settings
from .templating import gettext

router = APIRouter(prefix="/api", tags=["api"], responses=REFUSALS)
EVENTS_PAGE = 1000


@router.get("/version", response_model=VersionInfo)
async def version_route() -> VersionInfo:
    """The running version, so an operator sees which release each process behind a proxy
    runs (it is also in every page's footer)."""
    return VersionInfo(version=version())


def step_public(step: Step) -> StepPublic:
    assert step.id is not None
    return StepPublic(
        id=step.id,
        position=step.position,
        type=step.type,
        title=step.title,
        scenario=step.scenario_key,
        text=step.text,
    )


def session_public(snap: Snapshot) -> SessionPublic:
    session, content = snap.session, snap.content
    scenarios_file = content.scenarios_file
    return SessionPublic(
        id=session.id,
        title=session.title,
        location=session.location,
        date=session.date,
        language=session.language,
        code=session.code,
        programme_id=session.programme_id,
        active_step_id=session.active_step_id,
        last_seq=snap.seq,
        participants=snap.participants,
        steps=[step_public(step) for step in snap.steps],
        categories=scenarios_file.categories,
        themes=scenarios_file.themes,
        profile_fields=scenarios_file.profile_fields,
        scenarios=scenarios_file.scenarios,
        kind=session.kind,
        opens_at=as_utc(session.opens_at),
        closes_at=as_utc(session.closes_at),
    )


@router.post("/sessions", status_code=201, response_model=SessionCreated)
async def create_session_route(
    body: SessionCreate,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    _: OrganiserDep,
) -> SessionCreated:
    """Create a session of a programme (organiser). The keys are shown only in this answer."""
    programme_id = body.programme_id or request.app.state.programme_id
    created: CreatedSession = await database.write(
        create_session,
        programme_id=programme_id,
        title=body.title,
        location=body.location,
        date=body.date,
        template_id=body.template_id,
        translate=gettext,
    )
    return created_out(request, settings, created)


def created_out(request: Request, settings: Settings, created: CreatedSession) -> SessionCreated:
    """A session's code, keys and links: the only answer that ever shows the keys."""
    return SessionCreated(
        id=created.session.id,
        code=created.session.code,
        facilitator_key=created.facilitator_key,
        projector_key=created.projector_key,
        links=session_links(request, settings, created),
    )


@router.get("/sessions/{session_id}", response_model=SessionPublic)
async def get_session_route(
    session_id: str, actor: ActorDep, database: DatabaseDep
) -> SessionPublic:
    """A session with its agenda, active step and content keys (any credential of it)."""
    return session_public(await database.read(snapshot, session_id))


@router.post("/join", status_code=201, response_model=JoinResponse)
async def join_route(body: JoinRequest, database: DatabaseDep, now: NowDep) -> JoinResponse:
    """Join with the code from the room; no name, no account. Keep the token."""
    profile = {key: value or "" for key, value in body.profile.items()}
    joined = await database.write(
        join_session, code=body.code, profile=profile, table_id=body.table_id, now=now
    )
    return JoinResponse(
        session_id=joined.session_id, participant_id=joined.participant_id, token=joined.token
    )


async def submit_item(
    database: DatabaseDep, actor: Actor, body: ItemCreate, now: datetime | None = None
) -> JSONResponse:
    """201 with the new item, 202 when it was kept as late (input had closed) or held for the
    organiser's review (an online round), or 200 with the stored one when this client_id was
    seen."""
    added: AddedItem = await database.write(
        add_item,
        actor=actor,
        client_id=body.client_id,
        step_id=body.step_id,
        category=body.category,
        theme=body.theme,
        text=body.text,
        now=now,
    )
    payload = ItemAdded(item=item_public(added.item), seq=added.seq, late=added.late)
    status = (202 if added.late else 201) if added.created else 200
    return JSONResponse(payload.model_dump(), status_code=status)


@router.post(
    "/sessions/{session_id}/items",
    status_code=201,
    response_model=ItemAdded,
    responses={
        200: {"model": ItemAdded, "description": "A retry: the item stored earlier."},
        202: {"model": ItemAdded, "description": "Kept as late: input had closed."},
    },
)
async def add_item_route(
    session_id: str, body: ItemCreate, actor: ActorDep, database: DatabaseDep, now: NowDep
) -> JSONResponse:
    """Add an item to the active brainstorm step (participant), or in an online round to any
    of its brainstorms."""
    return await submit_item(database, actor, body, now)


@router.delete("/sessions/{session_id}/own-items/{item_id}", status_code=204)
async def withdraw_own_item_route(item_id: int, actor: ActorDep, database: DatabaseDep) -> Response:
    """Take back your own item while its step is open (participant; docs/privacy.md, "Taking
    back"): it leaves every board, and its words leave the event log. Anyone else's item is
    not found (404)."""
    await database.write(withdraw_item, actor=actor, item_id=item_id)
    return Response(status_code=204)


@router.patch("/sessions/{session_id}/own-items/{item_id}", response_model=ItemPublic)
async def edit_own_item_route(
    item_id: int, body: OwnItemEdit, actor: ActorDep, database: DatabaseDep
) -> ItemPublic:
    """Reword your own item while its step is open and nobody reacted to it (participant)."""
    return item_public(
        await database.write(edit_own_item, actor=actor, item_id=item_id, text=body.text)
    )


@router.get("/sessions/{session_id}/events", response_model=EventsPage)
async def events_route(
    session_id: str,
    actor: ActorDep,
    database: DatabaseDep,
    after: int = Query(0, ge=0, description="Return events with seq greater than this."),
) -> EventsPage:
    """The session's events after `after`, in order, at most 1000 per page; an `after` beyond
    the session's last event is refused (422)."""
    await database.read(check_resume_point, session_id, after)
    events = await database.read(events_after, session_id, after, EVENTS_PAGE)
    last = events[-1].seq if events else after
    reader = Reader.of(actor)  # blind rounds: words only for their readers
    shown = [event_for(e, reader).as_dict() for e in events]
    return EventsPage(events=[EventPublic(**e) for e in shown], last_seq=last)
