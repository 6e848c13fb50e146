"""The report's raw data as spreadsheets: one XLSX with a sheet per kind, or one CSV per kind
(items, votes, statements, participants). Ballots carry no voter, profiles no identity, rows
are in an order that links no row to another; no cell can run as a formula."""

from __future__ import annotations

import csv
import io
import math
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
    data gives the same bytes (stamp.py). openpyxl writes the workbook and each header row;
    the data rows are written here as the very cells openpyxl writes (`_rows_xml`), some ten
    times faster than through its cell objects (a 50-session programme has 60,000 ballots)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    when = report_time(report)
    workbook.properties.created = workbook.properties.modified = when
    bold = Font(bold=True)
    h = headings(t)
    names = {"items": h["items"], "votes": h["votes"], "statements": h["statements"]}
    names["participants"] = h["participants"]
    data = {}
    for number, kind in enumerate(KINDS, 1):
        header, rows = sheet_rows(report, kind, t)
        sheet = workbook.create_sheet(title=names[kind][:31])
        sheet.freeze_panes = "A2"
        sheet.append([_bold_cell(sheet, cell(v), bold) for v in header])
        # the path ExcelWriter gives the sheet: numbered in order (checked in _with_rows)
        data[f"xl/worksheets/sheet{number}.xml"] = _rows_xml(
            [[cell(v, formula_guard=False) for v in row] for row in rows]
        )
    return fixed_zip_times(_with_rows(_saved(workbook), data), when)


def _saved(workbook: Any) -> bytes:
    """The workbook as bytes. Written with openpyxl's ExcelWriter: `Workbook.save` sets the
    file's modified time to now, which would make every download differ."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def _with_rows(archive: bytes, data: dict[str, bytes]) -> bytes:
    """The workbook with each sheet's data rows (by the sheet's path) after its header row:
    the same entries in the same order, with the same attributes and compression."""
    from zipfile import ZIP_DEFLATED, ZipFile

    buffer, missing = io.BytesIO(), set(data)
    with (
        ZipFile(io.BytesIO(archive)) as source,
        ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as target,
    ):
        missing -= set(source.namelist())
        if missing:
            raise ValueError(f"the workbook has no sheet {', '.join(sorted(missing))}")
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename in data:
                end = content.rindex(b"</sheetData>")
                content = content[:end] + data[entry.filename] + content[end:]
            target.writestr(entry, content)
    return buffer.getvalue()


# What openpyxl 3.1 writes for a cell: text inline, escaped, every character past ASCII as a
# character reference; numbers as "%.16g"; an Excel error's text as an error; None no cell.
_ESCAPED = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_MAX_TEXT = 32767  # Excel's longest cell text; openpyxl cuts longer text there


def _rows_xml(rows: list[list[Any]], first: int = 2) -> bytes:
    """Rows of cell values as SpreadsheetML rows, numbered from `first`. Text is written as
    an inline string, which a spreadsheet shows as it is and never evaluates: "=SUM(A1)" a
    participant typed stays those characters, without the apostrophe a CSV needs."""
    from openpyxl.utils import get_column_letter

    width = max((len(row) for row in rows), default=0)
    letters = [get_column_letter(n) for n in range(1, width + 1)]
    out = []
    for r, row in enumerate(rows, first):
        cells = [
            _cell_xml(f"{c}{r}", v) for c, v in zip(letters, row, strict=False) if v is not None
        ]
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out).encode("ascii", "xmlcharrefreplace")


def _cell_xml(ref: str, value: Any) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        number = "" if math.isnan(value) or math.isinf(value) else f"{value:.16g}"
        return f'<c r="{ref}" t="n"><v>{number}</v></c>'
    text = str(value)[:_MAX_TEXT]
    if not text:
        return f'<c r="{ref}" t="inlineStr"></c>'
    if text in _ERROR_CODES:
        return f'<c r="{ref}" t="e"><v>{text}</v></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text.translate(_ESCAPED)}</t></is></c>'


def _bold_cell(sheet: Any, value: Any, font: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    written = WriteOnlyCell(sheet, value=value)
    written.font = font
    return written
