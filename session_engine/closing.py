"""Closing a session for good ("Sessie afsluiten"): every contribution loses its link to the
participant who made it, and nothing can be added or changed afterwards.

What stays is what the reports need and nothing more (docs/privacy.md, "Unlink at close"):
items, comments, me-toos and definitions keep their text, step, table and order but no author
and no client id; a ballot keeps its answer, a pseudonym that only counts voters, and the
voter's profile and table for per-segment results; participants keep their profile and
table, without token, in a shuffled order and without their join time. Times that could pair
a contribution with a join are coarsened to the session's day."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlmodel import col

from .actors import Actor, Organiser, require_facilitator
from .late import decline_waiting_at_close
from .models import (
    Ballot,
    Comment,
    Definition,
    Event,
    Item,
    MeToo,
    Participant,
    Session,
    table_of,
    utcnow,
)
from .payloads import SessionClosed
from .reactions import presses_that_count
from .sessions import get_session
from .store.db import Db
from .store.events import record_event


def close_session(db: Db, *, session_id: str, actor: Actor | Organiser) -> bool:
    """Close a session for good and unlink what was written in it: the organiser any session,
    a facilitator their own (whatever `session_id` says). Returns whether it was still open:
    closing twice changes nothing and records no event. Run `checkpoint_wal` after the
    commit, so the linked rows leave the write-ahead log too."""
    if not isinstance(actor, Organiser):
        require_facilitator(actor)
        session_id = actor.session_id
    session = get_session(db, session_id, lock=True)
    if session.closed_at is not None:
        return False
    if db.get_bind().dialect.name == "sqlite":
        db.execute(text("PRAGMA secure_delete = ON"))  # freed bytes are zeroed, not left
    decline_waiting_at_close(db, session.id)
    session.closed_at = utcnow()
    session.open_for_joining = False
    db.add(session)
    db.flush()
    record_event(db, session.id, SessionClosed())
    unlink(db, session)  # after the event, so its time is coarsened too
    return True


def is_closed(db: Db, session_id: str) -> bool:
    """Whether this session was closed for good (False for no such session)."""
    session = db.get(Session, session_id)
    return session is not None and session.closed_at is not None


def unlink(db: Db, session: Session) -> None:
    """Drop every link between a participant and what they wrote, in one transaction."""
    day = session_day(session.created_at)
    _drop_uncounted_presses(db, session.id)  # while they can still be told apart
    _pseudonymise_ballots(db, session.id, day)
    for model in (Item, Comment):
        _drop_author(db, model, session.id, client_id="", created_at=day)
    _drop_author(db, Definition, session.id, created_at=day)
    in_session = select(col(Item.id)).where(col(Item.session_id) == session.id)
    db.execute(
        update(MeToo)
        .where(col(MeToo.item_id).in_(in_session))
        .values(participant_id=None, created_at=day)
    )
    db.execute(update(Event).where(col(Event.session_id) == session.id).values(created_at=day))
    _reshuffle_participants(db, session.id, day)


def _drop_uncounted_presses(db: Db, session_id: str) -> None:
    """Delete the "me too" presses a report does not count (an author's own, a second one by
    the same person on a merged entry): without their presser they could no longer be told
    apart, and the reports must stay the same bytes."""
    items = db.execute(
        select(col(Item.id), col(Item.merged_into_id), col(Item.participant_id)).where(
            col(Item.session_id) == session_id,
            col(Item.deleted_at).is_(None),
            col(Item.late).is_(None),
        )
    ).all()
    shown = {item.id for item in items}
    presses = [
        p
        for p in db.execute(
            select(col(MeToo.id), col(MeToo.item_id), col(MeToo.participant_id))
            .join(Item, col(Item.id) == col(MeToo.item_id))
            .where(col(Item.session_id) == session_id)
        ).all()
        if p.item_id in shown
    ]
    counted = {c for ids in presses_that_count(items, presses).values() for c in ids}
    if dropped := [p.id for p in presses if p.id not in counted]:
        db.execute(delete(MeToo).where(col(MeToo.id).in_(dropped)))


def session_day(created: datetime) -> datetime:
    """The coarse time every unlinked row gets: midnight of the session's first day."""
    return created.replace(hour=0, minute=0, second=0, microsecond=0)


def _drop_author(db: Db, model: Any, session_id: str, **values: object) -> None:
    db.execute(
        update(model)
        .where(col(model.session_id) == session_id)
        .values(participant_id=None, **values)
    )


def _pseudonymise_ballots(db: Db, session_id: str, day: datetime) -> None:
    """Each voter becomes a random number that only groups their own ballots (to count
    voters); the profile and table the results are split by are copied onto the ballot."""
    voters = list(
        db.execute(
            select(col(Participant.id), col(Participant.profile), col(Participant.table_id)).where(
                col(Participant.session_id) == session_id
            )
        )
    )
    numbers = list(range(1, len(voters) + 1))
    secrets.SystemRandom().shuffle(numbers)
    for (participant_id, profile, table_id), number in zip(voters, numbers, strict=True):
        db.execute(
            update(Ballot)
            .where(col(Ballot.participant_id) == participant_id)
            .values(
                participant_id=None,
                voter=number,
                segment=profile,
                segment_table_id=table_id,
                updated_at=day,
            )
        )


def _reshuffle_participants(db: Db, session_id: str, day: datetime) -> None:
    """Participants keep their profile and table (the reports count them) but lose their
    token and join time, and are stored again in random order: row order no longer says
    who joined when."""
    rows = [
        {"session_id": session_id, "profile": profile, "table_id": table_id, "joined_at": day}
        for profile, table_id in db.execute(
            select(col(Participant.profile), col(Participant.table_id)).where(
                col(Participant.session_id) == session_id
            )
        )
    ]
    secrets.SystemRandom().shuffle(rows)
    db.execute(delete(Participant).where(col(Participant.session_id) == session_id))
    if rows:
        db.execute(insert(table_of(Participant)), rows)
