"""JSON shapes of the API (they are the OpenAPI schema at /docs)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from session_engine.content import AgendaStep, Category, ProfileField, Scenario, Theme
from session_engine.payloads import CommentPublic
from session_engine.shapes import BoardView, ItemPublic, ItemView, LateItem, Side
from session_engine.store.db import MAX_INTEGER

__all__ = [
    "BoardView",
    "ItemPublic",
    "ItemView",
    "LateItem",
]  # the engine's shapes, answered as they are


class VersionInfo(BaseModel):
    version: str = Field(description="The running server's version (pyproject's), e.g. 0.1.0.")


class SessionCreate(BaseModel):
    title: str = Field("", max_length=200, description="Defaults to the programme's title.")
    location: str = Field("", max_length=200)
    date: str = Field("", max_length=40, description="Free text or ISO date, e.g. 2016-06-14.")
    programme_id: int | None = Field(None, description="Defaults to the loaded programme.")
    template_id: int | None = Field(None, description="Start from a saved agenda template.")


class SessionLinks(BaseModel):
    participant: str = Field(description="Join page with the code filled in.")
    facilitator: str = Field(description="Secret console link (carries the facilitator key).")
    projector: str = Field(description="Secret projector link (carries the projector key).")


class PublishedLinks(BaseModel):
    """A published report's read-only links (anyone holding one may read, nothing more)."""

    token: str = Field(description="The links' unguessable token; revoking forgets it.")
    report: str = Field(description="The report as a web page.")
    data: str = Field(description="The report's data as JSON, with each item's ids.")
    mine: str = Field(description='"Mijn bijdragen": a participant\'s device finds its items.')


class SessionCreated(BaseModel):
    id: str
    code: str = Field(description="Join code for participants.")
    facilitator_key: str = Field(description="Bearer key for facilitator actions; shown once.")
    projector_key: str = Field(description="Read-only key for the projector view; shown once.")
    links: SessionLinks


class StepPublic(BaseModel):
    id: int
    position: int
    type: str
    title: str
    scenario: str | None
    text: str


class SessionPublic(BaseModel):
    id: str
    title: str
    location: str
    date: str
    language: str
    code: str
    programme_id: int
    active_step_id: int | None
    last_seq: int
    participants: int
    steps: list[StepPublic]
    categories: list[Category]
    themes: list[Theme]
    profile_fields: list[ProfileField]
    scenarios: list[Scenario]
    kind: str = Field("live", description='"live", or "online": an online round.')
    opens_at: datetime | None = Field(None, description="An online round's opening time.")
    closes_at: datetime | None = Field(None, description="An online round's closing time.")


class JoinRequest(BaseModel):
    code: str = Field(max_length=32, description="The join code shown in the room.")
    table_id: int | None = Field(None, description="A table to sit at; default: the emptiest.")
    profile: dict[str, str | None] = Field(
        default_factory=dict,
        description="{field_key: option_key} with the keys of scenarios.yaml; any may be left out.",
    )


class JoinResponse(BaseModel):
    session_id: str
    participant_id: int
    token: str = Field(description="Bearer token for this participant in this session.")


class ItemCreate(BaseModel):
    client_id: str = Field(
        min_length=1, max_length=64, description="Client-made id: a retry with it never duplicates."
    )
    step_id: int
    category: str = Field(max_length=40)
    theme: str | None = Field(None, max_length=40)
    text: str = Field(max_length=4000, description="1 to 1000 characters after trimming.")


class ItemAdded(BaseModel):
    item: ItemPublic
    seq: int = Field(description="The seq of the item_added (or item_late) event.")
    late: bool = Field(
        False,
        description="Kept as late: it arrived after input closed; off the board until the "
        "facilitator lets it in (answered 202).",
    )


class EventPublic(BaseModel):
    seq: int
    type: str
    data: dict[str, Any]


class EventsPage(BaseModel):
    events: list[EventPublic]
    last_seq: int = Field(description="The seq of the last event returned, or `after`.")


class StepCreate(BaseModel):
    type: str = Field(description="info, brainstorm, converge, vote, statements, glossary, …")
    title: str = Field("", max_length=200)
    scenario: str | None = Field(None, description="Scenario key (brainstorm and converge).")
    text: str = Field("", max_length=5000)
    timer_seconds: int | None = Field(None, ge=1, le=14400)
    position: int | None = Field(None, ge=0, description="0-based; default: at the end.")
    after_current: bool = Field(
        False, description="Right after the step on the screens (instead of a position)."
    )


class StepUpdate(BaseModel):
    title: str | None = Field(None, max_length=200)
    text: str | None = Field(None, max_length=5000)
    scenario: str | None = None
    type: str | None = None
    timer_seconds: int | None = Field(None, ge=1, le=14400)
    timer_autolock: bool | None = None
    skipped: bool | None = Field(None, description="Skip (or un-skip) the step.")


class AgendaOrder(BaseModel):
    step_ids: list[int] = Field(description="Every step id of the agenda, in the new order.")


class Activate(BaseModel):
    table_id: int | None = Field(None, description="Push to this table only; default: all.")


class TimerAction(BaseModel):
    action: str = Field(pattern="^(start|pause|add)$")
    seconds: int | None = Field(None, ge=-14400, le=14400)


class Flag(BaseModel):
    value: bool


class ImportanceVote(BaseModel):
    k: int | None = Field(None, description="Items to pick per column; default: the vote's k.")


class TemplateCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)


class TemplatePublic(BaseModel):
    id: int
    name: str
    steps: list[AgendaStep] = Field(description="The steps, as a programme's agenda lists them.")


class ItemUpdate(BaseModel):
    text: str | None = Field(None, max_length=4000)
    category: str | None = Field(None, max_length=40)
    theme: str | None = Field(None, max_length=40)
    starred: bool | None = None


class OwnItemEdit(BaseModel):
    text: str = Field(max_length=4000, description="The new wording, 1 to 1000 characters.")


class Merge(BaseModel):
    member_ids: list[int] = Field(min_length=1, description="Items merged into this one.")
    text: str | None = Field(None, max_length=4000, description="New wording; default: kept.")


class Split(BaseModel):
    member_ids: list[int] | None = Field(
        None, min_length=1, description="Split off only these members; default: all."
    )


class Spotlight(BaseModel):
    item_id: int | None = Field(description="The item shown large on the projector, or null.")


class JoinPanel(BaseModel):
    shown: bool | None = Field(
        description="The projector's join panel (QR, code) during this step: shown (true), "
        "hidden (false), or null: shown until the board has items."
    )


class MeTooSet(BaseModel):
    on: bool = True


class CommentCreate(BaseModel):
    client_id: str = Field(min_length=1, max_length=64)
    text: str = Field(max_length=4000)


class CommentCreated(CommentPublic):
    """A comment as its writer's request answers it: with the seq of its event."""

    seq: int


class TablesCreate(BaseModel):
    names: list[str] = Field(min_length=1, max_length=50, description="Names; or one per line.")

    @field_validator("names", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> Any:
        """The console's form sends one name per line."""
        return (
            [line for line in value.splitlines() if line.strip()]
            if isinstance(value, str)
            else value
        )


class TableChoice(BaseModel):
    table_id: int


class StepConfig(BaseModel):
    """Vote: method (topk | rating | single | points), k and budget (per column), categories
    (the columns voted on; `category`, the first of them, still works alone), cut.
    Statements: mode (all | one), current (statement key). Glossary: terms."""

    config: dict[str, Any]


class AnswerIn(BaseModel):
    subject: str = Field(
        max_length=60, description="Item id, statement key, term:<term>, or preference."
    )
    value: int | None = Field(
        None, description="1-5 agreement or rating, or points; null: no opinion."
    )
    choice: str | None = Field(None, max_length=60, description="Definition id or scenario key.")
    argument: str | None = Field(None, max_length=4000, description="An argument or reason.")


class BallotIn(BaseModel):
    answers: list[AnswerIn] = Field(max_length=200)


class BallotCounted(BaseModel):
    voters: int = Field(description="How many participants have voted in this step.")


class DefinitionIn(BaseModel):
    term: str = Field(max_length=60)
    text: str = Field(max_length=4000)


class JoiningUpdate(BaseModel):
    open: bool = Field(description="true: the join code works; false: new joins are refused.")


class JoiningState(BaseModel):
    open: bool
    changed: bool = Field(description="false when the session was already in this state.")


class ClosedState(BaseModel):
    closed: bool = Field(description="Always true: a closed session stays closed.")
    changed: bool = Field(description="false when the session was already closed.")


class Refusal(BaseModel):
    """Every refusal: a message for people, or (bad JSON shape) pydantic's list of errors."""

    detail: str | list[dict[str, Any]] = Field(
        description="Why nothing was done; a list when the request did not match the schema."
    )


REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Refusal, "description": description}
    for status, description in (
        (400, "Bad request"),
        (401, "No credential sent"),
        (403, "This credential does not allow it"),
        (404, "Not found"),
        (409, "Not possible in the session's current state"),
        (422, "Invalid input"),
        (429, "Rate limited: wait `Retry-After` seconds, then send it again"),
    )
}


# The organiser's curation of a programme report (app/curation.py). Item ids are the engine's
# (an entry is named by any of its items, usually the lead: `ProgrammeEntry.id`).

ItemId = Annotated[int, Field(ge=1, le=MAX_INTEGER)]


class PoolRequest(BaseModel):
    """A suggested pool as listed: its lead and its members (entry ids)."""

    lead_id: ItemId
    member_ids: list[ItemId] = Field(min_length=1, max_length=200)


class PoolPageRequest(BaseModel):
    """Several suggested pools accepted at once (at most a page of 100)."""

    pools: list[PoolRequest] = Field(min_length=1, max_length=100)


class EntryRequest(BaseModel):
    """The item to split out of its entry."""

    item_id: ItemId


class MergeRequest(BaseModel):
    """Two entries to join, each named by one of its items."""

    item_id: ItemId
    other_id: ItemId


class AttachRequest(BaseModel):
    """An item to move into the entry holding `entry_id`."""

    item_id: ItemId
    entry_id: ItemId


class LeadRequest(BaseModel):
    """The item whose wording leads its entry."""

    item_id: ItemId


class SideRequest(BaseModel):
    """Where the entry holding the item goes; null: as the votes decide."""

    item_id: ItemId
    side: Side | None


class BulkRow(BaseModel):
    """One session of a bulk creation, as JSON (a CSV's columns have the same names)."""

    location: str = ""
    date: str = Field("", description="ISO (2026-06-14) or day first (14-6-2026).")
    facilitator: str = Field("", description="Who runs it: for the organiser's links only.")
    title: str = Field("", description="Defaults to the programme's title.")
    language: str = Field("", description="nl or en; defaults to the programme's.")


class BulkCreate(BaseModel):
    rows: list[BulkRow] | None = Field(None, description="The sessions, or:")
    csv: str | None = Field(None, description="A CSV's text (header line first).")


class BulkSession(SessionCreated):
    title: str
    location: str
    date: str
    facilitator: str
    language: str


class BulkCreated(BaseModel):
    sessions: list[BulkSession] = Field(description="In the table's order; keys shown once.")


class RowRefusal(BaseModel):
    line: int = Field(description="The line in the CSV (a JSON row's number, from 1).")
    message: str


class BulkRefusal(BaseModel):
    detail: str
    problems: list[RowRefusal]


class OnlineRoundCreate(BaseModel):
    title: str = Field("", max_length=200, description="Defaults to the programme's title.")
    opens_at: datetime = Field(
        description="ISO 8601 with a time zone, e.g. 2026-06-01T09:00+02:00."
    )
    closes_at: datetime = Field(description="After opens_at; no joining or votes from then on.")
    hold_for_review: bool = Field(False, description="New items wait for the organiser.")


class OnlineRoundPublic(BaseModel):
    session_id: str
    opens_at: datetime
    closes_at: datetime
    hold_for_review: bool


class OnlineRoundCreated(BaseModel):
    session: SessionCreated = Field(description="Its code, keys and links (the join link).")
    round: OnlineRoundPublic


class HoldForReview(BaseModel):
    hold: bool


class ReviewDecision(BaseModel):
    item_ids: list[Annotated[int, Field(ge=1, le=MAX_INTEGER)]] = Field(min_length=1)
    still_waiting: bool = Field(
        False,
        description="Approve: only if every item still waits (held or late); one declined "
        'meanwhile refuses them all (409), as the organiser page\'s "Approve all" does.',
    )
