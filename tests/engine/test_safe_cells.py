"""Export cells (session_engine/reports/exports/safe.py): participants' text never runs as a formula
and never breaks an XML file."""

from __future__ import annotations

import pytest

from session_engine.reports.exports.safe import cell, cell_text, xml_text


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://evil.example","klik")', '\'=HYPERLINK("http://evil.example","klik")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\x01=1+1", "'=1+1"),  # a control character cannot hide a formula behind it
    ],
)
def test_cells_a_spreadsheet_would_evaluate_get_an_apostrophe(text: str, safe: str) -> None:
    assert cell_text(text) == safe


@pytest.mark.parametrize(
    "text", ["Herkenbare rollen", "", " =1+1", "1 = 1", "e-mail", "'al tekst", "100%"]
)
def test_other_text_is_unchanged(text: str) -> None:
    assert cell_text(text) == text


def test_xml_text_drops_what_xml_cannot_hold() -> None:
    assert xml_text("a\x00b\x0bc\td\ne\rf\ufffe") == "abc\td\ne\rf"


@pytest.mark.parametrize(
    ("value", "safe"),
    [(None, None), (3, 3), (2.5, 2.5), (True, True), (["a", "=b"], "a | =b"), ("=1", "'=1")],
)
def test_cell_keeps_numbers_and_joins_lists(value: object, safe: object) -> None:
    assert cell(value) == safe
