"""The evaluation half of the room: importance votes on items, statements on a 5-point scale,
a glossary of agreed definitions, and a scenario preference. Votes stay hidden until the
facilitator reveals them; a participant may change their vote while the step is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from .actors import Actor, require_facilitator, require_participant
from .content import Content
from .controls import input_open
from .errors import N_, Conflict, Forbidden, Invalid
from .items import board, clean_text, effective_step_id, participant_table
from .models import Ballot, Definition, Item, Participant, Step, utcnow
from .online import is_online, require_window_open
from .payloads import (
    BallotCast,
    DefinitionProposed,
    DefinitionPublic,
    ResultsRevealed,
    StepConfigured,
)
from .programmes import get_programme, programme_content
from .sessions import agenda, get_session, get_step, writable_session
from .shapes import ItemView
from .store.db import Db, storable_id
from .store.events import record_event
from .visibility import ROOM

VOTE_STEP_TYPES = ("vote", "statements", "glossary", "preference")
METHODS = ("topk", "rating", "single", "points")
SCALE = (1, 5)  # statements: 1 helemaal oneens … 5 helemaal eens; None: geen mening


@dataclass(frozen=True, slots=True)
class Answer:
    """One line of a ballot: a subject (item id, statement key, term, "preference") and a
    value (rating, points), a choice (definition id, scenario key) and/or an argument."""

    subject: str
    value: int | None = None
    choice: str | None = None
    argument: str | None = None


def _content(db: Db, session_id: str) -> Content:
    return programme_content(get_programme(db, get_session(db, session_id).programme_id))


def default_config(step: Step, content: Content) -> dict[str, Any]:
    if step.type == "vote":
        first = content.scenarios_file.categories[0].key
        return {
            "method": "topk",
            "k": 3,
            "budget": 10,
            "category": first,
            "categories": [first],
            "cut": None,
        }
    if step.type == "statements":
        return {"mode": "all", "current": None}
    if step.type == "glossary":
        return {"terms": []}
    return {}


def step_config(db: Db, step: Step) -> dict[str, Any]:
    defaults = default_config(step, _content(db, step.session_id))
    stored = step.config or {}
    if step.type == "vote" and "categories" not in stored and "category" in stored:
        stored = {**stored, "categories": [stored["category"]]}  # configured before columns
    return {**defaults, **stored}


def _columns_given(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """A vote's columns from a new config: a changed `categories` list wins, else a changed
    `category` (an older client's one column); `category` is then the first of the list."""
    category_changed = given.get("category", current["category"]) != current["category"]
    categories = given.get("categories", current["categories"])
    if not isinstance(categories, list) or not categories:
        raise Invalid(N_("categories must list at least one column."))
    if categories == current["categories"] and category_changed:
        categories = [given["category"]]
    elif category_changed and given["category"] != categories[0]:
        raise Invalid(N_("category must be the first of categories (or left out)."))
    return {**given, "categories": categories, "category": categories[0]}


def configure_step(db: Db, *, actor: Actor, step_id: int, config: dict[str, Any]) -> Step:
    """Set how a vote step works (method, k, budget, category, cut; statements mode and the
    current statement; glossary terms)."""
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    if step.type not in VOTE_STEP_TYPES:
        raise Invalid(N_("A %(type)s step has nothing to configure."), type=step.type)
    current = step_config(db, step)
    if step.type == "vote":
        config = _columns_given(current, config)
    merged = {**current, **config}
    _validate_config(db, step, merged)
    step.config = merged
    db.add(step)
    assert step.id is not None
    record_event(db, actor.session_id, StepConfigured(step_id=step.id, config=merged))
    return step


def _validate_config(db: Db, step: Step, config: dict[str, Any]) -> None:
    content = _content(db, step.session_id)
    if step.type == "vote":
        if config["method"] not in METHODS:
            raise Invalid(
                N_("Unknown method %(method)r; choose one of %(methods)s."),
                method=config["method"],
                methods=", ".join(METHODS),
            )
        _validate_columns(content, config["categories"])
        for key in ("k", "budget"):
            if not isinstance(config[key], int) or not 1 <= config[key] <= 100:
                raise Invalid(N_("%(key)s must be a whole number from 1 to 100."), key=key)
        if config["cut"] is not None and (not isinstance(config["cut"], int) or config["cut"] < 0):
            raise Invalid(N_("cut must be a whole number of items, 0 or more."))
    if step.type == "statements":
        keys = [s.key for s in content.statements_file.statements]
        if config["mode"] not in ("all", "one"):
            raise Invalid(N_("mode must be 'all' or 'one'."))
        if config["current"] is not None and config["current"] not in keys:
            raise Invalid(N_("Unknown statement %(statement)r."), statement=config["current"])
    if step.type == "glossary":
        terms = config["terms"]
        if not isinstance(terms, list) or any(
            not isinstance(t, str) or not 1 <= len(t.strip()) <= 60 for t in terms
        ):
            raise Invalid(N_("terms must be a list of words of 1 to 60 characters."))
        config["terms"] = list(dict.fromkeys(t.strip() for t in terms))


def _validate_columns(content: Content, categories: list[Any]) -> None:
    for category in categories:
        if not isinstance(category, str) or content.category(category) is None:
            raise Invalid(N_("Unknown category %(category)r."), category=category)
    if len(set(categories)) != len(categories):
        raise Invalid(N_("categories names a column twice."))


def vote_items(db: Db, step: Step) -> list[ItemView]:
    """The items an importance vote is about: the scenario's columns (in the order of the
    vote's `categories`), merged and cleaned, as the room sees them (words still hidden in a
    blind round are no option)."""
    config = step_config(db, step)
    sources = [
        s
        for s in agenda(db, step.session_id)
        if s.type == "brainstorm" and s.scenario_key == step.scenario_key
    ]
    boards = [
        board(db, session_id=step.session_id, step_id=source.id or 0, reader=ROOM).columns
        for source in sources
    ]
    return [item for key in config["categories"] for b in boards for item in b.get(key, [])]


def subjects(db: Db, step: Step) -> list[str]:
    """What can be voted on in this step (as ballot subjects)."""
    content = _content(db, step.session_id)
    config = step_config(db, step)
    if step.type == "vote":
        return [str(i.id) for i in vote_items(db, step)]
    if step.type == "statements":
        keys = [s.key for s in content.statements_file.statements]
        return [config["current"]] if config["mode"] == "one" and config["current"] else keys
    if step.type == "glossary":
        return [f"term:{t}" for t in config["terms"]]
    return ["preference"]


def require_voter(db: Db, actor: Actor, step_id: int, now: datetime | None = None) -> Step:
    """The vote step a participant may answer now: the one on their screen, or in an online
    round any of its vote steps while the round is open (at `now`)."""
    require_participant(actor, Forbidden(N_("Only participants vote.")))
    step = get_step(db, actor.session_id, step_id)
    if step.type not in VOTE_STEP_TYPES:
        raise Conflict(N_("A %(type)s step takes no votes."), type=step.type)
    session = get_session(db, actor.session_id)
    if is_online(session):
        require_window_open(session, now)
    elif effective_step_id(db, actor.session_id, participant_table(db, actor)) != step.id:
        raise Conflict(N_("This vote is not on your screen now."))
    if not input_open(step):
        raise Conflict(N_("This vote is closed."))
    return step


def cast_ballot(
    db: Db, *, actor: Actor, step_id: int, answers: list[Answer], now: datetime | None = None
) -> int:
    """Store (or replace) a participant's answers; returns how many have voted so far."""
    writable_session(db, actor.session_id)  # concurrent voters: exact voter counts
    step = require_voter(db, actor, step_id, now)
    clean = _check_answers(db, step, answers)
    replace_all = step.type in ("vote", "preference")
    old = select(Ballot).where(
        col(Ballot.step_id) == step.id, col(Ballot.participant_id) == actor.participant_id
    )
    if not replace_all:
        old = old.where(col(Ballot.subject).in_([a.subject for a in clean]))
    for ballot in db.scalars(old):
        db.delete(ballot)
    db.flush()
    assert step.id is not None and actor.participant_id is not None
    for answer in clean:
        db.add(
            Ballot(
                session_id=actor.session_id,
                step_id=step.id,
                participant_id=actor.participant_id,
                subject=answer.subject,
                value=answer.value,
                choice=answer.choice,
                argument=answer.argument,
                updated_at=utcnow(),
            )
        )
    db.flush()
    voters = count_voters(db, step.id)
    assert step.id is not None
    record_event(db, actor.session_id, BallotCast(step_id=step.id, voters=voters))
    return voters


def count_voters(db: Db, step_id: int) -> int:
    """How many participants have voted in a step (never who)."""
    voter = func.coalesce(Ballot.participant_id, Ballot.voter)
    query = select(func.count(func.distinct(voter))).where(col(Ballot.step_id) == step_id)
    return int(db.scalar(query) or 0)


def ballot_holders(db: Db, session_id: str) -> set[int]:
    """Participants with a ballot in a step of this session: a vote step's screen shows them
    their own answers, so it is drawn for each of them alone."""
    query = (
        select(Ballot.participant_id)
        .join(Step, col(Step.id) == col(Ballot.step_id))
        .where(col(Step.session_id) == session_id, col(Ballot.participant_id).is_not(None))
    )
    return {p for p in db.scalars(query.distinct()) if p is not None}


def _check_answers(db: Db, step: Step, answers: list[Answer]) -> list[Answer]:
    allowed = set(subjects(db, step))
    if not answers and step.type != "vote":
        raise Invalid(N_("The ballot is empty."))
    seen: set[str] = set()
    clean: list[Answer] = []
    for answer in answers:
        if answer.subject not in allowed:
            raise Invalid(N_("%(subject)r is not part of this vote."), subject=answer.subject)
        if answer.subject in seen:
            raise Invalid(N_("%(subject)r appears twice in the ballot."), subject=answer.subject)
        seen.add(answer.subject)
        argument = (
            clean_text(answer.argument) if answer.argument and answer.argument.strip() else None
        )
        value = answer.value if _uses_value(db, step) else None  # picks and choices have none
        clean.append(Answer(answer.subject, value, answer.choice, argument))
    _check_values(db, step, clean)
    return clean


def _uses_value(db: Db, step: Step) -> bool:
    if step.type == "statements":
        return True
    return step.type == "vote" and step_config(db, step)["method"] in ("rating", "points")


def _check_values(db: Db, step: Step, answers: list[Answer]) -> None:
    config = step_config(db, step)
    if step.type == "statements":
        for a in answers:
            if a.value is not None and not SCALE[0] <= a.value <= SCALE[1]:
                raise Invalid(
                    N_("Agreement runs from %(low)s to %(high)s (or null: no opinion)."),
                    low=SCALE[0],
                    high=SCALE[1],
                )
    elif step.type == "vote":
        content = _content(db, step.session_id)
        column_of = _columns_of(db, [a.subject for a in answers])
        for key in config["categories"]:
            category = content.category(key)
            label = category.label if category else key
            _check_vote(config, [a for a in answers if column_of.get(a.subject) == key], label)
    elif step.type == "glossary":
        for a in answers:
            term = a.subject.removeprefix("term:")
            chosen = int(a.choice) if a.choice and a.choice.isdigit() else 0
            definition = db.get(Definition, chosen) if storable_id(chosen) else None
            if definition is None or definition.step_id != step.id or definition.term != term:
                raise Invalid(N_("Choose one of the proposed definitions of %(term)r."), term=term)
    else:
        [answer] = answers if len(answers) == 1 else [Answer("")]
        keys = [s.key for s in _content(db, step.session_id).scenarios_file.scenarios]
        if answer.choice not in keys:
            raise Invalid(N_("Choose one scenario: %(scenarios)s."), scenarios=", ".join(keys))


def _columns_of(db: Db, subjects: list[str]) -> dict[str, str]:
    """The column of each voted item (subjects already checked to be the vote's items)."""
    ids = [int(s) for s in subjects]
    rows = db.execute(select(Item.id, Item.category).where(col(Item.id).in_(ids))).all()
    return {str(item_id): category for item_id, category in rows}


def _check_vote(config: dict[str, Any], answers: list[Answer], column: str) -> None:
    """One column's answers: k and the points budget hold per column (`column`, its label,
    names it in the refusal)."""
    method = config["method"]
    values = [a.value for a in answers]
    if method == "topk" and len(answers) > config["k"]:
        raise Invalid(N_("Pick at most %(k)s items in %(column)s."), k=config["k"], column=column)
    if method == "single" and len(answers) > 1:
        raise Invalid(N_("Pick one item in %(column)s."), column=column)
    if method == "rating" and any(v is None or not 1 <= v <= 5 for v in values):
        raise Invalid(N_("Rate each item from 1 to 5."))
    if method == "points":
        if any(v is None or v < 0 for v in values):
            raise Invalid(N_("Points are whole numbers, 0 or more."))
        if sum(v or 0 for v in values) > config["budget"]:
            raise Invalid(
                N_("You have %(budget)s points to give in %(column)s, not more."),
                budget=config["budget"],
                column=column,
            )


def reveal_results(db: Db, *, actor: Actor, step_id: int, revealed: bool) -> Step:
    """Show the results on the projector and to participants (or hide them again)."""
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    if step.type not in VOTE_STEP_TYPES:
        raise Invalid(N_("A %(type)s step has no results."), type=step.type)
    step.revealed = revealed
    db.add(step)
    assert step.id is not None
    record_event(db, actor.session_id, ResultsRevealed(step_id=step.id, revealed=revealed))
    return step


def propose_definition(
    db: Db, *, actor: Actor, step_id: int, term: str, text: str, now: datetime | None = None
) -> Definition:
    """A participant proposes what a term means; everyone can then vote for a definition."""
    writable_session(db, actor.session_id)
    step = require_voter(db, actor, step_id, now)
    if step.type != "glossary":
        raise Conflict(N_("Definitions are proposed in a glossary step."))
    if term not in step_config(db, step)["terms"]:
        raise Invalid(N_("%(term)r is not a term of this glossary."), term=term)
    assert actor.participant_id is not None
    definition = Definition(
        session_id=actor.session_id,
        step_id=step_id,
        term=term,
        participant_id=actor.participant_id,
        text=clean_text(text),
    )
    db.add(definition)
    db.flush()
    assert definition.id is not None
    public = DefinitionPublic(id=definition.id, step_id=step_id, term=term, text=definition.text)
    record_event(db, actor.session_id, DefinitionProposed(definition=public))
    return definition


def ballots_with_profiles(db: Db, step_id: int) -> list[tuple[Ballot, dict[str, str], int | None]]:
    """Every answer of a step with its voter's profile and table (never the voter): from the
    participant, or once the session is closed from the copy the ballot keeps (closing.py)."""
    rows = db.execute(
        select(Ballot, Participant.profile, Participant.table_id)
        .outerjoin(Participant, col(Participant.id) == col(Ballot.participant_id))
        .where(col(Ballot.step_id) == step_id)
        .order_by(col(Ballot.id))
    ).all()
    return [
        (ballot, profile, table_id)
        if ballot.participant_id is not None
        else (ballot, ballot.segment or {}, ballot.segment_table_id)
        for ballot, profile, table_id in rows
    ]


def voter_of(ballot: Ballot) -> int:
    """Who cast a ballot, only to count voters: the participant, or after close a pseudonym
    shared by that voter's ballots and nothing else."""
    voter = ballot.participant_id if ballot.participant_id is not None else ballot.voter
    assert voter is not None
    return voter


def glossary_terms(db: Db, session_id: str, step_id: int) -> list[str]:
    """The terms a glossary step asks about, in their order on the screens."""
    step = get_step(db, session_id, step_id)
    return list(step_config(db, step).get("terms", [])) if step.type == "glossary" else []


def definitions(db: Db, step_id: int) -> list[Definition]:
    return list(
        db.scalars(
            select(Definition)
            .where(col(Definition.step_id) == step_id)
            .order_by(col(Definition.id))
        )
    )


def own_answers(db: Db, *, actor: Actor, step_id: int) -> list[Ballot]:
    """The caller's own answers in a step (participants only: nobody else has a ballot)."""
    participant_id = require_participant(actor, Forbidden(N_("Only participants have a ballot.")))
    return list(own_ballot(db, step_id, participant_id).values())


def own_ballot(db: Db, step_id: int, participant_id: int) -> dict[str, Ballot]:
    """A participant's own answers, to show their vote back to them."""
    query = select(Ballot).where(
        col(Ballot.step_id) == step_id, col(Ballot.participant_id) == participant_id
    )
    return {b.subject: b for b in db.scalars(query)}
