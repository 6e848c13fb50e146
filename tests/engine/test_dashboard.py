"""The dashboard's rows, totals and alerts: what the organiser sees of each session, and when
it raises an alert, judged with a clock the test holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from session_engine.actors import ORGANISER
from session_engine.agenda import activate_step
from session_engine.closing import close_session
from session_engine.controls import set_locked
from session_engine.curation import delete_item
from session_engine.dashboard import (
    AlertKind,
    Presence,
    SessionRow,
    SessionState,
    alerts_of,
    programme_rows,
    session_rows,
    totals_of,
)
from session_engine.items import add_item
from session_engine.sessions import agenda, get_session

STUCK = timedelta(minutes=10)


def rows_by_id(room: Any) -> dict[str, SessionRow]:
    programme_id = room.database.read_sync(get_session, room.id).programme_id
    return {r.session_id: r for r in room.database.read_sync(programme_rows, programme_id)}


def test_a_row_shows_state_step_headcount_and_items_per_column(make_room: Any) -> None:
    room, other = make_room("Zwolle"), make_room("Breda")
    assert rows_by_id(room)[room.id].state is SessionState.NOT_STARTED
    people = [room.join() for _ in range(20)]
    step = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step)
    ids = [
        room.do(
            add_item,
            actor=people[n % 20],
            client_id=f"c{n}",
            step_id=step,
            category=("voordelen", "nadelen")[n % 2],
            text=f"punt {n}",
        ).item.id
        for n in range(60)
    ]
    room.do(delete_item, actor=room.facilitator, item_id=ids[0])  # off the board: not counted
    room.do(set_locked, actor=room.facilitator, step_id=step, locked=True)

    row = rows_by_id(room)[room.id]
    steps = room.database.read_sync(agenda, room.id)
    assert row.state is SessionState.RUNNING
    assert (row.step_number, row.step_count) == ([s.id for s in steps].index(step) + 1, len(steps))
    assert (row.step_type, row.step_open, row.headcount) == ("brainstorm", False, 20)
    assert [(c.key, c.label, c.count) for c in row.columns][:3] == [
        ("voordelen", "Voordelen", 29),
        ("nadelen", "Nadelen", 30),
        ("voorwaarden", "Voorwaarden", 0),
    ]
    assert row.seq == room.database.read_sync(get_session, room.id).last_seq
    assert row.last_activity is not None and row.last_activity.tzinfo is not None
    assert "punt" not in row.model_dump_json()  # no item's words

    totals = totals_of(list(rows_by_id(room).values()))
    assert (totals.sessions, totals.running, totals.not_started) == (2, 1, 1)
    assert (totals.participants, totals.items, totals.columns[1].count) == (20, 59, 30)
    assert [r.session_id for r in room.database.read_sync(session_rows, [other.id])] == [other.id]

    room.do(close_session, session_id=room.id, actor=ORGANISER)
    assert rows_by_id(room)[room.id].state is SessionState.CLOSED


def running(last_activity: datetime, *, step_open: bool = True) -> SessionRow:
    return SessionRow(
        session_id="s1",
        title="Zwolle",
        location="Zwolle",
        date="",
        state=SessionState.RUNNING,
        step_number=2,
        step_count=9,
        step_title="Scenario 1",
        step_type="brainstorm",
        step_open=step_open,
        headcount=20,
        columns=[],
        last_activity=last_activity,
        seq=40,
    )


def kinds(row: SessionRow, presence: Presence | None, now: datetime, limit: int = 20) -> set[str]:
    alerts = alerts_of(row, presence, now=now, stuck_after=STUCK, refusal_limit=limit)
    return {alert.kind.value for alert in alerts}


def test_a_session_is_stuck_once_an_open_step_has_been_quiet_long_enough() -> None:
    then = datetime(2026, 6, 7, 10, 0, tzinfo=UTC)
    here = Presence(facilitators=1)
    assert kinds(running(then), here, then + STUCK - timedelta(seconds=1)) == set()
    assert kinds(running(then), here, then + STUCK) == {"stuck"}
    alert = alerts_of(
        running(then), here, now=then + timedelta(minutes=12), stuck_after=STUCK, refusal_limit=20
    )
    assert [(a.kind, a.count) for a in alert] == [(AlertKind.STUCK, 12)]
    assert kinds(running(then, step_open=False), here, then + timedelta(hours=1)) == set()


def test_no_facilitator_and_many_refusals_are_alerts_while_a_session_runs() -> None:
    now = datetime(2026, 6, 7, 10, 0, tzinfo=UTC)
    row = running(now)
    assert kinds(row, None, now) == set()  # not every process has reported yet
    assert kinds(row, Presence(facilitators=0), now) == {"facilitator_away"}
    assert kinds(row, Presence(facilitators=1, refused=19), now) == set()
    assert kinds(row, Presence(facilitators=1, refused=20), now) == {"refusals"}
    assert kinds(row, Presence(facilitators=1, refused=500), now, limit=0) == set()  # off
    for state in (SessionState.NOT_STARTED, SessionState.CLOSED):
        quiet = row.model_copy(update={"state": state})
        assert kinds(quiet, Presence(refused=99), now + timedelta(hours=2)) == set()
