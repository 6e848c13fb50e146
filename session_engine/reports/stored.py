"""Reports kept after retention deleted the contributions they were built from
(retention.py): stored as report.json writes them, read back as the same `Report`, so every
format (web page, PDF, DOCX, XLSX, CSV, JSON) still renders byte for byte as before."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from ..errors import N_, EngineError
from ..models import Session, StoredReport
from ..store.db import Db
from .model import Report


class Gone(EngineError):
    """Asked for something retention deleted on purpose."""

    status = 410


PURGED = N_(
    "The contributions of this report were deleted when their retention period ended, and no "
    "report was kept."
)


def session_subject(session_id: str) -> str:
    return f"session:{session_id}"


def programme_subject(programme_id: int) -> str:
    return f"programme:{programme_id}"


def store_report(db: Db, subject: str, programme_id: int, report: Report, now: datetime) -> None:
    """Keep `report` under `subject`, replacing one kept before."""
    body = report.model_dump_json(by_alias=True)
    kept = db.get(StoredReport, subject)
    if kept is None:
        kept = StoredReport(subject=subject, programme_id=programme_id, body=body)
    kept.body, kept.stored_at = body, now
    db.add(kept)


def _load(db: Db, subject: str) -> Report:
    kept = db.get(StoredReport, subject)
    if kept is None:
        raise Gone(PURGED)
    return Report.model_validate_json(kept.body)


def purged_session_report(db: Db, session: Session) -> Report | None:
    """The stored report of a purged session; None while its contributions are there."""
    if session.purged_at is None:
        return None
    return _load(db, session_subject(session.id))


def purged_programme_report(db: Db, programme_id: int) -> Report | None:
    """The programme's stored report once every one of its sessions was purged; None while
    one still holds its contributions (a session added later: its report is built live)."""
    purged = db.scalars(
        select(Session.purged_at).where(col(Session.programme_id) == programme_id)
    ).all()
    if not purged or any(moment is None for moment in purged):
        return None
    return _load(db, programme_subject(programme_id))
