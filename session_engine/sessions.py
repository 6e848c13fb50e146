"""Sessions: creating one from a programme (and a template), its keys, who a secret belongs to,
its agenda of steps, and how many have joined."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from sqlalchemy import func, select
from sqlmodel import col

from .actors import Actor, hash_secret, new_secret, require_facilitator
from .content import AgendaStep, Scenario
from .errors import N_, Forbidden, NotFound
from .models import Participant, Session, Step
from .payloads import KeysRotated, SessionCreated
from .programmes import get_programme, programme_content
from .store.db import MAX_INTEGER, Db
from .store.events import SESSION_CLOSED, record_event
from .templates import get_template

# No 0/O, 1/I/L: a join code is read off a projector and typed on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


@dataclass(frozen=True, slots=True)
class CreatedSession:
    """A new session with its secrets: shown to the organiser once, stored only as hashes."""

    session: Session
    facilitator_key: str
    projector_key: str


def get_session(db: Db, session_id: str, *, lock: bool = False) -> Session:
    """A session; `lock` takes its row lock (PostgreSQL) until commit, as record_event would.

    Commands that read state before recording an event (counts, an earlier retry) lock first,
    so concurrent writers to one session run one after the other and read exact state."""
    session = db.get(Session, session_id, with_for_update=lock)
    if session is None:
        raise NotFound(N_("No session with id %(session_id)r."), session_id=session_id)
    return session


def writable_session(db: Db, session_id: str) -> Session:
    """A session locked for a participant's write, refused once closed: before any row is
    written, as closing took the participants' ids (an insert would fail on its key)."""
    session = get_session(db, session_id, lock=True)
    if session.closed_at is not None:
        raise Forbidden(SESSION_CLOSED)
    return session


def session_date(value: str, language: str) -> str:
    """A session's date as the language writes it (14 juni 2016, 14 June 2016): the organiser
    page stores an ISO date; a date typed as free text is shown as typed."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return value
    return format_date(day, "d MMMM y", locale=language)


Translate = Callable[[str, str], str]  # (language, message) -> the message in that language

STEP_TYPE_LABELS = {
    "info": N_("Information"),
    "brainstorm": N_("Brainstorm"),
    "converge": N_("Converge"),
    "vote": N_("Vote"),
    "statements": N_("Statements"),
    "glossary": N_("Glossary"),
    "preference": N_("Preference"),
    "break": N_("Break"),
}


def untranslated(language: str, message: str) -> str:
    """The English text: how the engine words a label when no catalogue is given."""
    return message


# The default agenda's step titles (scenarios.yaml) are written in Dutch. A step whose title is
# still one of these, in Dutch, is named in the session's language instead: an English session
# of the shipped programme reads "Statements", not "Stellingen". Any other title is the
# programme's own wording and stays as written.
BUILT_IN_LANGUAGE = "nl"
VOTE_TITLE = N_("Scenario %(number)s: most important points")
BUILT_IN_TITLES = {
    "info": (N_("Welcome"),),
    "converge": (N_("Scenario %(number)s: converging"),),
    "vote": (VOTE_TITLE,),
    "statements": (N_("Statements"),),
    "glossary": (N_("Glossary"), N_("Terms")),
    "preference": (N_("Preference"), N_("Preferred scenario")),
}


def built_in_title(
    title: str, step_type: str, scenario: Scenario | None, language: str, translate: Translate
) -> str:
    """`title` in `language` when it is a built-in title as the shipped agenda words it (in
    Dutch), else `title` as it is."""
    number = {"number": scenario.number if scenario is not None else ""}
    for message in BUILT_IN_TITLES.get(step_type, ()):
        if title == translate(BUILT_IN_LANGUAGE, message) % number:
            return translate(language, message) % number
    return title


def untitled_step_title(
    step_type: str, scenario: Scenario | None, language: str, translate: Translate
) -> str:
    """An untitled step's name: its scenario's title (as the default agenda names its steps),
    else its type as the agenda labels it, in `language`."""
    if scenario is not None:
        return scenario.title
    return translate(language, STEP_TYPE_LABELS.get(step_type, step_type))


def create_session(
    db: Db,
    *,
    programme_id: int,
    title: str,
    location: str = "",
    date: str = "",
    template_id: int | None = None,
    translate: Translate = untranslated,
    facilitator_name: str = "",
    language: str | None = None,
) -> CreatedSession:
    """Create a session of a programme with the programme's default agenda, or a template's.
    Untitled steps are named in the session's language (`translate`), not by their type key;
    the language is the programme's unless `language` is given."""
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
        facilitator_name=facilitator_name.strip(),
        language=language or programme.language,
        code=_unused_code(db),
        facilitator_key_hash=hash_secret(facilitator_key),
        projector_key_hash=hash_secret(projector_key),
    )
    db.add(session)
    db.flush()
    for position, entry in enumerate(steps or content.scenarios_file.agenda):
        scenario = content.scenario(entry.scenario)
        title = built_in_title(
            entry.title, entry.type, scenario, session.language, translate
        ) or untitled_step_title(entry.type, scenario, session.language, translate)
        db.add(
            Step(
                session_id=session.id,
                position=position,
                type=entry.type,
                title=title,
                scenario_key=entry.scenario,
                text=entry.text,
                timer_seconds=entry.timer_seconds,
                config=_columns_config(entry.categories),
            )
        )
    summary = {"title": session.title, "location": session.location, "date": session.date}
    record_event(db, session.id, SessionCreated.model_validate(summary))
    return CreatedSession(session, facilitator_key, projector_key)


def _columns_config(categories: list[str] | None) -> dict[str, Any]:
    """A vote step's columns as its config holds them (`category` is the first)."""
    return {"categories": categories, "category": categories[0]} if categories else {}


def _template_steps(db: Db, programme_id: int, template_id: int | None) -> list[dict[str, Any]]:
    if template_id is None:
        return []
    return get_template(db, programme_id, template_id).steps


def _unused_code(db: Db) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.scalars(select(Session).where(col(Session.code) == code)).first() is None:
            return code


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper().replace("-", "")


def session_by_code(db: Db, code: str) -> Session | None:
    """The session a join code (as typed: spaces, dashes, lower case) opens, or None."""
    return db.scalars(select(Session).where(col(Session.code) == normalise_code(code))).first()


CLOSED = N_(
    "This session has been closed: what was written is kept without anyone's name, so this "
    "link no longer opens it."
)


def authenticate(db: Db, *, session_id: str, token: str) -> Actor:
    """Resolve a bearer secret to a role in this session, or refuse."""
    session = get_session(db, session_id)
    digest = hash_secret(token)
    if secrets.compare_digest(digest, session.facilitator_key_hash):
        return Actor("facilitator", session_id)
    if secrets.compare_digest(digest, session.projector_key_hash) or secrets.compare_digest(
        token.encode(), _projector_pass(session).encode()
    ):
        return Actor("projector", session_id)
    participant = db.scalars(
        select(Participant).where(col(Participant.token_hash) == digest)
    ).first()
    if participant is None or participant.session_id != session_id:
        if session.closed_at is not None:
            raise Forbidden(CLOSED)
        raise Forbidden(N_("This token does not give access to this session."))
    return Actor("participant", session_id, participant.id)


def projector_pass(db: Db, *, actor: Actor) -> str:
    """A projector credential for the facilitator to open (the console's projector link). The
    projector key is kept only as a hash, so this pass is derived from both stored hashes: it
    opens the projector and nothing else, never reveals the facilitator key, and rotating the
    keys revokes it."""
    require_facilitator(actor)
    return _projector_pass(get_session(db, actor.session_id))


def _projector_pass(session: Session) -> str:
    secret = f"{session.facilitator_key_hash}:{session.projector_key_hash}".encode()
    return hmac.new(secret, b"projector pass", hashlib.sha256).hexdigest()


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
    record_event(db, session.id, KeysRotated())
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
