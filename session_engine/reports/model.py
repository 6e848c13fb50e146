"""The report's shape: one typed model per section, and `Report` holding them, as every export
reads it. The field order is the JSON export's (a contract: docs/reports.md); items, columns,
scenarios and key points are the shapes of session_engine/shapes.py."""

from __future__ import annotations

from pydantic import Field

from ..shapes import DistributionView, ScenarioVotes, SegmentsView, Shape


class CompositionGroup(Shape):
    """How many participants gave one profile option (key "other": small groups folded)."""

    key: str
    label: str
    count: int


class CompositionField(Shape):
    """The participants per option of one profile question."""

    key: str
    label: str
    groups: list[CompositionGroup]


class Participants(Shape):
    """Who took part, counted per profile question, and the same said in one sentence."""

    total: int
    fields: list[CompositionField]
    sentence: str


class CountedText(Shape):
    """An argument or reason, identical ones once, with how often it was given."""

    text: str
    count: int


class SessionDistribution(Shape):
    """A statement's answers in one session (or "Other sessions" together)."""

    session: str
    overall: DistributionView


class ReportStatement(Shape):
    """A statement's answers: everyone, per segment, and (a programme's) per session."""

    key: str
    text: str
    overall: DistributionView
    segments: dict[str, SegmentsView]
    segments_differ: list[str]
    arguments: list[CountedText]
    per_session: list[SessionDistribution] | None = Field(None, exclude_if=lambda v: v is None)


class SessionVotes(Shape):
    """The preference votes of one session (or "Other sessions" together), per scenario."""

    session: str
    votes: dict[str | None, int]


class ReportPreference(Shape):
    """Which scenario the room prefers: votes per scenario and per segment, and the reasons."""

    scenarios: list[ScenarioVotes]
    segments: dict[str, dict[str, dict[str, int]]] = Field(
        description="{field: {segment: {scenario key: votes}}}"
    )
    reasons: list[CountedText]
    voters: int
    per_session: list[SessionVotes] | None = Field(None, exclude_if=lambda v: v is None)


class TermDefinition(Shape):
    """A proposed definition; `votes` None where the session's counts are not shown."""

    text: str
    votes: int | None


class GlossaryTerm(Shape):
    """A term as one session (or the other sessions together, `counted` false) defined it."""

    term: str
    agreed: str | None
    definitions: list[TermDefinition]
    session: str
    counted: bool
