"""The XLSX's data rows (session_engine/reports/exports/sheets.py) are written as text, not
through openpyxl's cell objects: they must be exactly the cells openpyxl writes."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from session_engine.reports.exports.safe import cell
from session_engine.reports.exports.sheets import _rows_xml

TRICKY: list[list[Any]] = [
    ["", None, "x & <y> \"z\" 'q'", " lead", "trail ", "a\r\nb\tc", True, False],
    [1.5, 3, 0, -7, 2**60, 1e20, 0.1, 1 / 3, float("nan"), float("inf")],
    ["é ü ß", "😀 emoji", "中文", "#N/A", "#DIV/0!", "x" * 40000, "=1+1", "+31", "\u00a0nbsp"],
    [None, None],
    [],
    ["één", None, None, "laatste"],
]


def _openpyxl_rows(rows: list[list[Any]]) -> bytes:
    """The <row> elements openpyxl itself writes after a header row."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append(["header"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    start = xml.index(b'<row r="2"')
    return xml[start : xml.index(b"</sheetData>")]


def test_data_rows_are_the_cells_openpyxl_writes() -> None:
    rows = [[cell(v) for v in row] for row in TRICKY]
    assert _rows_xml(rows) == _openpyxl_rows(rows)
