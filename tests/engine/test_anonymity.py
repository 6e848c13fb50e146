"""The one small-group rule and the one order of free texts (session_engine/anonymity.py):
exact outcomes, then the subtraction attacks through results and reports."""

from __future__ import annotations

import itertools

import pytest

from session_engine import agenda as agenda_ops
from session_engine.actors import ORGANISER
from session_engine.agenda import activate_step
from session_engine.anonymity import fold, shown_groups, text_order
from session_engine.closing import close_session
from session_engine.items import add_item
from session_engine.reports.report import programme_report, session_report
from session_engine.results import step_results
from session_engine.tables import add_tables, choose_table
from session_engine.votes import Answer, cast_ballot, configure_step, propose_definition


@pytest.mark.parametrize(
    ("sizes", "groups", "other"),
    [
        ({"PO": 3, "VO": 3}, ["PO", "VO"], False),
        ({"PO": 3, "VO": 1}, [], True),  # a segment of 1: PO would give it away
        ({"PO": 3, "VO": 2}, [], True),  # a segment of 2
        ({"PO": 4, "VO": 3, "MBO": 1}, ["PO"], True),  # the smallest shown group goes first
        ({"PO": 3, "VO": 3, "MBO": 1}, ["VO"], True),  # equal sizes: by name
        ({"PO": 3, "VO": 1, "MBO": 2}, ["PO"], True),  # the small ones already make 3
        ({"PO": 3, "other": 2, "unknown": 1}, ["PO"], True),
        ({"PO": 2, "other": 5}, [], True),
        ({"PO": 1}, [], False),  # one voter in all: nothing is broken down
        ({"PO": 1, "VO": 1}, [], False),
        ({}, [], False),
    ],
)
def test_the_small_group_rule(sizes, groups, other) -> None:
    rule = shown_groups(sizes, 3, ("other", "unknown"))
    assert (rule.groups, rule.other) == (groups, other)


def test_no_small_group_can_be_subtracted_from_the_total() -> None:
    """Every way of splitting up to 18 voters over 3 groups: whatever is not shown on its own
    (total minus the shown groups) is nobody, at least 3 people, or the whole (the overall
    figure, when nothing is broken down)."""
    for sizes in itertools.product(range(7), repeat=3):
        named = dict(zip(("a", "b", "c"), sizes, strict=True))
        rule = shown_groups(named, 3)
        rest = sum(sizes) - sum(named[k] for k in rule.groups)
        assert all(named[k] >= 3 for k in rule.groups)
        assert rest == 0 or rest >= 3 or not rule.groups
        assert rule.other == (rest >= 3)


def test_fold_keeps_the_members_of_what_it_shows() -> None:
    groups = {"PO": [1, 2, 3], "VO": [1, 2], "other": [5]}
    assert fold(groups, 3) == {"PO": [1, 2, 3], "other": [1, 2, 5]}
    assert fold({"PO": [4, 4, 4], "VO": [1]}, 3) == {"other": [4, 4, 4, 1]}
    assert fold({"PO": [1]}, 3) == {}


def test_texts_are_ordered_by_how_often_and_then_alphabetically() -> None:
    given = ["zeker", "Absoluut", "b", "zeker", "absoluut"]
    assert text_order(given) == ["zeker", "zeker", "Absoluut", "absoluut", "b"]


# Through the engine -------------------------------------------------------------------


def statements_step(room):
    step = room.do(agenda_ops.add_step, actor=room.facilitator, fields={"type": "statements"})
    room.do(activate_step, actor=room.facilitator, step_id=step.id)
    return step.id


def answer(room, who, step_id, *answers):
    room.do(cast_ballot, actor=who, step_id=step_id, answers=list(answers))


def first_statement(room, step_id):
    return room.database.read_sync(step_results, room.id, step_id)["statements"][0]


def test_three_po_and_one_vo_the_vo_vote_cannot_be_subtracted(make_room) -> None:
    """The issue's attack: overall {1:1, 4:3} and PO {4:3} gave the VO voter's 1."""
    room = make_room()
    step_id = statements_step(room)
    for sector, value in [("PO", 4), ("PO", 4), ("PO", 4), ("VO", 1)]:
        answer(room, room.join(sector=sector), step_id, Answer("s1", value))
    s1 = first_statement(room, step_id)
    assert s1["overall"]["counts"] == {"1": 1, "2": 0, "3": 0, "4": 3, "5": 0}
    assert list(s1["segments"]["sector"]["segments"]) == ["other"]
    assert s1["segments"]["sector"]["segments"]["other"] == s1["overall"]
    room.do(close_session, session_id=room.id, actor=ORGANISER)
    report = room.database.read_sync(session_report, room.id)
    assert list(report.statements[0].segments["sector"].segments) == ["other"]


def test_a_table_of_two_cannot_be_subtracted(make_room) -> None:
    room = make_room()
    first, second = room.do(add_tables, actor=room.facilitator, names=["Tafel 1", "Tafel 2"])
    step_id = statements_step(room)
    for table, value in [(first, 5), (first, 5), (first, 5), (second, 1), (second, 2)]:
        who = room.join()
        room.do(choose_table, actor=who, table_id=table.id)
        answer(room, who, step_id, Answer("s1", value))
    segments = first_statement(room, step_id)["segments"]["table"]["segments"]
    assert {k: d["n"] for k, d in segments.items()} == {"other": 5}


def test_a_programme_shows_no_session_of_one_nor_one_that_gives_it_away(make_room) -> None:
    """Per-session rows against the programme total: Utrecht's one voter stays hidden."""
    rooms = [make_room("Zwolle"), make_room("Eindhoven"), make_room("Utrecht")]
    for room, values in zip(rooms, ([5, 5, 5], [2, 2, 2, 2], [1]), strict=True):
        step_id = statements_step(room)
        for value in values:
            answer(room, room.join(), step_id, Answer("s1", value, argument=f"{room.id} zegt"))
    report = rooms[0].database.read_sync(programme_report, rooms[0].created.session.programme_id)
    rows = report.statements[0].per_session
    # Utrecht (1) is too small; Zwolle (3) is folded too, else 8 - 4 - 3 gives Utrecht's 1.
    assert [(r.session, r.overall.n) for r in rows] == [
        ("Eindhoven", 4),
        ("Other sessions", 4),
    ]
    sessions = {row.session for row in report.votes}
    assert sessions == {"Eindhoven", "Other sessions"}


def test_one_session_of_one_voter_shows_no_row_of_its_own(make_room) -> None:
    rooms = [make_room("Zwolle"), make_room("Utrecht")]
    for room, values in zip(rooms, ([4, 4, 4], [1]), strict=True):
        step_id = statements_step(room)
        for value in values:
            answer(room, room.join(), step_id, Answer("s1", value))
    report = rooms[0].database.read_sync(programme_report, rooms[0].created.session.programme_id)
    rows = report.statements[0].per_session
    assert [(r.session, r.overall.n) for r in rows] == [("Other sessions", 4)]


@pytest.mark.parametrize("first_voter", [0, 1])
def test_arguments_cannot_be_linked_across_statements_by_position(make_room, first_voter) -> None:
    """Two voters, two statements: the arguments come in the same order whoever voted first,
    so the first argument of s1 and the first of s2 need not be the same person's."""
    room = make_room()
    step_id = statements_step(room)
    voters = [
        [Answer("s1", 4, argument="Zeker"), Answer("s2", 4, argument="Absoluut")],
        [Answer("s1", 2, argument="Akkoord"), Answer("s2", 2, argument="Zo is het")],
    ]
    for answers in voters[first_voter:] + voters[:first_voter]:
        answer(room, room.join(), step_id, *answers)
    statements = room.database.read_sync(step_results, room.id, step_id)["statements"]
    assert [s["arguments"] for s in statements[:2]] == [
        ["Akkoord", "Zeker"],
        ["Absoluut", "Zo is het"],
    ]


# Glossary and importance votes in a programme --------------------------------------------

CHOSEN = ["Herkenbare rollen voor iedereen", "Een gedeelde ambitie", "Minder regels en formulieren"]
PASSED_OVER = ["Vaste overlegmomenten", "Betere roosters", "Een eigen budget"]


def vote_in(room, voters: int, chosen: str, passed_over: str, definition: str) -> None:
    """`voters` join; each votes for item `chosen` (not `passed_over`) and agrees with
    `definition`."""
    f = room.facilitator
    people = [room.join() for _ in range(voters)]
    brainstorm = room.step_id("brainstorm", 0)
    room.do(activate_step, actor=f, step_id=brainstorm)
    items = {
        text: room.do(
            add_item,
            actor=people[0],
            client_id=f"{room.id}-{text}",
            step_id=brainstorm,
            category="voordelen",
            text=text,
        ).item
        for text in (chosen, passed_over)
    }
    vote = room.do(agenda_ops.add_step, actor=f, fields={"type": "vote", "scenario": "afstemming"})
    room.do(configure_step, actor=f, step_id=vote.id, config={"method": "topk", "k": 1, "cut": 1})
    room.do(activate_step, actor=f, step_id=vote.id)
    for who in people:
        answer(room, who, vote.id, Answer(str(items[chosen].id)))
    glossary = room.do(agenda_ops.add_step, actor=f, fields={"type": "glossary"})
    room.do(configure_step, actor=f, step_id=glossary.id, config={"terms": ["Opleidingsschool"]})
    room.do(activate_step, actor=f, step_id=glossary.id)
    proposed = room.do(
        propose_definition,
        actor=people[0],
        step_id=glossary.id,
        term="Opleidingsschool",
        text=definition,
    )
    for who in people:
        answer(room, who, glossary.id, Answer("term:Opleidingsschool", choice=str(proposed.id)))


def dumped(shapes) -> list[dict]:
    return [shape.model_dump() for shape in shapes]


def important_texts(report) -> list[str]:
    scenario = next(s for s in report.scenarios if s.key == "afstemming")
    voordelen = next(c for c in scenario.columns if c.key == "voordelen")
    return [i.text for i in voordelen.important]


def test_a_programme_shows_no_glossary_or_importance_vote_of_a_session_of_one(make_room) -> None:
    """Zwolle and Eindhoven had 4 voters, Utrecht 1. Utrecht's vote and definition choice are
    not counted on their own, nor is Zwolle's (the smallest of the rest, folded with Utrecht):
    only Eindhoven's counts are shown; the others' definitions are listed without votes."""
    rooms = [make_room("Zwolle"), make_room("Eindhoven"), make_room("Utrecht")]
    plan = zip(rooms, (4, 4, 1), CHOSEN, PASSED_OVER, strict=False)
    for room, voters, chosen, passed_over in plan:
        vote_in(room, voters, chosen, passed_over, f"Definitie uit {room.created.session.title}")
    report = rooms[0].database.read_sync(programme_report, rooms[0].created.session.programme_id)
    assert [(g.session, g.counted, g.agreed) for g in report.glossary] == [
        ("Eindhoven", True, "Definitie uit Eindhoven"),
        ("Other sessions", False, None),
    ]
    assert dumped(report.glossary[0].definitions) == [
        {"text": "Definitie uit Eindhoven", "votes": 4}
    ]
    assert dumped(report.glossary[1].definitions) == [
        {"text": "Definitie uit Utrecht", "votes": None},
        {"text": "Definitie uit Zwolle", "votes": None},
    ]
    assert important_texts(report) == ["Een gedeelde ambitie"]
    counted = [r for r in report.votes if r.type in ("vote", "glossary")]
    assert {(r.subject, r.choice) for r in counted} == {
        ("Een gedeelde ambitie", None),
        ("Opleidingsschool", "Definitie uit Eindhoven"),
    }
    assert len(counted) == 8


def test_one_session_of_one_voter_gives_no_glossary_or_vote_count_away(make_room) -> None:
    rooms = [make_room("Zwolle"), make_room("Utrecht")]
    plan = zip(rooms, (4, 1), CHOSEN, PASSED_OVER, strict=False)
    for room, voters, chosen, passed_over in plan:
        vote_in(room, voters, chosen, passed_over, f"Definitie uit {room.created.session.title}")
    report = rooms[0].database.read_sync(programme_report, rooms[0].created.session.programme_id)
    [term] = report.glossary
    assert (term.session, term.counted, term.agreed) == ("Other sessions", False, None)
    assert {d.votes for d in term.definitions} == {None}
    assert important_texts(report) == []
    assert {r.type for r in report.votes} <= {"statements", "preference"}
    alone = rooms[1].database.read_sync(session_report, rooms[1].id)  # its own report: all of it
    assert dumped(alone.glossary[0].definitions) == [{"text": "Definitie uit Utrecht", "votes": 1}]
    assert important_texts(alone) == ["Een gedeelde ambitie"]
