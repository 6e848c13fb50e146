"""A programme the size of the seed report (docs/reports.md): three sessions (Zwolle, Eindhoven,
Utrecht) of 16 participants each, 17 from primary and 31 from secondary education, and the
seed's 179 distinct points (bench/seed_points.tsv) dealt over them, with an importance vote per
brainstormed column that puts the seed's most important points on top, a few "ik ook" and
comments, the statements and a preference. Scenario 1 is brainstormed in Zwolle only, as in
the seed. Built through the engine's own commands; the report benchmark times its programme
report and the tests check that its PDF carries every point."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from session_engine import agenda as agenda_ops
from session_engine import reactions
from session_engine.actors import Actor
from session_engine.agenda import activate_step
from session_engine.items import add_item
from session_engine.joining import join_session
from session_engine.sessions import agenda, create_session
from session_engine.store.database import Database
from session_engine.store.db import Db
from session_engine.votes import Answer, cast_ballot, configure_step, subjects

POINTS_FILE = Path(__file__).with_name("seed_points.tsv")
SESSIONS = (("Zwolle", "2016-06-07"), ("Eindhoven", "2016-06-14"), ("Utrecht", "2016-06-21"))
SECTORS = (["PO"] * 6 + ["VO"] * 10, ["PO"] * 6 + ["VO"] * 10, ["PO"] * 5 + ["VO"] * 11)
ROLES = ["projectleider"] * 24 + ["schoolopleider"] * 5 + ["instituutsopleider"] * 12
ROLES += ["werkplekbegeleider"] * 7
SCENARIOS = ("afstemming", "samenwerking", "leerloopbaan")


@dataclass(frozen=True, slots=True)
class Point:
    """One point of the seed report: where it stands there, and its words."""

    scenario: str
    column: str
    theme: str | None
    important: bool
    text: str


def seed_points() -> list[Point]:
    """The 179 points, in the seed's order."""
    points = []
    for line in POINTS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            scenario, column, theme, important, text = line.split("\t")
            points.append(Point(scenario, column, theme or None, important == "1", text))
    return points


def dealt(points: list[Point]) -> list[list[Point]]:
    """Each session's points: scenario 1 all in the first, the others in turn."""
    sessions: list[list[Point]] = [[], [], []]
    for n, point in enumerate(points):
        sessions[0 if point.scenario == "afstemming" else n % 3].append(point)
    return sessions


def build_seed_programme(database: Database, programme_id: int) -> list[str]:
    """Build the three sessions; returns their ids."""
    ids = []
    for n, ((title, date), points) in enumerate(zip(SESSIONS, dealt(seed_points()), strict=True)):
        created, _ = database.write_sync(
            create_session, programme_id=programme_id, title=title, location=title, date=date
        )
        session = created.session
        people, _ = database.write_sync(_join_all, session.code, session.id, n)
        database.write_sync(_run_session, session.id, people, points, random.Random(n))
        ids.append(str(session.id))
    return ids


def _join_all(db: Db, code: str, session_id: str, n: int) -> list[Actor]:
    people = []
    for k, sector in enumerate(SECTORS[n]):
        profile = {"sector": sector, "organisation": "school", "role": ROLES[n * 16 + k]}
        joined = join_session(db, code=code, profile=profile)
        people.append(Actor("participant", session_id, joined.participant_id))
    return people


def _run_session(
    db: Db, session_id: str, people: list[Actor], points: list[Point], rng: random.Random
) -> None:
    facilitator = Actor("facilitator", session_id)
    steps = agenda(db, session_id)
    brainstorms = [s for s in steps if s.type == "brainstorm"]
    for step in brainstorms:
        mine = [p for p in points if p.scenario == step.scenario_key]
        if not mine:
            agenda_ops.update_step(db, actor=facilitator, step_id=step.id, fields={"skipped": True})
            continue
        activate_step(db, actor=facilitator, step_id=step.id)
        important = _brainstorm(db, step, people, mine, rng)
        for column in ("voordelen", "nadelen"):
            _vote(db, facilitator, step.scenario_key, column, people, important, rng)
    _statements_and_preference(db, facilitator, steps, people, rng)


def _brainstorm(
    db: Db, step: Any, people: list[Actor], points: list[Point], rng: random.Random
) -> set[str]:
    """Add the points (a few "ik ook" and a comment on some); returns the important ids."""
    important = set()
    for n, point in enumerate(points):
        added = add_item(
            db,
            actor=people[n % len(people)],
            client_id=f"seed-{step.id}-{n}",
            step_id=step.id,
            category=point.column,
            text=point.text,
            theme=point.theme,
        ).item
        if point.important:
            important.add(str(added.id))
        if n % 7 == 3:
            for who in rng.sample(people, 2):
                reactions.set_metoo(db, actor=who, item_id=added.id, on=True)
        if n % 11 == 5:
            reactions.add_comment(
                db, actor=people[0], item_id=added.id, client_id=f"c-{added.id}", text="Eens."
            )
    return important


def _vote(
    db: Db,
    facilitator: Actor,
    scenario: str,
    column: str,
    people: list[Actor],
    important: set[str],
    rng: random.Random,
) -> None:
    """An importance vote on one column: two picks each, the seed's important points first."""
    step = agenda_ops.add_step(db, actor=facilitator, fields={"type": "vote", "scenario": scenario})
    config = {"method": "topk", "k": 2, "cut": 3, "category": column}
    configure_step(db, actor=facilitator, step_id=step.id, config=config)
    activate_step(db, actor=facilitator, step_id=step.id)
    options = subjects(db, step)
    if len(options) < 2:
        return
    favourites = [o for o in options if o in important] or options[:1]
    for who in people:
        first = rng.choice(favourites)
        second = rng.choice([o for o in options if o != first])
        cast_ballot(db, actor=who, step_id=step.id, answers=[Answer(first), Answer(second)])


def _statements_and_preference(
    db: Db, facilitator: Actor, steps: list[Any], people: list[Actor], rng: random.Random
) -> None:
    statements = next(s for s in steps if s.type == "statements")
    activate_step(db, actor=facilitator, step_id=statements.id)
    for n, who in enumerate(people):
        answers = [
            Answer(f"s{k}", rng.choice([2, 3, 4, 4, 5, None]), argument=_argument(n, k))
            for k in range(1, 8)
        ]
        cast_ballot(db, actor=who, step_id=statements.id, answers=answers)
    preference = agenda_ops.add_step(db, actor=facilitator, fields={"type": "preference"})
    activate_step(db, actor=facilitator, step_id=preference.id)
    for n, who in enumerate(people):
        choice = "leerloopbaan" if n % 5 == 0 else "samenwerking"
        answer = Answer("preference", None, choice, "Sluit aan bij wat we doen" if n < 3 else None)
        cast_ballot(db, actor=who, step_id=preference.id, answers=[answer])


def _argument(participant: int, statement: int) -> str | None:
    if (participant + statement) % 6:
        return None
    return f"Argument {statement}.{participant}: dit hangt af van de school en de regio"
