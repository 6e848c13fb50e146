"""JSON API for running a session live: agenda, controls, item controls, reactions, tables.
The console's buttons call these same routes (cookie + CSRF header instead of a bearer)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from session_engine import agenda as agenda_ops
from session_engine import controls, curation, late, reactions, tables
from session_engine.agenda import activate_step
from session_engine.models import Item, item_public
from session_engine.payloads import MetooChanged, StepControls
from session_engine.shapes import TableSeats, TableView
from session_engine.similarity import Suggestion, duplicate_suggestions
from session_engine.views import duplicates_board, visible_board

from .api import step_public
from .auth import ActorDep, DatabaseDep
from .schemas import (
    REFUSALS,
    Activate,
    AgendaOrder,
    BoardView,
    CommentCreate,
    CommentCreated,
    Flag,
    ItemPublic,
    ItemUpdate,
    JoinPanel,
    LateItem,
    Merge,
    MeTooSet,
    Split,
    Spotlight,
    StepCreate,
    StepPublic,
    StepUpdate,
    TableChoice,
    TablesCreate,
    TemplateCreate,
    TemplatePublic,
    TimerAction,
)
from .templating import asked_language, gettext

router = APIRouter(prefix="/api/sessions/{session_id}", tags=["facilitation"], responses=REFUSALS)


def item_out(item: Item) -> ItemPublic:
    return item_public(item)


# Agenda -------------------------------------------------------------------------------


@router.post("/steps", status_code=201, response_model=StepPublic)
async def add_step_route(
    body: StepCreate, actor: ActorDep, database: DatabaseDep, request: Request
) -> StepPublic:
    """Add a step to the agenda (facilitator), at `position`, right after the step on the
    screens (`after_current`), or at the end. Untitled, it is
    named after its scenario, or after its type in the language asked for (`X-VK-Lang`, as
    the console sends) or else the session's."""
    fields = body.model_dump(exclude_none=True, exclude={"position", "after_current"})
    step = await database.write(
        agenda_ops.add_step,
        actor=actor,
        position=body.position,
        after_current=body.after_current,
        fields=fields,
        language=asked_language(request),
        translate=gettext,
    )
    return step_public(step)


@router.patch("/steps/{step_id}", response_model=StepPublic)
async def update_step_route(
    step_id: int, body: StepUpdate, actor: ActorDep, database: DatabaseDep
) -> StepPublic:
    """Rename, re-text or re-time a step, or skip it, or several at once (facilitator): one
    change, all or nothing."""
    fields = body.model_dump(exclude_unset=True)
    step = await database.write(agenda_ops.update_step, actor=actor, step_id=step_id, fields=fields)
    return step_public(step)


@router.delete("/steps/{step_id}", status_code=204)
async def remove_step_route(step_id: int, actor: ActorDep, database: DatabaseDep) -> Response:
    """Remove a step that holds no contributions and is not on the screens (facilitator)."""
    await database.write(agenda_ops.remove_step, actor=actor, step_id=step_id)
    return Response(status_code=204)


@router.put("/agenda", response_model=list[StepPublic])
async def reorder_route(
    body: AgendaOrder, actor: ActorDep, database: DatabaseDep
) -> list[StepPublic]:
    """Reorder the agenda: list every step id once (facilitator)."""
    steps = await database.write(agenda_ops.reorder_steps, actor=actor, step_ids=body.step_ids)
    return [step_public(s) for s in steps]


@router.post("/steps/{step_id}/activate", response_model=StepPublic)
async def activate_route(
    step_id: int, actor: ActorDep, database: DatabaseDep, body: Activate | None = None
) -> StepPublic:
    """Show this step on every screen, or (table_id) on one table's screens (facilitator)."""
    table_id = body.table_id if body else None
    step = await database.write(activate_step, actor=actor, step_id=step_id, table_id=table_id)
    return step_public(step)


@router.post("/templates", status_code=201, response_model=TemplatePublic)
async def save_template_route(
    body: TemplateCreate, actor: ActorDep, database: DatabaseDep
) -> TemplatePublic:
    """Save this agenda as a template of the programme (facilitator)."""
    template = await database.write(agenda_ops.save_template, actor=actor, name=body.name)
    return TemplatePublic(id=template.id, name=template.name, steps=template.steps)


@router.get("/templates", response_model=list[TemplatePublic])
async def list_templates_route(actor: ActorDep, database: DatabaseDep) -> list[TemplatePublic]:
    """The programme's saved agendas (facilitator)."""
    found = await database.read(agenda_ops.saved_templates, actor=actor)
    return [TemplatePublic(id=t.id, name=t.name, steps=t.steps) for t in found]


# Live controls ------------------------------------------------------------------------


@router.put("/steps/{step_id}/locked", response_model=StepControls)
async def lock_route(
    step_id: int, body: Flag, actor: ActorDep, database: DatabaseDep
) -> StepControls:
    """Lock (true) or unlock (false) input on a step (facilitator)."""
    step = await database.write(
        controls.set_locked, actor=actor, step_id=step_id, locked=body.value
    )
    return controls.step_controls(step)


@router.put("/steps/{step_id}/blind", response_model=StepControls)
async def blind_route(
    step_id: int, body: Flag, actor: ActorDep, database: DatabaseDep
) -> StepControls:
    """Blind (true): participants see only their own items; false reveals all (facilitator)."""
    step = await database.write(controls.set_blind, actor=actor, step_id=step_id, blind=body.value)
    return controls.step_controls(step)


@router.put("/steps/{step_id}/join-panel", response_model=JoinPanel)
async def join_panel_route(
    step_id: int, body: JoinPanel, actor: ActorDep, database: DatabaseDep
) -> JoinPanel:
    """Show (true) or hide (false) the join panel on the projector during a step; null: shown
    until the board has items (facilitator)."""
    step = await database.write(
        controls.set_join_panel, actor=actor, step_id=step_id, shown=body.shown
    )
    return JoinPanel(shown=step.join_panel)


@router.post("/steps/{step_id}/timer", response_model=StepControls)
async def timer_route(
    step_id: int, body: TimerAction, actor: ActorDep, database: DatabaseDep
) -> StepControls:
    """start (optionally with seconds), pause, or add seconds (negative to take off)."""
    if body.action == "start":
        step = await database.write(
            controls.start_timer, actor=actor, step_id=step_id, seconds=body.seconds
        )
    elif body.action == "pause":
        step = await database.write(controls.pause_timer, actor=actor, step_id=step_id)
    else:
        step = await database.write(
            controls.add_time, actor=actor, step_id=step_id, seconds=body.seconds or 0
        )
    return controls.step_controls(step)


# Boards and item controls -------------------------------------------------------------


@router.get("/steps/{step_id}/board", response_model=BoardView)
async def board_route(
    step_id: int,
    actor: ActorDep,
    database: DatabaseDep,
    table_id: int | None = Query(None, description="One table's board (facilitator)."),
) -> Any:
    """The items of a step as the caller may see them: a participant their table's board
    (only their own items while the step is blind), the facilitator any table or all."""
    return await database.read(visible_board, actor=actor, step_id=step_id, table_id=table_id)


@router.get("/steps/{step_id}/duplicates", response_model=list[Suggestion])
async def duplicates_route(
    step_id: int, actor: ActorDep, database: DatabaseDep
) -> list[Suggestion]:
    """Likely duplicates on a step's board (all tables), most alike first (facilitator)."""
    found = await database.read(duplicates_board, actor=actor, step_id=step_id)
    # Scoring a large board takes seconds of CPU the first time: not on the event loop.
    return await run_in_threadpool(duplicate_suggestions, found.items())


@router.patch("/items/{item_id}", response_model=ItemPublic)
async def update_item_route(
    item_id: int, body: ItemUpdate, actor: ActorDep, database: DatabaseDep
) -> ItemPublic:
    """Edit the text, move to another column/theme, or star an item, or several at once
    (facilitator): one change, all or nothing."""
    item = await database.write(
        curation.update_item,
        actor=actor,
        item_id=item_id,
        text=body.text,
        category=body.category,
        theme=body.theme,
        starred=body.starred,
    )
    return item_out(item)


@router.post("/items/{item_id}/merge", response_model=ItemPublic)
async def merge_route(
    item_id: int, body: Merge, actor: ActorDep, database: DatabaseDep
) -> ItemPublic:
    """Merge `member_ids` into this item (facilitator); split undoes it."""
    item = await database.write(
        curation.merge_items,
        actor=actor,
        target_id=item_id,
        member_ids=body.member_ids,
        text=body.text,
    )
    return item_out(item)


@router.post("/items/{item_id}/split", response_model=list[ItemPublic])
async def split_route(
    item_id: int, actor: ActorDep, database: DatabaseDep, body: Split | None = None
) -> list[ItemPublic]:
    """Undo a merge: the members (or only `member_ids`, as the console's undo of one merge
    sends) become items of their own again (facilitator)."""
    member_ids = body.member_ids if body else None
    members = await database.write(
        curation.split_item, actor=actor, item_id=item_id, member_ids=member_ids
    )
    return [item_out(m) for m in members]


@router.delete("/items/{item_id}", status_code=204)
async def delete_route(item_id: int, actor: ActorDep, database: DatabaseDep) -> Response:
    """Take an item off the board; it can be restored (facilitator)."""
    await database.write(curation.delete_item, actor=actor, item_id=item_id)
    return Response(status_code=204)


@router.post("/items/{item_id}/restore", response_model=ItemPublic)
async def restore_route(item_id: int, actor: ActorDep, database: DatabaseDep) -> ItemPublic:
    """Put a deleted item back (facilitator)."""
    return item_out(await database.write(curation.restore_item, actor=actor, item_id=item_id))


@router.put("/spotlight", response_model=Spotlight)
async def spotlight_route(body: Spotlight, actor: ActorDep, database: DatabaseDep) -> Spotlight:
    """Show one item large on the projector, or null to stop (facilitator)."""
    shown = await database.write(curation.spotlight_item, actor=actor, item_id=body.item_id)
    return Spotlight(item_id=shown)


# Late items ---------------------------------------------------------------------------


@router.get("/late-items", response_model=list[LateItem])
async def late_items_route(actor: ActorDep, database: DatabaseDep) -> list[LateItem]:
    """Items that arrived after input closed: the facilitator's all, a participant's own."""
    return await database.read(late.visible_late_items, actor=actor)


@router.post("/late-items/{item_id}/admit", response_model=ItemPublic)
async def admit_late_route(item_id: int, actor: ActorDep, database: DatabaseDep) -> ItemPublic:
    """Let a late item in: it joins its step's board (facilitator)."""
    return item_out(await database.write(late.admit_late_item, actor=actor, item_id=item_id))


@router.post("/late-items/{item_id}/decline", response_model=LateItem)
async def decline_late_route(item_id: int, actor: ActorDep, database: DatabaseDep) -> LateItem:
    """Decline a late item: it stays off the board, its author sees it declined (facilitator)."""
    return await database.write(late.decline_late_item, actor=actor, item_id=item_id)


@router.post("/late-items/admit", response_model=list[ItemPublic])
async def admit_all_late_route(actor: ActorDep, database: DatabaseDep) -> list[ItemPublic]:
    """Let every waiting late item in (facilitator)."""
    return [item_out(i) for i in await database.write(late.admit_late_items, actor=actor)]


@router.post("/late-items/decline", response_model=list[LateItem])
async def decline_all_late_route(actor: ActorDep, database: DatabaseDep) -> list[LateItem]:
    """Decline every waiting late item (facilitator)."""
    return await database.write(late.decline_late_items, actor=actor)


# Participants' reactions --------------------------------------------------------------


@router.put("/items/{item_id}/metoo", response_model=MetooChanged)
async def metoo_route(
    item_id: int, body: MeTooSet, actor: ActorDep, database: DatabaseDep
) -> MetooChanged:
    """Press (on) or withdraw (off) "me too" on an item (participant); one per item."""
    count = await database.write(reactions.set_metoo, actor=actor, item_id=item_id, on=body.on)
    return MetooChanged(item_id=item_id, metoo=count)


@router.post(
    "/items/{item_id}/comments",
    status_code=201,
    response_model=CommentCreated,
    responses={200: {"model": CommentCreated, "description": "Sent before: the same comment"}},
)
async def comment_route(
    item_id: int, body: CommentCreate, actor: ActorDep, database: DatabaseDep
) -> JSONResponse:
    """Add a clarification or counter-argument under an item (participant; anonymous)."""
    added = await database.write(
        reactions.add_comment,
        actor=actor,
        item_id=item_id,
        client_id=body.client_id,
        text=body.text,
    )
    comment = added.comment
    assert comment.id is not None
    created = CommentCreated(
        id=comment.id, item_id=comment.item_id, text=comment.text, seq=comment.seq
    )
    return JSONResponse(created.model_dump(), status_code=201 if added.created else 200)


# Round tables -------------------------------------------------------------------------


@router.post("/tables", status_code=201, response_model=list[TableView])
async def add_tables_route(
    body: TablesCreate, actor: ActorDep, database: DatabaseDep
) -> list[TableView]:
    """Add round tables by name (facilitator)."""
    added = await database.write(tables.add_tables, actor=actor, names=body.names)
    return [tables.table_view(t) for t in added]


@router.get("/tables", response_model=list[TableSeats])
async def list_tables_route(actor: ActorDep, database: DatabaseDep) -> list[TableSeats]:
    """The session's tables with how many participants sit at each."""
    return await database.read(tables.seated_tables, actor.session_id)


@router.put("/table", response_model=TableChoice)
async def choose_table_route(
    body: TableChoice, actor: ActorDep, database: DatabaseDep
) -> TableChoice:
    """Sit at (or move to) a table (participant)."""
    await database.write(tables.choose_table, actor=actor, table_id=body.table_id)
    return body
