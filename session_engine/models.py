"""Database tables. Every write to them goes through a command in this package."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Table, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from .shapes import ItemPublic

# An item on a board: not deleted, not merged into another, not late (items.visible).
ON_A_BOARD = "deleted_at IS NULL AND merged_into_id IS NULL AND late IS NULL"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Programme(SQLModel, table=True):
    """One topic, run as several sessions with the same content."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, unique=True, max_length=40)
    title: str = Field(max_length=200)
    language: str = Field(default="nl", max_length=8)
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # sha256 of `content`: validated content is cached by it (sessions.programme_content)
    content_hash: str = Field(default="", max_length=64)
    # The organiser's own wording of the programme report's texts (title, intro, goal, method,
    # impression, conclusion, key points), and when it last changed: a programme has no event
    # log, so this is its record of the edit (reports/texts.py).
    report_texts: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    report_texts_updated_at: datetime | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)


class Session(SQLModel, table=True):
    """One live meeting. `last_seq` is the seq of its newest event (the seq counter)."""

    id: str = Field(primary_key=True, max_length=24)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    title: str = Field(max_length=200)
    location: str = Field(default="", max_length=200)
    date: str = Field(default="", max_length=40)
    # Who runs it, for the organiser's list and links sheet only: no participant view, event
    # or report names the facilitator (the seed report names none).
    facilitator_name: str = Field(
        default="", max_length=120, sa_column_kwargs={"server_default": ""}
    )
    language: str = Field(default="nl", max_length=8)
    code: str = Field(unique=True, index=True, max_length=16)
    facilitator_key_hash: str = Field(max_length=64)
    projector_key_hash: str = Field(max_length=64)
    last_seq: int = Field(default=0)
    active_step_id: int | None = Field(default=None)
    open_for_joining: bool = Field(default=True)
    spotlight_item_id: int | None = Field(default=None)
    # The facilitator's own wording of the report's free texts (intro, goal, method, conclusion).
    report_texts: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # When retention deleted its contributions (retention.py); its report is stored then.
    purged_at: datetime | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
    # Set once by "Sessie afsluiten": its contributions no longer name anyone (closing.py).
    closed_at: datetime | None = Field(default=None)
    # The read-only link's token while its report is published (publishing.py); None: not.
    published_token: str | None = Field(default=None, unique=True, index=True, max_length=64)
    # "live" (a facilitator leads it) or "online" (an online round: each participant at their
    # own pace while [opens_at, closes_at) lasts, session_engine/online.py).
    kind: str = Field(default="live", max_length=12)
    opens_at: datetime | None = Field(default=None)
    closes_at: datetime | None = Field(default=None)
    # An online round's contributions wait for the organiser before others see them.
    hold_for_review: bool = Field(default=False)


class Step(SQLModel, table=True):
    """One entry of a session's agenda."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    position: int
    type: str = Field(max_length=20)
    title: str = Field(default="", max_length=200)
    scenario_key: str | None = Field(default=None, max_length=40)
    text: str = Field(default="")
    skipped: bool = Field(default=False)
    locked: bool = Field(default=False)
    blind: bool = Field(default=False)
    timer_seconds: int | None = Field(default=None)
    timer_ends_at: datetime | None = Field(default=None)
    timer_remaining: int | None = Field(default=None)  # seconds left while paused
    timer_autolock: bool = Field(default=True)
    revealed: bool = Field(default=False)  # vote results shown to participants/projector
    # The join panel (QR, code) on the projector: None shows it until the board has items.
    join_panel: bool | None = Field(default=None)
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Participant(SQLModel, table=True):
    """An anonymous participant: a token hash and an optional profile, never a name."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    token_hash: str | None = Field(default=None, unique=True, index=True, max_length=64)
    profile: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    table_id: int | None = Field(default=None, foreign_key="roundtable.id")
    joined_at: datetime = Field(default_factory=utcnow)


class Item(SQLModel, table=True):
    """A contribution to a brainstorm column. `participant_id` never leaves the engine."""

    __table_args__ = (
        UniqueConstraint("session_id", "participant_id", "client_id", name="uq_item_client"),
        Index("ix_item_step_category", "step_id", "category"),
        # The items on a board (items.visible), so a column is counted from the index alone.
        Index(
            "ix_item_board",
            "step_id",
            "category",
            "table_id",
            "deleted_at",  # always NULL here, but SQLite covers only what the index names
            "merged_into_id",
            "late",
            sqlite_where=text(ON_A_BOARD),
            postgresql_where=text(ON_A_BOARD),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    step_id: int = Field(foreign_key="step.id")
    participant_id: int | None = Field(default=None, foreign_key="participant.id")
    client_id: str = Field(max_length=64)
    category: str = Field(max_length=40)
    theme: str | None = Field(default=None, max_length=40)
    text: str
    seq: int
    table_id: int | None = Field(default=None, foreign_key="roundtable.id")
    starred: bool = Field(default=False)
    deleted_at: datetime | None = Field(default=None)
    merged_into_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    # None: on the board. A shapes.LateState when it arrived after input closed (late.py).
    late: str | None = Field(default=None, max_length=12)
    created_at: datetime = Field(default_factory=utcnow)


def item_public(item: Item) -> ItemPublic:
    """What anyone may see of an item: never who wrote it."""
    assert item.id is not None
    return ItemPublic(
        id=item.id,
        step_id=item.step_id,
        table_id=item.table_id,
        category=item.category,
        theme=item.theme,
        text=item.text,
    )


class MeToo(SQLModel, table=True):
    """One participant's "me too" on an item: counted, never shown with who pressed it. At
    close the participant is dropped, so the row has its own id."""

    __table_args__ = (UniqueConstraint("item_id", "participant_id", name="uq_metoo_participant"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    participant_id: int | None = Field(default=None, foreign_key="participant.id")
    created_at: datetime = Field(default_factory=utcnow)


class Comment(SQLModel, table=True):
    """A clarification or counter-argument under an item; anonymous like items."""

    __table_args__ = (
        UniqueConstraint("session_id", "participant_id", "client_id", name="uq_comment_client"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    participant_id: int | None = Field(default=None, foreign_key="participant.id")
    client_id: str = Field(max_length=64)
    text: str
    seq: int
    created_at: datetime = Field(default_factory=utcnow)


class Ballot(SQLModel, table=True):
    """One participant's answer on one subject of a vote step (an item, a statement, a term,
    the preference). Changing a vote replaces the row; it never counts twice."""

    __table_args__ = (
        UniqueConstraint("step_id", "participant_id", "subject", name="uq_ballot_subject"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    step_id: int = Field(foreign_key="step.id", index=True)
    participant_id: int | None = Field(default=None, foreign_key="participant.id")
    # Set at close, when participant_id is dropped: a pseudonym that only counts voters, and
    # the voter's profile and table for per-segment results (closing.py).
    voter: int | None = Field(default=None)
    segment: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    segment_table_id: int | None = Field(default=None)
    subject: str = Field(max_length=60)
    value: int | None = Field(default=None)
    choice: str | None = Field(default=None, max_length=60)
    argument: str | None = Field(default=None)
    updated_at: datetime = Field(default_factory=utcnow)


class Definition(SQLModel, table=True):
    """A definition of a glossary term proposed by a participant (anonymous)."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    step_id: int = Field(foreign_key="step.id", index=True)
    term: str = Field(max_length=60)
    participant_id: int | None = Field(default=None, foreign_key="participant.id")
    text: str
    created_at: datetime = Field(default_factory=utcnow)


class RoundTable(SQLModel, table=True):
    """A sub-group in the room with its own board; it may follow its own step."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True)
    name: str = Field(max_length=80)
    position: int
    active_step_id: int | None = Field(default=None)


class AgendaTemplate(SQLModel, table=True):
    """A saved agenda to start sessions from."""

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    name: str = Field(max_length=120)
    steps: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class PoolDecision(SQLModel, table=True):
    """One of the organiser's pooling decisions on a programme's report: a row per decision,
    replayed in order (reports/pooling.py). Items are named by id, so decisions hold when
    sessions are added. `action`: accept, merge, attach, reject,
    unreject (a rejection undone), split, lead or side."""

    __tablename__ = "pool_decision"

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    action: str = Field(max_length=20)
    item_id: int
    other_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    side: str | None = Field(default=None, max_length=20)
    decided_by: str = Field(max_length=40)
    decided_at: datetime = Field(default_factory=utcnow)


class StoredReport(SQLModel, table=True):
    """A report kept when retention deleted the contributions it was built from
    (retention.py): the `Report` as report.json writes it, so every format still renders.
    `subject` is "session:<id>" or "programme:<id>"."""

    __tablename__ = "stored_report"

    subject: str = Field(primary_key=True, max_length=40)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    stored_at: datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    """The session's log: one row per change, gap-free `seq` per session."""

    session_id: str = Field(foreign_key="session.id", primary_key=True)
    seq: int = Field(primary_key=True)
    type: str = Field(max_length=40)
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


def table_of(model: type[SQLModel]) -> Table:
    """A model's table, for Core statements on hot paths (no ORM loading or unit of work)."""
    table: Table = getattr(model, "__table__")  # noqa: B009 (SQLModel does not type it)
    return table
