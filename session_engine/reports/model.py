"""The report's shape: one typed model per section, and `Report` holding them, as every export
reads it. The field order is the JSON export's (a contract: docs/reports.md); items, columns,
scenarios and key points are the shapes of session_engine/shapes.py."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..shapes import (
    DistributionView,
    KeyPoint,
    ReportScenario,
    ReportTextsView,
    ScenarioVotes,
    SegmentsView,
    Shape,
)

SCHEMA: Literal["versnellingskamer.report/1"] = "versnellingskamer.report/1"


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


class VoteRow(Shape):
    """A ballot as raw data: what was voted on and how, never by whom."""

    session: str
    step: str
    type: str
    subject: str
    value: int | None
    choice: str | None
    argument: str | None

    def order(self) -> tuple[str, ...]:
        """The rows' one fixed order: by every field, as text (None as "")."""
        fields = (self.session, self.step, self.type, self.subject, self.value, self.choice)
        return tuple("" if v is None else str(v) for v in (*fields, self.argument))


class ProgrammeSummary(Shape):
    key: str
    title: str
    organiser: str
    question: str


class SessionSummary(Shape):
    title: str
    location: str
    date: str
    participants: int


class Labels(Shape):
    """What the report's keys stand for, in words: profile questions and their options
    (`segments`, "other" and "unknown" included), columns, themes and scenarios."""

    fields: dict[str, str]
    segments: dict[str, dict[str, str]]
    categories: dict[str, str]
    themes: dict[str, str]
    scenarios: dict[str, str]


class Report(Shape):
    """The report of one session or a whole programme, as every export prints it."""

    schema_: Literal["versnellingskamer.report/1"] = Field(SCHEMA, alias="schema")
    kind: Literal["session", "programme"]
    language: str
    title: str
    programme: ProgrammeSummary
    sessions: list[SessionSummary]
    texts: ReportTextsView
    principles: list[str]
    labels: Labels
    participants: Participants
    scenarios: list[ReportScenario]
    statements: list[ReportStatement]
    glossary: list[GlossaryTerm]
    preference: ReportPreference | None
    key_points: list[KeyPoint]
    notes: list[str]
    votes: list[VoteRow]
    profiles: list[dict[str, str]] = Field(
        description="Each participant's profile, small groups folded: {session, field: label}."
    )
