"""What a report is made of, read per session: the agenda, the items per scenario and column
(importance marked), the answers to statements and the preference with the voters' profiles,
the glossary, and every ballot without its voter. Pooled by report.py for one session or a
whole programme. Participant ids are used to count voters and never leave this module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from .content import Content
from .db import Db
from .models import Ballot, Definition, Participant, Session, Step
from .report_items import ColumnKey, Ranks, load_items, mark_importance
from .results import step_results
from .sessions import agenda, get_programme, get_session, programme_content
from .votes import ballots_with_profiles

Translate = Callable[..., str]
Answers = list[tuple[Ballot, dict[str, str]]]


def english(message: str, **values: Any) -> str:
    """The untranslated (English) text: the engine's default when no catalogue is given."""
    return message % values if values else message


@dataclass(slots=True)
class SessionData:
    """One session's raw material for a report."""

    session: Session
    content: Content
    steps: list[Step]
    columns: dict[ColumnKey, list[dict[str, Any]]]
    bases: dict[ColumnKey, str]
    profiles: list[dict[str, str]]
    statements: Answers = field(default_factory=list)
    preference: Answers = field(default_factory=list)
    preference_voters: int = 0
    glossary: list[dict[str, Any]] = field(default_factory=list)
    votes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        session = self.session
        if session.location and session.location != session.title:
            return f"{session.title} ({session.location})"
        return session.title

    def steps_of(self, type_: str) -> list[Step]:
        return [s for s in self.steps if s.type == type_]


def read_session(db: Db, session_id: str, threshold: int) -> SessionData:
    """Everything one session contributes to a report, in a handful of queries."""
    session = get_session(db, session_id)
    content = programme_content(get_programme(db, session.programme_id))
    steps = agenda(db, session_id)
    raw = load_items(db, session_id, steps)
    ranks = _vote_ranks(db, session_id, steps, threshold)
    data = SessionData(
        session=session,
        content=content,
        steps=steps,
        columns={key: mark_importance(items, ranks.get(key)) for key, items in raw.items()},
        bases={key: "vote" for key in ranks},
        profiles=list(
            db.scalars(select(Participant.profile).where(col(Participant.session_id) == session_id))
        ),
    )
    _read_votes(db, data, threshold)
    return data


def _vote_ranks(
    db: Db, session_id: str, steps: list[Step], threshold: int
) -> dict[ColumnKey, Ranks]:
    """Per (scenario, column), the ranking of its last importance vote that got votes."""
    ranks: dict[ColumnKey, Ranks] = {}
    for step in steps:
        if step.type != "vote" or step.scenario_key is None or step.id is None:
            continue
        result = step_results(db, session_id, step.id, threshold)
        if result["voters"]:
            ranks[(step.scenario_key, result["category"])] = {
                row["item"]["id"]: (place, row["score"], row["important"])
                for place, row in enumerate(result["items"])
            }
    return ranks


def _read_votes(db: Db, data: SessionData, threshold: int) -> None:
    texts = _subject_texts(db, data)
    for step in data.steps:
        if step.id is None or step.type not in ("vote", "statements", "glossary", "preference"):
            continue
        rows = ballots_with_profiles(db, step.id)
        answers = [(ballot, profile) for ballot, profile, _ in rows]
        if step.type == "statements":
            data.statements.extend(answers)
        elif step.type == "preference":
            data.preference.extend(answers)
            data.preference_voters += len({b.participant_id for b, _ in answers})
        elif step.type == "glossary":
            data.glossary.extend(_glossary(db, data, step, threshold))
        data.votes.extend(_ballot_row(data, step, ballot, texts) for ballot, _ in answers)


def _subject_texts(db: Db, data: SessionData) -> dict[str, str]:
    """What a ballot's subject or choice stands for, in words."""
    texts = {str(i["id"]): i["text"] for items in data.columns.values() for i in items}
    texts.update({s.key: s.text for s in data.content.statements_file.statements})
    texts.update({s.key: s.title for s in data.content.scenarios_file.scenarios})
    step_ids = [s.id for s in data.steps_of("glossary")]
    for definition in db.scalars(select(Definition).where(col(Definition.step_id).in_(step_ids))):
        texts[f"definition:{definition.id}"] = definition.text
    return texts


def _ballot_row(
    data: SessionData, step: Step, ballot: Ballot, texts: dict[str, str]
) -> dict[str, Any]:
    """A ballot as raw data: what was voted on and how, never by whom."""
    subject = ballot.subject.removeprefix("term:")
    choice = ballot.choice
    if step.type == "glossary" and choice is not None:
        choice = texts.get(f"definition:{choice}", choice)
    elif choice is not None:
        choice = texts.get(choice, choice)
    return {
        "session": data.label,
        "step": step.title,
        "type": step.type,
        "subject": texts.get(ballot.subject, subject) if step.type != "glossary" else subject,
        "value": ballot.value,
        "choice": choice,
        "argument": ballot.argument,
    }


def _glossary(db: Db, data: SessionData, step: Step, threshold: int) -> list[dict[str, Any]]:
    assert step.id is not None
    terms = step_results(db, data.session.id, step.id, threshold)["terms"]
    return [
        {
            "term": term["term"],
            "agreed": term["agreed"]["text"] if term["agreed"] else None,
            "definitions": [{"text": d["text"], "votes": d["votes"]} for d in term["definitions"]],
            "session": data.label,
        }
        for term in terms
    ]


def votes_rows(datas: list[SessionData]) -> list[dict[str, Any]]:
    """All ballots in a fixed order that keeps no trace of who cast them together."""

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(("" if row[k] is None else str(row[k])) for k in row)

    rows = [row for data in datas for row in data.votes]
    return sorted(rows, key=key)
