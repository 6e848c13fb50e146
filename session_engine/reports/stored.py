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


def kept_programme_report_at(db: Db, programme_id: int) -> datetime | None:
    """When retention kept the programme's report; None when it kept none."""
    return db.scalar(
        select(StoredReport.stored_at).where(
            col(StoredReport.subject) == programme_subject(programme_id)
        )
    )


def purged_programme_report(db: Db, programme_id: int) -> Report | None:
    """The programme's report as retention kept it, once any of its sessions was purged: it
    is final, never built again, so a session added later cannot take the purged sessions'
    points out of it (that session has its own report). None while no session was purged,
    or when nothing was kept and a session still holds its contributions (then the report
    is built from those); Gone when nothing was kept and none does."""
    purged = db.scalars(
        select(Session.purged_at).where(col(Session.programme_id) == programme_id)
    ).all()
    if not any(moment is not None for moment in purged):
        return None
    if db.get(StoredReport, programme_subject(programme_id)) is None and None in purged:
        return None
    return _load(db, programme_subject(programme_id))
