"""Round tables: sub-groups in one room, each with its own board for the same step. A table
follows the session's step unless the facilitator pushes a step to that table alone."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from .actors import Actor, require_facilitator, require_participant
from .errors import N_, Conflict, Forbidden, Invalid, NotFound
from .models import Participant, RoundTable
from .payloads import TablesAdded, TableSizes
from .sessions import writable_session
from .shapes import TablePublic, TableSeats, TableView
from .store.db import Db, storable_id
from .store.events import record_event

MAX_TABLES = 50


def tables(db: Db, session_id: str) -> list[RoundTable]:
    query = select(RoundTable).where(col(RoundTable.session_id) == session_id)
    return list(db.scalars(query.order_by(col(RoundTable.position))))


def table_view(table: RoundTable) -> TableView:
    assert table.id is not None
    return TableView(id=table.id, name=table.name, active_step_id=table.active_step_id)


def seated_tables(db: Db, session_id: str) -> list[TableSeats]:
    """The session's tables with how many participants sit at each."""
    sizes = table_sizes(db, session_id)
    return [
        TableSeats(**table_view(t).model_dump(), participants=sizes.get(t.id or 0, 0))
        for t in tables(db, session_id)
    ]


def get_table(db: Db, session_id: str, table_id: int) -> RoundTable:
    table = db.get(RoundTable, table_id) if storable_id(table_id) else None
    if table is None or table.session_id != session_id:
        raise NotFound(N_("No table %(table_id)s in this session."), table_id=table_id)
    return table


def table_sizes(db: Db, session_id: str) -> dict[int, int]:
    query = (
        select(Participant.table_id, func.count())
        .where(col(Participant.session_id) == session_id, col(Participant.table_id).is_not(None))
        .group_by(col(Participant.table_id))
    )
    return {table_id: count for table_id, count in db.execute(query).all()}


def sizes_by_key(db: Db, session_id: str) -> dict[str, int]:
    """Table sizes for event data: JSON object keys are strings."""
    return {str(table_id): size for table_id, size in table_sizes(db, session_id).items()}


def add_tables(db: Db, *, actor: Actor, names: list[str]) -> list[RoundTable]:
    """Add tables by name (e.g. "Tafel 1", "Tafel 2")."""
    require_facilitator(actor)
    existing = tables(db, actor.session_id)
    clean = [n.strip() for n in names]
    if not clean or any(not n or len(n) > 80 for n in clean):
        raise Invalid(N_("Give each table a name of 1 to 80 characters."))
    if len(existing) + len(clean) > MAX_TABLES:
        raise Invalid(N_("A session has at most %(max)s tables."), max=MAX_TABLES)
    if len({n.lower() for n in clean} | {t.name.lower() for t in existing}) != len(existing) + len(
        clean
    ):
        raise Invalid(N_("Table names must differ."))
    added = [
        RoundTable(session_id=actor.session_id, name=name, position=len(existing) + n)
        for n, name in enumerate(clean)
    ]
    db.add_all(added)
    db.flush()
    data = TablesAdded(tables=[TablePublic(id=t.id, name=t.name) for t in added if t.id])
    record_event(db, actor.session_id, data)
    return added


def smallest_table(db: Db, session_id: str) -> int | None:
    """Where a participant who does not choose is seated: the emptiest table."""
    all_tables = tables(db, session_id)
    if not all_tables:
        return None
    sizes = table_sizes(db, session_id)
    return min(all_tables, key=lambda t: (sizes.get(t.id, 0), t.position)).id  # type: ignore[arg-type]


def choose_table(db: Db, *, actor: Actor, table_id: int) -> int:
    """A participant sits down at a table (or moves to another)."""
    require_participant(actor, Forbidden(N_("Only participants choose a table.")))
    writable_session(db, actor.session_id)  # concurrent moves: exact table sizes
    get_table(db, actor.session_id, table_id)
    participant = db.get(Participant, actor.participant_id)
    assert participant is not None
    participant.table_id = table_id
    db.add(participant)
    db.flush()
    record_event(db, actor.session_id, TableSizes(sizes=sizes_by_key(db, actor.session_id)))
    return table_id


def seat_participant(db: Db, participant: Participant, table_id: int | None) -> None:
    """At join: the chosen table, or the emptiest one when the session has tables."""
    if table_id is not None:
        get_table(db, participant.session_id, table_id)
    participant.table_id = (
        table_id if table_id is not None else smallest_table(db, participant.session_id)
    )
    if participant.table_id is None and table_id is not None:
        raise Conflict(N_("This table does not exist."))
