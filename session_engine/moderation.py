"""The organiser's review of an online round: items held for review (and any kept as late)
are approved onto the board or declined, as a facilitator lets late items in (late.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from .actors import Actor, Organiser, require_organiser
from .late import admit_late_items, decline_late_items, late_items
from .models import Item, Session
from .online import ONLINE, online_round
from .shapes import LateItem
from .store.db import Db


@dataclass(frozen=True, slots=True)
class RoundReview:
    """An online round on the organiser page: its window, hold switch and items to review."""

    session: Session
    items: list[LateItem]


def rounds_to_review(db: Db, *, actor: Organiser, programme_id: int) -> list[RoundReview]:
    """Every online round of a programme with what is off its board, oldest round first."""
    require_organiser(actor)
    query = select(Session).where(
        col(Session.programme_id) == programme_id, col(Session.kind) == ONLINE
    )
    rounds = db.scalars(query.order_by(col(Session.created_at)))
    return [RoundReview(s, late_items(db, s.id)) for s in rounds]


def round_to_review(db: Db, *, actor: Organiser, session_id: str) -> RoundReview:
    """One online round as the organiser page shows it: redrawn live as its items change."""
    require_organiser(actor)
    return RoundReview(online_round(db, session_id), late_items(db, session_id))


def _moderator(db: Db, actor: Organiser, session_id: str) -> Actor:
    """The organiser acting on an online round as its facilitator would on a live one."""
    require_organiser(actor)
    online_round(db, session_id, lock=True)
    return Actor("facilitator", session_id)


def review_items(db: Db, *, actor: Organiser, session_id: str) -> list[LateItem]:
    """Every item of the round that is off the board: held, late or declined, oldest first."""
    require_organiser(actor)
    online_round(db, session_id)
    return late_items(db, session_id)


def approve_items(
    db: Db, *, actor: Organiser, session_id: str, item_ids: list[int], still_waiting: bool = False
) -> list[Item]:
    """Let these items onto the board: others see them from now on. `still_waiting` ("Approve
    all" of what the organiser saw waiting): if one of them was declined meanwhile, none."""
    moderator = _moderator(db, actor, session_id)
    return admit_late_items(db, actor=moderator, item_ids=item_ids, still_waiting=still_waiting)


def decline_items(
    db: Db, *, actor: Organiser, session_id: str, item_ids: list[int]
) -> list[LateItem]:
    """Keep these items off the board: their authors see them marked declined."""
    return decline_late_items(db, actor=_moderator(db, actor, session_id), item_ids=item_ids)
