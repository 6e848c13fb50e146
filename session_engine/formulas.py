"""Spreadsheet safety: text a participant typed must never run as a formula in an export."""

from __future__ import annotations

# A cell starting with one of these is read as a formula (or DDE command) by Excel,
# LibreOffice and Google Sheets; tab and carriage return can smuggle one past a naive check.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """Prefix a cell that a spreadsheet would evaluate with an apostrophe, so it stays text.

    The apostrophe is the spreadsheet's own "this is text" mark (OWASP's advice for CSV
    injection); every other cell is returned unchanged."""
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
