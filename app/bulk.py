"""A programme's sessions created in bulk (organiser), answered with each facilitator's link:
as JSON, as a CSV or a workbook for mail merge, or as a printable sheet with QR codes.

The keys are stored only as hashes, so the links exist only in this answer, as when one
session is created: the sheet and the CSV are made now, and a lost link is replaced by
rotating that session's keys (`POST /api/sessions/{id}/keys/rotate`)."""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from session_engine.bulk import (
    FIELD_LABELS,
    BadRows,
    Record,
    create_sessions,
    decode_table,
    read_table,
    records_of,
    session_rows,
)
from session_engine.errors import N_, Invalid
from session_engine.models import Programme
from session_engine.programmes import get_programme
from session_engine.reports.exports.safe import cell_text
from session_engine.sessions import CreatedSession, session_date

from .auth import DatabaseDep, OrganiserDep, SettingsDep
from .fragments import base_context
from .links import base_url, links_for
from .report_formats import MEDIA_TYPES
from .schemas import (
    REFUSALS,
    BulkCreate,
    BulkCreated,
    BulkRefusal,
    BulkSession,
    RowRefusal,
    SessionLinks,
)
from .settings import Settings
from .templating import gettext, pick_language, render

router = APIRouter(prefix="/api", tags=["api"], responses=REFUSALS)
Format = Literal["json", "csv", "xlsx", "html"]
XLSX = MEDIA_TYPES["xlsx"]
NOT_A_TABLE = N_("Send a CSV file (text/csv) or JSON with `rows` or `csv`.")
LINE = N_("Line %(line)s: %(problem)s")
CSV_COLUMNS = (
    N_("Location"),
    N_("Date"),
    N_("Title"),
    N_("Facilitator"),
    N_("Facilitator link"),
    N_("Join code"),
    N_("Participant link"),
    N_("Projector link"),
)


@dataclass(frozen=True, slots=True)
class LinkEntry:
    """One created session as the links sheet and the CSV show it."""

    created: CreatedSession
    links: SessionLinks


def entries_of(
    connection: HTTPConnection, settings: Settings, created: list[CreatedSession]
) -> list[LinkEntry]:
    base = base_url(connection, settings)
    return [LinkEntry(c, links_for(base, c)) for c in created]


def records_from_body(content_type: str, body: bytes) -> list[Record]:
    """The table a request sends: a CSV file as it is, or JSON rows, or JSON holding a CSV."""
    if not content_type.startswith("application/json"):
        return read_table(decode_table(body))
    try:
        sent = BulkCreate.model_validate_json(body)
    except ValidationError as exc:
        raise Invalid(NOT_A_TABLE) from exc
    if sent.rows is not None:
        return records_of(row.model_dump() for row in sent.rows)
    if sent.csv is not None:
        return read_table(sent.csv)
    raise Invalid(NOT_A_TABLE)


def problem_messages(problems: BadRows, language: str) -> list[RowRefusal]:
    """Each line's problem in `language`: the template translated, then its values filled in
    (a field's name translated as well)."""
    refusals = []
    for problem in problems.problems:
        values = dict(problem.values)
        if isinstance(field := values.get("field"), str):
            values["field"] = gettext(language, FIELD_LABELS.get(field, field))
        if isinstance(missing := values.get("missing"), str):  # "location, date": each named
            names = [gettext(language, FIELD_LABELS.get(n, n)) for n in missing.split(", ")]
            values["missing"] = ", ".join(names)
        text = gettext(language, problem.template, **values)
        message = gettext(language, LINE, line=problem.line, problem=text)
        refusals.append(RowRefusal(line=problem.line, message=message))
    return refusals


def bulk_problems_of(problems: BadRows, language: str) -> BulkRefusal:
    """The refusal of a table: how many problems, and each line's."""
    detail = gettext(language, problems.template, **problems.values)
    return BulkRefusal(detail=detail, problems=problem_messages(problems, language))


def refusal_language(request: Request) -> str:
    """The language a refusal is worded in: our own pages' (they send X-VK-View), else
    English for API clients, as every other refusal of the API (main.engine_error)."""
    if "x-vk-view" not in request.headers:
        return "en"
    return pick_language(request.headers.get("x-vk-lang"), request.cookies.get("vk_lang"))


def bulk_refusal(problems: BadRows, language: str) -> JSONResponse:
    body = bulk_problems_of(problems, language)
    return JSONResponse(body.model_dump(), status_code=422)


def link_rows(entries: list[LinkEntry], language: str) -> list[list[str]]:
    """The links for mail merge, one session a row under a header row, every cell safe
    against formulas: the same cells in the CSV and in the workbook."""
    rows = [[gettext(language, column) for column in CSV_COLUMNS]]
    for entry in entries:
        session, links = entry.created.session, entry.links
        cells = (
            session.location,
            session_date(session.date, language),
            session.title,
            session.facilitator_name,
            links.facilitator,
            session.code,
            links.participant,
            links.projector,
        )
        rows.append([cell_text(value) for value in cells])
    return rows


def links_csv(entries: list[LinkEntry], language: str) -> bytes:
    """The links as CSV (UTF-8 with a byte-order mark, so Excel reads accents, as the report's
    CSV files)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(link_rows(entries, language))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def links_xlsx(entries: list[LinkEntry], language: str) -> bytes:
    """The links as a workbook: Excel set to Dutch splits a CSV on ";", so a comma CSV opens
    there as one column; a workbook opens the same in every Excel and in Word's mail merge.
    Header row bold and frozen, columns wide enough to read."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext(language, N_("Facilitator links"))[:31]
    rows = link_rows(entries, language)
    for row in rows:
        sheet.append(row)
    for header in sheet[1]:
        header.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number in range(1, len(rows[0]) + 1):
        widest = max(len(row[number - 1] or "") for row in rows)
        sheet.column_dimensions[get_column_letter(number)].width = min(60, widest + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_html(programme: Programme, entries: list[LinkEntry], language: str) -> str:
    """The printable links sheet: per session its place, date, facilitator, join code and
    the facilitator's link with its QR code; the mail-merge CSV rides along as a download."""
    data = base64.b64encode(links_csv(entries, language)).decode("ascii")
    workbook = base64.b64encode(links_xlsx(entries, language)).decode("ascii")
    return render(
        "links_sheet.html",
        language,
        **base_context(language),
        programme=programme,
        entries=entries,
        csv_href=f"data:text/csv;charset=utf-8;base64,{data}",
        xlsx_href=f"data:{XLSX};base64,{workbook}",
    )


def bulk_json(entries: list[LinkEntry]) -> BulkCreated:
    return BulkCreated(
        sessions=[
            BulkSession(
                id=e.created.session.id,
                code=e.created.session.code,
                facilitator_key=e.created.facilitator_key,
                projector_key=e.created.projector_key,
                links=e.links,
                title=e.created.session.title,
                location=e.created.session.location,
                date=e.created.session.date,
                facilitator=e.created.session.facilitator_name,
                language=e.created.session.language,
            )
            for e in entries
        ]
    )


NO_STORE = {"Cache-Control": "no-store"}  # the answer carries keys


@router.post(
    "/programmes/{programme_id}/sessions/bulk",
    status_code=201,
    response_model=BulkCreated,
    responses={
        422: {"model": BulkRefusal, "description": "Each bad line named; nothing created."},
        201: {"content": {"text/csv": {}, XLSX: {}, "text/html": {}}},
    },
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": BulkCreate.model_json_schema()},
            }
        }
    },
)
async def bulk_create_route(
    programme_id: int,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    _: OrganiserDep,
    format: Format = Query("json", description="json, csv or xlsx (mail merge) or html (sheet)."),
) -> Response:
    """Create up to 200 sessions from a table (organiser): columns location, date,
    facilitator, and optionally title and language (Dutch headers too: locatie, datum,
    begeleider, titel, taal; separated by `;`, `,` or a tab). All or nothing: any bad row is
    a 422 naming each line and its problem. A row the programme already has (same location,
    date and title) is refused, so sending a file twice creates nothing twice. The keys and
    links are shown only in this answer."""
    try:
        records = records_from_body(request.headers.get("content-type", ""), await request.body())
        rows = session_rows(records)
        created: list[CreatedSession] = await database.write(
            create_sessions, programme_id=programme_id, rows=rows, translate=gettext
        )
    except BadRows as problems:
        return bulk_refusal(problems, refusal_language(request))
    entries = entries_of(request, settings, created)
    language = pick_language(request.headers.get("x-vk-lang"), request.cookies.get("vk_lang"))
    if format == "csv":
        headers = {**NO_STORE, "Content-Disposition": 'attachment; filename="links.csv"'}
        body = links_csv(entries, language)
        return Response(body, status_code=201, media_type="text/csv", headers=headers)
    if format == "xlsx":
        headers = {**NO_STORE, "Content-Disposition": 'attachment; filename="links.xlsx"'}
        body = await run_in_threadpool(links_xlsx, entries, language)
        return Response(body, status_code=201, media_type=XLSX, headers=headers)
    if format == "html":
        programme = await database.read(get_programme, programme_id)
        html = await run_in_threadpool(sheet_html, programme, entries, language)
        return HTMLResponse(html, status_code=201, headers=NO_STORE)
    payload = bulk_json(entries).model_dump(mode="json")
    return JSONResponse(payload, status_code=201, headers=NO_STORE)
