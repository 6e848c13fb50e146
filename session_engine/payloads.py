"""Every event type, and one model of what its data holds. An engine command records an event by
handing `record_event` one of these; the type comes with the model, the data is its JSON.
docs/events.md documents each type and each field (a test reads both)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from .shapes import HiddenItem, ItemPublic, ItemView, StarredItem, TablePublic, hide


class EventType(StrEnum):
    SESSION_CREATED = "session_created"
    PARTICIPANT_JOINED = "participant_joined"
    STEP_ACTIVATED = "step_activated"
    ITEM_ADDED = "item_added"
    KEYS_ROTATED = "keys_rotated"
    JOINING_CHANGED = "joining_changed"
    SESSION_CLOSED = "session_closed"
    # agenda
    STEP_ADDED = "step_added"
    STEP_UPDATED = "step_updated"
    STEP_REMOVED = "step_removed"
    AGENDA_REORDERED = "agenda_reordered"
    TEMPLATE_SAVED = "template_saved"
    # live controls
    INPUT_LOCKED = "input_locked"
    INPUT_UNLOCKED = "input_unlocked"
    VISIBILITY_CHANGED = "visibility_changed"
    TIMER_CHANGED = "timer_changed"
    JOIN_PANEL_CHANGED = "join_panel_changed"
    # item controls
    ITEM_EDITED = "item_edited"
    ITEM_MOVED = "item_moved"
    ITEMS_MERGED = "items_merged"
    ITEM_SPLIT = "item_split"
    ITEM_DELETED = "item_deleted"
    ITEM_RESTORED = "item_restored"
    ITEM_STARRED = "item_starred"
    ITEM_SPOTLIGHTED = "item_spotlighted"
    # late items: arrived after input closed, the facilitator decides
    ITEM_LATE = "item_late"
    LATE_ITEMS_ADMITTED = "late_items_admitted"
    LATE_ITEMS_DECLINED = "late_items_declined"
    # participants' reactions
    METOO_CHANGED = "metoo_changed"
    COMMENT_ADDED = "comment_added"
    # round tables
    TABLES_ADDED = "tables_added"
    TABLE_SIZES = "table_sizes"
    # votes
    STEP_CONFIGURED = "step_configured"
    BALLOT_CAST = "ballot_cast"
    RESULTS_REVEALED = "results_revealed"
    DEFINITION_PROPOSED = "definition_proposed"
    # reports
    REPORT_TEXT_EDITED = "report_text_edited"
    REPORT_PUBLISHED = "report_published"
    # online rounds
    ONLINE_ROUND_CHANGED = "online_round_changed"


class Payload(BaseModel):
    """An event's data. `hidden` marks words of a blind round's item: readers who may not read
    them get `redacted()`, a payload whose types have no field for the words."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    TYPE: ClassVar[EventType]

    def redacted(self) -> Payload:
        return self

    def data(self) -> dict[str, Any]:
        """The event's JSON data: optional marks appear only when set."""
        data = self.model_dump(mode="json")
        for key in _ONLY_WHEN_SET:
            if key in data and not data[key] and data[key] != []:
                del data[key]
        return data


_ONLY_WHEN_SET = ("hidden", "items")  # `hidden: true`; the reveal's `items` (maybe empty)


class SessionCreated(Payload):
    TYPE = EventType.SESSION_CREATED
    title: str
    location: str
    date: str


class OnlineRoundChanged(Payload):
    TYPE = EventType.ONLINE_ROUND_CHANGED
    opens_at: str
    closes_at: str
    hold_for_review: bool


class ParticipantJoined(Payload):
    TYPE = EventType.PARTICIPANT_JOINED
    participants: int
    tables: dict[str, int]


class StepSummary(Payload):
    """A step as the agenda events carry it."""

    TYPE = EventType.STEP_ADDED
    step_id: int
    type: str
    title: str
    scenario: str | None
    position: int
    skipped: bool


class StepAdded(StepSummary):
    TYPE = EventType.STEP_ADDED


class StepUpdated(StepSummary):
    TYPE = EventType.STEP_UPDATED


class StepActivated(StepSummary):
    TYPE = EventType.STEP_ACTIVATED
    table_id: int | None


class ItemAdded(Payload):
    TYPE = EventType.ITEM_ADDED
    item: ItemPublic | HiddenItem
    column_count: int
    total_count: int
    hidden: bool = False

    def redacted(self) -> Payload:
        return self.model_copy(update={"item": hide(self.item)}) if self.hidden else self


class KeysRotated(Payload):
    TYPE = EventType.KEYS_ROTATED


class JoiningChanged(Payload):
    TYPE = EventType.JOINING_CHANGED
    open: bool


class SessionClosed(Payload):
    TYPE = EventType.SESSION_CLOSED


class ReportPublished(Payload):
    TYPE = EventType.REPORT_PUBLISHED
    published: bool


class StepRemoved(Payload):
    TYPE = EventType.STEP_REMOVED
    step_id: int


class AgendaReordered(Payload):
    TYPE = EventType.AGENDA_REORDERED
    step_ids: list[int]


class TemplateSaved(Payload):
    TYPE = EventType.TEMPLATE_SAVED
    template_id: int
    name: str


class Timer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    running: bool
    ends_at: str | None
    remaining: int | None
    autolock: bool
    expired: bool


class StepControls(Payload):
    """A step's live controls, as every control event carries them."""

    TYPE = EventType.INPUT_LOCKED
    step_id: int
    locked: bool
    blind: bool
    timer: Timer


class JoinPanelChanged(Payload):
    """Whether the projector shows the join panel during a step; null: until items arrive."""

    TYPE = EventType.JOIN_PANEL_CHANGED
    step_id: int
    shown: bool | None


class InputLocked(StepControls):
    TYPE = EventType.INPUT_LOCKED


class InputUnlocked(StepControls):
    TYPE = EventType.INPUT_UNLOCKED


class TimerChanged(StepControls):
    TYPE = EventType.TIMER_CHANGED


class VisibilityChanged(StepControls):
    """The reveal (`blind` false) carries the revealed items, for clients sent no words."""

    TYPE = EventType.VISIBILITY_CHANGED
    items: list[ItemPublic] | None = None


class ItemChanged(Payload):
    """An item after a facilitator's change."""

    TYPE = EventType.ITEM_RESTORED
    item: ItemPublic | HiddenItem
    hidden: bool = False

    def redacted(self) -> Payload:
        return self.model_copy(update={"item": hide(self.item)}) if self.hidden else self


class ItemEdited(ItemChanged):
    TYPE = EventType.ITEM_EDITED
    item: StarredItem | HiddenItem


class ItemMoved(ItemChanged):
    TYPE = EventType.ITEM_MOVED
    item: StarredItem | HiddenItem


class ItemRestored(ItemChanged):
    TYPE = EventType.ITEM_RESTORED


class ItemsMerged(ItemChanged):
    TYPE = EventType.ITEMS_MERGED
    item: ItemView | HiddenItem
    member_ids: list[int]


class ItemSplit(ItemChanged):
    TYPE = EventType.ITEM_SPLIT
    item: ItemView | HiddenItem
    member_ids: list[int]


class ItemDeleted(Payload):
    TYPE = EventType.ITEM_DELETED
    item_id: int
    step_id: int


class ItemStarred(Payload):
    TYPE = EventType.ITEM_STARRED
    item_id: int
    starred: bool


class ItemSpotlighted(Payload):
    TYPE = EventType.ITEM_SPOTLIGHTED
    item_id: int | None


class ItemLate(Payload):
    """An item kept as late: its words go only to the facilitator (and its author's screen)."""

    TYPE = EventType.ITEM_LATE
    item: ItemPublic | HiddenItem
    waiting: int
    hidden: bool = True

    def redacted(self) -> Payload:
        return self.model_copy(update={"item": hide(self.item)}) if self.hidden else self


class LateItemsAdmitted(Payload):
    """Late items let in: on the board now, like new items; those in a blind round
    (`hidden_ids`) keep their words from readers who may not read them."""

    TYPE = EventType.LATE_ITEMS_ADMITTED
    items: list[ItemPublic | HiddenItem]
    hidden_ids: list[int]
    waiting: int
    hidden: bool = False

    def redacted(self) -> Payload:
        shown = [hide(i) if i.id in self.hidden_ids else i for i in self.items]
        return self.model_copy(update={"items": shown})


class LateItemsDeclined(Payload):
    TYPE = EventType.LATE_ITEMS_DECLINED
    item_ids: list[int]
    waiting: int


class MetooChanged(Payload):
    TYPE = EventType.METOO_CHANGED
    item_id: int
    metoo: int


class CommentPublic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: int
    item_id: int
    text: str


class HiddenComment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: int
    item_id: int


class CommentAdded(Payload):
    TYPE = EventType.COMMENT_ADDED
    comment: CommentPublic | HiddenComment
    comments: int
    hidden: bool = False

    def redacted(self) -> Payload:
        if not self.hidden:
            return self
        hidden = HiddenComment(id=self.comment.id, item_id=self.comment.item_id)
        return self.model_copy(update={"comment": hidden})


class TablesAdded(Payload):
    TYPE = EventType.TABLES_ADDED
    tables: list[TablePublic]


class TableSizes(Payload):
    TYPE = EventType.TABLE_SIZES
    sizes: dict[str, int]


class StepConfigured(Payload):
    TYPE = EventType.STEP_CONFIGURED
    step_id: int
    config: dict[str, Any]


class BallotCast(Payload):
    TYPE = EventType.BALLOT_CAST
    step_id: int
    voters: int


class ResultsRevealed(Payload):
    TYPE = EventType.RESULTS_REVEALED
    step_id: int
    revealed: bool


class DefinitionPublic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: int
    step_id: int
    term: str
    text: str


class DefinitionProposed(Payload):
    TYPE = EventType.DEFINITION_PROPOSED
    definition: DefinitionPublic


class ReportTextEdited(Payload):
    TYPE = EventType.REPORT_TEXT_EDITED
    texts: dict[str, str | None]


PAYLOADS: dict[EventType, type[Payload]] = {
    model.TYPE: model
    for model in (
        SessionCreated,
        OnlineRoundChanged,
        ParticipantJoined,
        StepActivated,
        ItemAdded,
        KeysRotated,
        JoiningChanged,
        SessionClosed,
        ReportPublished,
        StepAdded,
        StepUpdated,
        StepRemoved,
        AgendaReordered,
        TemplateSaved,
        InputLocked,
        InputUnlocked,
        VisibilityChanged,
        TimerChanged,
        ItemEdited,
        ItemMoved,
        ItemsMerged,
        ItemSplit,
        ItemDeleted,
        ItemRestored,
        ItemStarred,
        ItemSpotlighted,
        ItemLate,
        LateItemsAdmitted,
        LateItemsDeclined,
        MetooChanged,
        CommentAdded,
        TablesAdded,
        TableSizes,
        StepConfigured,
        BallotCast,
        ResultsRevealed,
        DefinitionProposed,
        ReportTextEdited,
    )
}


def payload_of(type_: str, data: dict[str, Any]) -> Payload:
    """A stored event's data read back as its model."""
    return PAYLOADS[EventType(type_)].model_validate(data)
