"""Who may still come in: opening and closing a session to new participants."""

from __future__ import annotations

from .actors import Actor, Organiser, require_facilitator
from .payloads import JoiningChanged
from .sessions import get_session
from .store.db import Db
from .store.events import record_event


def set_joining(
    db: Db, *, session_id: str, open_for_joining: bool, actor: Actor | Organiser
) -> bool:
    """Open or close a session to new joiners: the organiser any session, a facilitator
    their own (whatever `session_id` says).

    Returns whether anything changed: asking for the state it is already in records
    no event, so a retried request is harmless."""
    if not isinstance(actor, Organiser):
        require_facilitator(actor)
        session_id = actor.session_id
    session = get_session(db, session_id)
    if session.open_for_joining == open_for_joining:
        return False
    session.open_for_joining = open_for_joining
    db.add(session)
    record_event(db, session.id, JoiningChanged(open=open_for_joining))
    return True
