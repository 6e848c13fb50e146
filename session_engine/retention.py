"""Retention: a programme's contributions are deleted once its retention period has passed
since its last session (docs/privacy.md, "Retention").

The period is the programme's `retention_months` (scenarios.yaml) or the server's
RETENTION_MONTHS, counted from the last thing that happened in any of its sessions (its
newest event, or its creation). After it, every session of the programme loses its
participants, items, comments, me-toos, ballots, definitions and its event log (the words
people typed travel in events), and the organiser's pooling decisions, which name those
items. What stays is the session's frame (title, place, date, agenda, tables, the
facilitator's report texts) and, unless configured to keep nothing, the reports built just
before, stored whole so that they download as before (reports/stored.py).

Commands take `now`, so the boundary is tested with a clock the test controls; a purge is
idempotent (a purged session is skipped) and logs counts, never content."""

from __future__ import annotations

import logging
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import delete, func, text, update
from sqlmodel import col, select

from .errors import EngineError
from .models import (
    Ballot,
    Comment,
    Definition,
    Event,
    Item,
    MeToo,
    Participant,
    PoolDecision,
    Programme,
    Session,
)
from .programmes import get_programme, programme_content
from .reports.data import Translate
from .reports.report import programme_report, session_report
from .reports.stored import (
    kept_programme_report_at,
    programme_subject,
    session_subject,
    store_report,
)
from .shapes import Shape
from .store.db import Db

log = logging.getLogger("versnellingskamer.retention")

Keep = Literal["reports", "nothing"]


@dataclass(frozen=True)
class Policy:
    """The server's retention settings and what a stored report is built with."""

    months: int  # RETENTION_MONTHS: a programme without its own period; 0: never
    keep: Keep  # RETENTION_KEEP
    threshold: int  # SEGMENT_THRESHOLD, as the reports are built
    translator: Callable[[str], Translate]


class RetentionView(Shape):
    """A programme's retention as the organiser page shows it."""

    months: int  # 0: kept until deleted by hand
    own: bool  # the programme sets its own period (scenarios.yaml)
    keep: Keep
    deletes_after: datetime | None  # None: no session yet, or months is 0
    purged_sessions: int
    report_kept_at: datetime | None  # when the programme's report was kept (it is final)


class Purged(Shape):
    """What one session's purge deleted, counted (what the log prints)."""

    session_id: str
    participants: int
    items: int
    comments: int
    metoos: int
    ballots: int
    definitions: int
    events: int
    report_kept: bool


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole calendar months; a day the target month lacks (31 August plus
    one month) becomes its last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _months(programme: Programme, policy_months: int) -> tuple[int, bool]:
    own = programme_content(programme).programme.retention_months
    return (policy_months, False) if own is None else (own, True)


def last_activity(db: Db, programme_id: int) -> datetime | None:
    """When the programme's sessions last changed: their newest event, close or creation."""
    in_programme = col(Session.programme_id) == programme_id
    created = db.scalar(select(func.max(Session.created_at)).where(in_programme))
    # Closing coarsens the log's times to the session's first day (closing.py): its own
    # moment is then the last thing that happened in the session.
    closed = db.scalar(select(func.max(Session.closed_at)).where(in_programme))
    logged = db.scalar(
        select(func.max(Event.created_at))
        .join(Session, col(Session.id) == col(Event.session_id))
        .where(in_programme)
    )
    moments = [_aware(m) for m in (created, closed, logged) if m is not None]
    return max(moments, default=None)


def deletes_after(db: Db, programme: Programme, policy_months: int) -> datetime | None:
    """The moment after which the programme's contributions are deleted."""
    assert programme.id is not None
    months, _ = _months(programme, policy_months)
    last = last_activity(db, programme.id)
    return None if months == 0 or last is None else add_months(last, months)


def retention_view(db: Db, programme_id: int, *, months: int, keep: Keep) -> RetentionView:
    programme = get_programme(db, programme_id)
    shown, own = _months(programme, months)
    purged = db.scalar(
        select(func.count())
        .select_from(Session)
        .where(col(Session.programme_id) == programme_id, col(Session.purged_at).is_not(None))
    )
    return RetentionView(
        months=shown,
        own=own,
        keep=keep,
        deletes_after=deletes_after(db, programme, months),
        purged_sessions=int(purged or 0),
        report_kept_at=kept_programme_report_at(db, programme_id),
    )


def due_programmes(db: Db, *, now: datetime, months: int) -> list[int]:
    """Programmes past their retention with a session still holding contributions."""
    unpurged = select(Session.programme_id).where(col(Session.purged_at).is_(None))
    programmes = db.scalars(select(Programme).where(col(Programme.id).in_(unpurged)))
    return [
        p.id
        for p in programmes
        if p.id is not None and (end := deletes_after(db, p, months)) is not None and now > end
    ]


def purge_programme(db: Db, *, programme_id: int, now: datetime, policy: Policy) -> list[Purged]:
    """Delete the contributions of every session of a programme past its retention, its
    reports stored first (unless the policy keeps nothing). Checked again here, in the
    transaction: a session that started since `due_programmes` looked postpones it."""
    if programme_id not in due_programmes(db, now=now, months=policy.months):
        return []
    sessions = list(
        db.scalars(
            select(Session)
            .where(col(Session.programme_id) == programme_id, col(Session.purged_at).is_(None))
            .order_by(col(Session.created_at), col(Session.id))
        )
    )
    if policy.keep == "reports":
        _store_reports(db, programme_id, sessions, now, policy)
    if db.get_bind().dialect.name == "sqlite":  # deleted rows' bytes overwritten, not left
        db.execute(text("PRAGMA secure_delete = ON"))
    db.execute(delete(PoolDecision).where(col(PoolDecision.programme_id) == programme_id))
    done = [_purge_session(db, session, now, policy.keep == "reports") for session in sessions]
    for purged in done:
        log.info(
            "retention: purged session %s of programme %s: %s",
            purged.session_id,
            programme_id,
            ", ".join(f"{k} {v}" for k, v in purged.model_dump(exclude={"session_id"}).items()),
        )
    return done


def _store_reports(
    db: Db, programme_id: int, sessions: list[Session], now: datetime, policy: Policy
) -> None:
    """Each session's report, and the programme's (built while every session still holds
    its contributions), as they download today. A programme report kept at an earlier purge
    stays as it is: it is final (reports/stored.py)."""
    translator, threshold = policy.translator, policy.threshold
    for session in sessions:
        report = session_report(db, session.id, translator=translator, threshold=threshold)
        store_report(db, session_subject(session.id), programme_id, report, now)
    if kept_programme_report_at(db, programme_id) is not None:
        return
    try:
        report = programme_report(db, programme_id, translator=translator, threshold=threshold)
    except EngineError:  # nobody joined any session: there is no programme report to keep
        return
    store_report(db, programme_subject(programme_id), programme_id, report, now)


def _purge_session(db: Db, session: Session, now: datetime, report_kept: bool) -> Purged:
    sid = session.id
    items = select(Item.id).where(col(Item.session_id) == sid)
    counts = {
        "metoos": _delete(db, delete(MeToo).where(col(MeToo.item_id).in_(items))),
        "comments": _delete(db, delete(Comment).where(col(Comment.session_id) == sid)),
        "ballots": _delete(db, delete(Ballot).where(col(Ballot.session_id) == sid)),
        "definitions": _delete(db, delete(Definition).where(col(Definition.session_id) == sid)),
    }
    db.execute(update(Item).where(col(Item.session_id) == sid).values(merged_into_id=None))
    counts["items"] = _delete(db, delete(Item).where(col(Item.session_id) == sid))
    counts["participants"] = _delete(
        db, delete(Participant).where(col(Participant.session_id) == sid)
    )
    counts["events"] = _delete(db, delete(Event).where(col(Event.session_id) == sid))
    session.spotlight_item_id = None
    session.purged_at = now
    # Closed too (if it was not): nothing written after the purge would ever be deleted
    # (a session is purged once), nor shown (its stored report is what downloads).
    session.closed_at = session.closed_at or now
    session.open_for_joining = False
    db.add(session)
    db.flush()
    return Purged(session_id=sid, report_kept=report_kept, **counts)


def _delete(db: Db, statement: object) -> int:
    result = db.execute(statement)  # type: ignore[call-overload]
    return int(result.rowcount or 0)
