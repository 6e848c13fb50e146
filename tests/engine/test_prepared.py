"""Prepared statements (session_engine/store/prepared.py) put the same values in and get the
same values out as `Connection.execute`, on SQLite and PostgreSQL, and fail as SQLAlchemy
does: the write path relies on both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, exc, insert, select
from sqlmodel import col

from session_engine.agenda import activate_step
from session_engine.controls import start_timer
from session_engine.items import add_item
from session_engine.models import Event, Item, Step, table_of
from session_engine.store.db import Db
from session_engine.store.prepared import Prepared

STEP = select(table_of(Step)).where(col(Step.id) == bindparam("step_id"))
EVENTS = select(table_of(Event)).where(col(Event.session_id) == bindparam("session_id"))
ITEMS = select(table_of(Item)).where(col(Item.session_id) == bindparam("session_id"))


def both(db: Db, statement: Any, params: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    connection = db.connection()
    through_sqlalchemy = [tuple(row) for row in connection.execute(statement, params)]
    prepared = [tuple(row) for row in Prepared(statement).rows(connection, params)]
    return through_sqlalchemy, prepared


def add_items(room: Any, step: int, texts: list[str]) -> None:
    """Each text added by a participant of its own to the step's "voordelen"."""
    for number, text in enumerate(texts):
        room.do(
            add_item,
            actor=room.join(),
            client_id=f"c{number}",
            step_id=step,
            category="voordelen",
            text=text,
        )


def test_rows_of_every_column_type_read_as_sqlalchemy_reads_them(make_room: Any) -> None:
    room = make_room()
    step = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step)
    room.do(start_timer, actor=room.facilitator, step_id=step, seconds=300)
    add_items(room, step, [f"Ruimte voor 'quotes', \"dubbele\" en ü é — #{n}" for n in range(3)])

    def read(db: Db) -> None:
        for statement, params in (
            (STEP, {"step_id": step}),
            (EVENTS, {"session_id": room.id}),
            (ITEMS, {"session_id": room.id}),
        ):
            through_sqlalchemy, prepared = both(db, statement, params)
            assert prepared == through_sqlalchemy
            assert prepared  # something was compared
        (step_row,) = Prepared(STEP).rows(db.connection(), {"step_id": step})
        assert isinstance(step_row.timer_ends_at, datetime)
        assert step_row.timer_ends_at.utcoffset() == timedelta(0)  # aware, in UTC
        assert isinstance(step_row.config, dict)  # JSON decoded

    room.database.read_sync(read)


def test_values_written_read_back_the_same_through_sqlalchemy(make_room: Any) -> None:
    room = make_room()
    step = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step)
    person = room.join()
    when = datetime(2026, 11, 30, 21, 5, 7, 123456, tzinfo=UTC)
    data = {"text": "Een 'tekst' met ü", "nested": [1, None, {"a": True}]}
    insert_event = Prepared(
        insert(table_of(Event)).values(
            {c.name: bindparam(c.name, type_=c.type) for c in table_of(Event).columns}
        )
    )

    def write(db: Db) -> None:
        insert_event.run(
            db.connection(),
            {
                "session_id": room.id,
                "seq": 10_000,
                "type": "note",
                "data": data,
                "created_at": when,
            },
        )

    room.do(write)
    room.do(
        add_item,
        actor=person,
        client_id="x",
        step_id=step,
        category="voordelen",
        text="Gewoon een punt",
    )

    def read(db: Db) -> tuple[Any, Any]:
        event = (
            db.connection()
            .execute(EVENTS.where(col(Event.seq) == 10_000), {"session_id": room.id})
            .one()
        )
        items = db.connection().execute(ITEMS, {"session_id": room.id}).all()
        return event, items

    event, items = room.database.read_sync(read)
    assert event.data == data
    assert event.created_at == when
    (item,) = items
    assert (item.text, item.starred, item.late, item.deleted_at) == (
        "Gewoon een punt",
        False,
        None,
        None,
    )
    assert item.created_at.utcoffset() == timedelta(0)


def test_a_driver_error_is_sqlalchemys_and_hides_the_parameters(make_room: Any) -> None:
    room = make_room()
    insert_event = Prepared(
        insert(table_of(Event)).values(
            {c.name: bindparam(c.name, type_=c.type) for c in table_of(Event).columns}
        )
    )
    row = {
        "session_id": room.id,
        "seq": 20_000,
        "type": "note",
        "data": {"secret": "wat iemand typte"},
        "created_at": datetime.now(UTC),
    }

    def twice(db: Db) -> None:
        insert_event.run(db.connection(), row)
        insert_event.run(db.connection(), row)  # the same primary key

    with pytest.raises(exc.IntegrityError) as raised:
        room.do(twice)
    assert "wat iemand typte" not in str(raised.value)

    def count(db: Db) -> int:
        return len(
            db.connection()
            .execute(EVENTS.where(col(Event.seq) == 20_000), {"session_id": room.id})
            .all()
        )

    assert room.database.read_sync(count) == 0  # rolled back with the transaction


def test_a_column_is_counted_from_the_board_index_alone(make_room: Any) -> None:
    """A new item's event carries the count of its column (items._COUNTS), on every add: read
    from the partial index of items on a board, not row by row from the table."""
    from session_engine.items import _COUNTS

    room = make_room()
    step = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step)
    add_items(room, step, [f"Punt {number}" for number in range(3)])
    params = {"step_id": step, "category": "voordelen", "table_id": None}

    def plan(db: Db) -> str:
        connection = db.connection()
        if connection.dialect.name != "sqlite":
            pytest.skip("SQLite's query plan")
        compiled: Any = _COUNTS.statement.compile(dialect=connection.dialect)
        values = compiled.construct_params(params)
        rows = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + compiled.string,
            tuple(values[name] for name in compiled.positiontup),
        )
        return " ".join(str(row[-1]) for row in rows)

    assert "USING COVERING INDEX ix_item_board" in room.database.read_sync(plan)
    counts = room.database.read_sync(lambda db: tuple(_COUNTS.one(db.connection(), params)))
    assert counts == (3, 3)
