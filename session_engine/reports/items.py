"""Brainstorm items as the report shows them: read in bulk per session, each with its merged
members, "me too" count and comments; split into the most important and the others; and,
for a programme, near-duplicates from different sessions grouped into one entry.

Support is what the room gave an item: its mentions (1 + merged members) plus "me too"s.
Without an importance vote, the top third by support (rounded up, support above 1) are the
most important; an item with support above 1 was "often mentioned"."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from ..duplicates import near_duplicates
from ..models import Comment, Item, MeToo, Step
from ..shapes import ReportItem
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
    score: float | None = None
    votes: int | None = None
    important: bool = False
    voted: bool = False
    sessions: int = 1
    place: int = 0

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
        )
        .where(
            col(Item.session_id) == session_id,
            col(Item.deleted_at).is_(None),
            col(Item.late).is_(None),  # never let in: not the room's
        )
        .order_by(col(Item.seq))
    ).all()
    metoo = dict(
        db.execute(
            select(MeToo.item_id, func.count())
            .join(Item, col(Item.id) == col(MeToo.item_id))
            .where(col(Item.session_id) == session_id)
            .group_by(col(MeToo.item_id))
        ).all()
    )
    comments: dict[int, list[str]] = defaultdict(list)
    for item_id, text in db.execute(
        select(Comment.item_id, Comment.text)
        .where(col(Comment.session_id) == session_id)
        .order_by(col(Comment.seq))
    ):
        comments[item_id].append(text)
    place = {s.id: s.position for s in steps}
    rows = sorted(rows, key=lambda r: place.get(r.step_id, 0))  # boards: step by step
    members: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        if row.merged_into_id is not None:
            members[row.merged_into_id].append(row.text)
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
                metoo=metoo.get(row.id, 0),
                members=members[row.id],
                comments=comments[row.id],
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


def public_item(item: ReportEntry) -> ReportItem:
    """An item as exports carry it: no database id, nothing about who wrote it."""
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
    )


@lru_cache(maxsize=256)
def grouped_pairs(texts: tuple[str, ...], groups: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """near_duplicates of one column, remembered by its texts: a finished session's columns
    do not change, so after a change in one session (a report text, an item) the programme
    report groups again only the columns that changed. `grouped_pairs.cache_clear()` forgets."""
    return tuple(near_duplicates(list(texts), list(groups)))


def _clusters(size: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """Groups of indices linked by pairs (connected components), ordered by first index."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if not pairs:
        return [[i] for i in range(size)]
    a, b = np.array(pairs).T
    graph = coo_matrix((np.ones(len(pairs)), (a, b)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    found: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels.tolist()):
        found[label].append(index)
    return sorted(found.values(), key=lambda members: members[0])


def pool_items(per_session: list[list[ReportEntry]]) -> list[ReportEntry]:
    """One column over several sessions: near-duplicates from different sessions become one
    entry (the best-supported wording, the others as members) with "in N sessions"."""
    flat = [(s, item) for s, items in enumerate(per_session) for item in items]
    pairs = list(grouped_pairs(tuple(i.text for _, i in flat), tuple(s for s, _ in flat)))
    pooled = []
    for cluster in _clusters(len(flat), pairs):
        entries = [flat[i] for i in cluster]
        lead = max(entries, key=lambda e: e[1].support)[1]  # first of the best: stable
        others = [e[1] for e in entries if e[1] is not lead]
        pooled.append(
            replace(
                lead,
                members=_unique(
                    [*lead.members, *(t for o in others for t in [o.text, *o.members])],
                    lead.text,
                ),
                comments=_unique([c for e in entries for c in e[1].comments]),
                mentions=sum(e[1].mentions for e in entries),
                metoo=sum(e[1].metoo for e in entries),
                score=None,
                votes=_total([e[1].votes for e in entries]),
                voted=any(e[1].voted for e in entries),
                sessions=len({s for s, _ in entries}),
            )
        )
    return pooled


def _total(votes: list[int | None]) -> int | None:
    """The votes of a pooled entry: its sessions' counted votes together (None: no vote)."""
    counted = [v for v in votes if v is not None]
    return sum(counted) if counted else None


def _unique(texts: list[str], leave_out: str | None = None) -> list[str]:
    return [t for t in dict.fromkeys(texts) if t != leave_out]


def mark_pooled_importance(items: list[ReportEntry]) -> list[ReportEntry]:
    """Over a programme: most important when a session's vote put it there, or in the top
    third by support over all sessions (support above 1)."""
    ordered = sorted(items, key=lambda i: -i.support)
    cut = math.ceil(len(ordered) / 3)
    for place, item in enumerate(ordered):
        item.important = item.voted or (place < cut and item.support > 1)
    return sorted(ordered, key=lambda i: not i.important)
