"""The one fixed time a report's files carry: read from the last session's date however the
report writes it, and stamped into every entry of a zip without changing anything else."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from session_engine.reports.exports.stamp import EPOCH, fixed_zip_times, report_time


def _report(language: str, *dates: str) -> Any:
    return SimpleNamespace(language=language, sessions=[SimpleNamespace(date=d) for d in dates])


def test_the_last_sessions_date_as_written_or_iso() -> None:
    assert report_time(_report("nl", "7 juni 2016", "21 juni 2016", "2016-06-14")) == datetime(
        2016, 6, 21
    )
    assert report_time(_report("en", "14 June 2016")) == datetime(2016, 6, 14)
    assert report_time(_report("nl", "2016-06")) == datetime(2016, 6, 1)


def test_no_readable_date_is_the_zip_epoch() -> None:
    assert report_time(_report("nl", "volgende week", "", "31 februari 2016")) == EPOCH
    assert report_time(_report("nl")) == EPOCH


def test_every_entry_gets_the_time_and_keeps_its_data() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(30):
            archive.writestr(f"part/{n}.xml", f"<x>{n}</x>" * n)
    stamped = fixed_zip_times(buffer.getvalue(), datetime(2016, 6, 21, 13, 45, 30))
    with zipfile.ZipFile(io.BytesIO(stamped)) as archive:
        assert archive.testzip() is None
        assert {e.date_time for e in archive.infolist()} == {(2016, 6, 21, 13, 45, 30)}
        assert archive.read("part/7.xml") == b"<x>7</x>" * 7
    assert len(stamped) == len(buffer.getvalue())
