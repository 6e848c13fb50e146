"""HTML pages: join, participant board, facilitator console, projector, organiser."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from session_engine.actors import ORGANISER, Actor
from session_engine.bulk import BadRows, create_sessions, decode_table, read_table, session_rows
from session_engine.closing import is_closed
from session_engine.content import Content
from session_engine.errors import N_, EngineError
from session_engine.items import participant_table
from session_engine.joining import join_session
from session_engine.models import Session
from session_engine.moderation import approve_items, decline_items, rounds_to_review
from session_engine.online import open_round_in_zone, set_hold_for_review
from session_engine.programmes import get_programme, programme_content
from session_engine.publishing import publication
from session_engine.reports.texts import (
    PROGRAMME_TEXT_FIELDS,
    edit_programme_texts,
    programme_texts,
)
from session_engine.retention import retention_view
from session_engine.sessions import (
    CLOSED,
    CreatedSession,
    create_session,
    get_session,
    projector_pass,
    session_by_code,
)
from session_engine.similarity import duplicate_suggestions
from session_engine.store.db import MAX_INTEGER, Db
from session_engine.templates import templates as agenda_templates
from session_engine.views import (
    Snapshot,
    Viewer,
    duplicates_board,
    sessions_of_programme,
    snapshot,
)

from .auth import (
    ORGANISER_COOKIE,
    VIEW_ROLES,
    DatabaseDep,
    SettingsDep,
    check_csrf,
    cookie_name,
    credentials,
    csrf_matches,
    csrf_token,
    is_organiser,
)
from .bulk import bulk_problems_of, entries_of, sheet_html
from .clock import now_of
from .curation import curation_section
from .fragments import base_context, stage_context
from .links import base_url, join_link, links_for
from .settings import Settings
from .templating import LANGUAGES, gettext, pick_language, render

router = APIRouter(include_in_schema=False)
COOKIE_MAX_AGE = 7 * 24 * 3600
UNKNOWN_CODE = "No session with this join code. Check the code on the screen."
NOT_FACILITATOR = N_("Only the facilitator of this session can do this.")
NOT_ORGANISER = N_("Open the organiser link that carries the organiser token.")
INVALID_LINK = N_("This link is not valid (any more). Ask the organiser for a new one.")
FORM_EXPIRED = N_("The form expired or came from another site: reload the page.")
PAGE_PATHS = {"participant": "/s/", "console": "/console/", "projector": "/projector/"}
# Views whose keys are all alike: one projector of a session is any other, so a second link
# to it replaces nothing worth asking about.
INTERCHANGEABLE = frozenset({"projector"})


def language_of(request: Request, default: str | None = None) -> str:
    return pick_language(request.query_params.get("lang"), request.cookies.get("vk_lang"), default)


def language_links(request: Request) -> dict[str, str]:
    """This page in each language, keeping its other query parameters (e.g. the join code)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return {code: "?" + urlencode([*params, ("lang", code)]) for code in LANGUAGES}


def page(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    language = context.pop("language", None) or language_of(request)
    body = render(
        template,
        language,
        **{**base_context(language, context.get("content")), **context},
        language_links=language_links(request),
    )
    response = HTMLResponse(body, status_code=status)
    if request.query_params.get("lang") == language:
        response.set_cookie("vk_lang", language, max_age=365 * 24 * 3600, samesite="lax")
    return response


def error_page(
    request: Request, status: int, message: str, *, link: str | None = None
) -> HTMLResponse:
    """A refusal as a page; `link`: where "My contributions" of a published report is."""
    language = language_of(request)
    titles = {403: N_("No access"), 404: N_("Not found")}
    title = gettext(language, titles.get(status, N_("Something went wrong")))
    message = gettext(language, message)
    return page(request, "error.html", status=status, title=title, message=message, link=link)


def set_secret_cookie(response: Response, settings: Settings, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    return page(request, "home.html", code=request.query_params.get("code", ""))


def _session_by_code(db: Db, code: str) -> tuple[Session, Content] | None:
    session = session_by_code(db, code)
    if session is None:
        return None
    return session, programme_content(get_programme(db, session.programme_id))


@router.get("/join", response_class=HTMLResponse)
async def join_form(request: Request, database: DatabaseDep, code: str = "") -> HTMLResponse:
    if not code.strip():  # /join typed without a code: the form to type it in
        return page(request, "home.html", code="")
    try:
        found = await database.read(_session_by_code, code)
    except EngineError as exc:  # e.g. a control character in the code
        message = gettext(language_of(request), exc.template, **exc.values)
        return page(request, "home.html", status=exc.status, code="", error=message)
    if found is None:
        message = gettext(language_of(request), N_(UNKNOWN_CODE))
        return page(request, "home.html", status=404, code=code, error=message)
    session, content = found
    # This browser already takes part (its cookie's token is valid): the link followed again,
    # from a mail or after closing the tab, offers to carry on as that participant first.
    joined = await _view_actor(request, database, session.id, "participant") is not None
    return page(
        request,
        "join.html",
        session=session,
        content=content,
        language=language_of(request, session.language),
        carry_on=f"/s/{session.id}" if joined else None,
    )


@router.post("/join")
async def join_submit(request: Request, database: DatabaseDep, settings: SettingsDep) -> Response:
    form = await request.form()
    code = str(form.get("code", ""))
    profile = {
        key.removeprefix("profile."): str(value)
        for key, value in form.items()
        if key.startswith("profile.")
    }
    try:
        joined = await database.write(join_session, code=code, profile=profile, now=now_of(request))
    except EngineError as exc:
        message = gettext(language_of(request), exc.template, **exc.values)
        return page(request, "home.html", status=exc.status, code=code, error=message)
    response = RedirectResponse(f"/s/{joined.session_id}", status_code=303)
    set_secret_cookie(
        response, settings, cookie_name("participant", joined.session_id), joined.token
    )
    return response


async def _key_actor(request: Request, session_id: str, view: str, key: str) -> Actor | None:
    """Whom `key` stands for on this view's page, or None when it opens nothing here."""
    try:
        actor = await credentials(request).check(session_id, key)
    except EngineError:
        return None
    return actor if actor.role == VIEW_ROLES[view] else None


async def _view_actor(request: Request, database: Any, session_id: str, view: str) -> Actor | None:
    token = request.cookies.get(cookie_name(view, session_id))
    return await _key_actor(request, session_id, view, token) if token else None


async def _secret_link(
    request: Request, database: Any, settings: Settings, session_id: str, view: str, key: str
) -> Response:
    """A secret link: keep its key in an HttpOnly cookie and drop it from the address bar, but
    only once the key is checked, and never silently over another valid key of this page: a
    foreign site could send the browser a link carrying the sender's own identity."""
    if await _key_actor(request, session_id, view, key) is None:
        return error_page(request, 403, INVALID_LINK)
    current = request.cookies.get(cookie_name(view, session_id))
    known = bool(current) and await _view_actor(request, database, session_id, view) is not None
    if known and view in INTERCHANGEABLE:  # already this session's projector: nothing to ask
        return RedirectResponse(request.url.remove_query_params("key"), 303)
    if current and current != key and known:
        session = await database.read(get_session, session_id)
        asked = page(
            request,
            "switch_identity.html",
            language=language_of(request, session.language),
            action=f"/identity/{view}/{session_id}",
            key=key,
            form_csrf=csrf_token(current),
        )
        asked.headers.update({"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
        return asked
    response = RedirectResponse(request.url.remove_query_params("key"), 303)
    if current != key:
        set_secret_cookie(response, settings, cookie_name(view, session_id), key)
    return response


@router.post("/identity/{view}/{session_id}")
async def switch_identity(
    view: str,
    session_id: str,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    key: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    choice: Annotated[str, Form(max_length=20)] = "keep",
) -> Response:
    """The answer to the switch page: keep this browser's identity (the default) or take the
    link's. Bound to the current cookie's CSRF token, so no other site can answer it."""
    if view not in PAGE_PATHS:
        return error_page(request, 404, N_("Not found"))
    current = request.cookies.get(cookie_name(view, session_id), "")
    if not await _view_actor(request, database, session_id, view) or not csrf_matches(
        request, current, csrf
    ):
        return error_page(request, 403, FORM_EXPIRED)
    response: Response = RedirectResponse(f"{PAGE_PATHS[view]}{session_id}", 303)
    if choice == "switch":
        if await _key_actor(request, session_id, view, key) is None:
            return error_page(request, 403, INVALID_LINK)
        set_secret_cookie(response, settings, cookie_name(view, session_id), key)
    return response


def asked_step(request: Request) -> int | None:
    """The step an online round's participant asked for (`?step=`); live sessions ignore it."""
    step = request.query_params.get("step", "")
    return int(step) if step.isdecimal() and len(step) < 12 else None


async def _live_page(
    request: Request, database: Any, settings: Settings, session_id: str, view: str, template: str
) -> Response:
    key = request.query_params.get("key")
    if key:
        return await _secret_link(request, database, settings, session_id, view, key)
    actor = await _view_actor(request, database, session_id, view)
    if actor is None:
        return error_page(request, 403, INVALID_LINK)
    table_id = await database.read(participant_table, actor) if actor.participant_id else None
    viewer = Viewer(view, actor.participant_id, table_id, asked_step(request))
    snap: Snapshot = await database.read(snapshot, session_id, viewer, settings.segment_threshold)
    base = base_url(request, settings)
    credential = request.cookies[cookie_name(view, session_id)]
    projector_key = await database.read(projector_pass, actor=actor) if view == "console" else None
    return page(
        request,
        template,
        language=language_of(request, snap.session.language),
        csrf=csrf_token(credential),
        csrf_view=view,
        join_link=join_link(base, snap.session.code),
        join_url_plain=f"{base.split('://', 1)[-1]}/join",
        projector_link=f"/projector/{session_id}?key={projector_key}" if projector_key else None,
        **stage_context(snap, language_of(request, snap.session.language)),
    )


@router.get("/s/{session_id}")
async def participant_page(
    session_id: str, request: Request, database: DatabaseDep, settings: SettingsDep
) -> Response:
    if await _view_actor(request, database, session_id, "participant") is None:
        had_access = cookie_name("participant", session_id) in request.cookies
        if had_access and await database.read(is_closed, session_id):
            token = await database.read(publication, session_id)
            mine = f"/r/{token}/mijn-bijdragen" if token else None
            return error_page(request, 403, CLOSED, link=mine)
        return RedirectResponse("/", 303)
    return await _live_page(
        request, database, settings, session_id, "participant", "participant.html"
    )


@router.get("/console/{session_id}")
async def console_page(
    session_id: str, request: Request, database: DatabaseDep, settings: SettingsDep
) -> Response:
    return await _live_page(request, database, settings, session_id, "console", "console.html")


@router.get("/projector/{session_id}")
async def projector_page(
    session_id: str, request: Request, database: DatabaseDep, settings: SettingsDep
) -> Response:
    return await _live_page(request, database, settings, session_id, "projector", "projector.html")


@router.get("/organiser")
async def organiser_page(
    request: Request, database: DatabaseDep, settings: SettingsDep
) -> Response:
    token = request.query_params.get("token")
    if token:  # checked before it replaces anything: an invalid link changes nothing
        if not is_organiser(request, settings, token):
            return error_page(request, 403, NOT_ORGANISER)
        kept = request.url.remove_query_params("token")  # e.g. lang=en stays
        response: Response = RedirectResponse(f"/organiser?{kept.query}".rstrip("?"), 303)
        set_secret_cookie(response, settings, ORGANISER_COOKIE, token)
        return response
    if not is_organiser(request, settings, None):
        return error_page(request, 403, NOT_ORGANISER)
    return await _organiser_view(request, database, settings)


async def _organiser_view(
    request: Request, database: Any, settings: Settings, **extra: Any
) -> HTMLResponse:
    programme_id = request.app.state.programme_id
    programme = await database.read(get_programme, programme_id)
    sessions = await database.read(sessions_of_programme, programme_id)
    saved = await database.read(agenda_templates, programme_id)
    csrf = csrf_token(request.cookies.get(ORGANISER_COOKIE) or "open")
    return page(
        request,
        "organiser.html",
        programme=programme,
        sessions=sessions,
        templates=saved,
        csrf=csrf,
        public_base=base_url(request, settings),
        curation=await curation_section(request, database, programme),
        online_rounds=await database.read(
            rounds_to_review, actor=ORGANISER, programme_id=programme_id
        ),
        report_texts=programme_texts(programme),
        retention=await database.read(
            retention_view,
            programme_id,
            months=settings.retention_months,
            keep=settings.retention_keep,
        ),
        **extra,
    )


async def _organiser_created(
    request: Request, database: Any, settings: Settings, created: CreatedSession
) -> HTMLResponse:
    """The organiser page with a new session's code and links, shown this once."""
    links = links_for(base_url(request, settings), created)
    return await _organiser_view(request, database, settings, created=created, created_links=links)


@router.post("/organiser/sessions")
async def organiser_create(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    title: Annotated[str, Form(max_length=200)] = "",
    location: Annotated[str, Form(max_length=200)] = "",
    date: Annotated[str, Form(max_length=40)] = "",
    template_id: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if not is_organiser(request, settings, None):
        return error_page(request, 403, NOT_ORGANISER)
    check_csrf(request, request.cookies.get(ORGANISER_COOKIE) or "open", csrf)
    created = await database.write(
        create_session,
        programme_id=request.app.state.programme_id,
        title=title,
        location=location,
        date=date,
        template_id=int(template_id) if template_id.isdigit() else None,
        translate=gettext,
    )
    return await _organiser_created(request, database, settings, created)


@router.post("/organiser/online-rounds")
async def organiser_open_round(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    title: Annotated[str, Form(max_length=200)] = "",
    opens_at: Annotated[str, Form(max_length=40)] = "",
    closes_at: Annotated[str, Form(max_length=40)] = "",
    zone: Annotated[str, Form(max_length=60)] = "Europe/Amsterdam",
    hold_for_review: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """The organiser page's form for an online round: its window in a named time zone."""
    if not is_organiser(request, settings, None):
        return error_page(request, 403, NOT_ORGANISER)
    check_csrf(request, request.cookies.get(ORGANISER_COOKIE) or "open", csrf)
    created = await database.write(
        open_round_in_zone,
        actor=ORGANISER,
        programme_id=request.app.state.programme_id,
        title=title,
        window=(opens_at, closes_at, zone),
        hold_for_review=bool(hold_for_review),
        translate=gettext,
    )
    return await _organiser_created(request, database, settings, created)


@router.post("/organiser/online-rounds/{session_id}/hold")
async def organiser_hold(
    session_id: str,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    hold: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """The organiser page's hold-for-review switch of an online round."""
    if not is_organiser(request, settings, None):
        return error_page(request, 403, NOT_ORGANISER)
    check_csrf(request, request.cookies.get(ORGANISER_COOKIE) or "open", csrf)
    await database.write(
        set_hold_for_review, actor=ORGANISER, session_id=session_id, hold=hold == "1"
    )
    return RedirectResponse("/organiser#online-rounds", 303)


MAX_REVIEWED = 2000  # items one decision of the organiser page takes ("Approve all")


@router.post("/organiser/online-rounds/{session_id}/review")
async def organiser_review(
    session_id: str,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    item_id: Annotated[
        list[Annotated[int, Field(ge=1, le=MAX_INTEGER)]],
        Form(min_length=1, max_length=MAX_REVIEWED),
    ],
    decision: Annotated[Literal["approve", "decline"], Form()],
    csrf: Annotated[str, Form()] = "",
    still_waiting: Annotated[bool, Form()] = False,
) -> Response:
    """The organiser page's approve / decline of one item of an online round, or its approval
    of every item it showed waiting ("Approve all", `still_waiting`): all of them or, if one
    was decided elsewhere meanwhile, none (the page says which)."""
    if not is_organiser(request, settings, None):
        return error_page(request, 403, NOT_ORGANISER)
    check_csrf(request, request.cookies.get(ORGANISER_COOKIE) or "open", csrf)
    if decision == "approve":
        await database.write(
            approve_items,
            actor=ORGANISER,
            session_id=session_id,
            item_ids=item_id,
            still_waiting=still_waiting,
        )
    else:
        await database.write(
            decline_items, actor=ORGANISER, session_id=session_id, item_ids=item_id
        )
    return RedirectResponse("/organiser#online-rounds", 303)


@router.post("/organiser/sessions/bulk")
async def organiser_bulk_create(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    table: UploadFile,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """The organiser page's upload of a table of sessions: the links sheet, or the page again
    with each bad line named (nothing created)."""
    if not is_organiser(request, settings, None):
        return error_page(request, 403, NOT_ORGANISER)
    check_csrf(request, request.cookies.get(ORGANISER_COOKIE) or "open", csrf)
    language = language_of(request)
    programme_id = request.app.state.programme_id
    try:
        records = read_table(decode_table(await table.read()))
        created = await database.write(
            create_sessions,
            programme_id=programme_id,
            rows=session_rows(records),
            translate=gettext,
        )
    except BadRows as problems:
        shown = bulk_problems_of(problems, language)
        return await _organiser_view(request, database, settings, status=422, bulk_error=shown)
    programme = await database.read(get_programme, programme_id)
    entries = entries_of(request, settings, created)
    body = await run_in_threadpool(sheet_html, programme, entries, language)
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})


@router.post("/organiser/report-texts")
async def organiser_report_texts(
    request: Request, database: DatabaseDep, settings: SettingsDep
) -> Response:
    """The organiser page's form of the programme report's texts: every field is sent; an
    empty one brings back the programme's own text (the same as null on the API)."""
    if not is_organiser(request, settings, None):
        return error_page(request, 403, NOT_ORGANISER)
    form = await request.form()
    check_csrf(request, request.cookies.get(ORGANISER_COOKIE) or "open", str(form.get("csrf", "")))
    changes = {key: (str(form[key]) or None) for key in PROGRAMME_TEXT_FIELDS if key in form}
    try:
        await database.write(
            edit_programme_texts,
            actor=ORGANISER,
            programme_id=request.app.state.programme_id,
            changes=changes,
        )
    except EngineError as exc:
        message = gettext(language_of(request), exc.template, **exc.values)
        return await _organiser_view(
            request, database, settings, status=exc.status, texts_error=message, typed=changes
        )
    return await _organiser_view(request, database, settings, texts_saved=True)


@router.get("/console/{session_id}/steps/{step_id}/duplicates", response_class=HTMLResponse)
async def console_duplicates(
    session_id: str, step_id: int, request: Request, database: DatabaseDep
) -> Response:
    """The console's duplicate-suggestions panel (facilitator)."""
    actor = await _view_actor(request, database, session_id, "console")
    if actor is None:
        return error_page(request, 403, NOT_FACILITATOR)
    found = await database.read(duplicates_board, actor=actor, step_id=step_id)
    language = language_of(request)
    found_pairs = await run_in_threadpool(duplicate_suggestions, found.items())
    body = render("_duplicates.html", language, suggestions=found_pairs, session_id=session_id)
    return HTMLResponse(body)
