"""Published reports: the organiser publishes a closed session's report at a read-only link
(`POST /api/sessions/{id}/publish`, revoked with DELETE), and anyone holding the link reads
the report page, its data, and the "Mijn bijdragen" page where a participant's device finds
its own items (session_engine/publishing.py; docs/privacy.md, "Receipts").

The data is fetched whole: no request names an item, so the server never learns which items
a device asks about."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from session_engine.actors import ORGANISER
from session_engine.errors import NotFound
from session_engine.publishing import (
    NOT_PUBLISHED,
    publish_report,
    published_session,
    require_token_shape,
    unpublish_report,
)
from session_engine.reports.report import to_json
from session_engine.store.database import Database

from .auth import DatabaseDep, OrganiserDep, SettingsDep
from .links import base_url
from .pages import error_page, language_of, page
from .reports import published_session_data, serve_session_report
from .schemas import PublishedLinks

router = APIRouter(tags=["publishing"])
NO_STORE = {"Cache-Control": "no-store"}  # a revoked link stops working at once


def published_links(base: str, token: str) -> PublishedLinks:
    return PublishedLinks(
        token=token,
        report=f"{base}/r/{token}",
        data=f"{base}/r/{token}/data.json",
        mine=f"{base}/r/{token}/mijn-bijdragen",
    )


@router.post("/api/sessions/{session_id}/publish", response_model=PublishedLinks)
async def publish_route(
    session_id: str,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    _: OrganiserDep,
) -> PublishedLinks:
    """Publish a closed session's report at a read-only link (organiser); publishing it
    again answers the same link."""
    token = await database.write(publish_report, session_id=session_id, actor=ORGANISER)
    return published_links(base_url(request, settings), token)


@router.delete("/api/sessions/{session_id}/publish", status_code=204)
async def unpublish_route(session_id: str, database: DatabaseDep, _: OrganiserDep) -> Response:
    """Revoke the read-only link (organiser): it answers 404 from now on."""
    await database.write(unpublish_report, session_id=session_id, actor=ORGANISER)
    return Response(status_code=204)


async def _published_page(database: Database, token: str) -> str | None:
    """The published session's id, or None: a page then says so in the visitor's language."""
    try:
        return await database.read(published_session, require_token_shape(token))
    except NotFound:
        return None


@router.get("/r/{token}", response_class=HTMLResponse)
async def published_report(token: str, request: Request, database: DatabaseDep) -> Response:
    """The published report as a web page (anyone with the link)."""
    session_id = await _published_page(database, token)
    if session_id is None:
        return error_page(request, 404, NOT_PUBLISHED)
    threshold = request.app.state.settings.segment_threshold
    return await serve_session_report(database, session_id, threshold, "html")


@router.get("/r/{token}/data.json", response_class=Response)
async def published_data(token: str, request: Request, database: DatabaseDep) -> Response:
    """The published report's data (anyone with the link): the report as its JSON export
    gives it, each item with the ids of the items it holds, and without the raw rows (votes,
    profiles) that the report page does not show."""
    session_id = await database.read(published_session, require_token_shape(token))
    threshold = request.app.state.settings.segment_threshold
    report = await published_session_data(database, session_id, threshold)
    shown = report.model_copy(update={"votes": [], "profiles": []})
    return Response(to_json(shown), media_type="application/json", headers=NO_STORE)


@router.get("/r/{token}/mijn-bijdragen", response_class=HTMLResponse)
async def mine_page(token: str, request: Request, database: DatabaseDep) -> Response:
    """ "Mijn bijdragen": the device reads the published data and shows where its own items
    ended up, worked out in the browser from the ids it kept (or a Bewaarcode typed in)."""
    if await _published_page(database, token) is None:
        return error_page(request, 404, NOT_PUBLISHED)
    return page(request, "mine.html", token=token, language=language_of(request))
