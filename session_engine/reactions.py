"""What participants add to others' items: "me too" (one per participant per item, can be
withdrawn) and comments. Both are anonymous: counts and texts, never who."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from .actors import Actor, require_participant
from .curation import get_item
from .errors import N_, Conflict, NotFound
from .items import (
    clean_client_id,
    clean_text,
    require_input_open,
    shows_step,
    source_steps,
    step_on_screen,
)
from .models import Comment, Item, MeToo
from .payloads import CommentAdded, CommentPublic, MetooChanged
from .sessions import get_step, writable_session
from .store.db import Db
from .store.events import record_event
from .visibility import Reader, can_read, is_hidden

REACTION_STEP_TYPES = ("brainstorm", "converge")


def _require_participant(actor: Actor) -> int:
    return require_participant(actor)


def _reaction_step(db: Db, actor: Actor, item: Item) -> int | None:
    """The board a participant reacts on: their step's, or in an open online round the item's."""
    on_screen = step_on_screen(db, actor)
    if on_screen is None and shows_step(db, actor, item.step_id):
        return item.step_id
    return on_screen


def _reactable(db: Db, actor: Actor, item: Item) -> None:
    """Reactions go to items on the board the participant has in front of them; an item
    hidden from them (blind round) or off the board (late) is answered as if it did not exist."""
    if item.late is not None or not can_read(db, item, Reader.of(actor)):
        raise NotFound(N_("No item %(item_id)s in this session."), item_id=item.id)
    if item.deleted_at is not None:
        raise Conflict(N_("The facilitator has removed this item."))
    step_id = _reaction_step(db, actor, item)
    if step_id is None:
        raise Conflict(N_("This item is not on your screen now."))
    step = get_step(db, actor.session_id, step_id)
    if step.type not in REACTION_STEP_TYPES or item.step_id not in source_steps(
        db, actor.session_id, step
    ):
        raise Conflict(N_("This item is not on your screen now."))
    if item.merged_into_id is not None:
        raise Conflict(N_("This item is part of a merged item: react to that one."))
    require_input_open(step)


def metoo_count(db: Db, item_id: int) -> int:
    query = select(func.count()).select_from(MeToo).where(col(MeToo.item_id) == item_id)
    return int(db.scalar(query) or 0)


def authors(db: Db, item_id: int) -> set[int]:
    """Who wrote the item or an item merged into it: their "me too" would count them twice."""
    query = select(Item.participant_id).where(
        (col(Item.id) == item_id) | (col(Item.merged_into_id) == item_id)
    )
    return {p for p in db.scalars(query) if p is not None}


def presses_that_count(
    items: Iterable[Sequence[Any]], presses: Iterable[Sequence[Any]]
) -> dict[int, list[int]]:
    """Which "me too" presses a report counts, per entry (an item with the items merged into
    it): once per person over the entry, never one by someone who wrote part of it. `items`
    are (id, merged into, author), `presses` (id, item id, who). A press whose presser was
    dropped at close always counts: closing deleted the ones that did not (closing.unlink)."""
    lead_of: dict[int, int] = {}
    said: dict[int, set[int | None]] = {}
    for item_id, merged_into_id, author in items:
        lead = merged_into_id if merged_into_id is not None else item_id
        lead_of[item_id] = lead
        said.setdefault(lead, set()).add(author)
    counted: dict[int, list[int]] = {lead: [] for lead in said}
    seen: set[tuple[int, int]] = set()
    # The entry's own presses first, then its members', each in the order they were made.
    for press_id, item_id, who in sorted(presses, key=lambda p: (lead_of.get(p[1]) != p[1], p[0])):
        lead = lead_of.get(item_id)
        if lead is None or (who is not None and (who in said[lead] or (lead, who) in seen)):
            continue
        if who is not None:
            seen.add((lead, who))
        counted[lead].append(press_id)
    return counted


def set_metoo(db: Db, *, actor: Actor, item_id: int, on: bool) -> int:
    """Press or withdraw "me too"; pressing twice counts once. Returns the new count."""
    participant_id = _require_participant(actor)
    writable_session(db, actor.session_id)  # concurrent presses: exact counts
    item = get_item(db, actor.session_id, item_id, allow_deleted=True)
    _reactable(db, actor, item)
    existing = db.scalars(
        select(MeToo).where(
            col(MeToo.item_id) == item_id, col(MeToo.participant_id) == participant_id
        )
    ).first()
    if on == (existing is not None):
        return metoo_count(db, item_id)  # nothing changes, no event
    if on and participant_id in authors(db, item_id):
        raise Conflict(N_("You wrote this item: “me too” is for other people's items."))
    if on:
        db.add(MeToo(item_id=item_id, participant_id=participant_id))
    else:
        db.delete(existing)
    db.flush()
    count = metoo_count(db, item_id)
    record_event(db, actor.session_id, MetooChanged(item_id=item_id, metoo=count))
    return count


@dataclass(frozen=True, slots=True)
class AddedComment:
    comment: Comment
    created: bool


def add_comment(db: Db, *, actor: Actor, item_id: int, client_id: str, text: str) -> AddedComment:
    """A clarification or counter-argument under an item; a retry stores it once."""
    participant_id = _require_participant(actor)
    client_id = clean_client_id(client_id)
    writable_session(db, actor.session_id)  # a concurrent retry finds the first one
    existing = db.scalars(
        select(Comment).where(
            col(Comment.session_id) == actor.session_id,
            col(Comment.participant_id) == participant_id,
            col(Comment.client_id) == client_id,
        )
    ).first()
    if existing is not None:
        return AddedComment(existing, created=False)
    item = get_item(db, actor.session_id, item_id, allow_deleted=True)
    _reactable(db, actor, item)
    comment = Comment(
        session_id=actor.session_id,
        item_id=item_id,
        participant_id=participant_id,
        client_id=client_id,
        text=clean_text(text),
        seq=0,
    )
    db.add(comment)
    db.flush()
    count = db.scalar(select(func.count()).where(col(Comment.item_id) == item_id))
    assert comment.id is not None
    data = CommentAdded(
        comment=CommentPublic(id=comment.id, item_id=item_id, text=comment.text),
        comments=int(count or 0),  # the item's comments now, for every screen's count
        hidden=is_hidden(db, [item]),
    )
    comment.seq = record_event(db, actor.session_id, data)
    return AddedComment(comment, created=True)
