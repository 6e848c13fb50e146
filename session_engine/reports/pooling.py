"""A programme's columns pooled across sessions: only what people confirmed is joined.

Similarity cannot tell a paraphrase from its opposite ("meer / minder sturen op meetbare
resultaten" scores higher than two wordings of one point), so the report joins items of
different sessions only where
- the texts are the same after normalising case, accents, punctuation and spacing (`same_words`:
  said in the same words), or
- the organiser joined them: accepted a suggested pool, merged two entries, attached an item.
Within a session the facilitator's merges already hold (an item's members). Everything the
similarity measure finds is a suggestion for the organiser (`propose`), never a join.

The organiser's decisions (the `pool_decision` table, one row each) are replayed in order over
the programme's items (`Partition`); they name items by id, so they hold when sessions are
added. An entry's lead wording is the organiser's choice, else a voted item's, else the best
supported; its side (most important or other) the organiser's, else the votes'."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..duplicates import scored_near_duplicates
from ..shapes import Side
from .data import SessionData, counted_sessions
from .items import ColumnKey, ReportEntry

JOINING = ("accept", "merge")
WORDS = re.compile(r"[^\W_]+")
TOKENS = re.compile(r"[^\W_]+|[^\w\s]")  # a word, or one character of anything else
# anything but words, spacing and the punctuation marks that are never a symbol or a minus
NOT_PLAIN = re.compile(r"[^\w\s.,;:!?'\"()\[\]{}/\\&*…‘’“”«»¿¡#@]")
DASHES = "-\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"
# combining marks right after a letter: its accents
LETTER_MARKS = re.compile(r"(?<=[^\W\d_])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\ufe20-\ufe2f]+")
MEANING = "%\u2030"  # per cent and per mille: punctuation to Unicode, but they change a claim


def same_words(text: str) -> str:
    """The text with case, accents, punctuation and spacing taken out, and nothing else:
    "niet" and "meer" stay, and so do symbols ("> 30" is not "< 30", "↑" not "↓", "€" not
    "$", "10%" not "10") and a dash that is a minus (before a number, or at the end: "Salaris:
    -"), so texts equal by this key say the same thing. A hyphen between words, a dash
    between clauses and every other punctuation mark go."""
    text = text.casefold()
    if not text.isascii():  # only then can it hold accents to take out: a letter's marks
        # go ("é" → "e"); a symbol keeps its own ("≠" stays "≠", not "=")
        text = unicodedata.normalize("NFKD", text)
        text = unicodedata.normalize("NFC", LETTER_MARKS.sub("", text))
    if not NOT_PLAIN.search(text):  # most texts: words and punctuation
        return " ".join(WORDS.findall(text))
    kept = []
    for found in TOKENS.finditer(text):
        token = found.group()
        if token[0].isalnum() or token in MEANING or unicodedata.category(token)[0] == "S":
            kept.append(token)
        elif token in DASHES and _minus(text, found.end()):
            kept.append("-")
    return " ".join(kept)


def _minus(text: str, end: int) -> bool:
    """Whether the dash ending at `end` is a minus: a number follows it, or nothing does but
    spacing and punctuation."""
    rest = text[end:].lstrip()
    return not rest or rest[0].isdigit() or not any(c.isalnum() for c in rest)


@dataclass(frozen=True, slots=True)
class Decision:
    """A stored decision as the replay reads it (models.PoolDecision)."""

    id: int
    action: str
    item_id: int
    other_ids: tuple[int, ...]
    side: str | None = None


@dataclass(frozen=True, slots=True)
class KnownItem:
    """A top-level item of one of the programme's scenario columns."""

    id: int
    session_id: str
    key: ColumnKey
    text: str


@dataclass(slots=True)
class Partition:
    """Which items are one entry, after the identical texts and every decision so far."""

    group: dict[int, int] = field(default_factory=dict)  # item id -> group id
    members: dict[int, set[int]] = field(default_factory=dict)  # group id -> item ids
    rejected: dict[int, set[int]] = field(default_factory=dict)  # item -> never proposed with
    # why a pair is kept apart: the decisions (reject, split) that said so, until undone
    apart_by: dict[frozenset[int], set[int]] = field(default_factory=dict)
    # rejected suggestions not undone: decision id -> (lead, members)
    rejections: dict[int, tuple[int, tuple[int, ...]]] = field(default_factory=dict)
    leads: dict[int, int] = field(default_factory=dict)  # item -> decision that made it lead
    sides: dict[int, tuple[int, str | None]] = field(default_factory=dict)  # item -> decision
    key: dict[int, ColumnKey] = field(default_factory=dict)
    fresh: int = 0  # the last new group's id: item ids are positive, new groups negative

    def entry(self, item_id: int) -> set[int]:
        """The items of the entry holding `item_id`."""
        return self.members[self.group[item_id]]

    def join(self, item_ids: Iterable[int]) -> None:
        known = [i for i in item_ids if i in self.group]
        if not known:
            return
        target = self.group[known[0]]
        for item in known[1:]:
            source = self.group[item]
            if source == target:
                continue
            for moved in self.members.pop(source):
                self.group[moved] = target
                self.members[target].add(moved)

    def detach(self, item_id: int) -> set[int]:
        """Take the item out of its entry to stand alone; returns those it left."""
        left = self.entry(item_id) - {item_id}
        if left:
            self.members[self.group[item_id]].discard(item_id)
            self.fresh -= 1
            self.group[item_id] = self.fresh
            self.members[self.fresh] = {item_id}
        return left

    def reject(self, item_id: int, others: Iterable[int], by: int) -> None:
        for other in others:
            self.rejected.setdefault(item_id, set()).add(other)
            self.rejected.setdefault(other, set()).add(item_id)
            self.apart_by.setdefault(frozenset((item_id, other)), set()).add(by)

    def unreject(self, item_id: int, others: tuple[int, ...]) -> None:
        """Undo the latest rejection of this very suggestion: its pairs may be suggested
        again, unless another decision (a split, another rejection) keeps them apart."""
        undone = [d for d, pool in self.rejections.items() if pool == (item_id, others)]
        if not undone:
            return
        decision_id = max(undone)
        del self.rejections[decision_id]
        for other in others:
            reasons = self.apart_by.get(frozenset((item_id, other)), set())
            reasons.discard(decision_id)
            if not reasons:
                self.rejected.get(item_id, set()).discard(other)
                self.rejected.get(other, set()).discard(item_id)

    def apply(self, decision: Decision) -> None:
        """One decision; those naming items no longer there (deleted, merged) do what they can."""
        item, others = decision.item_id, decision.other_ids
        if item not in self.group:
            return
        if decision.action in JOINING:
            self.join([item, *others])
        elif decision.action == "attach":
            if others and others[0] in self.group and self.group[others[0]] != self.group[item]:
                self.detach(item)
                self.forget_choices(item)
                self.join([others[0], item])
        elif decision.action == "reject":
            self.reject(item, others, by=decision.id)
            self.rejections[decision.id] = (item, others)
        elif decision.action == "unreject":
            self.unreject(item, others)
        elif decision.action == "split":
            self.reject(item, self.detach(item), by=decision.id)
            self.forget_choices(item)
        elif decision.action == "lead":
            self.leads[item] = decision.id
        elif decision.action == "side":
            for member in self.entry(item):
                self.sides[member] = (decision.id, decision.side)

    def forget_choices(self, item_id: int) -> None:
        """An item leaving its entry: the lead and place chosen for that entry stay with it,
        and the item takes neither along (alone it is placed by its votes)."""
        self.leads.pop(item_id, None)
        self.sides.pop(item_id, None)

    def chosen_lead(self, item_ids: Iterable[int]) -> int | None:
        chosen = [(self.leads[i], i) for i in item_ids if i in self.leads]
        return max(chosen)[1] if chosen else None

    def chosen_side(self, item_ids: Iterable[int]) -> Side | None:
        chosen = [self.sides[i] for i in item_ids if i in self.sides]
        side = max(chosen, key=lambda c: c[0])[1] if chosen else None
        return "important" if side == "important" else "other" if side == "other" else None

    def blocked(self, first: Iterable[int], second: set[int]) -> bool:
        """Whether the organiser said an item of one is not the same as an item of the other."""
        return any(self.rejected.get(i, set()) & second for i in first)


def partition(items: Iterable[KnownItem], decisions: Iterable[Decision]) -> Partition:
    """The programme's entries: items said in the same words (per column) together, then every
    decision in the order it was taken."""
    found = Partition()
    first_of: dict[tuple[ColumnKey, str], int] = {}
    for item in sorted(items, key=lambda i: i.id):
        found.key[item.id] = item.key
        words = same_words(item.text)
        group = first_of.setdefault((item.key, words), item.id) if words else item.id
        found.group[item.id] = group
        found.members.setdefault(group, set()).add(item.id)
    for decision in decisions:
        found.apply(decision)
    return found


# The report's entries --------------------------------------------------------------------


def pool_column(parts: Sequence[ReportEntry], found: Partition) -> list[ReportEntry]:
    """One column over every session: the items of one entry together (`parts`, each with its
    `session` index), in order of their first item. Counts add up what people did."""
    grouped: dict[int, list[ReportEntry]] = defaultdict(list)
    for part in parts:
        grouped[found.group.get(part.id, -part.id)].append(part)
    return [_entry(entries, found) for entries in grouped.values()]


def _entry(entries: list[ReportEntry], found: Partition) -> ReportEntry:
    ids = [e.id for e in entries]
    chosen = found.chosen_lead(ids)
    lead = next((e for e in entries if e.id == chosen), None) or _best(entries)
    return replace(
        lead,
        members=_unique(
            [
                *lead.members,
                *(t for e in entries if e is not lead for t in [e.text, *e.members]),
            ],
            lead.text,
        ),
        comments=_unique([c for e in entries for c in e.comments]),
        mentions=sum(e.mentions for e in entries),
        metoo=_metoo(entries),
        score=None,
        votes=_total([e.votes for e in entries]),
        voted=any(e.voted for e in entries),
        sessions=len({e.session for e in entries}),
        side=found.chosen_side(ids),
        lead_chosen=chosen is not None,
        parts=entries,
    )


def _metoo(entries: list[ReportEntry]) -> int:
    """The entry's "ik ook" presses that surely are other people's. Sessions have other people,
    so theirs add up. Within one session a person may have pressed two of its wordings, or
    pressed one and written another: who pressed is gone once the session closes (the
    facilitator's merges were counted then, once per person), so what is sure is the presses
    of one wording less the authors of its other wordings, the most of any wording. Never
    more than people did; less where one session's wordings had presses of their own."""
    by_session: dict[int, list[ReportEntry]] = defaultdict(list)
    for entry in entries:
        by_session[entry.session].append(entry)
    total = 0
    for parts in by_session.values():
        authors = sum(part.mentions for part in parts)
        total += max(0, *(part.metoo - (authors - part.mentions) for part in parts))
    return total


def _best(entries: list[ReportEntry]) -> ReportEntry:
    """The wording a vote put among the most important, else the best supported (the first
    of several: arrival order)."""
    voted = [e for e in entries if e.voted] or entries
    return max(voted, key=lambda e: e.support)


def _total(votes: list[int | None]) -> int | None:
    """The votes of an entry: its items' counted votes together (None: no vote)."""
    counted = [v for v in votes if v is not None]
    return sum(counted) if counted else None


def _unique(texts: list[str], leave_out: str | None = None) -> list[str]:
    """The texts once each, the first wording of each: two that differ only in case,
    punctuation or spacing (`same_words`) are one, and one like `leave_out` is left out."""
    seen = {same_words(leave_out)} if leave_out is not None else set()
    kept = []
    for text in texts:
        key = same_words(text)
        if key not in seen:
            seen.add(key)
            kept.append(text)
    return kept


def mark_pooled_importance(items: list[ReportEntry]) -> list[ReportEntry]:
    """Over a programme: where the organiser put it; else most important when a session's vote
    put an item of it there, or in the top third by support over all sessions (above 1)."""
    ordered = sorted(items, key=lambda i: -i.support)
    cut = math.ceil(len(ordered) / 3)
    for place, item in enumerate(ordered):
        computed = item.voted or (place < cut and item.support > 1)
        item.important = item.side == "important" if item.side else computed
    # Most important first; within each side what the votes counted, most votes first (as a
    # session's report orders a voted column), then the rest by support.
    return sorted(ordered, key=lambda i: (not i.important, i.votes is None, -(i.votes or 0)))


def pooled_column(
    datas: list[SessionData], key: ColumnKey, found: Partition, threshold: int
) -> tuple[list[ReportEntry], str]:
    """A programme's column in report order, and what split it ("vote" or "support")."""
    counted = counted_sessions(datas, key, threshold)
    parts = [
        replace(item, session=n)
        if n in counted
        else replace(item, session=n, voted=False, votes=None)
        for n, data in enumerate(datas)
        for item in data.columns.get(key, [])
    ]
    items = mark_pooled_importance(pool_column(parts, found))
    basis = "vote" if any(key in datas[n].bases for n in counted) else "support"
    return items, basis


# Suggestions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """A suggested pool: a lead entry and members each close to it (never a chain)."""

    key: ColumnKey
    lead: ReportEntry
    members: tuple[tuple[ReportEntry, float], ...]

    @property
    def score(self) -> float:
        return max(score for _, score in self.members)


@lru_cache(maxsize=256)
def scored_pairs(
    texts: tuple[str, ...], groups: tuple[int, ...]
) -> tuple[tuple[int, int, float], ...]:
    """scored_near_duplicates of one column, remembered by its texts: a finished session's
    columns do not change. `scored_pairs.cache_clear()` forgets."""
    return tuple(scored_near_duplicates(texts, groups))


def propose(key: ColumnKey, entries: list[ReportEntry], found: Partition) -> list[Proposal]:
    """The column's suggested pools, from its pairs of entries of different sessions, best
    first: a pair starts a proposal when neither entry is in one yet, and adds an entry to a
    proposal only as a member of its lead. Pairs the organiser rejected are left out."""
    pairs = scored_pairs(tuple(e.text for e in entries), tuple(e.session for e in entries))
    ids = [{p.id for p in e.parts} or {e.id} for e in entries]
    leads: dict[int, list[tuple[int, float]]] = {}
    taken: set[int] = set()
    for i, j, score in pairs:
        if found.blocked(ids[i], ids[j]):
            continue
        if i not in taken and j not in taken:
            lead, member = (i, j) if _leads(entries[i], entries[j]) else (j, i)
            leads[lead] = [(member, score)]
            taken.update((i, j))
            continue
        for lead, member in ((i, j), (j, i)):
            if lead in leads and member not in taken:
                if not any(found.blocked(ids[m], ids[member]) for m, _ in leads[lead]):
                    leads[lead].append((member, score))
                    taken.add(member)
                break
    return [
        Proposal(key, entries[lead], tuple((entries[m], s) for m, s in members))
        for lead, members in leads.items()
    ]


def _leads(first: ReportEntry, second: ReportEntry) -> bool:
    """Which of two entries would lead a pool: voted, then better supported, then first."""
    return (first.voted, first.support) >= (second.voted, second.support)
