"""A participant takes back what they wrote, from their own device, while the step is open:
withdraw or reword their own item, withdraw their ballot. The events are the ones a
facilitator's change records (`item_deleted`, `item_edited`, `ballot_cast`), so every screen
follows without knowing who acted.

The rules (docs/privacy.md, "Taking back"): only the author; only while the item's step is on
their screen with input open; not an item that arrived late, nor one that is merged (as a
member or with members: the facilitator's merge made it shared). Rewording is also refused
once anyone reacted to the item ("me too", a comment), since their reaction was to the first
words; withdrawing is always allowed then. Nobody may have voted on it yet in an importance
vote: that vote counted it.

A withdrawn item is gone, not in the facilitator's bin: its row, its "me too"s and comments
are deleted, and the words are removed from its earlier events in the log (they keep where
the item was, as a blind round's hidden item does), so a later replay cannot show them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func
from sqlmodel import col, select

from .actors import Actor, require_participant
from .curation import edited_event
from .errors import N_, Conflict, Forbidden, NotFound
from .items import clean_text, require_input_open, shows_step
from .models import Ballot, Comment, Event, Item, MeToo
from .payloads import BallotCast, EventType, ItemDeleted
from .sessions import get_session, get_step, writable_session
from .shapes import HiddenItem
from .store.db import Db, storable_id
from .store.events import record_event
from .votes import count_voters, require_voter

# Events whose `item` holds one item's words, or whose `items` list several (the reveal of a
# blind round, late items let in), each keyed by its id.
_WORDED = (
    EventType.ITEM_ADDED,
    EventType.ITEM_LATE,
    EventType.ITEM_EDITED,
    EventType.ITEM_MOVED,
    EventType.ITEM_RESTORED,
    EventType.VISIBILITY_CHANGED,
    EventType.LATE_ITEMS_ADMITTED,
)


def own_item(db: Db, actor: Actor, item_id: int) -> Item:
    """The caller's own item, open to change now; anyone else's is answered as not found
    (a refusal must not tell who wrote what)."""
    participant_id = require_participant(actor, Forbidden(N_("Only its author can do this.")))
    writable_session(db, actor.session_id)
    item = db.get(Item, item_id) if storable_id(item_id) else None
    if (
        item is None
        or item.session_id != actor.session_id
        or item.participant_id != participant_id
        or item.deleted_at is not None
    ):
        raise NotFound(N_("No item %(item_id)s of yours in this session."), item_id=item_id)
    _check_open(db, actor, item)
    return item


def _check_open(db: Db, actor: Actor, item: Item) -> None:
    if item.late is not None:
        raise Conflict(N_("This item arrived late: the facilitator decides on it."))
    if item.merged_into_id is not None or _has_members(db, item):
        raise Conflict(N_("The facilitator merged this item with others: it is not yours alone."))
    if not shows_step(db, actor, item.step_id):
        raise Conflict(N_("This item is not on your screen now."))
    require_input_open(get_step(db, actor.session_id, item.step_id))
    if _voted_on(db, item):
        raise Conflict(N_("Someone has voted on this item already."))


def _has_members(db: Db, item: Item) -> bool:
    query = select(func.count()).where(col(Item.merged_into_id) == item.id)
    return bool(db.scalar(query))


def _voted_on(db: Db, item: Item) -> bool:
    """Whether a ballot names this item (importance votes name items by id)."""
    query = select(func.count()).where(
        col(Ballot.session_id) == item.session_id, col(Ballot.subject) == str(item.id)
    )
    return bool(db.scalar(query))


def _reacted_to(db: Db, item: Item) -> bool:
    metoos = db.scalar(select(func.count()).where(col(MeToo.item_id) == item.id))
    comments = db.scalar(select(func.count()).where(col(Comment.item_id) == item.id))
    return bool(metoos or comments)


def withdraw_item(db: Db, *, actor: Actor, item_id: int) -> int:
    """Take one's own item back: gone from every board, the bin and the log's words."""
    item = own_item(db, actor, item_id)
    session = get_session(db, actor.session_id)
    if session.spotlight_item_id == item.id:
        session.spotlight_item_id = None
        db.add(session)
    db.execute(delete(MeToo).where(col(MeToo.item_id) == item.id))
    db.execute(delete(Comment).where(col(Comment.item_id) == item.id))
    _forget_words(db, item, comments=True)
    step_id = item.step_id
    db.delete(item)
    db.flush()
    record_event(db, actor.session_id, ItemDeleted(item_id=item_id, step_id=step_id))
    return item_id


def edit_own_item(db: Db, *, actor: Actor, item_id: int, text: str) -> Item:
    """Reword one's own item before anyone reacted to it; the earlier words leave the log."""
    item = own_item(db, actor, item_id)
    if _reacted_to(db, item):
        raise Conflict(N_("Others reacted to this item already: withdraw it instead."))
    item.text = clean_text(text)
    db.add(item)
    _forget_words(db, item)
    record_event(db, actor.session_id, edited_event(db, item))
    return item


def _forget_words(db: Db, item: Item, *, comments: bool = False) -> None:
    """Strip the item's words from its earlier events: what is left says where it was. Its
    words also travel as a member of another item it was once merged into (a merge the
    facilitator split again), and with `comments` (the item withdrawn) the words of the
    comments deleted with it leave their events too."""
    events = list(
        db.scalars(
            select(Event)
            .where(
                col(Event.session_id) == item.session_id,
                col(Event.type).in_([t.value for t in (*_WORDED, *_MEMBERED, *_COMMENTED)]),
            )
            .order_by(col(Event.seq))
        )
    )
    texts = {item.text} | {t for e in events for t in _texts_of(e.data, item)}
    for event in events:
        data: dict[str, Any] = event.data
        found: Any = data.get("item")
        listed = data.get("items")
        if _names(found, item):
            event.data = {**data, "item": _without_words(found)}
        elif isinstance(listed, list) and any(_names(i, item) for i in listed):
            event.data = {**data, "items": _listed_without(event.type, listed, item)}
        elif event.type in _MEMBERED and _has_member(found, texts):
            members = [m for m in found["members"] if m not in texts]
            ids = [i for i in found.get("member_ids", []) if i != item.id]
            event.data = {**data, "item": {**found, "members": members, "member_ids": ids}}
        elif comments and event.type in _COMMENTED and _comment_on(data.get("comment"), item):
            kept = {k: v for k, v in data["comment"].items() if k != "text"}
            event.data = {**data, "comment": kept}
        else:
            continue
        db.add(event)


# Events whose item lists the words of the items merged into it (`members`).
_MEMBERED = (EventType.ITEMS_MERGED, EventType.ITEM_SPLIT)
_COMMENTED = (EventType.COMMENT_ADDED,)


def _texts_of(data: dict[str, Any], item: Item) -> list[str]:
    """Every wording of the item an event holds."""
    shown = [data.get("item"), *(data.get("items") or [])]
    return [s["text"] for s in shown if _names(s, item) and isinstance(s["text"], str)]


def _has_member(shown: Any, texts: set[str]) -> bool:
    members = shown.get("members") if isinstance(shown, dict) else None
    return isinstance(members, list) and any(m in texts for m in members)


def _comment_on(comment: Any, item: Item) -> bool:
    return isinstance(comment, dict) and comment.get("item_id") == item.id and "text" in comment


def _names(shown: Any, item: Item) -> bool:
    return isinstance(shown, dict) and shown.get("id") == item.id and "text" in shown


def _listed_without(type_: str, listed: list[Any], item: Item) -> list[Any]:
    """A list of items without this one's words: a reveal lists only readable items, so it
    leaves the item out (the edit's own event brings new words); others keep where it was."""
    if type_ == EventType.VISIBILITY_CHANGED:
        return [i for i in listed if not _names(i, item)]
    return [_without_words(i) if _names(i, item) else i for i in listed]


def _without_words(shown: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in shown.items() if k in HiddenItem.model_fields}


def withdraw_ballot(db: Db, *, actor: Actor, step_id: int) -> int:
    """Withdraw one's whole ballot in a step while the vote is open; returns the voters left."""
    writable_session(db, actor.session_id)  # concurrent voters: exact voter counts
    step = require_voter(db, actor, step_id)
    own = select(Ballot).where(
        col(Ballot.step_id) == step_id, col(Ballot.participant_id) == actor.participant_id
    )
    ballots = list(db.scalars(own))
    if not ballots:
        return count_voters(db, step_id)  # nothing to withdraw, no event
    for ballot in ballots:
        db.delete(ballot)
    db.flush()
    voters = count_voters(db, step_id)
    assert step.id is not None
    record_event(db, actor.session_id, BallotCast(step_id=step.id, voters=voters))
    return voters
