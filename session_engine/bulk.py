"""A programme's sessions created in bulk: a table of locations, dates and facilitators (a CSV
file as Excel saves it, or rows sent as JSON), checked as a whole, then created all at once or
not at all."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .errors import N_, Invalid
from .plain_text import CONTROL, LINE_BREAK
from .programmes import get_programme
from .sessions import CreatedSession, Translate, create_session, untranslated
from .store.db import Db
from .views import sessions_of_programme

MAX_ROWS = 200
MAX_PROBLEMS = 50  # a refusal lists this many; a file with more has one mistake repeated
LANGUAGES = ("nl", "en")
# Column names as organisers type them, Dutch and English, to the field they fill.
HEADERS = {
    "location": "location",
    "locatie": "location",
    "plaats": "location",
    "date": "date",
    "datum": "date",
    "facilitator": "facilitator",
    "begeleider": "facilitator",
    "gespreksleider": "facilitator",
    "title": "title",
    "titel": "title",
    "language": "language",
    "taal": "language",
}
REQUIRED = ("location", "date")
# A problem's `field` value, as the app words it in the user's language.
FIELD_LABELS = {
    "location": N_("location"),
    "date": N_("date"),
    "facilitator": N_("facilitator"),
    "title": N_("title"),
    "language": N_("language"),
}
MAX_LENGTHS = {"location": 200, "title": 200, "facilitator": 120, "language": 8}
DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
DELIMITERS = (";", ",", "\t")


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One checked row: a session to create. `line` is where it stood in the file."""

    line: int
    location: str
    date: str  # ISO, e.g. 2026-06-14
    facilitator_name: str
    title: str
    language: str | None


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong on one line; `template` is marked for translation, `values` fill it."""

    line: int
    template: str
    values: Mapping[str, object]


class BadRows(Invalid):
    """The table is refused as a whole (422): nothing was created. `problems` names each line."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(
            N_("Problems in the table: %(count)s; no session was created."), count=len(problems)
        )
        self.problems = problems[:MAX_PROBLEMS]


@dataclass(frozen=True, slots=True)
class Record:
    """A row as read, before checking: its line and its cells under their field names."""

    line: int
    cells: Mapping[str, str]
    extra: bool = False  # more cells than the header has columns


def decode_table(data: bytes) -> str:
    """A file's text: UTF-8 (with or without Excel's byte-order mark), UTF-16 with its mark
    (Excel's "Unicode text"), else Windows-1252 (Excel's CSV on a Dutch Windows)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def read_table(text: str) -> list[Record]:
    """A CSV's rows under field names: the separator (`;` as Excel writes it in Dutch, `,` or
    a tab) is the one the header line uses most; blank lines are skipped."""
    text = text.removeprefix("\ufeff")
    header_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    fields = [HEADERS.get(name.strip().lower().removeprefix("\ufeff"), "") for name in header]
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        found = ", ".join(name.strip() for name in header if name.strip()) or "-"
        raise BadRows(
            [RowProblem(1, MISSING_COLUMNS, {"missing": ", ".join(missing), "found": found})]
        )
    records, line = [], reader.line_num + 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                named = {f: c for f, c in zip(fields, cells, strict=False) if f}
                extra = any(cell.strip() for cell in cells[len(fields) :])
                records.append(Record(line, named, extra=extra))
            line = reader.line_num + 1
    except csv.Error as exc:  # a cell of over 128 KiB: a quote left open, most likely
        raise BadRows([RowProblem(line, UNREADABLE, {"reason": str(exc)})]) from exc
    return records


MISSING_COLUMNS = N_(
    "The header must name the columns %(missing)s (locatie, datum, begeleider; or location, "
    "date, facilitator); it names: %(found)s."
)
UNREADABLE = N_("This line cannot be read (%(reason)s): is a quote left open?")
TOO_MANY = N_("At most %(max)s sessions at a time; the table has %(count)s.")
NO_ROWS = N_("The table holds no sessions: only a header, or nothing.")
EXTRA_CELLS = N_(
    "More cells than the header has columns: put a value holding the separator between quotes."
)
EMPTY = N_("The %(field)s is empty.")
TOO_LONG = N_("The %(field)s is longer than %(max)s characters.")
CONTROL_CHARACTER = N_("The %(field)s holds a control character or a line break.")
# `field` in these is one of FIELD_LABELS' keys.
BAD_DATE = N_("“%(value)s” is not a date: write it as 2026-06-14 or 14-6-2026.")
BAD_LANGUAGE = N_("The language “%(value)s” is not known: write nl or en.")
REPEATED = N_("The same location, date and title as line %(first)s.")
EXISTS = N_("The programme already has this session (location, date and title; code %(code)s).")


def records_of(rows: Iterable[Mapping[str, str]]) -> list[Record]:
    """Rows sent as JSON (`{"location": …, "date": …}`), numbered from 1 as lines."""
    return [Record(number, row) for number, row in enumerate(rows, start=1)]


def session_rows(records: list[Record]) -> list[SessionRow]:
    """Every record checked; all problems at once (BadRows), or the rows to create."""
    if not records:
        raise BadRows([RowProblem(1, NO_ROWS, {})])
    if len(records) > MAX_ROWS:
        raise BadRows([RowProblem(records[MAX_ROWS].line, TOO_MANY, _count(records))])
    problems: list[RowProblem] = []
    rows: list[SessionRow] = []
    for record in records:
        found = row_problems(record)
        problems += found
        if not found:
            rows.append(_row(record))
    problems += _repeats(rows)
    if problems:
        raise BadRows(sorted(problems, key=lambda p: p.line))
    return rows


def _count(records: list[Record]) -> dict[str, object]:
    return {"max": MAX_ROWS, "count": len(records)}


def row_problems(record: Record) -> list[RowProblem]:
    """What is wrong with one record: empty or overlong cells, control characters, a date
    that is none, an unknown language, cells beyond the header."""
    line, cells = record.line, record.cells
    problems = [RowProblem(line, EXTRA_CELLS, {})] if record.extra else []
    for field in ("location", "date", "facilitator", "title", "language"):
        value = cells.get(field, "").strip()
        if field in REQUIRED and not value:
            problems.append(RowProblem(line, EMPTY, {"field": field}))
        elif CONTROL.search(value) or LINE_BREAK.search(value):
            problems.append(RowProblem(line, CONTROL_CHARACTER, {"field": field}))
        elif len(value) > MAX_LENGTHS.get(field, 40):
            limit = MAX_LENGTHS.get(field, 40)
            problems.append(RowProblem(line, TOO_LONG, {"field": field, "max": limit}))
        elif field == "date" and iso_date(value) is None:
            problems.append(RowProblem(line, BAD_DATE, {"value": value}))
        elif field == "language" and value and value.lower() not in LANGUAGES:
            problems.append(RowProblem(line, BAD_LANGUAGE, {"value": value}))
    return problems


def iso_date(value: str) -> str | None:
    """A date as ISO (2026-06-14), from ISO or day-first (14-6-2026, 14/06/2026, 14.6.2026)."""
    if matched := DAY_FIRST.match(value):
        day, month, year = (int(part) for part in matched.groups())
        value = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        return date.fromisoformat(value).isoformat() if len(value) == 10 else None
    except ValueError:
        return None


def _row(record: Record) -> SessionRow:
    cells = {field: value.strip() for field, value in record.cells.items()}
    return SessionRow(
        line=record.line,
        location=cells["location"],
        date=iso_date(cells["date"]) or "",
        facilitator_name=cells.get("facilitator", ""),
        title=cells.get("title", ""),
        language=cells.get("language", "").lower() or None,
    )


def _key(location: str, day: str, title: str) -> tuple[str, str, str]:
    return (" ".join(location.split()).casefold(), day.strip(), " ".join(title.split()).casefold())


def _repeats(rows: list[SessionRow]) -> list[RowProblem]:
    """Rows that repeat an earlier row's location, date and title: a file pasted twice."""
    first: dict[tuple[str, str, str], int] = {}
    problems = []
    for row in rows:
        key = _key(row.location, row.date, row.title)
        if key in first:
            problems.append(RowProblem(row.line, REPEATED, {"first": first[key]}))
        first.setdefault(key, row.line)
    return problems


def create_sessions(
    db: Db, *, programme_id: int, rows: list[SessionRow], translate: Translate = untranslated
) -> list[CreatedSession]:
    """Create one session per row, in one transaction. A row whose location, date and title
    (untitled: the programme's) the programme already has is refused with the rest, so
    uploading the same file again creates nothing twice."""
    programme = get_programme(db, programme_id)
    existing = {
        _key(s.location, s.date, s.title): s.code for s in sessions_of_programme(db, programme_id)
    }
    problems = [
        RowProblem(row.line, EXISTS, {"code": code})
        for row in rows
        if (code := existing.get(_key(row.location, row.date, row.title or programme.title)))
    ]
    if problems:
        raise BadRows(problems)
    return [
        create_session(
            db,
            programme_id=programme_id,
            title=row.title,
            location=row.location,
            date=row.date,
            facilitator_name=row.facilitator_name,
            language=row.language,
            translate=translate,
        )
        for row in rows
    ]
