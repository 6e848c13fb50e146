"""The event log: each change appends an event with the session's next seq, in the same
transaction as the change; committed events are published by the Database afterwards."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlmodel import col

from ..errors import N_, Forbidden, Invalid
from ..models import Event, Session, table_of, utcnow
from ..payloads import EventType, Payload, payload_of
from .db import MAX_INTEGER, Db
from .prepared import Prepared

# Every event type; session_engine/payloads.py has the model of each one's data, and
# docs/events.md documents each (tested).
EVENT_TYPES = tuple(t.value for t in EventType)

PENDING = "vk_pending_events"


@dataclass(frozen=True, slots=True)
class PublishedEvent:
    """A committed event as it travels to sockets: `wire` is its JSON, serialised once."""

    session_id: str
    seq: int
    type: str
    data: dict[str, Any]
    wire: str

    @classmethod
    def make(cls, session_id: str, seq: int, type_: str, data: dict[str, Any]) -> PublishedEvent:
        return cls(session_id, seq, type_, data, to_wire(seq, type_, data))

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.type, "data": self.data}

    def summary_wire(self) -> str:
        """The event as the programme channel carries it: which session, its seq and type,
        and a few numbers (never an item's words)."""
        message = {"kind": "event", "session_id": self.session_id, "seq": self.seq}
        return json.dumps({**message, "type": self.type, "summary": summary_of(self.data)})

    def payload(self) -> Payload:
        """The data read back as its model."""
        return payload_of(self.type, self.data)


# What the programme channel tells of an event's data: counts and positions, no text.
SUMMARY_FIELDS = ("participants", "step_id", "position", "column_count", "total_count", "open")
Summary = dict[str, int | str | bool]


def summary_of(data: dict[str, Any]) -> Summary:
    summary: Summary = {
        key: value for key in SUMMARY_FIELDS if isinstance(value := data.get(key), int | str | bool)
    }
    item = data.get("item")
    if isinstance(item, dict) and isinstance(item.get("category"), str):
        summary["category"] = item["category"]
    return summary


def to_wire(seq: int, type_: str, data: dict[str, Any]) -> str:
    return json.dumps({"seq": seq, "type": type_, "data": data}, ensure_ascii=False)


# What may still happen in a closed session: nothing anyone writes, only the facilitator's and
# the organiser's work on the report and its keys (closing.py).
SESSION_CLOSED = N_("This session has been closed: nothing can be added or changed.")
AFTER_CLOSE = frozenset(
    {
        EventType.SESSION_CLOSED,
        EventType.REPORT_TEXT_EDITED,
        EventType.KEYS_ROTATED,
        EventType.REPORT_PUBLISHED,
    }
)


def record_event(db: Db, session_id: str, payload: Payload) -> int:
    """Append an event with the next seq; the row lock on the session keeps seqs gap-free.
    Every change records an event, so this is where a closed session refuses changes."""
    seq, closed_at = db.execute(
        update(Session)
        .where(col(Session.id) == session_id)
        .values(last_seq=col(Session.last_seq) + 1)
        .returning(col(Session.last_seq), col(Session.closed_at))
    ).one()
    if closed_at is not None and payload.TYPE not in AFTER_CLOSE:
        raise Forbidden(SESSION_CLOSED)
    append_event(db, session_id, int(seq), payload)
    return int(seq)


_INSERT_EVENT = Prepared(
    insert(table_of(Event)).values(
        {c.name: bindparam(c.name, type_=c.type) for c in table_of(Event).columns}
    )
)


def append_event(
    db: Db, session_id: str, seq: int, payload: Payload, connection: Connection | None = None
) -> None:
    """Store the event with a seq its caller took under the session's lock, and hold it for
    publishing after commit. A Core insert: events are never read back as objects here.
    `connection`: `db`'s, when the caller has it at hand (the hot path: items.add_item)."""
    type_, data = payload.TYPE.value, payload.data()
    row = {"session_id": session_id, "seq": seq, "type": type_, "data": data}
    _INSERT_EVENT.run(connection or db.connection(), {**row, "created_at": utcnow()})
    db.info.setdefault(PENDING, []).append(PublishedEvent.make(session_id, seq, type_, data))


def pending_events(db: Db) -> list[PublishedEvent]:
    """The events this transaction recorded so far, left in place."""
    pending: list[PublishedEvent] = db.info.get(PENDING, [])
    return pending


def take_pending(db: Db) -> list[PublishedEvent]:
    """The events this transaction recorded, to publish once it has committed."""
    pending: list[PublishedEvent] = db.info.pop(PENDING, [])
    return pending


def events_after(db: Db, session_id: str, after: int, limit: int = 1000) -> list[PublishedEvent]:
    """Committed events of a session with seq > after, in order."""
    after = min(after, MAX_INTEGER)  # beyond any seq; a bigger number would not bind
    rows = db.scalars(
        select(Event)
        .where(col(Event.session_id) == session_id, col(Event.seq) > after)
        .order_by(col(Event.seq))
        .limit(limit)
    )
    return [PublishedEvent.make(r.session_id, r.seq, r.type, r.data) for r in rows]


def programme_of(db: Db, session_id: str) -> int | None:
    """The programme a session belongs to (it never changes)."""
    found = db.scalar(select(col(Session.programme_id)).where(col(Session.id) == session_id))
    return int(found) if found is not None else None


def check_resume_point(db: Db, session_id: str, after: int) -> None:
    """Refuse resuming after a seq the session has not reached: every event up to it would
    be skipped without a word once it is reached."""
    last = db.scalar(select(col(Session.last_seq)).where(col(Session.id) == session_id))
    if last is not None and after > last:
        raise Invalid(
            N_(
                "`after` is %(after)s, but the session's last event is %(last)s: "
                "resume after a seq you have received."
            ),
            after=after,
            last=last,
        )
