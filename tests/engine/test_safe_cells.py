from __future__ import annotations

import pytest

from session_engine.formulas import neutralise_formula


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://evil.example","klik")', '\'=HYPERLINK("http://evil.example","klik")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
    ],
)
def test_cells_a_spreadsheet_would_evaluate_get_an_apostrophe(text: str, cell: str) -> None:
    assert neutralise_formula(text) == cell


@pytest.mark.parametrize(
    "text", ["Herkenbare rollen", "", " =1+1", "1 = 1", "e-mail", "'al tekst", "100%"]
)
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralise_formula(text) == text
