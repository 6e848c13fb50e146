"""Blind rounds and late items: the one rule for who may read an item's words.

While a brainstorm step is blind, the text of each of its items (with its merged members and the
comments under it) reaches only the participant who wrote it and the facilitator. Other
participants and the projector learn only that it exists (a count). Every read path applies this
rule: boards of any step (a converge step pools its scenario's brainstorms), vote options, the
event log and both sockets, live fragments, reactions and the spotlight.

An item that arrived after input closed (late, session_engine/late.py) follows the same rule
until the facilitator lets it in: only its author and the facilitator read it, whether it waits
or was declined; and it is on no board, in no vote and in no report (`items.visible`). An online
round's item held for review (session_engine/online.py) is the same until the organiser
approves it.

Events are marked `hidden` when they are recorded (their item's step was blind then); readers
who may not see hidden words get a copy without them (`event_for`). The reveal's
`visibility_changed` event carries the revealed items, so a JSON client that missed their words
gets them in order."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from sqlmodel import col, select

from .actors import Actor
from .models import Item, Step
from .payloads import payload_of
from .shapes import ItemVisibility, LateState
from .store.db import Db
from .store.events import PublishedEvent

ReaderRole = Literal["facilitator", "participant", "projector"]


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads: the facilitator reads everything; a participant their own hidden items too;
    the projector (and anyone else) only what is not hidden."""

    role: ReaderRole
    participant_id: int | None = None

    @classmethod
    def of(cls, actor: Actor) -> Reader:
        return cls(actor.role, actor.participant_id)

    @property
    def reads_hidden(self) -> bool:
        return self.role == "facilitator"


FACILITATOR = Reader("facilitator")
ROOM = Reader("projector")  # what everybody may see: the projector's view of a board


def reader_for(role: str, participant_id: int | None = None) -> Reader:
    """A credential's role as a reader: the facilitator, a participant, or the room."""
    if role == "facilitator":
        return FACILITATOR
    if role == "participant":
        return Reader("participant", participant_id)
    return ROOM


def blind_steps(db: Db, session_id: str) -> frozenset[int]:
    """The steps of a session whose items are hidden now."""
    query = select(Step.id).where(col(Step.session_id) == session_id, col(Step.blind).is_(True))
    return frozenset(i for i in db.scalars(query) if i is not None)


_LATE_VISIBILITY: dict[str, ItemVisibility] = {
    LateState.DECLINED: ItemVisibility.DECLINED,
    LateState.HELD: ItemVisibility.HELD,
}


def visibility_of(item: Item, blind: frozenset[int]) -> ItemVisibility:
    """The item's one visibility state, with these steps blind."""
    if item.late is not None:
        return _LATE_VISIBILITY.get(item.late, ItemVisibility.LATE)
    return ItemVisibility.BLIND if item.step_id in blind else ItemVisibility.SHOWN


def readable(item: Item, blind: frozenset[int], reader: Reader) -> bool:
    """May `reader` read this item's words, with these steps blind?"""
    if reader.reads_hidden or visibility_of(item, blind) is ItemVisibility.SHOWN:
        return True
    return reader.participant_id is not None and item.participant_id == reader.participant_id


def can_read(db: Db, item: Item, reader: Reader) -> bool:
    return readable(item, blind_steps(db, item.session_id), reader)


def is_hidden(db: Db, items: Iterable[Item]) -> bool:
    """Is any of these items hidden from the room now (for marking an event)?"""
    items = list(items)
    if not items:
        return False
    blind = blind_steps(db, items[0].session_id)
    return any(visibility_of(i, blind) is not ItemVisibility.SHOWN for i in items)


def event_for(event: PublishedEvent, reader: Reader) -> PublishedEvent:
    """The event as this reader may receive it."""
    if reader.reads_hidden or not event.data.get("hidden"):
        return event
    return _redacted(event.session_id, event.seq, event.type, event.wire)


@lru_cache(maxsize=1024)
def _redacted(session_id: str, seq: int, type_: str, wire: str) -> PublishedEvent:
    """A hidden event without its words, made once for all the sockets it goes to."""
    data = payload_of(type_, json.loads(wire)["data"]).redacted().data()
    return PublishedEvent.make(session_id, seq, type_, data)
