"""Assembles the application: settings, database, fan-out, hub, routes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from session_engine import similarity
from session_engine.content import load_content
from session_engine.errors import N_, EngineError, Invalid, NotFound
from session_engine.models import utcnow
from session_engine.programmes import load_programme
from session_engine.store.database import Database
from session_engine.store.db import WalCheckpointer, create_db_engine
from session_engine.store.fanout import fanout_from_url
from session_engine.store.schema import migrate

from . import (
    access,
    api,
    bulk,
    curation,
    dashboard,
    facilitation,
    live,
    online,
    pages,
    publishing,
    reports,
    review,
    voting,
)
from .auth import Credentials
from .bodylimit import BodyLimitMiddleware
from .collector import CollectorPacing
from .fragments import EventRenderer, step_type_labels
from .headers import SecurityHeadersMiddleware
from .hub import Hub
from .logs import AccessLog, redact_server_logs
from .presence import LocalPresence, RefusalWatch
from .ratelimit import Limits, RateLimitMiddleware
from .report_ahead import ReportsAhead
from .retention import purge_daily
from .settings import Settings, get_settings
from .static_files import static_assets
from .templating import gettext, pick_language

DESCRIPTION = """A self-hosted, real-time group decision room.

Participants join with a code (`POST /api/join`) and get a bearer token; the facilitator
uses the session's facilitator key; the organiser the server's `ORGANISER_TOKEN`.
Every change is an event with a gap-free per-session `seq`: read them with
`GET /api/sessions/{id}/events?after=N` or live on the WebSocket
`/api/sessions/{id}/ws?after=N&token=T`. See docs/events.md for every event type."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    redact_server_logs()
    content = load_content(settings.scenarios_file, settings.statements_file)
    migrate(settings.database_url)
    engine = create_db_engine(settings.database_url, background_checkpoints=True)
    checkpoints = WalCheckpointer(engine) if engine.dialect.name == "sqlite" else None
    if checkpoints:
        checkpoints.start()
    fanout = fanout_from_url(settings.broadcast_url)
    await fanout.connect()
    database = Database(engine, fanout)
    programme = await database.write(load_programme, content=content)
    app.state.database = database
    app.state.credentials = Credentials(database)
    app.state.programme_id = programme.id
    renderer = EventRenderer(database, settings.segment_threshold)
    presence: LocalPresence = app.state.presence
    app.state.hub = Hub(database, renderer, settings.send_queue_size, presence)
    app.state.dashboards = dashboard.make_dashboards(database, settings, app.state.now)
    reporting = asyncio.create_task(presence.report_forever(fanout))
    app.state.reports_ahead = ahead = ReportsAhead(
        database,
        settings.database_url,
        settings.segment_threshold,
        key=reports.report_key,
        kept=reports.RENDERED,
    )
    database.observers.append(ahead.events_committed)
    dashboard.draw_reports(app.state.dashboards, settings.segment_threshold, ahead.render)
    # scikit-learn and the Dutch dictionary take a second to load, not on the facilitator's
    # first click; and loading holds the interpreter lock up to a quarter of a second at a
    # time, so it is done before the first request, never while a room is live.
    await asyncio.get_running_loop().run_in_executor(None, similarity.warm_up)
    retention = asyncio.create_task(purge_daily(database, settings))
    pacing = CollectorPacing()
    pacing.start()  # what start-up made lives as long as the server: frozen now
    collector = asyncio.create_task(pacing.run())
    try:
        yield
    finally:
        for task in (retention, reporting, collector):
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await app.state.dashboards.close_all()
        await app.state.hub.close_all()
        await ahead.close()
        await fanout.disconnect()
        database.close()
        if checkpoints:
            checkpoints.stop()
        engine.dispose()


def _in_words(language: str, values: dict[str, object]) -> dict[str, object]:
    """A step's type (`vote`) as the page names it (`stemming`); other values as they are."""
    labels = step_type_labels(language)
    kind = values.get("type")
    if isinstance(kind, str) and kind in labels:
        return {**values, "type": labels[kind].lower()}
    return values


async def engine_error(request: Request, exc: Exception) -> JSONResponse:
    """A refusal as {"detail": message}; browser routes, and the API called from our own pages
    (they send X-VK-View), get it in the page's language; other API clients get English.
    The template is translated first, then its values filled in: they are not in catalogues."""
    assert isinstance(exc, EngineError)
    message = exc.message
    if not request.url.path.startswith("/api/") or "x-vk-view" in request.headers:
        language = pick_language(request.headers.get("x-vk-lang"), request.cookies.get("vk_lang"))
        message = gettext(language, exc.template, **_in_words(language, exc.values))
    return JSONResponse({"detail": message}, status_code=exc.status)


UNSTORABLE_TEXT = N_("The text holds a character that cannot be stored (a lone surrogate).")
OUT_OF_RANGE = "22003"  # PostgreSQL's numeric_value_out_of_range
BEYOND_IDS = N_("Nothing has this id: the number is larger than any id.")
EXCERPT = 80  # characters of a refused value a 422 echoes back


def excerpt(value: object) -> object:
    """A refused value as a 422 shows it: short text as it is, long text cut, a whole object
    or list left out, so a refusal never echoes a large body back."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value if len(value) <= EXCERPT else value[:EXCERPT] + "…"
    if value is None or isinstance(value, bool | int | float):
        return value
    return None


def _scalar(value: object) -> object:
    scalar = value is None or isinstance(value, str | bytes | bool | int | float)
    return value if scalar else str(value)


async def unstorable_text(request: Request, exc: Exception) -> JSONResponse:
    """Text JSON can carry but UTF-8 cannot (a lone surrogate, "\\ud800") is refused when the
    database or a reply would have to encode it: 422, and the transaction it was in is undone."""
    return await engine_error(request, Invalid(UNSTORABLE_TEXT))


async def number_beyond_ids(request: Request, exc: Exception) -> JSONResponse:
    """An id too large for the database names nothing: 404, as the engine answers for ids it
    checks itself (`storable_id`). SQLite refuses to bind it (OverflowError); PostgreSQL
    refuses it as out of range for the column (SQLSTATE 22003); other data errors stay 500."""
    if isinstance(exc, DataError) and getattr(exc.orig, "sqlstate", None) != OUT_OF_RANGE:
        raise exc
    return await engine_error(request, NotFound(BEYOND_IDS))


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 ({"detail": [errors]}), each error's `input` an excerpt at most."""
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        shown = {k: v for k, v in error.items() if k not in ("input", "ctx", "url")}
        if "input" in error and (value := excerpt(error["input"])) is not None:
            shown["input"] = value
        if isinstance(error.get("ctx"), dict):
            shown["ctx"] = {k: excerpt(_scalar(v)) for k, v in error["ctx"].items()}
        errors.append(shown)
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


def create_app(
    settings: Settings | None = None,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """The application; `clock` drives the rate limits (tests pass one that stands still),
    `now` the wall clock online rounds open and close by (tests pass one they control)."""
    # No /docs or /redoc: they load their scripts and fonts from a CDN and run inline
    # scripts, which the Content-Security-Policy forbids. /openapi.json stays.
    app = FastAPI(
        title="Versnellingskamer",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings or get_settings()

    app.add_exception_handler(EngineError, engine_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(UnicodeEncodeError, unstorable_text)
    app.add_exception_handler(OverflowError, number_beyond_ids)
    app.add_exception_handler(DataError, number_beyond_ids)
    app.state.limits = Limits(app.state.settings, clock)
    app.state.now = now
    app.add_middleware(RateLimitMiddleware, limits=app.state.limits)
    # Around the rate limits, so the dashboard's refusal count sees their 429s too.
    app.state.presence = LocalPresence(clock)
    app.add_middleware(RefusalWatch, presence=app.state.presence)
    # Added after the rate limits, so it runs before them: an oversized body is refused
    # before anything else reads it.
    app.add_middleware(BodyLimitMiddleware, max_bytes=app.state.settings.max_body_size)
    # Around the limits: every response, refusals from the limits included, gets the headers.
    app.add_middleware(SecurityHeadersMiddleware, https=app.state.settings.secure_cookies)
    # Around everything, so the refusals of the limits are logged with their status too.
    app.add_middleware(AccessLog)
    app.include_router(api.router)
    app.include_router(facilitation.router)
    app.include_router(voting.router)
    app.include_router(access.router)
    app.include_router(bulk.router)
    app.include_router(reports.router)
    app.include_router(publishing.router)
    app.include_router(curation.router)
    app.include_router(online.router)
    app.include_router(live.router)
    app.include_router(dashboard.router)
    app.include_router(review.router)
    app.include_router(pages.router)
    # Fingerprinted, compressed, from memory (static_files.py); read before the first request.
    app.mount("/static", static_assets(), name="static")
    return app
