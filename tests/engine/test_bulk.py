"""Reading and checking a table of sessions (session_engine/bulk.py), without a database."""

from __future__ import annotations

import pytest

from session_engine.bulk import (
    BAD_DATE,
    BAD_LANGUAGE,
    UNREADABLE,
    BadRows,
    decode_table,
    iso_date,
    read_table,
    records_of,
    session_rows,
)


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("2026-06-14", "2026-06-14"),
        ("14-6-2026", "2026-06-14"),
        ("14/06/2026", "2026-06-14"),
        ("1.7.2026", "2026-07-01"),
        ("29-2-2028", "2028-02-29"),
        ("29-2-2026", None),
        ("14-6-26", None),
        ("6/14/2026", None),
        ("20260614", None),
        ("morgen", None),
        ("", None),
    ],
)
def test_dates_are_read_day_first_or_iso(typed: str, iso: str | None) -> None:
    assert iso_date(typed) == iso


def test_lines_are_counted_as_an_editor_shows_them() -> None:
    """A quoted cell over two lines, and blank lines, keep the numbers of the lines after."""
    text = 'locatie;datum;titel\r\n\r\nZwolle;1-6-2026;"Twee\r\nregels"\r\n\r\nEde;2-6-2026;\r\n'
    assert [(r.line, r.cells["location"]) for r in read_table(text)] == [(3, "Zwolle"), (6, "Ede")]


def test_the_separator_is_the_one_the_header_uses() -> None:
    for separator in (";", ",", "\t"):
        text = separator.join(["Locatie", "Datum", "Facilitator"]) + "\n"
        text += separator.join(["Den Haag, centrum", "1-6-2026", "An"]).replace(
            "Den Haag, centrum", '"Den Haag, centrum"'
        )
        (record,) = read_table(text)
        assert record.cells == {
            "location": "Den Haag, centrum",
            "date": "1-6-2026",
            "facilitator": "An",
        }


def test_every_encoding_excel_writes_is_read() -> None:
    text = "locatie;datum\nCuijk;1-6-2026\nRenée;2-6-2026\n"
    for data in (
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("cp1252"),
        text.encode("utf-16"),
    ):
        assert decode_table(data) == text


def test_a_language_must_be_one_the_screens_speak() -> None:
    rows = session_rows(records_of([{"location": "A", "date": "1-6-2026", "language": "EN"}]))
    assert rows[0].language == "en"
    with pytest.raises(BadRows) as refused:
        session_rows(records_of([{"location": "A", "date": "1-6-2026", "language": "de"}]))
    assert [(p.line, p.template) for p in refused.value.problems] == [(1, BAD_LANGUAGE)]


def test_a_refusal_lists_at_most_fifty_problems_but_counts_all() -> None:
    records = records_of([{"location": "A", "date": "nooit"}] * 80)
    with pytest.raises(BadRows) as refused:
        session_rows(records)
    assert refused.value.values == {"count": 80}
    assert len(refused.value.problems) == 50
    assert {p.template for p in refused.value.problems} == {BAD_DATE}


def test_a_quote_left_open_is_named_not_a_crash() -> None:
    text = 'locatie;datum\nZwolle;1-6-2026\n"Ede;2-6-2026\n' + "x" * 140_000 + "\n"
    with pytest.raises(BadRows) as refused:
        read_table(text)
    ((problem),) = refused.value.problems
    assert (problem.line, problem.template) == (3, UNREADABLE)
