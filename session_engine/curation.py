"""The facilitator's item controls: edit, move, merge and split, delete and restore, star,
and show one item large on the projector. Each is an event; nothing changes in place."""

from __future__ import annotations

from sqlmodel import col, select

from .actors import Actor, require_facilitator
from .errors import N_, Conflict, Invalid, NotFound
from .items import check_category, clean_text, item_views
from .models import Item, item_public, utcnow
from .payloads import (
    ItemDeleted,
    ItemEdited,
    ItemMoved,
    ItemRestored,
    ItemsMerged,
    ItemSplit,
    ItemSpotlighted,
    ItemStarred,
    Payload,
)
from .programmes import get_programme, programme_content
from .sessions import get_session, get_step
from .shapes import ItemView, StarredItem
from .store.db import Db, storable_id
from .store.events import record_event
from .visibility import is_hidden


def get_item(db: Db, session_id: str, item_id: int, *, allow_deleted: bool = False) -> Item:
    """An item of this session; deleted ones only when asked for (to restore them)."""
    item = db.get(Item, item_id) if storable_id(item_id) else None
    if item is None or item.session_id != session_id:
        raise NotFound(N_("No item %(item_id)s in this session."), item_id=item_id)
    if item.deleted_at is not None and not allow_deleted:
        raise Conflict(N_("Item %(item_id)s was deleted: restore it first."), item_id=item_id)
    return item


def board_item(db: Db, session_id: str, item_id: int, *, allow_deleted: bool = False) -> Item:
    """An item the facilitator can work on: not one that arrived late and waits (late.py)."""
    item = get_item(db, session_id, item_id, allow_deleted=allow_deleted)
    if item.late is not None:
        raise Conflict(N_("Item %(item_id)s arrived late: let it in first."), item_id=item_id)
    return item


def _view(db: Db, item: Item) -> ItemView:
    return item_views(db, [item])[0]


def update_item(
    db: Db,
    *,
    actor: Actor,
    item_id: int,
    text: str | None = None,
    category: str | None = None,
    theme: str | None = None,
    starred: bool | None = None,
) -> Item:
    """Edit an item's wording, move it (with its merged members) to another column or theme,
    star it, or any of these at once: all is checked before anything changes, and the change is
    one event. None leaves a field as it is; a theme without a category keeps the column."""
    require_facilitator(actor)
    moved = category is not None or theme is not None
    if text is None and not moved and starred is None:
        raise Invalid(N_("Nothing to change: give text, category (and theme) or starred."))
    item = board_item(db, actor.session_id, item_id)
    new_text = item.text if text is None else clean_text(text)
    new_category = item.category if category is None else category
    new_theme = item.theme
    if moved:
        content = programme_content(
            get_programme(db, get_session(db, actor.session_id).programme_id)
        )
        new_theme = check_category(content, new_category, theme)
    item.text, item.category, item.theme = new_text, new_category, new_theme
    if starred is not None:
        item.starred = starred
    if moved:
        for member in _members(db, item):  # merged members travel with their item
            member.category, member.theme = item.category, item.theme
            db.add(member)
    db.add(item)
    record_event(
        db, actor.session_id, _update_event(db, item, moved=moved, edited=text is not None)
    )
    return item


def _update_event(db: Db, item: Item, *, moved: bool, edited: bool) -> Payload:
    """The one event of an update, the most specific one screens know: a move redraws the
    stage (so it shows a new text and star too), an edit redraws the item (with its star)."""
    if not moved and not edited:
        assert item.id is not None
        return ItemStarred(item_id=item.id, starred=item.starred)
    starred = StarredItem(**item_public(item).model_dump(), starred=item.starred)
    kind = ItemMoved if moved else ItemEdited
    return kind(item=starred, hidden=is_hidden(db, [item]))


def edited_event(db: Db, item: Item) -> Payload:
    """The event of a change of wording alone (its author's too: session_engine/takeback.py)."""
    return _update_event(db, item, moved=False, edited=True)


def _members(db: Db, item: Item) -> list[Item]:
    return list(db.scalars(select(Item).where(col(Item.merged_into_id) == item.id)))


def _same_scenario(db: Db, session_id: str, items: list[Item]) -> None:
    scenarios = {get_step(db, session_id, i.step_id).scenario_key for i in items}
    if len(scenarios) > 1:
        raise Conflict(N_("Only items of the same scenario can be merged."))


def merge_items(
    db: Db, *, actor: Actor, target_id: int, member_ids: list[int], text: str | None = None
) -> Item:
    """Merge items into `target`: the members keep their text and count, and can be split off
    again. A member that was itself a merged item brings its members along."""
    require_facilitator(actor)
    if not member_ids:
        raise Invalid(N_("Name at least one item to merge into the target."))
    if target_id in member_ids or len(set(member_ids)) != len(member_ids):
        raise Invalid(N_("An item cannot be merged with itself."))
    target = board_item(db, actor.session_id, target_id)
    members = [board_item(db, actor.session_id, i) for i in member_ids]
    if target.merged_into_id is not None or any(m.merged_into_id for m in members):
        raise Conflict(N_("One of these items is already part of a merged item: use that item."))
    _same_scenario(db, actor.session_id, [target, *members])
    for member in members:
        for grandchild in _members(db, member):
            grandchild.merged_into_id = target.id
            db.add(grandchild)
        member.merged_into_id = target.id
        db.add(member)
    if text is not None:
        target.text = clean_text(text)
    db.add(target)
    db.flush()
    hidden = is_hidden(db, [target, *members])
    merged = ItemsMerged(item=_view(db, target), member_ids=member_ids, hidden=hidden)
    record_event(db, actor.session_id, merged)
    return target


def split_item(
    db: Db, *, actor: Actor, item_id: int, member_ids: list[int] | None = None
) -> list[Item]:
    """Undo a merge: every member becomes an item of its own again, or only `member_ids` (the
    console's undo takes back one merge and leaves earlier ones as they were)."""
    require_facilitator(actor)
    target = board_item(db, actor.session_id, item_id)
    members = _members(db, target)
    if not members:
        raise Conflict(N_("Item %(item_id)s is not a merged item."), item_id=item_id)
    if member_ids is not None:
        members = _chosen_members(members, member_ids, item_id)
    for member in members:
        member.merged_into_id = None
        db.add(member)
    db.flush()
    split = ItemSplit(
        item=_view(db, target),
        member_ids=[m.id for m in members if m.id is not None],
        hidden=is_hidden(db, [target, *members]),
    )
    record_event(db, actor.session_id, split)
    return members


def _chosen_members(members: list[Item], member_ids: list[int], item_id: int) -> list[Item]:
    """The members named, each one a member of this item; anything else is refused."""
    chosen = [m for m in members if m.id in member_ids]
    if not member_ids or len(chosen) != len(set(member_ids)):
        raise Invalid(
            N_("Name only items merged into item %(item_id)s to split off."), item_id=item_id
        )
    return chosen


def delete_item(db: Db, *, actor: Actor, item_id: int) -> Item:
    """Hide an item from every board; it can be restored."""
    require_facilitator(actor)
    item = board_item(db, actor.session_id, item_id)
    if item.merged_into_id is not None:
        raise Conflict(N_("This item is part of a merged item: split it off first."))
    item.deleted_at = utcnow()
    db.add(item)
    session = get_session(db, actor.session_id)
    if session.spotlight_item_id == item.id:
        session.spotlight_item_id = None
        db.add(session)
    record_event(db, actor.session_id, ItemDeleted(item_id=item_id, step_id=item.step_id))
    return item


def restore_item(db: Db, *, actor: Actor, item_id: int) -> Item:
    require_facilitator(actor)
    item = board_item(db, actor.session_id, item_id, allow_deleted=True)
    if item.deleted_at is None:
        raise Conflict(N_("Item %(item_id)s is not deleted."), item_id=item_id)
    item.deleted_at = None
    db.add(item)
    restored = ItemRestored(item=item_public(item), hidden=is_hidden(db, [item]))
    record_event(db, actor.session_id, restored)
    return item


def deleted_items(db: Db, session_id: str) -> list[Item]:
    """The bin: deleted items, newest first, for the facilitator to restore."""
    query = select(Item).where(
        col(Item.session_id) == session_id, col(Item.deleted_at).is_not(None)
    )
    return list(db.scalars(query.order_by(col(Item.deleted_at).desc())))


def spotlight_item(db: Db, *, actor: Actor, item_id: int | None) -> int | None:
    """Show one item large on the projector, or (None) stop showing it."""
    require_facilitator(actor)
    if item_id is not None and is_hidden(db, [board_item(db, actor.session_id, item_id)]):
        raise Conflict(N_("This item is hidden until the blind round is revealed."))
    session = get_session(db, actor.session_id)
    session.spotlight_item_id = item_id
    db.add(session)
    record_event(db, actor.session_id, ItemSpotlighted(item_id=item_id))
    return item_id
