"""Brainstorm items: adding them (idempotently, per client id) and reading a board."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from .db import Db
from .errors import N_, Conflict, Forbidden, Invalid
from .events import record_event
from .models import Item
from .sessions import Actor, get_programme, get_session, get_step, programme_content

MAX_TEXT = 1000  # the refusal message below states it too
MAX_CLIENT_ID = 64
INPUT_STEP_TYPES = ("brainstorm",)


@dataclass(frozen=True, slots=True)
class AddedItem:
    item: Item
    seq: int
    created: bool  # False when this was a retry of an item already stored


@dataclass(slots=True)
class Board:
    """The items of one step, per category, in the order they arrived."""

    step_id: int
    columns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def count(self, category: str) -> int:
        return len(self.columns.get(category, []))


def item_public(item: Item) -> dict[str, Any]:
    """What anyone may see of an item: never who wrote it."""
    return {
        "id": item.id,
        "step_id": item.step_id,
        "category": item.category,
        "theme": item.theme,
        "text": item.text,
    }


def clean_text(text: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise Invalid(N_("The text is empty."))
    if len(stripped) > MAX_TEXT:
        raise Invalid(N_("The text is too long: at most 1000 characters."))
    return stripped


def clean_client_id(client_id: str) -> str:
    if not client_id or len(client_id) > MAX_CLIENT_ID or not client_id.isprintable():
        raise Invalid(f"client_id must be 1 to {MAX_CLIENT_ID} printable characters.")
    return client_id


def add_item(
    db: Db,
    *,
    actor: Actor,
    client_id: str,
    step_id: int,
    category: str,
    text: str,
    theme: str | None = None,
) -> AddedItem:
    """Add a participant's item to the active brainstorm step; a retry returns the first."""
    if actor.role != "participant" or actor.participant_id is None:
        raise Forbidden("Only participants add items.")
    client_id = clean_client_id(client_id)
    session = get_session(db, actor.session_id, lock=True)  # before reading counts, retries
    existing = _item_by_client_id(db, actor, client_id)
    if existing is not None:
        return AddedItem(existing, existing.seq, created=False)
    step = get_step(db, session.id, step_id)
    if session.active_step_id != step.id:
        raise Conflict(N_("This step is not active: items go to the step on the screen."))
    if step.type not in INPUT_STEP_TYPES:
        raise Conflict(f"A {step.type} step takes no items.")
    content = programme_content(get_programme(db, session.programme_id))
    theme = _check_category(content, category, theme)
    assert step.id is not None
    item = Item(
        session_id=session.id,
        step_id=step.id,
        participant_id=actor.participant_id,
        client_id=client_id,
        category=category,
        theme=theme,
        text=clean_text(text),
        seq=0,
    )
    db.add(item)
    db.flush()
    assert step.id is not None
    count = _column_count(db, step.id, category)
    item.seq = record_event(
        db, session.id, "item_added", {"item": item_public(item), "column_count": count}
    )
    return AddedItem(item, item.seq, created=True)


def _item_by_client_id(db: Db, actor: Actor, client_id: str) -> Item | None:
    return db.scalars(
        select(Item).where(
            col(Item.session_id) == actor.session_id,
            col(Item.participant_id) == actor.participant_id,
            col(Item.client_id) == client_id,
        )
    ).first()


def _check_category(content: Any, category: str, theme: str | None) -> str | None:
    found = content.category(category)
    if found is None:
        known = ", ".join(c.key for c in content.scenarios_file.categories)
        raise Invalid(f"Unknown category {category!r}; choose one of {known}.")
    if not found.themed:
        if theme:
            raise Invalid(f"Items in {category!r} take no theme.")
        return None
    if not theme:
        raise Invalid(f"An item in {category!r} needs a theme.")
    if content.theme(theme) is None:
        known = ", ".join(t.key for t in content.scenarios_file.themes)
        raise Invalid(f"Unknown theme {theme!r}; choose one of {known}.")
    return theme


def _column_count(db: Db, step_id: int, category: str) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(Item)
            .where(col(Item.step_id) == step_id, col(Item.category) == category)
        )
        or 0
    )


def board(db: Db, *, session_id: str, step_id: int) -> Board:
    """Every item of a step, grouped by category, oldest first."""
    result = Board(step_id=step_id)
    rows = db.scalars(
        select(Item)
        .where(col(Item.session_id) == session_id, col(Item.step_id) == step_id)
        .order_by(col(Item.seq))
    )
    for item in rows:
        result.columns.setdefault(item.category, []).append(item_public(item))
    return result
