"""Programmes, sessions, participants and the agenda: the commands that create and steer them."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select
from sqlmodel import col

from .content import AgendaStep, Content
from .errors import N_, Forbidden, Invalid, NotFound
from .models import Participant, Programme, Session, Step
from .store.db import MAX_INTEGER, Db, hold_startup_lock
from .store.events import record_event

# No 0/O, 1/I/L: a join code is read off a projector and typed on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
Role = Literal["facilitator", "projector", "participant"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling, as far as one session is concerned."""

    role: Role
    session_id: str
    participant_id: int | None = None


@dataclass(frozen=True, slots=True)
class Organiser:
    """The organiser (`ORGANISER_TOKEN`), who may act on every session. Commands the organiser
    may call take it as their actor explicitly: authority is never a missing argument."""


ORGANISER = Organiser()


@dataclass(frozen=True, slots=True)
class CreatedSession:
    """A new session with its secrets: shown to the organiser once, stored only as hashes."""

    session: Session
    facilitator_key: str
    projector_key: str


@dataclass(frozen=True, slots=True)
class Joined:
    session_id: str
    participant_id: int
    token: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A 256-bit URL-safe secret (facilitator keys, projector keys, participant tokens)."""
    return secrets.token_urlsafe(32)


def load_programme(db: Db, *, content: Content) -> Programme:
    """Store the programme of `content`, or refresh it if its key is already known."""
    data = content.model_dump(mode="json")
    hold_startup_lock(db)  # servers starting together: one inserts, the others then update
    programme = db.scalars(
        select(Programme).where(col(Programme.key) == content.programme.key)
    ).first()
    if programme is None:
        programme = Programme(key=content.programme.key, title="", content={})
    programme.title = content.programme.title
    programme.language = content.programme.language
    programme.content = data
    programme.content_hash = content_hash(data)
    db.add(programme)
    db.flush()
    return programme


def content_hash(data: dict[str, Any]) -> str:
    """The key of a programme's content (migration 0005 computes it the same way)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# Validated content by content hash: the content of a programme is read on every item, vote and
# page, and changes only when its YAML is loaded again (which gives it a new hash). Content is
# frozen, so one instance is shared. Bounded: a process serves a handful of programmes.
_CONTENTS: dict[str, Content] = {}
_CONTENTS_KEPT = 32


def programme_content(programme: Programme) -> Content:
    return cached_content(programme.content_hash, lambda: programme.content)


def cached_content(digest: str, data: Callable[[], dict[str, Any]]) -> Content:
    """The validated content with this hash; `data` gives the raw content on a miss."""
    content = _CONTENTS.get(digest) if digest else None
    if content is None:
        content = Content.model_validate(data())
        if digest:
            if len(_CONTENTS) >= _CONTENTS_KEPT:
                _CONTENTS.pop(next(iter(_CONTENTS)))
            _CONTENTS[digest] = content
    return content


def get_programme(db: Db, programme_id: int) -> Programme:
    programme = db.get(Programme, programme_id) if 0 < programme_id <= MAX_INTEGER else None
    if programme is None:
        raise NotFound(N_("No programme with id %(programme_id)s."), programme_id=programme_id)
    return programme


def get_session(db: Db, session_id: str, *, lock: bool = False) -> Session:
    """A session; `lock` takes its row lock (PostgreSQL) until commit, as record_event would.

    Commands that read state before recording an event (counts, an earlier retry) lock first,
    so concurrent writers to one session run one after the other and read exact state."""
    session = db.get(Session, session_id, with_for_update=lock)
    if session is None:
        raise NotFound(N_("No session with id %(session_id)r."), session_id=session_id)
    return session


def create_session(
    db: Db,
    *,
    programme_id: int,
    title: str,
    location: str = "",
    date: str = "",
    template_id: int | None = None,
) -> CreatedSession:
    """Create a session of a programme with the programme's default agenda, or a template's."""
    programme = get_programme(db, programme_id)
    content = programme_content(programme)
    steps = [AgendaStep.model_validate(s) for s in _template_steps(db, programme_id, template_id)]
    facilitator_key, projector_key = new_secret(), new_secret()
    session = Session(
        id=secrets.token_hex(6),
        programme_id=programme_id,
        title=title.strip() or programme.title,
        location=location.strip(),
        date=date.strip(),
        language=programme.language,
        code=_unused_code(db),
        facilitator_key_hash=hash_secret(facilitator_key),
        projector_key_hash=hash_secret(projector_key),
    )
    db.add(session)
    db.flush()
    for position, entry in enumerate(steps or content.scenarios_file.agenda):
        scenario = content.scenario(entry.scenario)
        title = entry.title or (scenario.title if scenario else entry.type)
        db.add(
            Step(
                session_id=session.id,
                position=position,
                type=entry.type,
                title=title,
                scenario_key=entry.scenario,
                text=entry.text,
                timer_seconds=entry.timer_seconds,
            )
        )
    summary = {"title": session.title, "location": session.location, "date": session.date}
    record_event(db, session.id, "session_created", summary)
    return CreatedSession(session, facilitator_key, projector_key)


def _template_steps(db: Db, programme_id: int, template_id: int | None) -> list[dict[str, Any]]:
    if template_id is None:
        return []
    from .agenda import get_template

    return get_template(db, programme_id, template_id).steps


def _unused_code(db: Db) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.scalars(select(Session).where(col(Session.code) == code)).first() is None:
            return code


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper().replace("-", "")


def join_session(
    db: Db, *, code: str, profile: dict[str, str], table_id: int | None = None
) -> Joined:
    """Add an anonymous participant to the session with this join code (at a table: the
    chosen one, or the emptiest when the session has tables)."""
    session = db.scalars(
        select(Session).where(col(Session.code) == normalise_code(code)).with_for_update()
    ).first()
    if session is None:
        raise NotFound(N_("No session with this join code. Check the code on the screen."))
    if not session.open_for_joining:
        raise Forbidden(N_("This session is closed to new participants."))
    content = programme_content(get_programme(db, session.programme_id))
    clean = validate_profile(content, profile)
    token = new_secret()
    participant = Participant(session_id=session.id, token_hash=hash_secret(token), profile=clean)
    from .tables import seat_participant, sizes_by_key

    seat_participant(db, participant, table_id)
    db.add(participant)
    db.flush()
    data = {
        "participants": count_participants(db, session.id),
        "tables": sizes_by_key(db, session.id),
    }
    record_event(db, session.id, "participant_joined", data)
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


def authenticate(db: Db, *, session_id: str, token: str) -> Actor:
    """Resolve a bearer secret to a role in this session, or refuse."""
    session = get_session(db, session_id)
    digest = hash_secret(token)
    if secrets.compare_digest(digest, session.facilitator_key_hash):
        return Actor("facilitator", session_id)
    if secrets.compare_digest(digest, session.projector_key_hash):
        return Actor("projector", session_id)
    participant = db.scalars(
        select(Participant).where(col(Participant.token_hash) == digest)
    ).first()
    if participant is None or participant.session_id != session_id:
        raise Forbidden(N_("This token does not give access to this session."))
    return Actor("participant", session_id, participant.id)


def require_facilitator(actor: Actor) -> None:
    if actor.role != "facilitator":
        raise Forbidden(N_("Only the facilitator of this session can do this."))


def agenda(db: Db, session_id: str) -> list[Step]:
    return list(
        db.scalars(
            select(Step).where(col(Step.session_id) == session_id).order_by(col(Step.position))
        )
    )


def get_step(db: Db, session_id: str, step_id: int) -> Step:
    step = db.get(Step, step_id) if 0 < step_id <= MAX_INTEGER else None
    if step is None or step.session_id != session_id:
        raise NotFound(N_("No step %(step_id)s in this session."), step_id=step_id)
    return step


def activate_step(db: Db, *, actor: Actor, step_id: int, table_id: int | None = None) -> Step:
    """Push a step to every screen of the session, or to one table's screens."""
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    session = get_session(db, actor.session_id)
    from .tables import get_table, tables

    if table_id is not None:
        table = get_table(db, session.id, table_id)
        table.active_step_id = step.id
        db.add(table)
    else:
        session.active_step_id = step.id
        db.add(session)
        for table in tables(db, session.id):  # "to all tables" ends any table's own step
            table.active_step_id = None
            db.add(table)
    record_event(db, session.id, "step_activated", {**step_summary(step), "table_id": table_id})
    return step


def step_summary(step: Step) -> dict[str, Any]:
    return {
        "step_id": step.id,
        "type": step.type,
        "title": step.title,
        "scenario": step.scenario_key,
        "position": step.position,
        "skipped": step.skipped,
    }


def rotate_keys(db: Db, *, session_id: str) -> CreatedSession:
    """Issue new facilitator and projector keys; the old ones stop working at once."""
    session = get_session(db, session_id)
    facilitator_key, projector_key = new_secret(), new_secret()
    session.facilitator_key_hash = hash_secret(facilitator_key)
    session.projector_key_hash = hash_secret(projector_key)
    db.add(session)
    record_event(db, session.id, "keys_rotated", {})
    return CreatedSession(session, facilitator_key, projector_key)


def find_session(db: Db, *, programme_id: int, title: str) -> Session | None:
    return db.scalars(
        select(Session).where(
            col(Session.programme_id) == programme_id, col(Session.title) == title
        )
    ).first()


def count_participants(db: Db, session_id: str) -> int:
    query = select(func.count()).select_from(Participant)
    return int(db.scalar(query.where(col(Participant.session_id) == session_id)) or 0)
