"""The programme dashboard: one row per session (where it stands, how many, how busy), the
programme's totals, and the alerts an organiser acts on. Rows are read from the database;
alerts are a pure rule over a row, the clock and what the server processes report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, func, select
from sqlmodel import col

from .controls import as_utc
from .models import Event, Item, Participant, Session, Step, utcnow
from .online import CLOSED, NOT_OPEN, ONLINE, is_online, window_refusal
from .programmes import get_programme, programme_content
from .shapes import LateState, Shape
from .store.db import Db


class SessionState(StrEnum):
    NOT_STARTED = "not_started"  # no step on the screens yet (an online round: not open yet)
    RUNNING = "running"  # step N of M (an online round: its window is open)
    CLOSED = "closed"  # closed for good (an online round: also once its window has passed)


class AlertKind(StrEnum):
    STUCK = "stuck"  # a step is open and nothing has happened for a while
    FACILITATOR_AWAY = "facilitator_away"  # running, and no facilitator screen is connected
    REFUSALS = "refusals"  # many submissions refused (4xx, 429) in the last minutes
    HELD = "held"  # an online round's items wait for the organiser's review


class ColumnCount(Shape):
    """Items on a board in one column (category) of the programme, all steps together."""

    key: str
    label: str
    count: int


class SessionRow(Shape):
    """One session as the dashboard shows it. No item text and nothing about a person."""

    session_id: str
    title: str
    location: str
    date: str
    state: SessionState
    step_number: int | None  # 1-based place of the active step in the agenda
    step_count: int
    step_title: str
    step_type: str | None
    step_open: bool  # the active step takes input (not locked)
    headcount: int
    columns: list[ColumnCount]  # every column of the programme, in its order
    last_activity: datetime | None  # when its last event was recorded
    seq: int  # its last event: the dashboard's stream of this session continues after it
    kind: str = "live"  # "online": an online round, self-paced, without a facilitator
    opens_at: datetime | None = None  # an online round's window
    closes_at: datetime | None = None
    held: int = 0  # an online round's items held for the organiser's review


class Totals(Shape):
    sessions: int
    not_started: int
    running: int
    closed: int
    participants: int
    items: int
    columns: list[ColumnCount]


class Alert(Shape):
    session_id: str
    kind: AlertKind
    count: int = 0  # refusals: how many in the window; stuck: minutes without activity


class Presence(Shape):
    """What the server processes report about a session's sockets and refusals."""

    facilitators: int = 0
    refused: int = 0


def programme_rows(db: Db, programme_id: int, now: datetime | None = None) -> list[SessionRow]:
    """Every session of the programme, oldest first, as they stand at `now`."""
    sessions = list(
        db.scalars(
            select(Session)
            .where(col(Session.programme_id) == programme_id)
            .order_by(col(Session.created_at), col(Session.id))
        )
    )
    return _rows(db, sessions, now or utcnow())


def session_rows(
    db: Db, session_ids: Iterable[str], now: datetime | None = None
) -> list[SessionRow]:
    """These sessions' rows (a refresh after their events, or an online round's window
    opening or closing)."""
    wanted = sorted(set(session_ids))
    sessions = list(db.scalars(select(Session).where(col(Session.id).in_(wanted))))
    return _rows(db, sessions, now or utcnow())


def _rows(db: Db, sessions: list[Session], now: datetime) -> list[SessionRow]:
    ids = [s.id for s in sessions]
    steps = _steps(db, ids)
    heads = _headcounts(db, ids)
    counts = _columns(db, ids)
    held = _held(db, [s.id for s in sessions if is_online(s)])
    last = _last_activity(db, ids)
    labels = {p: _column_labels(db, p) for p in {s.programme_id for s in sessions}}
    return [
        _row(
            s,
            steps.get(s.id, []),
            heads.get(s.id, 0),
            _counted(labels[s.programme_id], counts.get(s.id, {})),
            last.get(s.id),
            held.get(s.id, 0),
            now,
        )
        for s in sessions
    ]


def _counted(labels: dict[str, str], counts: dict[str, int]) -> list[ColumnCount]:
    return [ColumnCount(key=k, label=label, count=counts.get(k, 0)) for k, label in labels.items()]


def _column_labels(db: Db, programme_id: int) -> dict[str, str]:
    content = programme_content(get_programme(db, programme_id))
    return {c.key: c.label for c in content.scenarios_file.categories}


def _row(
    session: Session,
    steps: list[Step],
    headcount: int,
    columns: list[ColumnCount],
    last_activity: datetime | None,
    held: int,
    now: datetime,
) -> SessionRow:
    active = next((s for s in steps if s.id == session.active_step_id), None)
    if session.closed_at is not None:
        state = SessionState.CLOSED
    elif is_online(session):  # self-paced: no step on a screen, only its window
        active = None
        state = window_state(session.opens_at, session.closes_at, now)
    else:
        state = SessionState.RUNNING if active else SessionState.NOT_STARTED
    return SessionRow(
        session_id=session.id,
        title=session.title,
        location=session.location,
        date=session.date,
        state=state,
        step_number=steps.index(active) + 1 if active else None,
        step_count=len(steps),
        step_title=active.title if active else "",
        step_type=active.type if active else None,
        step_open=bool(active and not active.locked),
        headcount=headcount,
        columns=columns,
        last_activity=last_activity,
        seq=session.last_seq,
        kind=session.kind,
        opens_at=as_utc(session.opens_at),
        closes_at=as_utc(session.closes_at),
        held=held,
    )


def window_state(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> SessionState:
    """Where an online round stands at `now`: before, in or after its window."""
    refusal = window_refusal(opens_at, closes_at, now)
    if refusal == NOT_OPEN:
        return SessionState.NOT_STARTED
    return SessionState.CLOSED if refusal == CLOSED else SessionState.RUNNING


def window_turned(row: SessionRow, now: datetime) -> bool:
    """An online round's row that its window opening or closing has made out of date."""
    if row.kind != ONLINE or row.state is SessionState.CLOSED:
        return False
    return window_state(row.opens_at, row.closes_at, now) is not row.state


def _held(db: Db, ids: list[str]) -> dict[str, int]:
    """Items of these online rounds held for the organiser's review."""
    if not ids:
        return {}
    key = col(Item.session_id)
    query = (
        select(key, func.count())
        .where(key.in_(ids), col(Item.late) == LateState.HELD, col(Item.deleted_at).is_(None))
        .group_by(key)
    )
    return {str(k): int(n) for k, n in db.execute(query).all()}


def _steps(db: Db, ids: list[str]) -> dict[str, list[Step]]:
    by_session: dict[str, list[Step]] = {}
    query = select(Step).where(col(Step.session_id).in_(ids)).order_by(col(Step.position))
    for step in db.scalars(query):
        by_session.setdefault(step.session_id, []).append(step)
    return by_session


def _headcounts(db: Db, ids: list[str]) -> dict[str, int]:
    key = col(Participant.session_id)
    query = select(key, func.count()).where(key.in_(ids)).group_by(key)
    return {str(k): int(n) for k, n in db.execute(query).all()}


def _columns(db: Db, ids: list[str]) -> dict[str, dict[str, int]]:
    """Items on a board (not deleted, merged away or late) per session and column."""
    query = (
        select(col(Item.session_id), col(Item.category), func.count())
        .where(
            col(Item.session_id).in_(ids),
            col(Item.deleted_at).is_(None),
            col(Item.merged_into_id).is_(None),
            col(Item.late).is_(None),
        )
        .group_by(col(Item.session_id), col(Item.category))
    )
    columns: dict[str, dict[str, int]] = {}
    for session_id, category, count in db.execute(query).all():
        columns.setdefault(str(session_id), {})[str(category)] = int(count)
    return columns


def _last_activity(db: Db, ids: list[str]) -> dict[str, datetime]:
    """The time of each session's last event (its primary key: one row each)."""
    query = select(col(Event.session_id), col(Event.created_at)).join(
        Session,
        and_(col(Session.id) == col(Event.session_id), col(Session.last_seq) == col(Event.seq)),
    )
    query = query.where(col(Event.session_id).in_(ids))
    # SQLite gives the stored UTC time back without its zone
    return {str(sid): at.replace(tzinfo=at.tzinfo or UTC) for sid, at in db.execute(query).all()}


def totals_of(rows: list[SessionRow]) -> Totals:
    """The programme's totals, summed over its rows."""
    columns: dict[tuple[str, str], int] = {}
    for row in rows:
        for column in row.columns:
            key = (column.key, column.label)
            columns[key] = columns.get(key, 0) + column.count
    states = [row.state for row in rows]
    return Totals(
        sessions=len(rows),
        not_started=states.count(SessionState.NOT_STARTED),
        running=states.count(SessionState.RUNNING),
        closed=states.count(SessionState.CLOSED),
        participants=sum(row.headcount for row in rows),
        items=sum(columns.values()),
        columns=[ColumnCount(key=k, label=label, count=n) for (k, label), n in columns.items()],
    )


def alerts_of(
    row: SessionRow,
    presence: Presence | None,
    *,
    now: datetime,
    stuck_after: timedelta,
    refusal_limit: int,
) -> list[Alert]:
    """What needs the organiser's attention in this session now. `presence` None: the
    processes have not reported yet, so nothing is said about facilitators or refusals."""
    if row.held:  # a round's items wait for review, open or not
        alerts = [Alert(session_id=row.session_id, kind=AlertKind.HELD, count=row.held)]
    else:
        alerts = []
    if row.state is not SessionState.RUNNING or row.kind == ONLINE:
        return alerts  # an online round has no facilitator and no step on a screen
    idle = now - row.last_activity if row.last_activity else timedelta(0)
    if row.step_open and idle >= stuck_after:
        minutes = int(idle.total_seconds() // 60)
        alerts.append(Alert(session_id=row.session_id, kind=AlertKind.STUCK, count=minutes))
    if presence is not None and presence.facilitators == 0:
        alerts.append(Alert(session_id=row.session_id, kind=AlertKind.FACILITATOR_AWAY))
    if presence is not None and refusal_limit and presence.refused >= refusal_limit:
        alerts.append(
            Alert(session_id=row.session_id, kind=AlertKind.REFUSALS, count=presence.refused)
        )
    return alerts
