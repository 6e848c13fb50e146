"""A three-session programme of distinct points (issue #12), built through the engine: 20
participants and 60 points per session on the first scenario, none a paraphrase of another
but many sharing their topic words, and an importance vote per session that puts three of its
advantages among the most important. Used by the engine and the API tests of pooling."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

from session_engine import agenda as agenda_ops
from session_engine.actors import Actor
from session_engine.agenda import activate_step
from session_engine.items import add_item
from session_engine.sessions import create_session
from session_engine.votes import Answer, cast_ballot, configure_step

SUBJECTS = [
    "De opleidingsschool",
    "De schoolleider",
    "De student",
    "De werkplekbegeleider",
    "De lerarenopleiding",
    "Het schoolbestuur",
]
PREDICATES = [
    "krijgt meer tijd voor",
    "betaalt mee aan",
    "organiseert zelf",
    "evalueert elk jaar",
    "deelt kennis over",
    "is eindverantwoordelijk voor",
    "legt verantwoording af over",
    "heeft te weinig zicht op",
    "wil meer zeggenschap over",
    "investeert in",
]
OBJECTS = [
    "de begeleiding van studenten",
    "het praktijkonderzoek",
    "de inductie van starters",
    "de beoordeling van stages",
    "het curriculum",
    "de scholing van begeleiders",
]
COLUMNS = ("voordelen", "nadelen", "voorwaarden")
THEMES = ("organisatie", "opleiden", "hr_beleid", "leiderschap", "onderzoek", "visie")
PER_COLUMN = 20
PEOPLE = 20
VOTED = 3  # per session, of its advantages
SESSIONS = ("Zwolle", "Eindhoven", "Utrecht")


def distinct_points() -> list[str]:
    """180 different claims: who does what about what. Two claims that share a subject and an
    object ("De student krijgt meer tijd voor het curriculum" / "De student investeert in het
    curriculum") share their topic words and still say different things."""
    combos = list(product(SUBJECTS, PREDICATES, OBJECTS))
    picked = [combos[(n * 7) % len(combos)] for n in range(len(SESSIONS) * 3 * PER_COLUMN)]
    assert len(set(picked)) == len(picked)
    return [f"{s} {p} {o}." for s, p, o in picked]


@dataclass
class Built:
    """The rooms and, per session, each column's item ids and texts in order."""

    rooms: list[Any]
    items: list[dict[str, list[tuple[int, str]]]] = field(default_factory=list)
    voted: list[list[tuple[int, str]]] = field(default_factory=list)
    people: list[list[Actor]] = field(default_factory=list)

    @property
    def programme_id(self) -> int:
        return int(self.rooms[0].created.session.programme_id)


def add(room: Any, who: Actor, column: str, text: str, theme: str | None = None) -> int:
    """An item on the first scenario's brainstorm; its id."""
    step = room.step_id("brainstorm", 0)
    added = room.do(
        add_item,
        actor=who,
        client_id=f"c-{room.id}-{abs(hash((column, text)))}",
        step_id=step,
        category=column,
        text=text,
        theme=theme,
    )
    return int(added.item.id)


def reopen(room: Any) -> None:
    """Back to the first scenario's brainstorm, to add items after the vote."""
    room.do(activate_step, actor=room.facilitator, step_id=room.step_id("brainstorm", 0))


def build(database: Any, programme_id: int, room_type: Any) -> Built:
    """Three sessions of 20 people and 60 distinct points each, three advantages voted."""
    points = iter(distinct_points())
    built = Built(rooms=[])
    for title in SESSIONS:
        created, _ = database.write_sync(
            create_session, programme_id=programme_id, title=title, location=title
        )
        room = room_type(database, created)
        people = [room.join(sector="PO" if n % 2 else "VO") for n in range(PEOPLE)]
        reopen(room)
        columns: dict[str, list[tuple[int, str]]] = {}
        for column in COLUMNS:
            columns[column] = []
            for n in range(PER_COLUMN):
                text = next(points)
                theme = THEMES[n % len(THEMES)] if column == "voorwaarden" else None
                columns[column].append((add(room, people[n], column, text, theme), text))
        built.rooms.append(room)
        built.items.append(columns)
        built.people.append(people)
        built.voted.append(vote(room, people, columns["voordelen"]))
    return built


def vote(
    room: Any, people: list[Actor], advantages: list[tuple[int, str]]
) -> list[tuple[int, str]]:
    """An importance vote on the advantages: the last three (the latest written) win."""
    f = room.facilitator
    step = room.do(
        agenda_ops.add_step,
        actor=f,
        fields={"type": "vote", "scenario": "afstemming", "title": "Belangrijkste voordelen"},
    )
    config = {"method": "topk", "k": VOTED, "cut": VOTED}
    room.do(configure_step, actor=f, step_id=step.id, config=config)
    room.do(activate_step, actor=f, step_id=step.id)
    chosen = advantages[-VOTED:]
    for who in people:
        answers = [Answer(str(item_id)) for item_id, _ in chosen]
        room.do(cast_ballot, actor=who, step_id=step.id, answers=answers)
    return chosen
