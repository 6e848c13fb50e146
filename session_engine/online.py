"""Online rounds: a session of a programme that participants go through at their own pace,
without a facilitator, while its window [opens_at, closes_at) lasts.

Its contributions are a session's like any other (the programme report pools them); it is
labelled "online" in the report. Each participant's current step lives on their device (the
participant page's `?step=`); the server takes input for any step of the round while the
window is open. An item that arrives outside the window is kept as late (nothing typed is
lost); with hold for review on, each new item waits for the organiser (`LateState.HELD`,
session_engine/moderation.py) before others see it. Commands take `now`, so the window is
tested with a clock the test controls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .actors import Organiser, require_organiser
from .controls import as_utc, input_open
from .errors import N_, Conflict, Forbidden, Invalid
from .models import Session, Step, utcnow
from .payloads import OnlineRoundChanged
from .sessions import CreatedSession, Translate, create_session, get_session, untranslated
from .shapes import LateState
from .store.db import Db
from .store.events import record_event

ONLINE = "online"
NOT_OPEN = N_("This online round is not open yet.")
CLOSED = N_("This online round has closed.")


def is_online(session: Session) -> bool:
    return session.kind == ONLINE


def _aware(moment: datetime) -> datetime:
    """A moment in UTC: stored ones come back naive from SQLite; given ones need a zone."""
    if moment.tzinfo is None:
        raise Invalid(N_("Give the opening and closing times with a time zone (e.g. +01:00)."))
    return moment.astimezone(UTC)


def local_moment(value: str, zone: str) -> datetime:
    """A date and time as a form gives it (2026-06-01T09:00), in a named time zone."""
    try:
        place = ZoneInfo(zone.strip())
    except (ValueError, ZoneInfoNotFoundError):
        raise Invalid(N_("Unknown time zone %(zone)r, e.g. Europe/Amsterdam."), zone=zone) from None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(N_("Give a date and time, e.g. 2026-06-01T09:00.")) from None
    return moment.replace(tzinfo=place) if moment.tzinfo is None else moment


def window_refusal(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime | None = None
) -> str | None:
    """Why an online round takes no input at `now` (not open yet, closed), or None."""
    now = now or utcnow()
    opens_at, closes_at = as_utc(opens_at), as_utc(closes_at)
    if opens_at is not None and now < opens_at:
        return NOT_OPEN
    if closes_at is not None and now >= closes_at:
        return CLOSED
    return None


def require_window_open(session: Session, now: datetime | None = None) -> None:
    """Refuse joining (and votes) of an online round outside its window."""
    refusal = window_refusal(session.opens_at, session.closes_at, now)
    if refusal == NOT_OPEN:
        raise Forbidden(NOT_OPEN)
    if refusal == CLOSED:
        raise Forbidden(CLOSED)


def arrival_state(session: Any, step: Step, now: datetime | None = None) -> str | None:
    """How an item reaches an online round (`session`: its row, or add_item's state of it): on
    the board (None), held for review, or kept as late when the window is shut or its step
    locked (never refused: nothing typed is lost)."""
    shut = window_refusal(session.opens_at, session.closes_at, now) is not None
    if shut or not input_open(step):
        return LateState.WAITING
    return LateState.HELD if session.hold_for_review else None


def own_step(steps: list[Step], wanted: int | None) -> int | None:
    """The step an online participant's page shows: the one they asked for, else the first."""
    open_steps = [s.id for s in steps if not s.skipped and s.id is not None]
    if wanted in open_steps:
        return wanted
    return open_steps[0] if open_steps else None


def open_online_round(
    db: Db,
    *,
    actor: Organiser,
    programme_id: int,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    hold_for_review: bool = False,
    translate: Translate = untranslated,
) -> CreatedSession:
    """Open an online round of a programme for a period: a session of kind "online"."""
    require_organiser(actor)
    opens_at, closes_at = _aware(opens_at), _aware(closes_at)
    if closes_at <= opens_at:
        raise Invalid(N_("An online round closes after it opens."))
    created = create_session(
        db, programme_id=programme_id, title=title, location=ONLINE, translate=translate
    )
    session = created.session
    session.kind = ONLINE
    session.opens_at, session.closes_at = opens_at, closes_at
    session.hold_for_review = hold_for_review
    db.add(session)
    db.flush()
    record_event(db, session.id, _changed(session))
    return created


def open_round_in_zone(
    db: Db,
    *,
    actor: Organiser,
    programme_id: int,
    title: str,
    window: tuple[str, str, str],
    hold_for_review: bool = False,
    translate: Translate = untranslated,
) -> CreatedSession:
    """Open an online round from a form: `window` is (opens, closes, time zone name)."""
    opens, closes, zone = window
    return open_online_round(
        db,
        actor=actor,
        programme_id=programme_id,
        title=title,
        opens_at=local_moment(opens, zone),
        closes_at=local_moment(closes, zone),
        hold_for_review=hold_for_review,
        translate=translate,
    )


def online_round(db: Db, session_id: str, *, lock: bool = False) -> Session:
    """An online round; any other session is refused."""
    session = get_session(db, session_id, lock=lock)
    if not is_online(session):
        raise Conflict(N_("This session is not an online round."))
    return session


def set_hold_for_review(db: Db, *, actor: Organiser, session_id: str, hold: bool) -> Session:
    """Turn hold for review on or off; items already held stay held until reviewed."""
    require_organiser(actor)
    session = online_round(db, session_id, lock=True)
    session.hold_for_review = hold
    db.add(session)
    db.flush()
    record_event(db, session.id, _changed(session))
    return session


def _changed(session: Session) -> OnlineRoundChanged:
    opens_at, closes_at = as_utc(session.opens_at), as_utc(session.closes_at)
    assert opens_at is not None and closes_at is not None
    return OnlineRoundChanged(
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
        hold_for_review=session.hold_for_review,
    )
