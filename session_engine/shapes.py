"""The shapes things have when they leave the engine: one model per thing and audience, used by
the events, the API, the live fragments and the exports alike. Adding a field is one edit here
that mypy and the API schema carry everywhere.

An item has three shapes, by what the reader may know:
- `HiddenItem`: where it is, never what it says (a blind round's item for other readers);
- `ItemPublic`: what anyone may see of it, its words included;
- `ItemView`: as a board shows it, with merged members, counts and comments.
None of them has a field for who wrote it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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
    mentions: int = Field(1, description="1 + the number of items merged into this one.")
    metoo: int = 0
    comments: list[str] = Field(default_factory=list)


class BoardView(Shape):
    """The items of one step a reader may see, per category in arrival order, and how many
    were left out because their words are hidden (blind round)."""

    model_config = ConfigDict(extra="forbid", frozen=False)

    step_id: int
    columns: dict[str, list[ItemView]] = Field(default_factory=dict)
    hidden: int = Field(0, description="Items left out: their words are hidden (blind round).")

    def count(self, category: str) -> int:
        return len(self.columns.get(category, []))

    def items(self) -> list[ItemView]:
        return [item for column in self.columns.values() for item in column]


def hide(item: ItemPublic) -> HiddenItem:
    """The same item for a reader who may not read it: the type has no field for its words."""
    return HiddenItem(
        id=item.id,
        step_id=item.step_id,
        table_id=item.table_id,
        category=item.category,
        theme=item.theme,
    )
