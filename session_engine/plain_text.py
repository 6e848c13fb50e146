"""What text may hold: no control characters (NUL and the rest of C0, DEL, C1), except line
breaks and tabs in texts of several lines. PostgreSQL cannot store NUL at all (SQLite would),
and no screen or export shows a control character as anything useful; refusing them where
text comes in keeps both databases alike. The Database checks every argument of every command
and query (`check_arguments`), so no route can forget it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import N_, Invalid

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAK = re.compile(r"[\t\n\r]")
# Arguments (or keys of a dict argument) that hold one line: names, codes, keys, titles.
SINGLE_LINE = frozenset(
    {
        "category",
        "choice",
        "client_id",
        "code",
        "date",
        "location",
        "name",
        "names",
        "scenario",
        "session_id",
        "subject",
        "term",
        "terms",
        "theme",
        "title",
        "token",
        "type",
    }
)
MAX_DEPTH = 6  # arguments are shallow: a list of answers, a dict of fields


def check_text(value: str, *, field: str = "text", multiline: bool = True) -> str:
    """`value` unchanged, or Invalid (422) naming the field and the character."""
    found = CONTROL.search(value) or (None if multiline else LINE_BREAK.search(value))
    if found is None:
        return value
    code = f"U+{ord(found.group()):04X}"
    if CONTROL.match(found.group()):
        raise Invalid(
            N_("%(field)s holds a control character (%(code)s), which cannot be stored."),
            field=field,
            code=code,
        )
    raise Invalid(N_("%(field)s must be one line: no line breaks or tabs."), field=field)


def check_arguments(args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
    """Refuse a command or query whose arguments hold a control character anywhere."""
    for value in args:
        _check(value, "text", 0)
    for name, value in kwargs.items():
        _check(value, name, 0)


def _check(value: Any, field: str, depth: int) -> None:
    if isinstance(value, str):
        check_text(value, field=field, multiline=field not in SINGLE_LINE)
    elif depth >= MAX_DEPTH:
        return
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = key if isinstance(key, str) else field
            _check(key, field, depth + 1)
            _check(item, name, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check(item, field, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for part in dataclasses.fields(value):
            _check(getattr(value, part.name), part.name, depth + 1)
