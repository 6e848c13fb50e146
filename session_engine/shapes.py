"""The shapes things have when they leave the engine: one model per thing and audience, used by
the events, the API, the live fragments and the exports alike. Adding a field is one edit here
that mypy and the API schema carry everywhere.

An item has three shapes, by what the reader may know:
- `HiddenItem`: where it is, never what it says (a blind round's item for other readers);
- `ItemPublic`: what anyone may see of it, its words included;
- `ItemView`: as a board shows it, with merged members, counts and comments;
- `LateItem`: one that arrived after input closed, for its author and the facilitator.
None of them has a field for who wrote it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ItemVisibility(StrEnum):
    """Who may read an item's words now: one state per item (session_engine/visibility.py)."""

    SHOWN = "shown"  # everyone in the session
    BLIND = "blind"  # its step is blind: only its author and the facilitator, until the reveal
    LATE = "late"  # it arrived after input closed: its author and the facilitator, who decides
    DECLINED = "declined"  # late, and the facilitator declined it: its author and the facilitator
    HELD = "held"  # an online round holds it for review: its author and the organiser, who decides


class LateState(StrEnum):
    """Where a late item stands (`Item.late`; None: on the board, on time or let in)."""

    WAITING = "waiting"  # the facilitator has not decided yet
    DECLINED = "declined"
    HELD = "held"  # an online round's item waiting for the organiser's review (online.py)


class Shape(BaseModel):
    """Frozen and strict: a field that is not declared cannot travel."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class HiddenItem(Shape):
    """An item whose words the reader may not read: where it is, not what it says."""

    id: int
    step_id: int
    table_id: int | None = None
    category: str
    theme: str | None = None


class ItemPublic(HiddenItem):
    """What anyone who may read an item sees of it: never who wrote it."""

    text: str


class StarredItem(ItemPublic):
    """An item after a facilitator's change: its words and its star."""

    starred: bool


class ItemView(StarredItem):
    """An item as boards show it: merged members' words, mention and me-too counts, comments."""

    members: list[str] = Field(
        default_factory=list, description="Texts of the items merged into this one."
    )
    member_ids: list[int] = Field(
        default_factory=list,
        description="Ids of the items merged into this one, in the order of `members`: a "
        "device that wrote one of them knows the entry holds its words.",
    )
    mentions: int = Field(1, description="1 + the number of items merged into this one.")
    metoo: int = 0
    comments: list[str] = Field(default_factory=list)
    visibility: ItemVisibility = Field(
        ItemVisibility.SHOWN, description="blind: only its author and the facilitator read it."
    )


class LateItem(ItemPublic):
    """An item that arrived after input closed, as its author and the facilitator see it: off
    every board until the facilitator lets it in."""

    visibility: ItemVisibility = Field(
        ItemVisibility.LATE, description="late: waiting for the facilitator; declined."
    )
    step_title: str = Field("", description="The title of the step it was sent for.")


class BoardView(Shape):
    """The items of one step a reader may see, per category in arrival order, and how many
    were left out because their words are hidden (blind round)."""

    model_config = ConfigDict(extra="forbid", frozen=False)

    step_id: int
    columns: dict[str, list[ItemView]] = Field(default_factory=dict)
    hidden: int = Field(0, description="Items left out: their words are hidden (blind round).")
    totals: dict[str, int] = Field(
        default_factory=dict,
        description="With items left out: per category, every item, shown or hidden (the "
        "count a column's heading shows, as its live updates do).",
    )

    def count(self, category: str) -> int:
        return len(self.columns.get(category, []))

    def items(self) -> list[ItemView]:
        return [item for column in self.columns.values() for item in column]


# Round tables -------------------------------------------------------------------------


class TablePublic(Shape):
    """A round table as events name it."""

    id: int
    name: str


class TableView(TablePublic):
    """A round table with the step it shows (null: it follows the session's step)."""

    active_step_id: int | None


class TableSeats(TableView):
    participants: int = Field(description="How many participants sit at this table.")


# Votes --------------------------------------------------------------------------------


class BallotAnswer(Shape):
    """One line of a participant's own ballot, shown back to them."""

    subject: str
    value: int | None
    choice: str | None
    argument: str | None


class DefinitionText(Shape):
    """A proposed definition of a glossary term."""

    id: int
    term: str
    text: str


class VoteOptions(Shape):
    """What a step asks: its configuration, the subjects one votes on, and (vote) the items
    or (glossary) the proposed definitions; those two keys appear only for their step type."""

    type: str
    config: dict[str, Any] = Field(description="The step's configuration (see PUT …/config).")
    subjects: list[str]
    items: list[ItemView] | None = Field(None, exclude_if=lambda v: v is None)
    definitions: list[DefinitionText] | None = Field(None, exclude_if=lambda v: v is None)


# Results (docs/results.md) ------------------------------------------------------------


class DistributionView(Shape):
    """How a group answered on a 1-5 scale; no-opinion answers counted apart."""

    counts: dict[str, int] = Field(description='Answers per scale point, keyed "1".."5".')
    n: int
    no_opinion: int
    mean: float | None
    sd: float | None
    spread: float | None
    flag: Literal["consensus", "mixed", "divergent"] | None


class SegmentsView(Shape):
    """One question's distributions per segment of one profile field (small ones folded)."""

    field: str
    segments: dict[str, DistributionView]
    differ: bool


class StatementResult(Shape):
    key: str
    text: str
    overall: DistributionView
    segments: dict[str, SegmentsView]
    segments_differ: list[str]
    arguments: list[str]


class RankedItem(Shape):
    item: ItemView
    score: float
    voters: int
    important: bool


class DefinitionVotes(Shape):
    id: int
    text: str
    votes: int


class TermResult(Shape):
    term: str
    definitions: list[DefinitionVotes]
    agreed: DefinitionVotes | None


class ScenarioVotes(Shape):
    key: str
    title: str
    votes: int


class ResultsBase(Shape):
    step_id: int
    type: str
    title: str
    revealed: bool
    voters: int


class StatementsResults(ResultsBase):
    type: Literal["statements"]
    statements: list[StatementResult]


class ImportanceColumn(Shape):
    """One column of an importance vote, ranked on its own (k and the cut hold per column)."""

    category: str
    cut: int
    items: list[RankedItem]


class ImportanceResults(ResultsBase):
    type: Literal["vote"]
    method: str
    category: str | None = Field(description="the first of `categories`")
    categories: list[str]
    scenario: str | None
    cut: int = Field(description="how many items count as most important, all columns")
    items: list[RankedItem] = Field(description="every column's ranking, column after column")
    columns: list[ImportanceColumn]


class GlossaryResults(ResultsBase):
    type: Literal["glossary"]
    terms: list[TermResult]


class PreferenceResults(ResultsBase):
    scenarios: list[ScenarioVotes]
    segments: dict[str, dict[str, dict[str, int]]] = Field(
        description="{field: {segment: {scenario key: votes}}}"
    )
    reasons: list[str]


StepResults = StatementsResults | ImportanceResults | GlossaryResults | PreferenceResults


class ReportItem(Shape):
    """An item as the report and its exports carry it: an `ItemView`'s words and counts, with
    what the room gave it, but no id, step or table, and nothing about who wrote it. The field
    order is the JSON export's (a contract: docs/reports.md)."""

    text: str
    theme: str | None
    mentions: int = Field(description="1 + the number of items merged into this one.")
    metoo: int
    support: int = Field(description="Mentions plus me-too's.")
    often: bool = Field(description="Support above 1: shown as often mentioned.")
    members: list[str] = Field(description="Texts of the items merged (or pooled) into this one.")
    comments: list[str]
    score: float | None = Field(description="Its importance vote's score (None: no vote).")
    important: bool
    sessions: int = Field(1, description="In how many sessions it came up (a programme's).")
    votes: int | None = Field(
        None, description="Voters who picked or rated it in its importance vote (None: no vote)."
    )
    item_ids: list[int] | None = Field(
        None,
        exclude_if=lambda v: v is None,
        description="A published session report's only: the ids of the items it holds, its "
        "own first, then those merged into it in the order of `members` (receipts).",
    )


class ThemeGroup(Shape):
    """A themed column's items on one theme (key "": on none the programme knows)."""

    key: str
    label: str
    items: list[ReportItem]


class ColumnBase(Shape):
    key: str
    label: str
    themed: bool
    basis: str = Field(description='"vote" or "support": what split the most important.')
    count: int
    placed: int = Field(
        0, description="Entries the organiser placed by hand (a programme report's curation)."
    )


class ItemsColumn(ColumnBase):
    """A column split into the most important items and the others."""

    themed: Literal[False] = False
    important: list[ReportItem]
    other: list[ReportItem]


class ThemedColumn(ColumnBase):
    """A column of conditions, grouped per theme (only themes with items)."""

    themed: Literal[True] = True
    themes: list[ThemeGroup]


ReportColumn = ItemsColumn | ThemedColumn


class ReportScenario(Shape):
    """One scenario in the report: its description and what the room said per column."""

    key: str
    number: int
    title: str
    short_title: str
    description: str
    kenmerken: list[str]
    discussed: bool
    notes: list[str]
    columns: list[ReportColumn]


Side = Literal["important", "other"]
PoolAction = Literal["accept", "reject", "unreject", "split", "merge", "attach", "lead", "side"]


class PoolMember(Shape):
    """An entry of a programme's report as a suggested pool names it: what it says, where it
    was said, and (a member's) how alike the lead it is."""

    entry_id: int = Field(description="The entry's id: the item id of its lead wording.")
    text: str
    sessions: list[str]
    score: float | None = Field(description="Alike the proposal's lead, 0..1 (None: the lead).")


class PoolProposal(Shape):
    """A suggested pool: a lead and members each close to the lead, from different sessions.
    A suggestion only: the report joins them once the organiser accepts."""

    scenario: str
    category: str
    lead: PoolMember
    members: list[PoolMember]
    score: float = Field(description="The best member's score.")


class ProposalPage(Shape):
    """One page of the unreviewed suggestions, best first."""

    total: int
    offset: int
    limit: int
    proposals: list[PoolProposal]


class EntryItem(Shape):
    """One session's item in a programme entry (with the items its facilitator merged)."""

    item_id: int
    text: str
    session: str
    mentions: int
    metoo: int
    voted: bool = Field(description="Its session's vote put it among the most important.")


class ProgrammeEntry(Shape):
    """An entry of the programme report as the organiser curates it."""

    id: int = Field(description="The item id of its lead wording.")
    scenario: str
    category: str
    theme: str | None
    text: str
    important: bool
    side: Side | None = Field(description="Where the organiser put it (None: the votes decide).")
    lead_chosen: bool = Field(description="The organiser chose its lead wording.")
    support: int
    sessions: int
    items: list[EntryItem]


class EntryPage(Shape):
    """One page of a programme's entries, in report order per scenario and column."""

    total: int
    offset: int
    limit: int
    entries: list[ProgrammeEntry]


class PoolDecisionView(Shape):
    """A pooling decision as stored: what was decided on which items, by whom and when."""

    id: int
    action: PoolAction
    item_id: int
    other_ids: list[int]
    side: Side | None
    decided_by: str
    decided_at: str = Field(description="ISO 8601, UTC.")


class RejectedItem(Shape):
    """An item of a rejected suggestion: what it says and where it was said."""

    item_id: int
    text: str
    session: str


class RejectedPool(Shape):
    """A suggestion the organiser kept apart (and has not undone), with who decided when."""

    decision_id: int = Field(description="The rejection's id: undo it with DELETE.")
    scenario: str
    category: str
    lead: RejectedItem
    members: list[RejectedItem]
    decided_by: str
    decided_at: str = Field(description="ISO 8601, UTC.")


class RejectedPage(Shape):
    """One page of the rejected suggestions, the latest first."""

    total: int
    offset: int
    limit: int
    rejected: list[RejectedPool]


class PoolDecisions(Shape):
    """The decisions one request recorded (accepting a page records one per proposal)."""

    decisions: list[PoolDecisionView]


PointKind = Literal["themes", "support", "divergence", "consensus", "preference"]


class KeyPoint(Shape):
    """A point computed from the data, with what it rests on."""

    kind: PointKind
    text: str
    basis: str


class ReportTextsView(Shape):
    """The report's free texts as it now prints them. `impression` is the general impression
    ("Algemene indruk"), `key_points` the author's own key points (lines starting with "-")."""

    intro: str
    goal: str
    method: str
    conclusion: str
    impression: str = ""
    key_points: str = ""


class ProgrammeReportTextsView(ReportTextsView):
    """The programme report's texts as it now prints them, with its title, and when the
    organiser (the only one who may change them) last changed them (None: never)."""

    title: str
    updated_at: datetime | None


def hide(item: HiddenItem) -> HiddenItem:
    """The same item for a reader who may not read it: the type has no field for its words."""
    return HiddenItem(
        id=item.id,
        step_id=item.step_id,
        table_id=item.table_id,
        category=item.category,
        theme=item.theme,
    )
