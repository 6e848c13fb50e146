"""Joining a session: an anonymous participant with a profile, seated at a table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from .actors import hash_secret, new_secret
from .content import Content
from .errors import N_, Forbidden, Invalid, NotFound
from .models import Participant, Session
from .online import is_online, require_window_open
from .payloads import ParticipantJoined
from .programmes import get_programme, programme_content
from .sessions import count_participants, normalise_code
from .store.db import Db
from .store.events import record_event
from .tables import seat_participant, sizes_by_key


@dataclass(frozen=True, slots=True)
class Joined:
    session_id: str
    participant_id: int
    token: str


def join_session(
    db: Db,
    *,
    code: str,
    profile: dict[str, str],
    table_id: int | None = None,
    now: datetime | None = None,
) -> Joined:
    """Add an anonymous participant to the session with this join code (at a table: the
    chosen one, or the emptiest when the session has tables); an online round only while it
    is open (at `now`)."""
    session = db.scalars(
        select(Session).where(col(Session.code) == normalise_code(code)).with_for_update()
    ).first()
    if session is None:
        raise NotFound(N_("No session with this join code. Check the code on the screen."))
    if not session.open_for_joining:
        raise Forbidden(N_("This session is closed to new participants."))
    if is_online(session):
        require_window_open(session, now)
    content = programme_content(get_programme(db, session.programme_id))
    clean = validate_profile(content, profile)
    token = new_secret()
    participant = Participant(session_id=session.id, token_hash=hash_secret(token), profile=clean)

    seat_participant(db, participant, table_id)
    db.add(participant)
    db.flush()
    data = {
        "participants": count_participants(db, session.id),
        "tables": sizes_by_key(db, session.id),
    }
    record_event(db, session.id, ParticipantJoined.model_validate(data))
    assert participant.id is not None
    return Joined(session.id, participant.id, token)


def validate_profile(content: Content, profile: dict[str, Any]) -> dict[str, str]:
    """Keep the answered fields; refuse unknown fields and options. Empty means skipped."""
    fields = {f.key: f for f in content.scenarios_file.profile_fields}
    clean: dict[str, str] = {}
    for key, value in profile.items():
        field = fields.get(key)
        if field is None:
            raise Invalid(
                N_("Unknown profile field %(field)r; known: %(known)s."),
                field=key,
                known=", ".join(fields),
            )
        if value in (None, ""):
            continue
        if value not in {o.key for o in field.options}:
            options = ", ".join(o.key for o in field.options)
            raise Invalid(
                N_("Unknown option %(option)r for %(field)r; choose one of %(options)s."),
                option=value,
                field=key,
                options=options,
            )
        clean[key] = str(value)
    return clean
