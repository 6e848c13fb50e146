"""Report downloads (session and programme, every format), the facilitator's report texts and
the organiser's texts of the programme report.

Who may download: the organiser (ORGANISER_TOKEN, bearer or organiser cookie) and the
session's facilitator (bearer key, or the console's cookie: a plain download link sends no
CSRF header, and a GET changes nothing). Participants, projectors and strangers may not."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from session_engine.actors import ORGANISER, require_report_access
from session_engine.errors import N_, NotFound, Unauthorized
from session_engine.programmes import get_programme
from session_engine.reports.model import Report
from session_engine.reports.report import programme_report, report_state, session_report
from session_engine.reports.texts import (
    MAX_REPORT_TEXT,
    MAX_TITLE,
    edit_programme_texts,
    edit_report_texts,
    programme_texts_view,
)
from session_engine.shapes import ProgrammeReportTextsView, ReportTextsView
from session_engine.store.database import Database
from session_engine.store.db import storable_id

from .auth import (
    ActorDep,
    DatabaseDep,
    OrganiserDep,
    SettingsDep,
    bearer_token,
    cookie_name,
    credentials,
    is_organiser,
)
from .report_ahead import programme_changed
from .report_formats import FORMATS, Rendered, file_name, render_report, translator

router = APIRouter(prefix="/api", tags=["reports"])
Sheet = Literal["items", "votes", "statements", "participants"]
FORMAT_LIST = ", ".join(FORMATS)
RENDERED_BYTES = 64 * 1024 * 1024  # rendered downloads kept in memory, per process
V = TypeVar("V")


async def require_report_reader(
    request: Request, session_id: str, database: DatabaseDep, settings: SettingsDep
) -> None:
    """The organiser, or this session's facilitator; everyone else is refused."""
    token = bearer_token(request)
    if is_organiser(request, settings, token):
        return
    credential = token or request.cookies.get(cookie_name("console", session_id))
    if credential is None:
        raise Unauthorized(N_("Send the organiser token or the facilitator key as Bearer."))
    actor = await credentials(request).check(session_id, credential)
    require_report_access(actor)


ReportReaderDep = Annotated[None, Depends(require_report_reader)]


class Memo(Generic[V]):
    """Values by key, the least recently used dropped once their weight passes `capacity`.
    A value asked for while it is being made is made once: every caller awaits the same
    task, which a caller going away does not cancel. A failure is not remembered."""

    def __init__(self, capacity: int, weigh: Callable[[V], int] = lambda _: 1) -> None:
        self.capacity = capacity
        self.weigh = weigh
        self.weight = 0
        self._done: OrderedDict[Hashable, V] = OrderedDict()
        self._making: dict[Hashable, asyncio.Future[V]] = {}

    async def get(self, key: Hashable, make: Callable[[], Awaitable[V]]) -> V:
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        making = self._making.get(key)
        if making is None:
            making = self._making[key] = asyncio.ensure_future(make())
            making.add_done_callback(lambda done: self._keep(key, done))
        return await asyncio.shield(making)

    def has(self, key: Hashable) -> bool:
        """Whether the value of `key` is kept (made, not being made)."""
        return key in self._done

    def _keep(self, key: Hashable, done: asyncio.Future[V]) -> None:
        self._making.pop(key, None)
        if done.cancelled() or done.exception() is not None:
            return
        value = done.result()
        weight = self.weigh(value)
        if weight > self.capacity:
            return
        self._done[key] = value
        self.weight += weight
        while self.weight > self.capacity:
            _, dropped = self._done.popitem(last=False)
            self.weight -= self.weigh(dropped)


# A report's data by its state: downloading one report in several formats builds it once. A
# change to a session changes its state, so nothing stale is ever served.
CACHE: Memo[Report] = Memo(capacity=4)
# Rendered downloads by the report's state, format and sheet: a PDF of a large session costs
# seconds of CPU, and ten people downloading it at once render it once.
RENDERED: Memo[Rendered] = Memo(capacity=RENDERED_BYTES, weigh=lambda r: len(r.body))


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound(
            N_("No report format %(format)r; choose one of %(formats)s."),
            format=fmt,
            formats=FORMAT_LIST,
        )


async def report_key(
    database: Database, kind: str, ident: str | int, threshold: int
) -> tuple[Any, ...] | None:
    """What a report's data and files are kept by: its kind, id, segment threshold and
    state (`report_state`); None for a session that does not exist."""
    if kind == "session":
        state = await database.read(report_state, session_id=str(ident))
        if not state[0]:
            return None
    else:
        state = await database.read(report_state, programme_id=int(ident))
    return (kind, ident, threshold, state)


async def _session_key(database: Database, session_id: str, threshold: int) -> tuple[Any, ...]:
    key = await report_key(database, "session", session_id, threshold)
    if key is None:
        raise NotFound(N_("No session with id %(session_id)r."), session_id=session_id)
    return key


async def _programme_key(database: Database, programme_id: int, threshold: int) -> tuple[Any, ...]:
    key = await report_key(database, "programme", _programme_id(programme_id), threshold)
    assert key is not None
    return key


def _build(database: Database, key: tuple[Any, ...]) -> Awaitable[Report]:
    kind, ident, threshold, _ = key
    build = session_report if kind == "session" else programme_report
    return database.read(build, ident, translator=translator, threshold=threshold)


def _threshold(request: Request) -> int:
    return int(request.app.state.settings.segment_threshold)


async def _respond(key: tuple[Any, ...], report: Report, fmt: str, sheet: str) -> Response:
    sheet = sheet if fmt == "csv" else ""
    rendered = await RENDERED.get(
        (*key, fmt, sheet), lambda: run_in_threadpool(render_report, report, fmt, sheet=sheet)
    )
    headers = {"Cache-Control": "no-store"}
    if fmt != "html":
        name = file_name(report, fmt, sheet)
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


@router.get(
    "/sessions/{session_id}/report.{fmt}",
    response_class=Response,
    responses={200: {"description": "The report: html, md, docx, pdf, xlsx, csv or json."}},
)
async def session_report_route(
    session_id: str,
    fmt: str,
    request: Request,
    database: DatabaseDep,
    _: ReportReaderDep,
    sheet: Sheet = "items",
) -> Response:
    """The session's report in one format (organiser or the session's facilitator). CSV
    holds one kind of raw data: `sheet=items|votes|statements|participants`."""
    _check_format(fmt)
    return await serve_session_report(database, session_id, _threshold(request), fmt, sheet=sheet)


async def serve_session_report(
    database: Database, session_id: str, threshold: int, fmt: str, *, sheet: str = "items"
) -> Response:
    """The session's report in one format, built and rendered once per state."""
    key = await _session_key(database, session_id, threshold)
    report = await CACHE.get(key, lambda: _build(database, key))
    return await _respond(key, report, fmt, sheet)


async def published_session_data(database: Database, session_id: str, threshold: int) -> Report:
    """The session's report as its published data: each item with the ids of the items it
    holds (receipts), built once per state."""
    key = await _session_key(database, session_id, threshold)
    return await CACHE.get(
        ("published", *key),
        lambda: database.read(
            session_report, session_id, translator=translator, threshold=threshold, with_ids=True
        ),
    )


@router.get(
    "/programmes/{programme_id}/report.{fmt}",
    response_class=Response,
    responses={200: {"description": "The programme's report over all its sessions."}},
)
async def programme_report_route(
    programme_id: int,
    fmt: str,
    request: Request,
    database: DatabaseDep,
    _: OrganiserDep,
    sheet: Sheet = "items",
) -> Response:
    """All sessions of a programme in one report (organiser): participants summed, items
    pooled where people confirmed it (the same words, or the organiser's curation), ballots
    pooled."""
    _check_format(fmt)
    key = await _programme_key(database, programme_id, _threshold(request))
    report = await CACHE.get(key, lambda: _build(database, key))
    return await _respond(key, report, fmt, sheet)


class ReportReady(BaseModel):
    """The formats of a report whose files are rendered for its data as it is now: a
    download of one of them is served at once."""

    formats: list[str]


def _ready(key: tuple[Any, ...]) -> ReportReady:
    kept = [f for f in FORMATS if RENDERED.has((*key, f, "items" if f == "csv" else ""))]
    return ReportReady(formats=kept)


@router.get("/sessions/{session_id}/report/ready", response_model=ReportReady)
async def session_ready_route(
    session_id: str, request: Request, database: DatabaseDep, _: ReportReaderDep
) -> ReportReady:
    """Which of the session's report files are ready for its current data (organiser or
    the session's facilitator); the PDF is rendered ahead a few seconds after a change."""
    return _ready(await _session_key(database, session_id, _threshold(request)))


@router.get("/programmes/{programme_id}/report/ready", response_model=ReportReady)
async def programme_ready_route(
    programme_id: int, request: Request, database: DatabaseDep, _: OrganiserDep
) -> ReportReady:
    """Which of the programme report's files are ready for its current data (organiser)."""
    return _ready(await _programme_key(database, programme_id, _threshold(request)))


class ReportTexts(BaseModel):
    """The report's own texts; leave a field out to keep it, send null for the programme's."""

    intro: str | None = Field(None, max_length=MAX_REPORT_TEXT)
    goal: str | None = Field(None, max_length=MAX_REPORT_TEXT)
    method: str | None = Field(None, max_length=MAX_REPORT_TEXT)
    conclusion: str | None = Field(None, max_length=MAX_REPORT_TEXT)
    impression: str | None = Field(None, max_length=MAX_REPORT_TEXT)
    key_points: str | None = Field(None, max_length=MAX_REPORT_TEXT)


class ProgrammeReportTexts(ReportTexts):
    """The programme report's texts and title; leave a field out to keep it, send null for
    the programme's own. An unknown field is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=MAX_TITLE)


@router.put("/sessions/{session_id}/report/texts", response_model=ReportTextsView)
async def report_texts_route(
    session_id: str, body: ReportTexts, actor: ActorDep, database: DatabaseDep
) -> ReportTextsView:
    """Reword the report's intro, goal, method or conclusion (facilitator). Returns the
    texts as the report now prints them."""
    changes = body.model_dump(exclude_unset=True)
    texts = await database.write(edit_report_texts, actor=actor, changes=changes)
    return ReportTextsView(**texts)


def _programme_id(programme_id: int) -> int:
    if not storable_id(programme_id):  # names nothing, and would not fit in a query
        raise NotFound(N_("No programme with id %(programme_id)s."), programme_id=programme_id)
    return programme_id


@router.get("/programmes/{programme_id}/report/texts", response_model=ProgrammeReportTextsView)
async def programme_texts_route(
    programme_id: int, database: DatabaseDep, _: OrganiserDep
) -> ProgrammeReportTextsView:
    """The programme report's texts as it now prints them (organiser)."""
    programme = await database.read(get_programme, _programme_id(programme_id))
    return programme_texts_view(programme)


@router.put(
    "/programmes/{programme_id}/report/texts",
    response_model=ProgrammeReportTextsView,
    dependencies=[Depends(programme_changed)],
)
async def edit_programme_texts_route(
    programme_id: int, body: ProgrammeReportTexts, database: DatabaseDep, _: OrganiserDep
) -> ProgrammeReportTextsView:
    """Reword the programme report's title, intro, goal, method, impression, conclusion or
    key points (organiser). Returns the texts as the report now prints them."""
    changes = body.model_dump(exclude_unset=True)
    return await database.write(
        edit_programme_texts,
        actor=ORGANISER,
        programme_id=_programme_id(programme_id),
        changes=changes,
    )
