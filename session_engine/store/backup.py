"""Consistent copies of a live SQLite database, made with SQLite's online backup API while the
server keeps writing. (PostgreSQL has its own tool for this: pg_dump.)"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from .db import BUSY_TIMEOUT_MS


class BackupError(Exception):
    """The backup cannot be made (wrong kind of database, unreadable file, bad copy)."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    sessions: int
    events: int


def sqlite_path(database_url: str) -> Path:
    """The file behind a sqlite:/// URL; anything else is refused with what to use instead."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"{url.get_backend_name()} database: use its own tool, for PostgreSQL "
            "`pg_dump --format=custom --file=FILE DATABASE` (a consistent copy while it runs)."
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up.")
    path = Path(url.database)
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    return path


def backup_database(database_url: str, target: Path) -> BackupReport:
    """Copy the database to `target` in one consistent snapshot, then check the copy.

    The copy is written next to `target` and renamed into place only once it has passed
    its checks, so `target` is never a half-written file."""
    source_path = sqlite_path(database_url)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)  # all pages in one step: one read transaction, one snapshot
        report = check_copy(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    os.replace(partial, target)
    return BackupReport(target, report.sessions, report.events)


def check_copy(path: Path) -> BackupReport:
    """The copy must pass SQLite's integrity check and hold every session's log without gaps."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            raise BackupError(f"the copy failed SQLite's integrity check: {integrity}")
        gaps = db.execute(
            "SELECT s.id FROM session s LEFT JOIN event e ON e.session_id = s.id GROUP BY s.id "
            "HAVING COUNT(e.seq) != s.last_seq OR COALESCE(MAX(e.seq), 0) != s.last_seq"
        ).fetchall()
        if gaps:
            raise BackupError(f"the copy's event log has gaps in sessions {gaps}")
        (sessions,) = db.execute("SELECT COUNT(*) FROM session").fetchone()
        (events,) = db.execute("SELECT COUNT(*) FROM event").fetchone()
    return BackupReport(path, int(sessions), int(events))
