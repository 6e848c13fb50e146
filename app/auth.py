"""Who is asking: organiser token, facilitator/projector keys, participant tokens; cookies for
browsers, bearer headers for API clients; CSRF and Origin checks."""

from __future__ import annotations

import hashlib
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from session_engine.actors import Actor, hash_secret
from session_engine.errors import N_, Forbidden, Unauthorized
from session_engine.sessions import authenticate
from session_engine.store.database import Database

from .settings import Settings

ORGANISER_COOKIE = "vk_organiser"
VIEW_COOKIES = {"participant": "vk_p_", "console": "vk_f_", "projector": "vk_v_"}
VIEW_ROLES = {"participant": "participant", "console": "facilitator", "projector": "projector"}


# Dependencies are `async def`: FastAPI runs a plain `def` in a worker thread, a thread hop
# per request for what is an attribute lookup.
async def get_database(connection: HTTPConnection) -> Database:
    database: Database = connection.app.state.database
    return database


async def get_app_settings(connection: HTTPConnection) -> Settings:
    """This app's settings (`create_app(settings)`). A dependency of its own rather than an
    entry in `app.dependency_overrides`: with any override present, FastAPI re-reads the
    signature of every dependency of every request (about 1 ms of CPU per request here)."""
    settings: Settings = connection.app.state.settings
    return settings


class Credentials:
    """Secrets resolved to actors. A participant's token never changes and is revoked only
    when its session is closed (`forget`), so once checked against the database it is known
    for the life of the process (by its hash: no token is kept in memory); facilitator and
    projector keys can be rotated and are checked against the database every time."""

    KEPT = 100_000  # participants remembered (about 200 bytes each)

    def __init__(self, database: Database) -> None:
        self.database = database
        self._participants: dict[tuple[str, str], Actor] = {}

    async def check(self, session_id: str, token: str) -> Actor:
        """The caller's actor in this session, or the engine's refusal (Forbidden, NotFound)."""
        key = (session_id, hash_secret(token))
        known = self._participants.get(key)
        if known is not None:
            return known
        actor: Actor = await self.database.read(authenticate, session_id=session_id, token=token)
        if actor.participant_id is not None:
            if len(self._participants) >= self.KEPT:
                self._participants.pop(next(iter(self._participants)))
            self._participants[key] = actor
        return actor

    def forget(self, session_id: str) -> None:
        """A closed session's tokens no longer work: forget the ones this process knew."""
        for key in [key for key in self._participants if key[0] == session_id]:
            del self._participants[key]


def credentials(connection: HTTPConnection) -> Credentials:
    known: Credentials = connection.app.state.credentials
    return known


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def cookie_name(view: str, session_id: str) -> str:
    return f"{VIEW_COOKIES[view]}{session_id}"


def is_organiser(connection: HTTPConnection, settings: Settings, token: str | None) -> bool:
    """Without ORGANISER_TOKEN the server runs open for local use (refused beyond localhost)."""
    expected = settings.organiser_token
    if expected is None:
        return True
    given = token or connection.cookies.get(ORGANISER_COOKIE) or ""
    return secrets.compare_digest(given.encode(), expected.encode())


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_api_organiser(request: Request, settings: Settings) -> bool:
    """The organiser on the JSON API: by bearer token, or by the organiser cookie. A request
    that changes something needs the organiser page's CSRF header beside the cookie, as the
    other cookies do: a foreign page can make a browser send the cookie, never the header."""
    token = bearer_token(request)
    if token is not None or request.method in SAFE_METHODS:
        return is_organiser(request, settings, token)
    if settings.organiser_token is None:  # open for local use: there is no secret to bind to
        return True
    cookie = request.cookies.get(ORGANISER_COOKIE)
    if not cookie or not is_organiser(request, settings, None):
        return False
    return csrf_matches(request, cookie)


async def require_organiser(request: Request, settings: SettingsDep) -> None:
    if not is_api_organiser(request, settings):
        raise Forbidden(N_("This needs the organiser token (Authorization: Bearer …)."))


OrganiserDep = Annotated[None, Depends(require_organiser)]


VIEW_HEADER = "x-vk-view"


async def actor_from_request(request: Request) -> Actor:
    """The caller's role in the session of the path: from a bearer secret (API clients), or
    from the cookie of the page's view plus its CSRF header (the app's own pages)."""
    session_id = request.path_params["session_id"]
    token = bearer_token(request)
    if token is not None:
        return await credentials(request).check(session_id, token)
    view = request.headers.get(VIEW_HEADER, "")
    credential = request.cookies.get(cookie_name(view, session_id)) if view in VIEW_ROLES else None
    if credential is None:
        raise Unauthorized(N_("Send your token or key as Authorization: Bearer <token>."))
    actor = await credentials(request).check(session_id, credential)
    if actor.role != VIEW_ROLES[view]:
        raise Forbidden(N_("This page's key does not allow this."))
    check_csrf(request, credential)
    return actor


ActorDep = Annotated[Actor, Depends(actor_from_request)]


def csrf_token(credential: str) -> str:
    """Bound to the cookie's secret: a foreign page can neither read nor forge it."""
    return hashlib.sha256(f"csrf:{credential}".encode()).hexdigest()[:32]


def csrf_matches(request: Request, credential: str, submitted: str | None = None) -> bool:
    """The form's field (`submitted`) or else the X-CSRF-Token header is this credential's."""
    given = submitted or request.headers.get("x-csrf-token", "")
    return secrets.compare_digest(given.encode(), csrf_token(credential).encode())


def check_csrf(request: Request, credential: str, submitted: str | None = None) -> None:
    if not csrf_matches(request, credential, submitted):
        raise Forbidden(N_("The form expired or came from another site: reload the page."))


def origin_allowed(connection: HTTPConnection, settings: Settings) -> bool:
    """Browsers send Origin: it must be this server (or a configured origin). Non-browser
    clients send none and are judged on their token alone."""
    origin = connection.headers.get("origin")
    if origin is None:
        return True
    if origin in settings.allowed_origins:
        return True
    if settings.public_url and origin == _origin_of(settings.public_url):
        return True
    host = connection.headers.get("host", "")
    return urlsplit(origin).netloc == host and host != ""


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
