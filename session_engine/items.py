"""Brainstorm items: adding them (idempotently, per client id) and reading a board."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, func, insert, update
from sqlmodel import col, select

from .actors import Actor, require_participant
from .content import Content
from .controls import input_open
from .errors import N_, Conflict, Forbidden, Invalid, NotFound
from .models import (
    Comment,
    Item,
    MeToo,
    Participant,
    Programme,
    RoundTable,
    Session,
    Step,
    item_public,
    table_of,
    utcnow,
)
from .online import ONLINE, arrival_state, is_online, window_refusal
from .payloads import ItemAdded, ItemLate
from .programmes import cached_content, get_programme
from .sessions import agenda, get_session, get_step
from .shapes import BoardView, ItemView, LateState
from .store.db import Db, storable_id
from .store.events import SESSION_CLOSED, append_event
from .store.prepared import Prepared
from .visibility import FACILITATOR, Reader, blind_steps, readable, visibility_of

MAX_TEXT = 1000  # the refusal message below states it too
MAX_CLIENT_ID = 64
INPUT_STEP_TYPES = ("brainstorm",)
ALL_TABLES = -1  # board(): every table's items


@dataclass(frozen=True, slots=True)
class AddedItem:
    item: Item
    seq: int
    created: bool  # False when this was a retry of an item already stored

    @property
    def late(self) -> bool:
        """Kept as late: it arrived after input closed (session_engine/late.py)."""
        return self.item.late is not None


def clean_text(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise Invalid(N_("The text is empty."))
    if len(stripped) > MAX_TEXT:
        raise Invalid(N_("The text is too long: at most 1000 characters."))
    return stripped


def clean_client_id(client_id: str) -> str:
    if not client_id or len(client_id) > MAX_CLIENT_ID or not client_id.isprintable():
        raise Invalid(N_("client_id must be 1 to %(max)s printable characters."), max=MAX_CLIENT_ID)
    return client_id


def participant_table(db: Db, actor: Actor) -> int | None:
    participant = db.get(Participant, actor.participant_id)
    return participant.table_id if participant else None


def effective_step_id(db: Db, session_id: str, table_id: int | None) -> int | None:
    """The step a table follows: its own when pushed to it alone, else the session's."""
    table = db.get(RoundTable, table_id) if table_id is not None and storable_id(table_id) else None
    if table is not None and table.active_step_id is not None:
        return table.active_step_id
    return get_session(db, session_id).active_step_id


def step_on_screen(db: Db, actor: Actor) -> int | None:
    """The step a participant has in front of them; None in an online round, where each is on
    a step of their own choosing (online.py): any of its steps counts while it is open."""
    session = get_session(db, actor.session_id)
    if is_online(session):
        return None
    return effective_step_id(db, actor.session_id, participant_table(db, actor))


def shows_step(db: Db, actor: Actor, step_id: int) -> bool:
    """Is this step on the participant's screen (in an online round: is the round open)?"""
    session = get_session(db, actor.session_id)
    if is_online(session):
        return window_refusal(session.opens_at, session.closes_at) is None
    return effective_step_id(db, actor.session_id, participant_table(db, actor)) == step_id


def require_input_open(step: Step) -> None:
    if not input_open(step):
        raise Conflict(N_("Input is locked for this step."))


def visible(query: Any) -> Any:
    """Items on a board: not deleted, not merged into another item, not late (waiting for the
    facilitator or declined: session_engine/late.py)."""
    return query.where(
        col(Item.deleted_at).is_(None),
        col(Item.merged_into_id).is_(None),
        col(Item.late).is_(None),
    )


# add_item is the hottest write (every participant, in bursts), so a new item takes seven
# prepared Core statements instead of ORM loads: the session row, locked, with its programme's
# content hash and last seq (_SESSION_STATE); the participant's table, that table's own step and
# an earlier item with this client id, in one query (_PARTICIPANT_STATE); the step (_STEP); the
# insert (_INSERT_ITEM); one count of the column, all tables and this one, read from the index
# of items on a board alone (_COUNTS; ix_item_board, migration 0015); the seq
# (_TAKE_SEQ); the event (events.append_event). A retry stops after the second. The validated
# content comes from the per-process cache (sessions.cached_content).
_SESSION_STATE = Prepared(
    select(
        col(Session.active_step_id),
        col(Session.programme_id),
        col(Session.last_seq),
        col(Programme.content_hash),
    )
    .add_columns(
        col(Session.closed_at),
        col(Session.kind),
        col(Session.opens_at),
        col(Session.closes_at),
        col(Session.hold_for_review),
    )
    .join(Programme, col(Programme.id) == col(Session.programme_id))
    .where(col(Session.id) == bindparam("session_id"))
    .with_for_update(of=table_of(Session))
)
_PARTICIPANT_STATE = Prepared(
    select(col(Participant.table_id), col(RoundTable.active_step_id), col(Item.id))
    .select_from(Participant)
    .outerjoin(RoundTable, col(RoundTable.id) == col(Participant.table_id))
    .outerjoin(
        Item,
        and_(
            col(Item.session_id) == col(Participant.session_id),
            col(Item.participant_id) == col(Participant.id),
            col(Item.client_id) == bindparam("client_id"),
        ),
    )
    .where(
        col(Participant.id) == bindparam("participant_id"),
        col(Participant.session_id) == bindparam("session_id"),
    )
)
_STEP = Prepared(
    table_of(Step)
    .select()
    .where(col(Step.id) == bindparam("step_id"), col(Step.session_id) == bindparam("session_id"))
)
_INSERT_ITEM = Prepared(
    insert(table_of(Item))
    .values(
        {c.name: bindparam(c.name, type_=c.type) for c in table_of(Item).columns if c.name != "id"}
    )
    .returning(col(Item.id))
)
_COUNTS = Prepared(
    visible(
        select(
            func.count(),
            func.coalesce(
                func.sum(
                    case(
                        (col(Item.table_id).is_not_distinct_from(bindparam("table_id")), 1), else_=0
                    )
                ),
                0,
            ),
        ).where(
            col(Item.step_id) == bindparam("step_id"), col(Item.category) == bindparam("category")
        )
    )
)
_WAITING = Prepared(
    select(func.count()).where(
        col(Item.session_id) == bindparam("session_id"), col(Item.late) == LateState.WAITING
    )
)
_TAKE_SEQ = Prepared(
    update(table_of(Session))
    .where(col(Session.id) == bindparam("session_id"))
    .values(last_seq=bindparam("seq"))
)


def add_item(
    db: Db,
    *,
    actor: Actor,
    client_id: str,
    step_id: int,
    category: str,
    text: str,
    theme: str | None = None,
    now: datetime | None = None,
) -> AddedItem:
    """Add a participant's item to the active brainstorm step; a retry returns the first. An
    item that arrives after input closed, or for a step no longer on its author's screen, is
    kept as late (off the board until the facilitator lets it in), never refused. An online
    round takes items for any of its brainstorms (online.arrival_state, at `now`)."""
    participant_id = require_participant(actor, Forbidden(N_("Only participants add items.")))
    client_id = clean_client_id(client_id)
    connection = db.connection()
    sid = actor.session_id
    # The session's row lock first (PostgreSQL; SQLite's one write thread holds the database): the
    # retry check, the counts and the seq below are then exact under concurrent writers.
    session = _SESSION_STATE.first(connection, {"session_id": sid})
    if session is None:
        raise NotFound(N_("No session with id %(session_id)r."), session_id=sid)
    if session.closed_at is not None:  # append_event, unlike record_event, does not check
        raise Forbidden(SESSION_CLOSED)
    seat = _PARTICIPANT_STATE.first(
        connection,
        {"participant_id": actor.participant_id, "session_id": sid, "client_id": client_id},
    )
    if seat is None:
        raise Forbidden(N_("This token does not give access to this session."))
    table_id, table_step_id, existing_id = seat
    if existing_id is not None:
        existing = db.get_one(Item, existing_id)
        return AddedItem(existing, existing.seq, created=False)
    row = (
        _STEP.first(connection, {"step_id": step_id, "session_id": sid})
        if storable_id(step_id)
        else None
    )
    if row is None:
        raise NotFound(N_("No step %(step_id)s in this session."), step_id=step_id)
    # Read-only copies: neither is added to the ORM session (no identity map, no flush).
    step = Step.model_construct(**row._asdict())
    if step.type not in INPUT_STEP_TYPES:
        raise Conflict(N_("A %(type)s step takes no items."), type=step.type)
    state = _arrival(session, step, table_step_id, now)
    late = state is not None
    content = cached_content(
        session.content_hash, lambda: get_programme(db, session.programme_id).content
    )
    values: dict[str, Any] = {
        "session_id": sid,
        "step_id": step_id,
        "participant_id": participant_id,
        "client_id": client_id,
        "category": category,
        "theme": check_category(content, category, theme),
        "text": clean_text(text),
        "seq": session.last_seq + 1,
        "table_id": table_id,
        "starred": False,
        "deleted_at": None,
        "merged_into_id": None,
        "late": state,
        "created_at": utcnow(),
    }
    (item_id,) = _INSERT_ITEM.one(connection, values)
    item = Item.model_construct(id=item_id, **values)
    data = _late_event(connection, item) if late else _added_event(connection, item, step)
    _TAKE_SEQ.run(connection, {"session_id": sid, "seq": item.seq})
    append_event(db, sid, item.seq, data, connection=connection)
    return AddedItem(item, item.seq, created=True)


def _arrival(
    session: Any, step: Step, table_step_id: int | None, now: datetime | None
) -> str | None:
    """Where a new item stands: on the board (None), late, or held for an online round's review."""
    if session.kind == ONLINE:
        return arrival_state(session, step, now)
    late = (table_step_id or session.active_step_id) != step.id or not input_open(step)
    return LateState.WAITING if late else None


def _added_event(connection: Connection, item: Item, step: Step) -> ItemAdded:
    total, at_table = _COUNTS.one(
        connection, {"step_id": item.step_id, "category": item.category, "table_id": item.table_id}
    )
    return ItemAdded(
        item=item_public(item),
        column_count=int(at_table),
        total_count=int(total),
        hidden=step.blind,  # others' streams carry no words until the reveal
    )


def _late_event(connection: Connection, item: Item) -> ItemLate:
    """A late item's event: its words only for the facilitator, with the number waiting."""
    (waiting,) = _WAITING.one(connection, {"session_id": item.session_id})
    return ItemLate(item=item_public(item), waiting=int(waiting), hidden=True)


def check_category(content: Content, category: str, theme: str | None) -> str | None:
    """The theme to store for an item in `category`, or a refusal."""
    found = content.category(category)
    if found is None:
        known = ", ".join(c.key for c in content.scenarios_file.categories)
        raise Invalid(
            N_("Unknown category %(category)r; choose one of %(known)s."),
            category=category,
            known=known,
        )
    if not found.themed:
        if theme:
            raise Invalid(N_("Items in %(category)r take no theme."), category=category)
        return None
    if not theme:
        raise Invalid(N_("An item in %(category)r needs a theme."), category=category)
    if content.theme(theme) is None:
        known = ", ".join(t.key for t in content.scenarios_file.themes)
        raise Invalid(
            N_("Unknown theme %(theme)r; choose one of %(known)s."), theme=theme, known=known
        )
    return theme


def source_steps(db: Db, session_id: str, step: Step) -> list[int]:
    """The steps whose items a board shows: a converge step pools its scenario's brainstorms."""
    assert step.id is not None
    if step.type != "converge":
        return [step.id]
    return pooled_by(agenda(db, session_id), step)


def pooled_by(steps: list[Step], step: Step) -> list[int]:
    """The steps of this agenda whose items a board of `step` shows (source_steps, pure)."""
    if step.type != "converge":
        return [step.id] if step.id is not None else []
    return [
        s.id
        for s in steps
        if s.id is not None and s.type == "brainstorm" and s.scenario_key == step.scenario_key
    ]


def board(
    db: Db,
    *,
    session_id: str,
    step_id: int,
    table_id: int | None = ALL_TABLES,
    reader: Reader = FACILITATOR,
) -> BoardView:
    """The visible items of a step (of one table, or all), with merged members, me-too counts
    and comments, grouped by category, oldest first; as `reader` may see them (blind rounds:
    session_engine/visibility.py), with a count of the items left out."""
    step = get_step(db, session_id, step_id)
    query = visible(select(Item)).where(
        col(Item.session_id) == session_id,
        col(Item.step_id).in_(source_steps(db, session_id, step)),
    )
    if table_id != ALL_TABLES and step.type != "converge":
        query = query.where(col(Item.table_id) == table_id)
    items = list(db.scalars(query.order_by(col(Item.seq))))
    blind = blind_steps(db, session_id)
    shown = [i for i in items if readable(i, blind, reader)]
    result = BoardView(step_id=step_id, hidden=len(items) - len(shown))
    if result.hidden:  # the headings count what the room wrote, as the live updates do
        result.totals = dict(Counter(i.category for i in items))
    for view in item_views(db, shown, reader=reader):
        result.columns.setdefault(view.category, []).append(view)
    return result


def item_views(db: Db, items: list[Item], *, reader: Reader = FACILITATOR) -> list[ItemView]:
    """Items as every screen shows them: text, merged members, counts, comments. A member
    merged in from a blind step shows only to those who may read it."""
    ids = [i.id for i in items]
    blind = blind_steps(db, items[0].session_id) if items else frozenset()
    members: dict[int, list[str]] = defaultdict(list)
    member_ids: dict[int, list[int]] = defaultdict(list)
    for member in db.scalars(
        select(Item)
        .where(col(Item.merged_into_id).in_(ids), col(Item.deleted_at).is_(None))
        .order_by(col(Item.seq))
    ):
        assert member.merged_into_id is not None
        if readable(member, blind, reader):
            members[member.merged_into_id].append(member.text)
            member_ids[member.merged_into_id].append(member.id or 0)
    metoo = dict(
        db.execute(
            select(MeToo.item_id, func.count())
            .where(col(MeToo.item_id).in_(ids))
            .group_by(col(MeToo.item_id))
        ).all()
    )
    comments: dict[int, list[str]] = defaultdict(list)
    for comment in db.scalars(
        select(Comment).where(col(Comment.item_id).in_(ids)).order_by(col(Comment.seq))
    ):
        comments[comment.item_id].append(comment.text)
    return [
        ItemView(
            **item_public(item).model_dump(),
            starred=item.starred,
            members=members.get(item.id or 0, []),
            member_ids=member_ids.get(item.id or 0, []),
            mentions=1 + len(members.get(item.id or 0, [])),
            metoo=metoo.get(item.id or 0, 0),
            comments=comments.get(item.id or 0, []),
            visibility=visibility_of(item, blind),
        )
        for item in items
    ]


def own_metoos(db: Db, participant_id: int) -> set[int]:
    """Items this participant pressed "me too" on (shown only to them)."""
    return set(db.scalars(select(MeToo.item_id).where(col(MeToo.participant_id) == participant_id)))


def own_items(db: Db, participant_id: int) -> set[int]:
    """Items this participant wrote and may still see on a board (shown only to them, with
    the buttons to take them back: session_engine/takeback.py)."""
    query = select(Item.id).where(
        col(Item.participant_id) == participant_id, col(Item.deleted_at).is_(None)
    )
    return {i for i in db.scalars(query) if i is not None}
