"""The programme dashboard (organiser): the page, its socket, and how its parts look.

The socket `/api/programmes/{id}/ws?after=<session>:<seq>,…` first sends a snapshot (every
session's row, with the seq it shows), then every event of every session of the programme,
per session gap-free and in order, each after the last one the client named in `after` (or
after the snapshot's seq). docs/events.md, "The programme dashboard", describes the messages."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, WebSocket
from fastapi.responses import Response

from session_engine.dashboard import Alert, AlertKind, SessionRow, programme_rows, totals_of
from session_engine.errors import NotFound
from session_engine.models import utcnow
from session_engine.programmes import get_programme
from session_engine.reports.report import report_state
from session_engine.store.database import Database
from session_engine.store.db import storable_id
from session_engine.store.events import events_after

from .auth import DatabaseDep, SettingsDep, is_organiser, origin_allowed
from .clock import now_of
from .dashboard_hub import DashboardConnection, Dashboards, ProgrammeHub, Rules, judged
from .live import read_until_closed
from .pages import NOT_ORGANISER, error_page, page
from .report_ahead import Format, Kind
from .report_formats import Rendered
from .reports import RENDERED
from .settings import Settings
from .templating import pick_language, render

router = APIRouter(include_in_schema=False)
CLOSE_POLICY = 1008
RESUME = re.compile(r"^[A-Za-z0-9_-]{1,24}:\d{1,12}$")
PING = '{"type": "ping"}'


class TemplateViews:
    """The dashboard's partials: the page draws them at load, the socket sends them again."""

    def row(self, row: SessionRow, alerts: list[Alert], language: str) -> str:
        return render("_dashboard_row.html", language, row=row, alerts=alerts, kinds=AlertKind)

    def totals(self, rows: list[SessionRow], language: str) -> str:
        return render("_dashboard_totals.html", language, totals=totals_of(rows))

    def alerts(self, rows: list[SessionRow], alerts: list[Alert], language: str) -> str:
        return render(
            "_dashboard_alerts.html",
            language,
            alerts=alerts,
            titles=names_of(rows),
            kinds=AlertKind,
        )


def names_of(rows: list[SessionRow]) -> dict[str, str]:
    """Each session's name in an alert: its title, and its place where the title does not
    say it (sessions created in bulk often share the programme's title)."""
    return {
        row.session_id: f"{row.title} · {row.location}"
        if row.location and row.location.casefold() not in row.title.casefold()
        else row.title
        for row in rows
    }


VIEWS = TemplateViews()


def make_dashboards(
    database: Database, settings: Settings, now: Callable[[], datetime] = utcnow
) -> Dashboards:
    rules = Rules(
        stuck_after=timedelta(minutes=settings.dashboard_stuck_minutes),
        refusal_limit=settings.dashboard_refusal_limit,
        report_seconds=settings.dashboard_report_seconds,
        now=now,
    )
    return Dashboards(database, VIEWS, rules, settings.send_queue_size)


def draw_reports(dashboards: Dashboards, threshold: int, render: Render) -> None:
    """The dashboards' report sections, rendered by `render` (the report worker)."""
    database = dashboards.database
    dashboards.report = lambda programme_id: ReportSections(
        database, programme_id, threshold, render
    )


Render = Callable[[Kind, str | int, Format], Awaitable[Rendered]]


class ReportSections:
    """The programme report's sections as HTML, or None when nothing it depends on changed
    since the last call. Built and rendered by `render` (the server's report worker process,
    app/report_ahead.py: a 50-session report is seconds of CPU, which in this process would
    hold up every live room's deliveries) and kept where a download of the same state finds
    it (app/reports.py)."""

    def __init__(self, database: Database, programme_id: int, threshold: int, render: Render):
        self.database = database
        self.programme_id = programme_id
        self.threshold = threshold
        self.render = render
        self._state: Any = None

    async def __call__(self) -> str | None:
        state = await self.database.read(report_state, programme_id=self.programme_id)
        if state == self._state:
            return None
        self._state = state
        key = ("programme", self.programme_id, self.threshold, state, "html", "")
        try:
            rendered = await RENDERED.get(
                key, lambda: self.render("programme", self.programme_id, "html")
            )
        except NotFound:  # no session has participants yet: no report, and nothing wrong
            return ""
        return _sections_of(rendered.body.decode())


def _sections_of(html: str) -> str:
    """The report page's sections, without its head, title block and <main>."""
    start, end = html.find("<section"), html.rfind("</main>")
    return html[start:end] if 0 <= start < end else ""


@router.get("/organiser/dashboard")
async def dashboard_page(
    request: Request, database: DatabaseDep, settings: SettingsDep
) -> Response:
    if not is_organiser(request, settings, None):
        return error_page(request, 403, NOT_ORGANISER)
    programme_id = request.app.state.programme_id
    programme = await database.read(get_programme, programme_id)
    rows = await database.read(programme_rows, programme_id, now_of(request))
    hub = request.app.state.dashboards.hubs.get(programme_id)
    return page(
        request,
        "dashboard.html",
        programme=programme,
        rows=rows,
        all_alerts=hub.alerts() if hub else judged(rows, request.app.state.dashboards.rules),
        totals=totals_of(rows),
        titles=names_of(rows),
        kinds=AlertKind,
    )


def _resume_points(after: str) -> dict[str, int] | None:
    """`after` as {session id: seq}; None when it is malformed."""
    points: dict[str, int] = {}
    for part in filter(None, after.split(",")):
        if not RESUME.match(part):
            return None
        session_id, seq = part.split(":")
        points[session_id] = int(seq)
    return points


def _is_organiser(websocket: WebSocket, settings: Settings) -> bool:
    scheme, _, token = websocket.headers.get("authorization", "").partition(" ")
    given = token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return origin_allowed(websocket, settings) and is_organiser(websocket, settings, given)


@router.websocket("/api/programmes/{programme_id}/ws")
async def dashboard_socket(
    websocket: WebSocket, programme_id: int, after: str = "", lang: str = ""
) -> None:
    """The dashboard's stream (organiser: bearer token, or the organiser cookie)."""
    settings: Settings = websocket.app.state.settings
    resume = _resume_points(after)
    if not _is_organiser(websocket, settings) or resume is None or not storable_id(programme_id):
        await websocket.close(CLOSE_POLICY, "organiser token or after refused")
        return
    await websocket.accept()
    dashboards: Dashboards = websocket.app.state.dashboards
    connection = dashboards.connection(websocket, pick_language(lang) if lang else "")
    hub = await dashboards.attach(programme_id, connection)
    try:
        if await _start(hub, connection, resume):
            await _serve(websocket, connection)
    finally:
        await dashboards.detach(programme_id, connection)


async def _start(
    hub: ProgrammeHub, connection: DashboardConnection, resume: dict[str, int]
) -> bool:
    """The snapshot, then what each resumed session missed, from the database. Attached
    first, so live events meanwhile wait in the queue (and are skipped if already sent)."""
    database, websocket = hub.database, connection.websocket
    rows = await database.read(programme_rows, hub.programme_id, hub.rules.now())
    beyond = [r.session_id for r in rows if resume.get(r.session_id, 0) > r.seq]
    if beyond:
        message = f"after names a seq beyond the last event of session {beyond[0]}"
        await websocket.send_text(json.dumps({"kind": "error", "message": message}))
        await websocket.close(CLOSE_POLICY, "after is beyond the last event")
        return False
    await websocket.send_text(_snapshot(hub, rows, connection.language))
    if connection.language and hub.report_message:  # the next comes only after a change
        await websocket.send_text(hub.report_message)
    for row in rows:
        connection.sent[row.session_id] = row.seq
        if row.session_id in resume:
            connection.sent[row.session_id] = await _replay(
                database, websocket, row.session_id, resume[row.session_id]
            )
    return True


async def _replay(database: Database, websocket: WebSocket, session_id: str, after: int) -> int:
    while True:
        events = await database.read(events_after, session_id, after, 1000)
        for event in events:
            await websocket.send_text(event.summary_wire())
            after = event.seq
        if len(events) < 1000:
            return after


def _is_ping(raw: str | bytes) -> bool:
    try:
        message = json.loads(raw) if len(raw) <= 4096 else None
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(message, dict) and message.get("type") == "ping"


def _snapshot(hub: ProgrammeHub, rows: list[SessionRow], language: str) -> str:
    alerts = hub.alerts()
    message: dict[str, Any] = {
        "kind": "snapshot",
        "sessions": [row.model_dump(mode="json") for row in rows],
        "totals": totals_of(rows).model_dump(mode="json"),
        "alerts": [alert.model_dump(mode="json") for alert in alerts],
    }
    if language:
        message["html"] = "".join(
            VIEWS.row(r, [a for a in alerts if a.session_id == r.session_id], language)
            for r in rows
        )
        message["totals_html"] = VIEWS.totals(rows, language)
        message["alerts_html"] = VIEWS.alerts(rows, alerts, language)
    return json.dumps(message, ensure_ascii=False)


async def _serve(websocket: WebSocket, connection: DashboardConnection) -> None:
    """Send the queue while answering pings; anything else gets an error reply."""

    def answer(raw: str | bytes) -> None:
        if _is_ping(raw):
            connection.offer(json.dumps({"kind": "pong"}))
        else:
            error = {"kind": "error", "message": f"this socket only accepts {PING}"}
            connection.offer(json.dumps(error))

    await read_until_closed(websocket, connection.start_sending(), answer)
