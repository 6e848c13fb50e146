"""A session modelled on the seed report, built through the engine: PO and VO participants,
two scenarios brainstormed (one with merges, "me too", comments and an importance vote), the
third skipped, statements on which the sectors differ, a glossary term and a preference. And a
third session (Utrecht) that brainstorms all three scenarios, so that a programme of the three
has every section of the seed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from session_engine import agenda as agenda_ops
from session_engine import curation, reactions
from session_engine.actors import Actor
from session_engine.agenda import activate_step
from session_engine.items import add_item
from session_engine.joining import Joined, join_session
from session_engine.votes import Answer, cast_ballot, configure_step, propose_definition

FORMULA = '=HYPERLINK("http://evil.example";"klik")'
SCRIPT = "<script>alert('x')</script> **vet** # kop"

PROFILES = [
    *[{"sector": "PO", "organisation": "school", "role": "schoolopleider"}] * 2,
    *[{"sector": "PO", "organisation": "lerarenopleiding", "role": "projectleider"}] * 2,
    {"sector": "PO", "organisation": "school", "role": "werkplekbegeleider"},
    *[{"sector": "VO", "organisation": "lerarenopleiding", "role": "instituutsopleider"}] * 3,
    *[{"sector": "VO", "organisation": "school", "role": "projectleider"}] * 3,
    {},
]


@dataclass
class SeedSession:
    """What a test needs to check a report: the secrets that must never appear in it."""

    room: Any
    tokens: list[str] = field(default_factory=list)
    client_ids: list[str] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    # every item added: (scenario number, category, theme, text), merged ones included
    added: list[tuple[int, str, str | None, str]] = field(default_factory=list)

    @property
    def po(self) -> list[Actor]:
        return self.actors[:5]

    @property
    def vo(self) -> list[Actor]:
        return self.actors[5:11]


def _join(seed: SeedSession, profile: dict[str, str]) -> Actor:
    joined: Joined = seed.room.do(
        join_session, code=seed.room.created.session.code, profile=profile
    )
    seed.tokens.append(joined.token)
    return Actor("participant", seed.room.id, joined.participant_id)


def _add(seed: SeedSession, who: Actor, step_id: int, category: str, text: str, theme=None):
    client_id = f"client-{seed.room.id}-{len(seed.client_ids):04d}"
    seed.client_ids.append(client_id)
    number = 1 + [seed.room.step_id("brainstorm", n) for n in range(3)].index(step_id)
    seed.added.append((number, category, theme, text))
    return seed.room.do(
        add_item,
        actor=who,
        client_id=client_id,
        step_id=step_id,
        category=category,
        text=text,
        theme=theme,
    ).item


def _new_step(seed: SeedSession, type_: str, **fields: Any) -> int:
    room = seed.room
    step = room.do(agenda_ops.add_step, actor=room.facilitator, fields={"type": type_, **fields})
    return int(step.id)


def build_seed_session(room: Any, *, variant: str = "zwolle") -> SeedSession:
    """A full session; `variant` "eindhoven" words some items differently (for pooling)."""
    seed = SeedSession(room)
    seed.actors = [_join(seed, p) for p in PROFILES]
    _scenario_1(seed, variant)
    _scenario_2(seed, variant)
    _skip_scenario_3(seed)
    _statements(seed)
    _glossary(seed)
    _preference(seed)
    return seed


def _activate(seed: SeedSession, step_id: int) -> None:
    seed.room.do(activate_step, actor=seed.room.facilitator, step_id=step_id)


def _scenario_1(seed: SeedSession, variant: str) -> None:
    room, f = seed.room, seed.room.facilitator
    step = room.step_id("brainstorm", 0)
    _activate(seed, step)
    a = seed.actors
    organise = _add(seed, a[0], step, "voordelen", "Goed te organiseren")
    merged = _add(seed, a[1], step, "voordelen", "Goed te organiseren, elke school kan instappen")
    roles = _add(seed, a[5], step, "voordelen", "Iedere partner heeft een duidelijk herkenbare rol")
    _add(seed, a[6], step, "voordelen", "Past bij veel van de huidige structuren")
    if variant == "zwolle":
        _add(
            seed, a[7], step, "voordelen", "Ruimte om te specialiseren los van de opleidingsschool"
        )
    back = _add(seed, a[2], step, "nadelen", "Voelt als een stap terug")
    _add(seed, a[8], step, "nadelen", FORMULA)
    _add(seed, a[9], step, "nadelen", SCRIPT)
    _add(
        seed,
        a[3],
        step,
        "voorwaarden",
        "Duidelijke afspraken over verantwoordelijkheden",
        "organisatie",
    )
    _add(
        seed,
        a[4],
        step,
        "voorwaarden",
        "Nascholing werkplekbegeleiders verplicht stellen",
        "hr_beleid",
    )
    _add(
        seed, a[10], step, "voorwaarden", "Elke partner heeft een eigen visie op opleiden", "visie"
    )
    room.do(curation.merge_items, actor=f, target_id=organise.id, member_ids=[merged.id])
    for who in a[2:5]:
        room.do(reactions.set_metoo, actor=who, item_id=roles.id, on=True)
    client_id = f"client-{room.id}-comment"
    seed.client_ids.append(client_id)
    room.do(
        reactions.add_comment,
        actor=a[6],
        item_id=back.id,
        client_id=client_id,
        text="Geen gezamenlijke ambitie",
    )


def _scenario_2(seed: SeedSession, variant: str) -> None:
    room, f = seed.room, seed.room.facilitator
    step = room.step_id("brainstorm", 1)
    _activate(seed, step)
    a = seed.actors
    wording = (
        "Geen wij-zij denken maar wij-samen"
        if variant == "zwolle"
        else "Geen wij-zij denken meer, wij samen"
    )
    items = [
        _add(seed, a[0], step, "voordelen", wording),
        _add(seed, a[5], step, "voordelen", "Een geïntegreerd curriculum van theorie en praktijk"),
        _add(seed, a[6], step, "voordelen", "Alle betrokkenen leren van elkaar"),
        _add(seed, a[1], step, "voordelen", "Blijft organiseerbaar"),
    ]
    _add(seed, a[7], step, "nadelen", "Veel afspraken maken maakt het traag")
    _add(
        seed,
        a[2],
        step,
        "voorwaarden",
        "Tijd om samen opleiden tot een cultuur te maken",
        "organisatie",
    )
    _add(seed, a[8], step, "voorwaarden", "De directie is kartrekker", "leiderschap")
    _add(seed, a[3], step, "voorwaarden", "Een gezamenlijk onderzoeksprogramma", "onderzoek")
    vote = _new_step(seed, "vote", scenario="samenwerking", title="Belangrijkste voordelen")
    room.do(configure_step, actor=f, step_id=vote, config={"method": "topk", "k": 1, "cut": 1})
    _activate(seed, vote)
    for who in a[:6]:  # the integrated curriculum wins
        room.do(cast_ballot, actor=who, step_id=vote, answers=[Answer(str(items[1].id))])
    for who in a[6:9]:
        room.do(cast_ballot, actor=who, step_id=vote, answers=[Answer(str(items[2].id))])


def _skip_scenario_3(seed: SeedSession) -> None:
    room = seed.room
    room.do(
        agenda_ops.update_step,
        actor=room.facilitator,
        step_id=room.step_id("brainstorm", 2),
        fields={"skipped": True},
    )


def _statements(seed: SeedSession) -> None:
    room = seed.room
    step = room.step_id("statements")
    _activate(seed, step)
    for who in seed.po:
        room.do(
            cast_ballot,
            actor=who,
            step_id=step,
            answers=[Answer("s1", 5, argument="Taal verbindt de partners"), Answer("s2", 4)],
        )
    for who in seed.vo:
        room.do(
            cast_ballot,
            actor=who,
            step_id=step,
            answers=[Answer("s1", 2, argument="Elke school is anders"), Answer("s2", 4)],
        )


def _glossary(seed: SeedSession) -> None:
    room, f = seed.room, seed.room.facilitator
    step = _new_step(seed, "glossary", title="Begrippen")
    room.do(configure_step, actor=f, step_id=step, config={"terms": ["Opleidingsschool"]})
    _activate(seed, step)
    a = seed.actors
    kept = room.do(
        propose_definition,
        actor=a[0],
        step_id=step,
        term="Opleidingsschool",
        text="Een samenwerkingsverband van scholen en lerarenopleidingen",
    )
    other = room.do(
        propose_definition,
        actor=a[5],
        step_id=step,
        term="Opleidingsschool",
        text="Een school die opleidt",
    )
    for n, who in enumerate(a[:7]):
        choice = kept.id if n < 5 else other.id
        room.do(
            cast_ballot,
            actor=who,
            step_id=step,
            answers=[Answer("term:Opleidingsschool", choice=str(choice))],
        )


def _preference(seed: SeedSession) -> None:
    room = seed.room
    step = _new_step(seed, "preference", title="Voorkeur")
    _activate(seed, step)
    for n, who in enumerate(seed.actors):
        choice = "samenwerking" if n % 4 else "leerloopbaan"
        reason = "Dit doen we eigenlijk al" if n == 1 else None
        room.do(
            cast_ballot,
            actor=who,
            step_id=step,
            answers=[Answer("preference", choice=choice, argument=reason)],
        )


UTRECHT = {
    # scenario 1: a condition on a theme Zwolle and Eindhoven left empty (Opleiden)
    1: [
        ("voordelen", None, "Elke school zou kunnen instappen"),
        ("voorwaarden", "opleiden", "Werkplekbegeleiders verbinden school en opleiding"),
    ],
    2: [
        ("voorwaarden", "opleiden", "Minder instructie, meer samenwerkend leren"),
        ("voorwaarden", "hr_beleid", "Werkplekbegeleiders en schoolopleiders worden getraind"),
        ("voorwaarden", "visie", "Een gedeelde visie die door alle lagen sijpelt"),
    ],
    3: [
        ("voordelen", None, "Studenten kunnen versnellen en vertragen"),
        ("voordelen", None, "Sterke koppeling tussen theorie en praktijk"),
        ("voordelen", None, "Vanuit de praktijk ervaar je wat je mist aan theorie"),
        ("nadelen", None, "Vraagt veel van de beginnende leraar"),
        ("nadelen", None, "Te veel ingericht op het individu"),
        ("voorwaarden", "organisatie", "Ruimte in tijd & geld: een innovatiebudget"),
        ("voorwaarden", "opleiden", "Toetsing en beoordeling zijn flexibel ingericht"),
        ("voorwaarden", "hr_beleid", "Een breed functiehuis"),
        ("voorwaarden", "leiderschap", "Schoolleiders met lef"),
        ("voorwaarden", "onderzoek", "Onderzoek als professionele leerstrategie"),
        ("voorwaarden", "visie", "Ruimte voor persoonlijke, flexibele leerroutes"),
    ],
}


def build_utrecht_session(room: Any) -> SeedSession:
    """A session that brainstorms all three scenarios (the seed's Utrecht), with an
    importance vote on scenario 3's advantages: 7 voters for one, 1 for another."""
    seed = SeedSession(room)
    seed.actors = [_join(seed, p) for p in PROFILES]
    first_items = {}
    for number, items in UTRECHT.items():
        step = room.step_id("brainstorm", number - 1)
        _activate(seed, step)
        for n, (category, theme, text) in enumerate(items):
            item = _add(seed, seed.actors[n % len(seed.actors)], step, category, text, theme)
            first_items.setdefault((number, category), []).append(item)
    pros = first_items[(3, "voordelen")]
    vote = _new_step(seed, "vote", scenario="leerloopbaan", title="Belangrijkste voordelen")
    room.do(
        configure_step,
        actor=room.facilitator,
        step_id=vote,
        config={"method": "topk", "k": 1, "cut": 1},
    )
    _activate(seed, vote)
    for n, who in enumerate(seed.actors[:8]):
        choice = pros[1] if n < 7 else pros[0]
        room.do(cast_ballot, actor=who, step_id=vote, answers=[Answer(str(choice.id))])
    return seed


@dataclass
class SeedProgramme:
    """Two seed sessions of one programme in one database, built once per test module."""

    database: Any
    zwolle: SeedSession
    eindhoven: SeedSession
    database_url: str
    utrecht: SeedSession | None = None

    @property
    def programme_id(self) -> int:
        return int(self.zwolle.room.created.session.programme_id)


def seed_programme(
    tmp_path_factory: Any,
    databases: Any,
    content: Any,
    *,
    utrecht: bool = False,
    closed: bool = False,
) -> Any:
    """Build the programme (a generator for a module-scoped fixture: yields, then closes);
    `utrecht`: with the third session, which brainstorms every scenario; `closed`: every
    session closed ("Sessie afsluiten"), as a report's breakdowns by profile need."""
    from session_engine.programmes import load_programme
    from session_engine.sessions import create_session
    from session_engine.store.database import Database
    from session_engine.store.db import create_db_engine
    from session_engine.store.fanout.memory import MemoryFanout
    from tests.conftest import Room

    url = databases.fresh(tmp_path_factory.mktemp("report"))
    engine = create_db_engine(url)
    database = Database(engine, MemoryFanout())
    programme, _ = database.write_sync(load_programme, content=content)
    sessions = []
    for title in ("Zwolle", "Eindhoven"):
        created, _ = database.write_sync(
            create_session,
            programme_id=programme.id,
            title=title,
            location=title,
            date="2016-06-14",
        )
        sessions.append(build_seed_session(Room(database, created), variant=title.lower()))
    third = None
    if utrecht:
        created, _ = database.write_sync(
            create_session,
            programme_id=programme.id,
            title="Utrecht",
            location="Utrecht",
            date="2016-06-28",
        )
        third = build_utrecht_session(Room(database, created))
    if closed:
        from session_engine.actors import ORGANISER
        from session_engine.closing import close_session

        for room in [seed.room for seed in sessions] + ([third.room] if third else []):
            database.write_sync(close_session, session_id=room.id, actor=ORGANISER)
    yield SeedProgramme(database, sessions[0], sessions[1], url, third)
    database.close()
    engine.dispose()
    databases.drop(url)
