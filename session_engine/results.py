"""Results of vote steps, overall and per segment, as screens, the API and reports show them.
No result names a voter; which groups a breakdown shows, and in what order arguments come,
follow the rules of anonymity.py."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter

from .anonymity import fold, text_order
from .content import Content
from .models import Step
from .programmes import get_programme, programme_content
from .sessions import get_session, get_step
from .shapes import ItemView, StepResults
from .store.db import Db
from .tables import tables
from .tally import (
    DEFAULT_THRESHOLD,
    counts_of,
    distribution,
    rank_items,
    segment_of,
    segment_result,
)
from .votes import ballots_with_profiles, definitions, step_config, vote_items, voter_of


def segment_fields(db: Db, session_id: str, content: Content) -> list[str]:
    """Profile fields to break results down by, plus the round table when there are tables."""
    fields = [f.key for f in content.scenarios_file.profile_fields]
    return [*fields, "table"] if tables(db, session_id) else fields


def step_results(
    db: Db, session_id: str, step_id: int, threshold: int = DEFAULT_THRESHOLD
) -> dict[str, Any]:
    """Everything the results of one vote step hold, in plain data."""
    step = get_step(db, session_id, step_id)
    content = programme_content(get_programme(db, get_session(db, session_id).programme_id))
    rows = ballots_with_profiles(db, step_id)
    table_names = {t.id: t.name for t in tables(db, session_id)}
    answers = [
        (ballot, {**profile, "table": table_names.get(table_id, "")})
        for ballot, profile, table_id in rows
    ]
    base = {
        "step_id": step_id,
        "type": step.type,
        "title": step.title,
        "revealed": step.revealed,
        "voters": len({voter_of(b) for b, _ in answers}),
    }
    fields = segment_fields(db, session_id, content)
    if step.type == "statements":
        return {**base, "statements": _statements(content, answers, fields, threshold)}
    if step.type == "vote":
        return {**base, **_importance(db, step, answers)}
    if step.type == "glossary":
        return {**base, "terms": _glossary(db, step, answers)}
    return {**base, **_preference(content, answers, fields, threshold)}


# The folded breakdown of one statement's answers (key; None: the preference) by one field:
# its members per shown group. A step's results fold its own answers; a report folds
# its sessions' answers by the rule across levels (anonymity.fold_levels).
Segments = Callable[[str | None, str], dict[str, list[Any]]]


def step_segments(answers: list[Any], threshold: int) -> Segments:
    """One step's breakdowns: its answers by the small-group rule."""

    def segments(subject: str | None, field_key: str) -> dict[str, list[Any]]:
        groups: dict[str, list[Any]] = defaultdict(list)
        for ballot, profile in answers:
            if subject is None or ballot.subject == subject:
                groups[segment_of(profile, field_key)].append(answer_of(ballot, subject))
        return fold(groups, threshold)

    return segments


def answer_of(ballot: Any, subject: str | None) -> Any:
    """What a breakdown counts of a ballot: a statement's value, or the preference's choice."""
    return ballot.choice if subject is None else ballot.value


_RESULTS: TypeAdapter[StepResults] = TypeAdapter(StepResults)


def typed_results(
    db: Db, session_id: str, step_id: int, threshold: int = DEFAULT_THRESHOLD
) -> StepResults:
    """The same results as their typed shape, as the API answers them."""
    return _RESULTS.validate_python(step_results(db, session_id, step_id, threshold))


def _statements(
    content: Content,
    answers: list[Any],
    fields: list[str],
    threshold: int,
    segmented: Segments | None = None,
) -> list[dict[str, Any]]:
    folded = segmented or step_segments(answers, threshold)
    by_subject: dict[str, list[Any]] = defaultdict(list)
    for ballot, profile in answers:
        by_subject[ballot.subject].append((ballot, profile))
    results = []
    for statement in content.statements_file.statements:
        given = by_subject.get(statement.key, [])
        pairs = [(profile, ballot.value) for ballot, profile in given]
        segments = {f: segment_result(f, folded(statement.key, f)).as_dict() for f in fields}
        results.append(
            {
                "key": statement.key,
                "text": statement.text,
                "overall": distribution(v for _, v in pairs).as_dict(),
                "segments": segments,
                "segments_differ": [f for f, s in segments.items() if s["differ"]],
                "arguments": text_order(b.argument for b, _ in given if b.argument),
            }
        )
    return results


def _importance(db: Db, step: Step, answers: list[Any]) -> dict[str, Any]:
    """Each column of the vote ranked on its own, exactly as a vote on that column alone;
    `items` and `cut` are the columns together (one column: that column)."""
    config = step_config(db, step)
    items = vote_items(db, step)
    ballots = [(int(b.subject), b.value) for b, _ in answers]
    columns = [
        _ranked_column(config, key, [i for i in items if i.category == key], ballots)
        for key in config["categories"]
    ]
    return {
        "method": config["method"],
        "category": config["category"],
        "categories": config["categories"],
        "scenario": step.scenario_key,
        "cut": sum(c["cut"] for c in columns),
        "items": [row for c in columns for row in c["items"]],
        "columns": columns,
    }


def _ranked_column(
    config: dict[str, Any], category: str, items: list[ItemView], ballots: list[Any]
) -> dict[str, Any]:
    ranked = rank_items(config["method"], ballots, [i.id for i in items], config["cut"])
    views = {i.id: i for i in items}
    rows = [
        {"item": views[r.item_id], "score": r.score, "voters": r.voters, "important": r.important}
        for r in ranked
    ]
    return {"category": category, "cut": sum(r.important for r in ranked), "items": rows}


def _glossary(db: Db, step: Step, answers: list[Any]) -> list[dict[str, Any]]:
    votes = counts_of(b.choice for b, _ in answers)
    proposed = definitions(db, step.id or 0)
    terms = []
    for term in step_config(db, step)["terms"]:
        options: list[dict[str, Any]] = [
            {"id": d.id, "text": d.text, "votes": votes.get(str(d.id), 0)}
            for d in proposed
            if d.term == term
        ]
        ranked = sorted(options, key=lambda o: (-o["votes"], o["id"]))
        # The most chosen, if one was chosen more than every other: a tie agrees on none.
        tied = len(ranked) > 1 and ranked[1]["votes"] == ranked[0]["votes"]
        agreed = ranked[0] if ranked and ranked[0]["votes"] > 0 and not tied else None
        terms.append({"term": term, "definitions": ranked, "agreed": agreed})
    return terms


def _preference(
    content: Content,
    answers: list[Any],
    fields: list[str],
    threshold: int,
    segmented: Segments | None = None,
) -> dict[str, Any]:
    titles = {s.key: s.title for s in content.scenarios_file.scenarios}
    counts = counts_of(b.choice for b, _ in answers)
    folded = segmented or step_segments(answers, threshold)
    segments: dict[str, dict[str, dict[str, int]]] = {}
    for field_key in fields:
        groups = folded(None, field_key)
        segments[field_key] = {seg: counts_of(choices) for seg, choices in sorted(groups.items())}
    return {
        "scenarios": [{"key": k, "title": titles[k], "votes": counts.get(k, 0)} for k in titles],
        "segments": segments,
        "reasons": text_order(b.argument for b, _ in answers if b.argument),
    }
