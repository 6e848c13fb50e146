"""Live controls on a step: lock input, blind or open input, and a timer whose truth is the
server's clock (screens only display `ends_at`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlmodel import col, select

from .actors import Actor, require_facilitator
from .agenda import MAX_TIMER
from .errors import N_, Conflict, Invalid
from .models import Item, Step, item_public, utcnow
from .payloads import (
    InputLocked,
    InputUnlocked,
    JoinPanelChanged,
    StepControls,
    Timer,
    TimerChanged,
    VisibilityChanged,
)
from .sessions import get_step
from .store.db import Db
from .store.events import record_event

_Controls = TypeVar("_Controls", bound=StepControls)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    from datetime import UTC

    return moment.replace(tzinfo=UTC)


def timer_state(step: Step, now: datetime | None = None) -> dict[str, Any]:
    """What every screen needs to show the same countdown."""
    now = now or utcnow()
    ends_at = as_utc(step.timer_ends_at)
    running = ends_at is not None
    remaining = (
        max(0, int((ends_at - now).total_seconds() + 0.999)) if ends_at else step.timer_remaining
    )
    return {
        "running": running,
        "ends_at": ends_at.isoformat() if ends_at else None,
        "remaining": remaining,
        "autolock": step.timer_autolock,
        "expired": running and remaining == 0,
    }


def input_open(step: Step, now: datetime | None = None) -> bool:
    """Input is open unless locked by hand or by a timer that ran out with autolock."""
    if step.locked:
        return False
    state = timer_state(step, now)
    return not (state["expired"] and step.timer_autolock)


def step_controls(step: Step) -> StepControls:
    """A step's live controls, as the control routes answer them."""
    return controls_as(step, StepControls)


def controls_as(step: Step, kind: type[_Controls]) -> _Controls:
    """A step's live controls as one of the control events carries them."""
    assert step.id is not None
    timer = Timer(**timer_state(step))
    return kind(step_id=step.id, locked=step.locked, blind=step.blind, timer=timer)


def _record(db: Db, actor: Actor, kind: type[StepControls], step: Step) -> Step:
    db.add(step)
    record_event(db, actor.session_id, controls_as(step, kind))
    return step


def set_locked(db: Db, *, actor: Actor, step_id: int, locked: bool) -> Step:
    """Lock or unlock input on a step (items, comments, me-too)."""
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    step.locked = locked
    if not locked and step.timer_autolock and timer_state(step)["expired"]:
        step.timer_ends_at = None  # unlocking after the timer ran out reopens input,
        step.timer_remaining = None  # and the finished timer goes (no "Resume" at 0:00)
    return _record(db, actor, InputLocked if locked else InputUnlocked, step)


def set_blind(db: Db, *, actor: Actor, step_id: int, blind: bool) -> Step:
    """Blind: participants see only their own items. Open (reveal): everyone sees all."""
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    step.blind = blind
    db.add(step)
    data = controls_as(step, VisibilityChanged)
    if not blind:  # the reveal brings the words that JSON clients were not sent
        revealed = db.scalars(_REVEALED.where(col(Item.step_id) == step.id))
        data = data.model_copy(update={"items": [item_public(i) for i in revealed]})
    record_event(db, actor.session_id, data)
    return step


_REVEALED = (
    select(Item)
    .where(
        col(Item.deleted_at).is_(None),
        col(Item.merged_into_id).is_(None),
        col(Item.late).is_(None),  # late items stay with their author until let in
    )
    .order_by(col(Item.seq))
)


def start_timer(db: Db, *, actor: Actor, step_id: int, seconds: int | None = None) -> Step:
    """Start (or resume) the countdown; `seconds` sets a new duration."""
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    if seconds is None:
        seconds = step.timer_remaining or step.timer_seconds
    if seconds is None or not 0 < seconds <= MAX_TIMER:
        raise Invalid(N_("Give the timer a duration between 1 and %(max)s seconds."), max=MAX_TIMER)
    step.timer_ends_at = utcnow() + timedelta(seconds=seconds)
    step.timer_remaining = None
    step.timer_seconds = step.timer_seconds or seconds
    return _record(db, actor, TimerChanged, step)


def pause_timer(db: Db, *, actor: Actor, step_id: int) -> Step:
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    if step.timer_ends_at is None:
        raise Conflict(N_("The timer is not running."))
    if timer_state(step)["expired"]:  # paused at 0:00 it would quietly reopen input
        raise Conflict(N_("The timer has run out: add time, or unlock input."))
    step.timer_remaining = timer_state(step)["remaining"]
    step.timer_ends_at = None
    return _record(db, actor, TimerChanged, step)


def add_time(db: Db, *, actor: Actor, step_id: int, seconds: int) -> Step:
    """Add (or with a negative number, take off) time, running or paused."""
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    if not -MAX_TIMER <= seconds <= MAX_TIMER or seconds == 0:
        raise Invalid(
            N_("Add between 1 and %(max)s seconds (negative to take time off)."), max=MAX_TIMER
        )
    ends_at = as_utc(step.timer_ends_at)
    if ends_at is not None:
        step.timer_ends_at = max(utcnow(), ends_at) + timedelta(seconds=seconds)
    elif step.timer_remaining is not None:
        step.timer_remaining = max(0, step.timer_remaining + seconds)
    else:
        raise Conflict(N_("Start the timer first."))
    return _record(db, actor, TimerChanged, step)


def set_join_panel(db: Db, *, actor: Actor, step_id: int, shown: bool | None) -> Step:
    """Show (true) or hide (false) the join panel (QR, code) on every projector during a step;
    null leaves it to the board: shown until the first items arrive, as latecomers still join
    then, while a full board needs the room."""
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    step.join_panel = shown
    db.add(step)
    assert step.id is not None
    record_event(db, actor.session_id, JoinPanelChanged(step_id=step.id, shown=shown))
    return step
