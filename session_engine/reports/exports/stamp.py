"""One fixed time per report for every date a file carries, so that the same data gives the
same bytes in every format (a download compared with an earlier one, a file checked into a
repository or signed, the report cache's answer and a fresh one all match).

The time is the date of the report's last session — as the report writes it (14 juni 2016,
`sessions.session_date`) or as an ISO date (2016-06-14, 2016-06 or 2016) — else the zip
format's first day (1 January 1980), e.g. for a date typed as free text. Word and
Excel files are zip archives whose entries carry a modification time; python-docx and openpyxl
stamp them with the time of writing, so `fixed_zip_times` rewrites those fields in place."""

from __future__ import annotations

import re
import struct
from datetime import datetime

from babel.dates import get_month_names

from ..model import Report

EPOCH = datetime(1980, 1, 1)  # the earliest time a zip entry can carry
_ISO_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_WRITTEN_DATE = re.compile(r"^\s*(\d{1,2}) (\w+) (\d{4})\s*$")
_LOCAL_HEADER, _CENTRAL_HEADER, _END = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"


def report_time(report: Report) -> datetime:
    """The last session's date (midnight), or EPOCH when no session's date can be read."""
    found = [_parse(s.date, report.language) for s in report.sessions]
    return max((when for when in found if when is not None), default=EPOCH)


def _parse(text: str, language: str) -> datetime | None:
    written = _WRITTEN_DATE.match(text or "")
    if written:
        months = {name.lower(): n for n, name in get_month_names("wide", locale=language).items()}
        month = months.get(written[2].lower())
        return _checked(int(written[3]), month, int(written[1])) if month else None
    match = _ISO_DATE.match(text or "")
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    return _checked(year, month, day)


def _checked(year: int, month: int, day: int) -> datetime | None:
    try:
        when = datetime(year, month, day)
    except ValueError:
        return None
    return when if EPOCH <= when < datetime(2108, 1, 1) else None


def fixed_zip_times(archive: bytes, when: datetime) -> bytes:
    """The zip `archive` with every entry's time set to `when`: the MS-DOS time and date of
    each local header and each central directory record (nothing else changes: names, data,
    checksums and offsets stay as they are)."""
    stamp = struct.pack("<HH", _dos_time(when), _dos_date(when))
    data = bytearray(archive)
    end = data.rindex(_END)
    count, _size, offset = struct.unpack_from("<HII", data, end + 10)
    for _ in range(count):
        if data[offset : offset + 4] != _CENTRAL_HEADER:
            raise ValueError("not a zip archive this function can stamp")
        data[offset + 12 : offset + 16] = stamp
        local = struct.unpack_from("<I", data, offset + 42)[0]
        if data[local : local + 4] != _LOCAL_HEADER:
            raise ValueError("a central directory record points at no local header")
        data[local + 10 : local + 14] = stamp
        name, extra, comment = struct.unpack_from("<HHH", data, offset + 28)
        offset += 46 + name + extra + comment
    return bytes(data)


def _dos_time(when: datetime) -> int:
    return when.hour << 11 | when.minute << 5 | when.second // 2


def _dos_date(when: datetime) -> int:
    return (when.year - 1980) << 9 | when.month << 5 | when.day
