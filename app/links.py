"""Absolute links to a session's pages, for the organiser, the CLI and QR codes."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import HTTPConnection

from session_engine.sessions import CreatedSession

from .schemas import SessionLinks
from .settings import Settings


def base_url(connection: HTTPConnection | None, settings: Settings, fallback: str = "") -> str:
    if settings.public_url:
        return settings.public_url.rstrip("/")
    if connection is not None:
        return str(connection.base_url).rstrip("/")
    return fallback.rstrip("/")


def join_link(base: str, code: str) -> str:
    return f"{base}/join?code={quote(code)}"


def links_for(base: str, created: CreatedSession) -> SessionLinks:
    session = created.session
    return SessionLinks(
        participant=join_link(base, session.code),
        facilitator=f"{base}/console/{session.id}?key={created.facilitator_key}",
        projector=f"{base}/projector/{session.id}?key={created.projector_key}",
    )


def session_links(
    connection: HTTPConnection | None, settings: Settings, created: CreatedSession
) -> SessionLinks:
    return links_for(base_url(connection, settings), created)
