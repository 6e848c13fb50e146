"""One report, every format: the engine's report data written as a web page, PDF, Markdown,
Word, Excel, CSV or JSON, in the report's language. Used by the routes and the CLI."""

from __future__ import annotations

import re
from collections.abc import Sized
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from markupsafe import Markup

from session_engine.reports.data import Translate
from session_engine.reports.exports.docx import to_docx
from session_engine.reports.exports.labels import (
    basis_line,
    column_headings,
    columns_heading,
    headings,
    item_note,
    not_discussed,
    scenario_heading,
    statements_put,
    themed_heading,
    wordings,
)
from session_engine.reports.exports.markdown import to_markdown
from session_engine.reports.exports.sheets import KINDS, to_csv, to_xlsx
from session_engine.reports.exports.stamp import report_time
from session_engine.reports.exports.tables import (
    Table,
    answered,
    composition_tables,
    distribution_row,
    preference_tables,
    sessions_table,
    statement_groups,
    statement_header,
)
from session_engine.reports.gc_pause import collector_paused
from session_engine.reports.model import Report, ReportStatement
from session_engine.reports.report import to_json
from session_engine.reports.texts import text_blocks
from session_engine.shapes import DistributionView

from .static_files import STATIC_DIR
from .templating import gettext, render

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
FORMATS = tuple(MEDIA_TYPES)
SHEETS = KINDS
# The PDF is the report people forward: every point of a programme the seed's size (three
# sessions, some 180 points) is in it. Only a list longer than anyone reads on paper (over
# PDF_LIST entries: a column, a theme, an item's merged wordings or comments, a statement's
# arguments, a statement's rows per session) is cut there, to its first PDF_CUT[kind] entries
# and a line saying how many more there are and where they are (the web page, DOCX, Markdown
# and the spreadsheets always have everything); statements are broken down by the first
# profile question only (sector in the seed). WeasyPrint lays out some 20 pages a second: a
# 2,000-item session printed in full would take it minutes, and a 50-session programme's
# statements one row per session each some 3 s (docs/performance.md).
PDF_LIST = 40
PDF_CUT = {"important": 10, "other": 5, "theme": 5, "arguments": 5, "sessions": 5}
# Answers 1 (strongly disagree) to 5 (strongly agree): red through grey to blue.
ANSWER_COLOURS = ("#b2182b", "#ef8a62", "#bdbdbd", "#67a9cf", "#2166ac")


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    media_type: str
    extension: str


def translator(language: str) -> Translate:
    return partial(gettext, language)


@cache
def report_css() -> str:
    return (STATIC_DIR / "report.css").read_text(encoding="utf-8")


def render_html(report: Report, *, summary: bool = False) -> str:
    """The report as one self-contained HTML page (CSS inlined); `summary`: the PDF's."""
    t = translator(report.language)
    h = headings(t)
    fields = list(report.labels.fields)[:1] if summary else None
    cut = pdf_cut if summary else _no_cut
    tables: dict[str, Table | list[Table]] = {
        "sessions": sessions_table(report, h),
        "composition": composition_tables(report, h),
        "preference": preference_tables(report, h) if report.preference else [],
    }
    return render(
        "report.html",
        report.language,
        r=report,
        h=h,
        css=Markup(report_css()),  # our own stylesheet, not participants' text
        summary=summary,
        bullet="• " if summary else "",  # the PDF's item bullets: text, not an image each
        cut=cut,
        tables=tables,
        text_blocks=text_blocks,
        answered=answered,
        item_note=lambda item: item_note(item, t),
        wordings=wordings,
        not_discussed=not_discussed(report.kind, h),
        statements_put=statements_put(report, t),
        more=lambda n: h["more"] % {"n": n},
        column_headings=lambda column: column_headings(column, t),
        basis_line=lambda column: basis_line(column, t),
        scenario_heading=lambda scenario: scenario_heading(scenario, t),
        columns_heading=lambda scenario: columns_heading(scenario, t),
        themed_heading=lambda column, scenario: themed_heading(column, scenario, t),
        statement_rows=lambda st: statement_rows(report, st, h, fields, cut=cut),
        sessions_more=lambda st: hidden_sessions(st, cut),
        agreement_bar=agreement_bar,
    )


def pdf_cut(entries: Sized, kind: str) -> int | None:
    """How many entries of a list the PDF prints: None (all of them) up to PDF_LIST entries,
    else the first PDF_CUT[kind]."""
    return PDF_CUT[kind] if len(entries) > PDF_LIST else None


def _no_cut(entries: Sized, kind: str) -> None:
    return None


def statement_rows(
    report: Report,
    statement: ReportStatement,
    h: dict[str, str],
    fields: Any,
    cut: Any = _no_cut,
) -> tuple[list[str], list[tuple[list[Any], DistributionView]]]:
    """A statement's table: the header, and per group its cells with its distribution; the
    rows per session last, as many as `cut` prints."""
    groups = statement_groups(report, statement, h, fields)
    hidden = hidden_sessions(statement, cut)
    groups = groups[: len(groups) - hidden]
    language = report.language
    rows = [(distribution_row(label, d, h, language), d) for label, d in groups]
    return statement_header(h), rows


def hidden_sessions(statement: ReportStatement, cut: Any) -> int:
    """How many of a statement's rows per session `cut` leaves out (the last ones)."""
    sessions = statement.per_session or []
    shown = cut(sessions, "sessions")
    return 0 if shown is None else len(sessions) - shown


def agreement_bar(distribution: DistributionView) -> str:
    """The answers 1-5 as a stacked bar: a CSS gradient with hard stops (WeasyPrint paints one
    shading where an SVG chart costs it a text layout per label); "" without answers."""
    if not distribution.n:
        return ""
    stops, start = [], 0.0
    for colour, answer in zip(ANSWER_COLOURS, "12345", strict=True):
        end = start + distribution.counts[answer] / distribution.n * 100
        if end > start:
            stops += [f"{colour} {start:.1f}%", f"{colour} {end:.1f}%"]
        start = end
    return f"linear-gradient(to right, {', '.join(stops)})"


def render_pdf(report: Report) -> bytes:
    """The web page printed by WeasyPrint; nothing is fetched (the page needs nothing). The
    same data gives the same bytes: the document's dates are the report's fixed time
    (stamp.py), and it carries no file identifier (WeasyPrint writes one only on request)."""
    import weasyprint

    html = render_html(report, summary=True)
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetching()).render()
    when = report_time(report).strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.created = document.metadata.modified = when
    pdf: bytes = document.write_pdf(pdf_identifier=False)
    return pdf


def _no_fetching() -> Any:
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before URLFetcher: a plain function does the same

        def refuse(url: str, **_: Any) -> dict[str, Any]:
            raise ValueError(f"reports fetch nothing: {url}")

        return refuse
    return URLFetcher(allowed_protocols=["data"])


def render_report(report: Report, fmt: str, *, sheet: str = "items") -> Rendered:
    """The report in one format (see FORMATS); `sheet` picks the CSV's kind of data."""
    with collector_paused():
        body = _render_body(report, fmt, sheet)
    return Rendered(body, MEDIA_TYPES[fmt], fmt)


def _render_body(report: Report, fmt: str, sheet: str) -> bytes:
    t = translator(report.language)
    if fmt == "json":
        body = to_json(report)
    elif fmt == "html":
        body = render_html(report).encode("utf-8")
    elif fmt == "pdf":
        body = render_pdf(report)
    elif fmt == "md":
        body = to_markdown(report, t).encode("utf-8")
    elif fmt == "docx":
        body = to_docx(report, t)
    elif fmt == "xlsx":
        body = to_xlsx(report, t)
    elif fmt == "csv":
        body = to_csv(report, sheet, t)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return body


def file_name(report: Report, fmt: str, sheet: str | None = None) -> str:
    """A download name like verslag-zwolle.docx (report-zwolle in English)."""
    stem = gettext(report.language, "report")
    slug = re.sub(r"[^a-z0-9]+", "-", report.title.lower()).strip("-")[:60] or "session"
    suffix = f"-{sheet}" if fmt == "csv" and sheet else ""
    return f"{stem}-{slug}{suffix}.{fmt}"
