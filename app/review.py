"""The organiser page's review of an online round, live: the round's part of the page drawn
again on its own (the same partial as at page load), fetched by static/js/review.js whenever
the programme's socket tells of a change to the round's items."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from session_engine.actors import ORGANISER
from session_engine.moderation import round_to_review

from .auth import ORGANISER_COOKIE, DatabaseDep, SettingsDep, csrf_token, is_organiser
from .pages import NOT_ORGANISER, error_page, language_of
from .templating import render

router = APIRouter(include_in_schema=False)


@router.get("/organiser/online-rounds/{session_id}/review")
async def round_review(
    session_id: str, request: Request, database: DatabaseDep, settings: SettingsDep
) -> Response:
    """One online round's part of the organiser page as it is now (HTML, organiser only)."""
    if not is_organiser(request, settings, None):
        return error_page(request, 403, NOT_ORGANISER)
    review = await database.read(round_to_review, actor=ORGANISER, session_id=session_id)
    csrf = csrf_token(request.cookies.get(ORGANISER_COOKIE) or "open")
    html = render("_online_round.html", language_of(request), round=review, csrf=csrf)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
