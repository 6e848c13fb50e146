"""Unlink at close ("Sessie afsluiten"): a closed session's database holds no link between a
participant and what they wrote, its reports are the same to the byte, and it stays closed.

A realistic session: the seed session (12 participants: brainstorms with merges, me-toos and
comments, an importance vote, statements, a glossary, a preference), 10 more participants and
items up to 60, closed by the organiser."""

from __future__ import annotations

import datetime
import time
import types
from collections.abc import Iterator
from typing import Any

import openpyxl.packaging.core
import openpyxl.writer.excel
import pytest
from sqlalchemy import inspect, text

from app.report_formats import FORMATS, SHEETS, render_report, translator
from session_engine import closing, reactions
from session_engine.access import set_joining
from session_engine.actors import ORGANISER, Actor
from session_engine.agenda import activate_step
from session_engine.closing import close_session
from session_engine.errors import Forbidden
from session_engine.items import add_item
from session_engine.joining import join_session
from session_engine.models import MeToo
from session_engine.reports.report import programme_report, session_report
from session_engine.sessions import authenticate, get_session
from session_engine.store.db import checkpoint_wal, create_db_engine
from tests.report_seed import build_seed_session

EXTRA = [{"sector": "VO", "organisation": "school", "role": "projectleider"}] * 10
ITEMS = 60
# Columns that may name a participant (or their secret) in a contribution's row.
LINKS = {"participant_id", "client_id", "token_hash"}


@pytest.fixture
def room(make_room: Any) -> Iterator[Any]:
    """The seed session grown to 22 participants and 60 items, still open."""
    room = make_room()
    seed = build_seed_session(room)
    seed.tokens += [_join(room, profile) for profile in EXTRA]
    step = room.step_id("brainstorm", 0)
    room.do(activate_step, actor=room.facilitator, step_id=step)
    people = _participants(room)
    for n in range(ITEMS - _count(room, "item")):
        who = people[n % len(people)]
        room.do(
            add_item,
            actor=who,
            client_id=f"extra-{n}",
            step_id=step,
            category=("voordelen", "nadelen")[n % 2],
            text=f"Extra bijdrage nummer {n}",
        )
    room.tokens = seed.tokens
    room.client_ids = [*seed.client_ids, *(f"extra-{n}" for n in range(ITEMS))]
    yield room


def _join(room: Any, profile: dict[str, str]) -> str:
    joined = room.do(join_session, code=room.created.session.code, profile=profile)
    return str(joined.token)


def _participants(room: Any) -> list[Actor]:
    ids = _query(room, "SELECT id FROM participant WHERE session_id = :sid ORDER BY id")
    return [Actor("participant", room.id, row[0]) for row in ids]


def _query(room: Any, sql: str) -> list[Any]:
    with room.database.engine.connect() as connection:
        return list(connection.execute(text(sql), {"sid": room.id}))


def _count(room: Any, table: str) -> int:
    return int(_query(room, f"SELECT count(*) FROM {table} WHERE session_id = :sid")[0][0])


def _close(room: Any) -> bool:
    closed = room.do(close_session, session_id=room.id, actor=ORGANISER)
    checkpoint_wal(room.database.engine)
    return bool(closed)


def _downloads(room: Any) -> dict[str, bytes]:
    """Every format of the session's and the programme's report, as a download has it."""
    read = room.database.read_sync
    session = get_session_of(room)
    reports = {
        "session": read(session_report, room.id, translator=translator),
        "programme": read(programme_report, session.programme_id, translator=translator),
    }
    files = {}
    for name, report in reports.items():
        for fmt in FORMATS:
            for sheet in SHEETS if fmt == "csv" else ("items",):
                files[f"{name}.{sheet}.{fmt}"] = render_report(report, fmt, sheet=sheet).body
    return files


def get_session_of(room: Any) -> Any:
    return room.database.read_sync(get_session, room.id)


def test_the_session_is_realistic(room: Any) -> None:
    assert _count(room, "participant") >= 20
    assert _count(room, "item") >= ITEMS
    assert _count(room, "ballot") > 0 and _count(room, "comment") > 0


def test_reports_are_byte_identical_after_unlinking(
    room: Any, fixed_time: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing does two things: it makes the participants final (only then do the reports
    break results down by profile, docs/results.md "Across reports") and it unlinks. The
    unlinking alone changes no byte: the reports of the session closed but still linked are
    the reports after the unlink."""
    _press_as_before(room)
    presses = _query(room, "SELECT count(*) FROM metoo")[0][0]
    with monkeypatch.context() as patched:
        patched.setattr(closing, "unlink", lambda db, session: None)
        assert _close(room)
    before = _downloads(room)
    assert _query(room, "SELECT count(*) FROM ballot WHERE participant_id IS NOT NULL")[0][0]
    room.do(lambda db: closing.unlink(db, get_session(db, room.id)))
    checkpoint_wal(room.database.engine)
    assert not _query(room, "SELECT count(*) FROM ballot WHERE participant_id IS NOT NULL")[0][0]
    after = _downloads(room)
    assert before.keys() == after.keys()
    changed = [name for name in before if before[name] != after[name]]
    assert not changed
    # The two presses no report counts are gone with their presser, the others stay.
    assert _query(room, "SELECT count(*) FROM metoo")[0][0] == presses - 2


def _press_as_before(room: Any) -> None:
    """Two "me too" presses the engine refuses now, stored as it let them be before 1
    December: the author of a merged entry on it, and someone else on the entry and again
    on the item merged into it."""
    [(lead, member, author)] = _query(
        room,
        "SELECT lead.id, member.id, lead.participant_id FROM item member"
        " JOIN item lead ON lead.id = member.merged_into_id"
        " WHERE member.session_id = :sid AND lead.deleted_at IS NULL ORDER BY member.id LIMIT 1",
    )
    writers = {
        author,
        *(
            r[0]
            for r in _query(room, f"SELECT participant_id FROM item WHERE merged_into_id = {lead}")
        ),
    }
    pressed = {
        r[0]
        for r in _query(
            room, f"SELECT participant_id FROM metoo WHERE item_id IN ({lead}, {member})"
        )
    }
    other = next(
        p.participant_id for p in _participants(room) if p.participant_id not in writers | pressed
    )

    def press(db: Any) -> None:
        for item_id, who in ((lead, author), (lead, other), (member, other)):
            db.add(MeToo(item_id=item_id, participant_id=who))

    room.database.write_sync(press)


def test_no_column_ties_a_contribution_to_a_participant(room: Any) -> None:
    assert _count(room, "item") >= ITEMS
    _close(room)
    engine = room.database.engine
    tables = inspect(engine).get_table_names()
    for table in tables:
        columns = {c["name"] for c in inspect(engine).get_columns(table)}
        for column in sorted(columns & LINKS):
            values = {row[0] for row in _query(room, f"SELECT DISTINCT {column} FROM {table}")}
            assert values <= {None, ""}, f"{table}.{column} still holds {sorted(values)[:3]}"
    dump = "\n".join(str(row) for table in tables for row in _query(room, f"SELECT * FROM {table}"))
    for secret in [*room.tokens, *room.client_ids]:
        assert secret not in dump


def test_no_time_or_order_pairs_a_contribution_with_a_participant(room: Any) -> None:
    _close(room)
    for table, column in [
        ("item", "created_at"),
        ("comment", "created_at"),
        ("definition", "created_at"),
        ("ballot", "updated_at"),
        ("participant", "joined_at"),
        ("event", "created_at"),
    ]:
        times = _query(room, f"SELECT DISTINCT {column} FROM {table} WHERE session_id = :sid")
        assert len(times) == 1, f"{table}.{column} still tells times apart"
    times = _query(room, "SELECT DISTINCT created_at FROM metoo")
    assert len(times) == 1
    voters = _query(room, "SELECT DISTINCT voter FROM ballot WHERE session_id = :sid")
    assert None not in {row[0] for row in voters}


def test_tokens_stop_working_with_a_clear_message(room: Any) -> None:
    token = room.tokens[0]
    assert room.database.read_sync(authenticate, session_id=room.id, token=token).role
    _close(room)
    with pytest.raises(Forbidden, match="closed"):
        room.database.read_sync(authenticate, session_id=room.id, token=token)
    # the facilitator's key still opens the console (to read the report)
    assert (
        room.database.read_sync(
            authenticate, session_id=room.id, token=room.created.facilitator_key
        ).role
        == "facilitator"
    )


def test_a_closed_session_cannot_be_reopened_or_changed(room: Any) -> None:
    _close(room)
    assert not _close(room)  # closing again: nothing changes, no event
    with pytest.raises(Forbidden, match="closed"):
        room.do(set_joining, session_id=room.id, open_for_joining=True, actor=ORGANISER)
    with pytest.raises(Forbidden):
        room.do(join_session, code=room.created.session.code, profile={})
    step = room.step_id("brainstorm", 0)
    with pytest.raises(Forbidden, match="closed"):
        room.do(activate_step, actor=room.facilitator, step_id=step)
    assert get_session_of(room).closed_at is not None


def test_old_actors_can_no_longer_write(room: Any) -> None:
    """A participant's request already past authentication (a cached actor) is refused too."""
    who = _participants(room)[0]
    item = _query(room, "SELECT min(id) FROM item WHERE session_id = :sid")[0][0]
    _close(room)
    with pytest.raises(Forbidden, match="closed"):
        room.do(reactions.set_metoo, actor=who, item_id=item, on=True)
    step = room.step_id("brainstorm", 0)  # still the active step, input open
    with pytest.raises(Forbidden, match="closed"):
        room.do(
            add_item, actor=who, client_id="after", step_id=step, category="nadelen", text="Te laat"
        )
    assert _count(room, "item") == ITEMS


def test_a_facilitator_may_close_only_their_own_session(make_room: Any) -> None:
    mine, other = make_room("A"), make_room("B")
    assert other.do(close_session, session_id=mine.id, actor=other.facilitator)
    assert get_session_of(other).closed_at is not None
    assert get_session_of(mine).closed_at is None
    with pytest.raises(Forbidden):
        mine.do(close_session, session_id=mine.id, actor=mine.join())


class _FixedDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz: datetime.tzinfo | None = None) -> _FixedDatetime:
        return cls(2026, 6, 14, 12, 0, 0, tzinfo=tz)


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The office formats stamp the time they are written (zip entries, the workbook's
    properties): both downloads are made at the same fixed time."""
    moment = time.mktime((2026, 6, 14, 12, 0, 0, 0, 0, -1))
    monkeypatch.setattr(time, "time", lambda: moment)
    monkeypatch.setattr(time, "localtime", lambda *_: time.gmtime(moment))  # files' times
    clock = types.ModuleType("datetime")
    clock.__dict__.update(vars(datetime))
    clock.datetime = _FixedDatetime  # type: ignore[attr-defined]
    monkeypatch.setattr(openpyxl.packaging.core, "datetime", clock)
    monkeypatch.setattr(openpyxl.writer.excel, "datetime", clock)


def test_migration_0010_keeps_the_rows_of_a_running_session(tmp_path: Any) -> None:
    """A database with participants, items, me-toos, comments and ballots migrates (SQLite
    rebuilds tables that other rows point at)."""
    from alembic import command

    from session_engine.store.schema import alembic_config, migrate

    url = f"sqlite:///{tmp_path}/old.db"
    command.upgrade(alembic_config(url), "0009")
    engine = create_db_engine(url)
    rows = [
        "INSERT INTO programme (id, key, title, language, content, content_hash, report_texts, "
        "created_at) VALUES (1, 'p', 'P', 'nl', '{}', '', '{}', '2026-01-01')",
        "INSERT INTO session (id, programme_id, title, location, date, language, code, "
        "facilitator_key_hash, projector_key_hash, last_seq, open_for_joining, report_texts, "
        "created_at) VALUES ('s', 1, 'S', '', '', 'nl', 'ABC', 'f', 'p', 0, 1, '{}', "
        "'2026-01-01')",
        "INSERT INTO step (id, session_id, position, type, title, text, skipped, locked, "
        "blind, timer_autolock, revealed, config) VALUES (1, 's', 0, 'brainstorm', '', '', "
        "0, 0, 0, 1, 0, '{}')",
        "INSERT INTO participant (id, session_id, token_hash, profile, joined_at) VALUES "
        "(1, 's', 'h1', '{}', '2026-01-01'), (2, 's', 'h2', '{}', '2026-01-01')",
        "INSERT INTO item (id, session_id, step_id, participant_id, client_id, category, "
        "text, seq, starred, created_at) VALUES (1, 's', 1, 1, 'c', 'voordelen', 'x', 1, 0, "
        "'2026-01-01')",
        "INSERT INTO metoo (item_id, participant_id, created_at) VALUES (1, 2, '2026-01-01')",
        "INSERT INTO comment (session_id, item_id, participant_id, client_id, text, seq, "
        "created_at) VALUES ('s', 1, 2, 'd', 'y', 2, '2026-01-01')",
        "INSERT INTO ballot (session_id, step_id, participant_id, subject, value, updated_at) "
        "VALUES ('s', 1, 2, '1', 1, '2026-01-01')",
    ]
    with engine.begin() as connection:
        for row in rows:
            connection.exec_driver_sql(row)
    engine.dispose()
    migrate(url)
    engine = create_db_engine(url)
    with engine.connect() as connection:
        count = {
            t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
            for t in ("participant", "item", "metoo", "comment", "ballot")
        }
        assert count == {"participant": 2, "item": 1, "metoo": 1, "comment": 1, "ballot": 1}
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        metoo = connection.exec_driver_sql("SELECT id, item_id, participant_id FROM metoo")
        assert metoo.all() == [(1, 1, 2)]
    engine.dispose()
