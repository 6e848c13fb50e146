"""Publishing a closed session's report at a read-only link (docs/privacy.md, "Receipts").

The organiser publishes; the link's token is unguessable (192 random bits) and is the only
way to the published report: anyone holding it may read the report and its data, nothing
else. Revoking forgets the token, so the old link answers 404 like one never issued. A
participant's device reads the published data to find its own items by the ids it kept
(receipts); the server is never told which ids it holds."""

from __future__ import annotations

import re
import secrets

from sqlmodel import col, select

from .actors import Organiser
from .errors import N_, Conflict, NotFound
from .models import Session
from .payloads import ReportPublished
from .sessions import get_session
from .store.db import Db
from .store.events import record_event

TOKEN_BYTES = 24  # 32 characters of URL-safe base64
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
NOT_PUBLISHED = N_("No published report at this address.")


def publish_report(db: Db, *, session_id: str, actor: Organiser) -> str:
    """Publish a closed session's report; returns the link's token (the same token while it
    stays published: publishing twice records nothing)."""
    session = get_session(db, session_id, lock=True)
    if session.closed_at is None:
        raise Conflict(
            N_("Close the session first: only a closed session's report can be published.")
        )
    if session.published_token is not None:
        return session.published_token
    session.published_token = secrets.token_urlsafe(TOKEN_BYTES)
    db.add(session)
    db.flush()
    record_event(db, session.id, ReportPublished(published=True))
    return session.published_token


def unpublish_report(db: Db, *, session_id: str, actor: Organiser) -> bool:
    """Revoke the read-only link: its token is forgotten. Returns whether it was published."""
    session = get_session(db, session_id, lock=True)
    if session.published_token is None:
        return False
    session.published_token = None
    db.add(session)
    db.flush()
    record_event(db, session.id, ReportPublished(published=False))
    return True


def require_token_shape(token: str) -> str:
    """The token, if it has the shape of one; anything else (a control character included) is
    not found, like a token never issued, before it reaches the database."""
    if not TOKEN.fullmatch(token):
        raise NotFound(NOT_PUBLISHED)
    return token


def published_session(db: Db, token: str) -> str:
    """The id of the session whose report this token publishes; anything else, a token of
    the wrong shape included, is not found (and never reaches a query)."""
    require_token_shape(token)
    found = db.scalars(select(Session.id).where(col(Session.published_token) == token)).first()
    if found is None:
        raise NotFound(NOT_PUBLISHED)
    return found


def publication(db: Db, session_id: str) -> str | None:
    """The token of the session's published report, or None while it is not published."""
    return get_session(db, session_id).published_token
