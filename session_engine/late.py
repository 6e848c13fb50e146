"""Late items: nothing a participant typed is lost because input closed before it arrived.

An item that reaches the server after its step's input closed (locked by hand, or a timer ran
out with autolock), or for a step that is no longer on its author's screen, is stored as late
(`items.add_item`): off every board, out of votes and reports, its words readable by its author
and the facilitator only (session_engine/visibility.py). The facilitator lets it in (it joins
its step's board like a new item, blind round or not) or declines it (it stays with its author,
marked declined, so they can copy the words). A declined item can still be let in later, until
the session is closed: closing declines the ones still waiting."""

from __future__ import annotations

from sqlmodel import col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from .actors import Actor, require_facilitator, require_participant
from .errors import N_, Conflict, Forbidden, NotFound
from .models import Item, Step, item_public
from .payloads import LateItemsAdmitted, LateItemsDeclined
from .shapes import LateItem, LateState
from .store.db import Db, storable_id
from .store.events import record_event
from .visibility import blind_steps, visibility_of


def late_item(item: Item, titles: dict[int, str]) -> LateItem:
    return LateItem(
        **item_public(item).model_dump(),
        visibility=visibility_of(item, frozenset()),
        step_title=titles.get(item.step_id, ""),
    )


def _titles(db: Db, session_id: str) -> dict[int, str]:
    query = select(Step.id, Step.title).where(col(Step.session_id) == session_id)
    return {step_id: title for step_id, title in db.execute(query) if step_id is not None}


def _shaped(db: Db, session_id: str, items: list[Item]) -> list[LateItem]:
    titles = _titles(db, session_id) if items else {}
    return [late_item(i, titles) for i in items]


def _late(session_id: str) -> SelectOfScalar[Item]:
    query = select(Item).where(col(Item.session_id) == session_id, col(Item.late).is_not(None))
    return query.order_by(col(Item.seq))


def late_items(db: Db, session_id: str) -> list[LateItem]:
    """Every late item of a session, waiting or declined, oldest first (for the console)."""
    return _shaped(db, session_id, list(db.scalars(_late(session_id))))


def own_late_items(db: Db, session_id: str, participant_id: int) -> list[LateItem]:
    """A participant's own late items, oldest first (for their screen alone)."""
    query = _late(session_id).where(col(Item.participant_id) == participant_id)
    return _shaped(db, session_id, list(db.scalars(query)))


def visible_late_items(db: Db, *, actor: Actor) -> list[LateItem]:
    """The late items the caller may read: the facilitator all of them, a participant their
    own; the projector none (it shows only the board)."""
    if actor.role == "facilitator":
        return late_items(db, actor.session_id)
    participant_id = require_participant(
        actor, Forbidden(N_("Late contributions are for their authors and the facilitator."))
    )
    return own_late_items(db, actor.session_id, participant_id)


def late_authors(db: Db, session_id: str) -> set[int]:
    """Participants with a late item: their screens show it, so each is drawn for them alone."""
    query = select(Item.participant_id).where(
        col(Item.session_id) == session_id, col(Item.late).is_not(None)
    )
    return {author for author in db.scalars(query.distinct()) if author is not None}


def late_of_authors(db: Db, session_id: str, item_ids: list[int]) -> dict[int, list[LateItem]]:
    """For the authors of these items, each one's late items now (empty once all are in)."""
    ids = [i for i in item_ids if storable_id(i)]
    query = select(Item.participant_id).where(
        col(Item.session_id) == session_id, col(Item.id).in_(ids)
    )
    authors = {author for author in db.scalars(query) if author is not None}
    found: dict[int, list[LateItem]] = {author: [] for author in authors}
    titles = _titles(db, session_id)
    for item in db.scalars(_late(session_id).where(col(Item.participant_id).in_(authors))):
        assert item.participant_id is not None  # found among the authors
        found[item.participant_id].append(late_item(item, titles))
    return found


def count_waiting(db: Db, session_id: str) -> int:
    query = select(func.count()).where(
        col(Item.session_id) == session_id, col(Item.late) == LateState.WAITING
    )
    return int(db.scalar(query) or 0)


def _chosen(db: Db, session_id: str, item_ids: list[int] | None, states: set[str]) -> list[Item]:
    """The late items named (each must be late in one of `states`), or all waiting ones."""
    if item_ids is None:
        query = _late(session_id).where(col(Item.late) == LateState.WAITING)
        found = list(db.scalars(query))
        if not found:
            raise Conflict(N_("No late contributions are waiting."))
        return found
    items: list[Item] = []
    for item_id in dict.fromkeys(item_ids):
        item = db.get(Item, item_id) if storable_id(item_id) else None
        if item is None or item.session_id != session_id:
            raise NotFound(N_("No item %(item_id)s in this session."), item_id=item_id)
        if item.late not in states:
            raise Conflict(N_("Item %(item_id)s is not waiting as late."), item_id=item_id)
        items.append(item)
    return items


def admit_late_items(
    db: Db, *, actor: Actor, item_ids: list[int] | None = None, still_waiting: bool = False
) -> list[Item]:
    """Let late items in (these, or every waiting one): each joins its step's board as a new
    item would, its words hidden from others while its step is blind. A declined item may be
    let in after all, unless `still_waiting`: then one declined meanwhile refuses them all."""
    require_facilitator(actor)
    states: set[str] = {LateState.WAITING, LateState.HELD}
    if not still_waiting:
        states.add(LateState.DECLINED)
    items = _chosen(db, actor.session_id, item_ids, states)
    blind = blind_steps(db, actor.session_id)
    for item in items:
        item.late = None
        db.add(item)
    db.flush()
    admitted = LateItemsAdmitted(
        items=[item_public(i) for i in items],
        hidden_ids=[i.id for i in items if i.id is not None and i.step_id in blind],
        waiting=count_waiting(db, actor.session_id),
        hidden=any(i.step_id in blind for i in items),
    )
    record_event(db, actor.session_id, admitted)
    return items


def decline_late_items(
    db: Db, *, actor: Actor, item_ids: list[int] | None = None
) -> list[LateItem]:
    """Decline late items (these, or every waiting one): they stay off the board, and their
    authors see them marked declined."""
    require_facilitator(actor)
    states: set[str] = {LateState.WAITING, LateState.HELD}
    items = _chosen(db, actor.session_id, item_ids, states)
    for item in items:
        item.late = LateState.DECLINED
        db.add(item)
    db.flush()
    declined = LateItemsDeclined(
        item_ids=[i.id for i in items if i.id is not None],
        waiting=count_waiting(db, actor.session_id),
    )
    record_event(db, actor.session_id, declined)
    return _shaped(db, actor.session_id, items)


def decline_waiting_at_close(db: Db, session_id: str) -> None:
    """A session closing for good declines the late items still waiting: nobody can let them
    in any more, so they stay out of its boards and reports (docs/privacy.md, "Unlink at
    close"), as a facilitator's decline would keep them."""
    items = list(db.scalars(_late(session_id).where(col(Item.late) == LateState.WAITING)))
    if not items:
        return
    for item in items:
        item.late = LateState.DECLINED
        db.add(item)
    db.flush()
    declined = LateItemsDeclined(item_ids=[i.id for i in items if i.id is not None], waiting=0)
    record_event(db, session_id, declined)


def admit_late_item(db: Db, *, actor: Actor, item_id: int) -> Item:
    return admit_late_items(db, actor=actor, item_ids=[item_id])[0]


def decline_late_item(db: Db, *, actor: Actor, item_id: int) -> LateItem:
    return decline_late_items(db, actor=actor, item_ids=[item_id])[0]
