"""Making participants' text safe to put in a spreadsheet or a Word/XML file."""

from __future__ import annotations

import re
from typing import Any

# Characters XML 1.0 (DOCX, XLSX) cannot hold: C0 controls except tab, newline, return.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def xml_text(text: str) -> str:
    """The text without characters an XML document refuses."""
    return _XML_ILLEGAL.sub("", text)


def cell_text(text: str) -> str:
    """A spreadsheet cell that can never run as a formula: text starting with =, +, -, @, tab
    or carriage return gets a leading apostrophe (OWASP's advice against CSV injection)."""
    text = xml_text(text)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def cell(value: Any, formula_guard: bool = True) -> Any:
    """A value for a cell: numbers stay numbers, None stays empty, text is neutralised (with
    `formula_guard` false only made valid XML: for cells written as inline strings)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list):
        value = " | ".join(str(v) for v in value)
    return cell_text(str(value)) if formula_guard else xml_text(str(value))
