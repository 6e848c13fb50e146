"""The report's raw data as spreadsheets: one XLSX with a sheet per kind, or one CSV per kind
(items, votes, statements, participants). Ballots carry no voter, profiles no identity, rows
are in an order that links no row to another; no cell can run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from ...shapes import ReportColumn, ReportItem, ThemedColumn
from ..data import Translate
from ..model import Report
from .labels import headings, segment_label
from .safe import cell
from .stamp import fixed_zip_times, report_time

KINDS = ("items", "votes", "statements", "participants")
Rows = tuple[list[str], list[list[Any]]]
ITEM_KEYS = ["text", "mentions", "metoo", "support", "often", "score", "sessions"]
ITEM_KEYS += ["members", "comments", "votes"]


def sheet_rows(report: Report, kind: str, t: Translate) -> Rows:
    """Header and rows of one kind of raw data."""
    h = headings(t)
    if kind == "items":
        return _items(report, h)
    if kind == "votes":
        return _votes(report, h)
    if kind == "statements":
        return _statements(report, h)
    if kind == "participants":
        return _participants(report, h)
    raise ValueError(f"unknown sheet {kind!r}; choose one of {', '.join(KINDS)}")


def _item_lists(column: ReportColumn) -> Iterator[tuple[str, ReportItem]]:
    if isinstance(column, ThemedColumn):
        for group in column.themes:
            yield from ((group.label, item) for item in group.items)
    else:
        yield from (("", item) for item in [*column.important, *column.other])


def _items(report: Report, h: dict[str, str]) -> Rows:
    header = [h["scenario"], h["column"], h["theme"], h["importance"], h["text"], h["mentions"]]
    header += [h["metoo"], h["support"], h["often"], h["score"], h["in_sessions"], h["also"]]
    header += [h["comments"], h["votes"]]
    rows = []
    for scenario in report.scenarios:
        for column in scenario.columns:
            for theme, item in _item_lists(column):
                importance = h["most_important"] if item.important else h["other_item"]
                place = [scenario.title, column.label, theme, importance]
                values = [_cell(getattr(item, k), h) for k in ITEM_KEYS]
                rows.append([*place, *values])
    return header, rows


def _votes(report: Report, h: dict[str, str]) -> Rows:
    header = [h["session"], h["step"], h["type"], h["subject"], h["value"], h["choice"]]
    header.append(h["argument"])
    rows: list[list[Any]] = [
        [v.session, v.step, _type(v.type, h), v.subject, v.value, v.choice, v.argument]
        for v in report.votes
    ]
    return header, rows


def _type(step_type: str, h: dict[str, str]) -> str:
    """The step's type as the report's language names it."""
    return h.get(f"type_{step_type}", step_type)


def _cell(value: Any, h: dict[str, str]) -> Any:
    """A yes/no in the report's language; anything else as it is."""
    if isinstance(value, bool):
        return h["yes"] if value else h["no"]
    return value


def _statements(report: Report, h: dict[str, str]) -> Rows:
    header = [h["statements"], h["field"], h["group"], "1", "2", "3", "4", "5"]
    header += [h["no_opinion"], "n", h["mean"], h["spread"], h["assessment"]]
    rows = []
    for statement in report.statements:
        groups = [("", h["everyone"], statement.overall)]
        for field, seg in statement.segments.items():
            label = report.labels.fields.get(field, field)
            groups += [(label, segment_label(report, field, k), d) for k, d in seg.segments.items()]
        groups += [(h["session"], s.session, s.overall) for s in statement.per_session or []]
        for field_label, group, dist in groups:
            counts = [dist.counts[str(k)] for k in range(1, 6)]
            flag = h[dist.flag] if dist.flag else ""
            figures = [dist.no_opinion, dist.n, dist.mean, dist.spread]
            rows.append([statement.text, field_label, group, *counts, *figures, flag])
    return header, rows


def _participants(report: Report, h: dict[str, str]) -> Rows:
    fields = report.labels.fields
    header = [h["session"], *fields.values()]
    rows = [[p["session"], *(p.get(k, "") for k in fields)] for p in report.profiles]
    return header, rows


def to_csv(report: Report, kind: str, t: Translate) -> bytes:
    """One kind of raw data as CSV (UTF-8 with a byte-order mark, so Excel reads accents)."""
    header, rows = sheet_rows(report, kind, t)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(v) for v in header])
    for row in rows:
        writer.writerow(["" if v is None else cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report, t: Translate) -> bytes:
    """All raw data as one workbook, a sheet per kind, header row frozen and bold. The same
    data gives the same bytes (stamp.py)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    when = report_time(report)
    workbook.properties.created = workbook.properties.modified = when
    bold = Font(bold=True)
    h = headings(t)
    names = {"items": h["items"], "votes": h["votes"], "statements": h["statements"]}
    names["participants"] = h["participants"]
    for kind in KINDS:
        header, rows = sheet_rows(report, kind, t)
        sheet = workbook.create_sheet(title=names[kind][:31])
        sheet.freeze_panes = "A2"
        sheet.append([_bold_cell(sheet, cell(v), bold) for v in header])
        for row in rows:
            sheet.append([cell(v) for v in row])
    return fixed_zip_times(_saved(workbook), when)


def _saved(workbook: Any) -> bytes:
    """The workbook as bytes. Written with openpyxl's ExcelWriter: `Workbook.save` sets the
    file's modified time to now, which would make every download differ."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _bold_cell(sheet: Any, value: Any, font: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    written = WriteOnlyCell(sheet, value=value)
    written.font = font
    return written
