"""Brainstorm items as the report shows them: read in bulk per session, each with its merged
members, "me too" count and comments; split into the most important and the others. A
programme's entries across sessions are pooled by pooling.py.

Support is what the room gave an item: its mentions (1 + merged members) plus "me too"s.
Without an importance vote, the top third by support (rounded up, support above 1) are the
most important; an item with support above 1 was "often mentioned"."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select as select_columns
from sqlmodel import col, select

from ..models import Comment, Item, MeToo, Step
from ..reactions import presses_that_count
from ..shapes import ReportItem, Side
from ..store.db import Db

ColumnKey = tuple[str, str]  # (scenario key, category key)
Ranks = dict[int, tuple[int, float, int, bool]]  # item id -> (place, score, votes, important)


@dataclass(slots=True)
class ReportEntry:
    """An item while the report counts and ranks it: a `ReportItem`'s fields, changed in place
    as importance is marked, plus what never leaves the engine (its id, whether a vote put it
    among the most important, its place in that vote). `public_item` makes the shape."""

    id: int
    text: str
    theme: str | None
    mentions: int
    metoo: int
    members: list[str]
    comments: list[str]
    member_ids: list[int] = field(default_factory=list)  # the ids of `members`, in their order
    score: float | None = None
    votes: int | None = None
    important: bool = False
    voted: bool = False
    sessions: int = 1
    place: int = 0
    session: int = 0  # a programme's: the index of its (lead's) session
    side: Side | None = None  # a programme's: where the organiser put it
    lead_chosen: bool = False
    parts: list[ReportEntry] = field(default_factory=list)  # a programme entry's items

    @property
    def support(self) -> int:
        return self.mentions + self.metoo

    @property
    def often(self) -> bool:
        return self.support > 1


Columns = dict[ColumnKey, list[ReportEntry]]


def load_items(db: Db, session_id: str, steps: list[Step]) -> Columns:
    """Every visible item of the session's scenarios, by (scenario, category), oldest first.
    Four queries whatever the number of items."""
    scenario_of = {s.id: s.scenario_key for s in steps if s.scenario_key}
    rows = db.execute(
        select_columns(
            *(col(c) for c in (Item.id, Item.step_id, Item.category, Item.theme, Item.text)),
            col(Item.merged_into_id),
            col(Item.participant_id),
        )
        .where(
            col(Item.session_id) == session_id,
            col(Item.deleted_at).is_(None),
            col(Item.late).is_(None),  # never let in: not the room's
        )
        .order_by(col(Item.seq))
    ).all()
    presses = db.execute(
        select(MeToo.id, MeToo.item_id, MeToo.participant_id)
        .join(Item, col(Item.id) == col(MeToo.item_id))
        .where(col(Item.session_id) == session_id)
    ).all()
    comments: dict[int, list[str]] = defaultdict(list)
    for item_id, text in db.execute(
        select(Comment.item_id, Comment.text)
        .where(col(Comment.session_id) == session_id)
        .order_by(col(Comment.seq))
    ):
        comments[item_id].append(text)
    place = {s.id: s.position for s in steps}
    rows = sorted(rows, key=lambda r: place.get(r.step_id, 0))  # boards: step by step
    # "me too" on the entry or an item merged into it, once per person, never an author's
    metoo = presses_that_count(((r.id, r.merged_into_id, r.participant_id) for r in rows), presses)
    members: dict[int, list[str]] = defaultdict(list)
    member_ids: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row.merged_into_id is not None:
            members[row.merged_into_id].append(row.text)
            member_ids[row.merged_into_id].append(row.id)
    columns: Columns = defaultdict(list)
    for row in rows:
        scenario = scenario_of.get(row.step_id)
        if row.merged_into_id is not None or scenario is None:
            continue
        columns[(scenario, row.category)].append(
            ReportEntry(
                id=row.id,
                text=row.text,
                theme=row.theme,
                mentions=1 + len(members[row.id]),
                metoo=len(metoo[row.id]),
                members=members[row.id],
                comments=comments[row.id],
                member_ids=member_ids[row.id],
            )
        )
    return dict(columns)


def mark_importance(items: list[ReportEntry], ranks: Ranks | None) -> list[ReportEntry]:
    """Mark the most important items and return the column in report order: by the vote
    when there was one (its ranking), else by support (the top third, support above 1)."""
    if ranks:
        last = len(ranks)
        for item in items:
            item.place, item.score, item.votes, item.important = ranks.get(
                item.id, (last, 0.0, 0, False)
            )
            item.voted = item.important
        return sorted(items, key=lambda i: (not i.important, i.place, -i.support))
    ordered = sorted(items, key=lambda i: -i.support)  # stable: ties keep arrival order
    cut = math.ceil(len(ordered) / 3)
    for place, item in enumerate(ordered):
        item.important = place < cut and item.support > 1
    return sorted(ordered, key=lambda i: not i.important)


def public_item(item: ReportEntry, *, with_ids: bool = False) -> ReportItem:
    """An item as exports carry it: no database id, nothing about who wrote it. `with_ids`
    (a session's published report only): the ids of the items it holds, for receipts."""
    return ReportItem(
        text=item.text,
        theme=item.theme,
        mentions=item.mentions,
        metoo=item.metoo,
        support=item.support,
        often=item.often,
        members=item.members,
        comments=item.comments,
        score=item.score,
        votes=item.votes,
        important=item.important,
        sessions=item.sessions,
        item_ids=[item.id, *item.member_ids] if with_ids else None,
    )
