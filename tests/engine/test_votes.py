"""Votes: each method, statements, glossary, preference; hidden until revealed; refusals."""

from __future__ import annotations

import pytest

from session_engine import agenda as agenda_ops
from session_engine import controls
from session_engine.agenda import activate_step
from session_engine.errors import Conflict, Forbidden, Invalid
from session_engine.items import add_item
from session_engine.results import step_results
from session_engine.store.events import events_after
from session_engine.views import Viewer, sees_results, shown_results, snapshot, vote_options
from session_engine.votes import (
    Answer,
    cast_ballot,
    configure_step,
    propose_definition,
    reveal_results,
)


@pytest.fixture
def room(make_room):
    room = make_room()
    room.brainstorm = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    author = room.join()
    room.items = [
        room.do(
            add_item,
            actor=author,
            client_id=t,
            step_id=room.brainstorm,
            category="voordelen",
            text=t,
        ).item.id
        for t in ("Herkenbare rollen", "Goed te organiseren", "Past bij huidige structuren")
    ]
    return room


def new_step(room, type_, **fields):
    step = room.do(agenda_ops.add_step, actor=room.facilitator, fields={"type": type_, **fields})
    room.do(activate_step, actor=room.facilitator, step_id=step.id)
    return step.id


def vote(room, who, step_id, *answers):
    return room.do(cast_ballot, actor=who, step_id=step_id, answers=list(answers))


def results(room, step_id):
    return room.database.read_sync(step_results, room.id, step_id)


def test_top_k_ranks_items_and_splits_belangrijkste_from_andere(room) -> None:
    step_id = new_step(room, "vote", scenario="afstemming")
    room.do(
        configure_step, actor=room.facilitator, step_id=step_id, config={"method": "topk", "k": 2}
    )
    a, b, c = room.items
    voters = [room.join() for _ in range(3)]
    vote(room, voters[0], step_id, Answer(str(b)), Answer(str(c)))
    vote(room, voters[1], step_id, Answer(str(b)))
    vote(room, voters[2], step_id, Answer(str(a)), Answer(str(b)))
    got = results(room, step_id)
    assert [(r["item"].id, r["score"], r["important"]) for r in got["items"]] == [
        (b, 3.0, True),
        (a, 1.0, False),
        (c, 1.0, False),
    ]
    room.do(configure_step, actor=room.facilitator, step_id=step_id, config={"cut": 2})
    # a and c tie at the cut (1 vote each): both are in, not one by board order
    assert [r["important"] for r in results(room, step_id)["items"]] == [True, True, True]


def test_changing_a_vote_replaces_it(room) -> None:
    step_id = new_step(room, "vote", scenario="afstemming")
    voter = room.join()
    a, b, _ = room.items
    vote(room, voter, step_id, Answer(str(a)))
    assert vote(room, voter, step_id, Answer(str(b))) == 1
    got = {r["item"].id: r["score"] for r in results(room, step_id)["items"]}
    assert (got[a], got[b]) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("config", "answers", "message"),
    [
        ({"method": "topk", "k": 1}, [Answer("{a}"), Answer("{b}")], "at most 1"),
        ({"method": "single"}, [Answer("{a}"), Answer("{b}")], "Pick one"),
        ({"method": "rating"}, [Answer("{a}", 6)], "from 1 to 5"),
        ({"method": "points", "budget": 5}, [Answer("{a}", 4), Answer("{b}", 2)], "5 points"),
        ({"method": "topk"}, [Answer("99999")], "not part of this vote"),
        ({"method": "topk"}, [Answer("{a}"), Answer("{a}")], "twice"),
    ],
)
def test_bad_ballots_change_nothing(room, config, answers, message) -> None:
    step_id = new_step(room, "vote", scenario="afstemming")
    room.do(configure_step, actor=room.facilitator, step_id=step_id, config=config)
    a, b, _ = room.items
    filled = [Answer(x.subject.format(a=a, b=b), x.value) for x in answers]
    before = room.database.read_sync(events_after, room.id, 0, 10_000)
    with pytest.raises(Invalid, match=message):
        vote(room, room.join(), step_id, *filled)
    assert room.database.read_sync(events_after, room.id, 0, 10_000)[: len(before)] == before
    assert results(room, step_id)["voters"] == 0


def test_an_item_of_another_scenario_is_not_in_the_vote(room) -> None:
    step_id = new_step(room, "vote", scenario="samenwerking")
    with pytest.raises(Invalid, match="not part of this vote"):
        vote(room, room.join(), step_id, Answer(str(room.items[0])))


def test_statements_per_segment_with_arguments(room) -> None:
    step_id = new_step(room, "statements", title="Stellingen")
    for sector, value in [
        ("PO", 5),
        ("PO", 4),
        ("PO", 5),
        ("VO", 2),
        ("VO", 1),
        ("VO", 2),
        ("MBO", None),
    ][:6]:
        who = room.join(sector=sector)
        vote(
            room,
            who,
            step_id,
            Answer("s1", value, argument="Taal verbindt" if value == 5 else None),
        )
    [s1] = [s for s in results(room, step_id)["statements"] if s["key"] == "s1"]
    assert s1["overall"]["n"] == 6 and s1["overall"]["mean"] == 3.17
    assert s1["overall"]["flag"] == "divergent"
    assert s1["segments"]["sector"]["segments"]["PO"]["mean"] == 4.67
    assert s1["segments"]["sector"]["segments"]["VO"]["mean"] == 1.67
    assert s1["segments_differ"] == ["sector"]
    assert s1["arguments"] == ["Taal verbindt", "Taal verbindt"]


def test_no_opinion_and_scale_limits(room) -> None:
    step_id = new_step(room, "statements")
    vote(room, room.join(), step_id, Answer("s2", None))
    [s2] = [s for s in results(room, step_id)["statements"] if s["key"] == "s2"]
    assert (s2["overall"]["n"], s2["overall"]["no_opinion"]) == (0, 1)
    with pytest.raises(Invalid, match="from 1 to 5"):
        vote(room, room.join(), step_id, Answer("s2", 0))
    with pytest.raises(Invalid, match="not part of this vote"):
        vote(room, room.join(), step_id, Answer("s99", 3))


def test_one_statement_at_a_time(room) -> None:
    step_id = new_step(room, "statements")
    room.do(
        configure_step,
        actor=room.facilitator,
        step_id=step_id,
        config={"mode": "one", "current": "s3"},
    )
    voter = room.join()
    with pytest.raises(Invalid, match="not part of this vote"):
        vote(room, voter, step_id, Answer("s1", 3))
    vote(room, voter, step_id, Answer("s3", 3))


def test_a_closed_vote_accepts_nothing(room) -> None:
    step_id = new_step(room, "statements")
    voter = room.join()
    room.do(controls.set_locked, actor=room.facilitator, step_id=step_id, locked=True)
    with pytest.raises(Conflict, match="closed"):
        vote(room, voter, step_id, Answer("s1", 3))


def test_a_vote_not_on_screen_is_refused(room) -> None:
    step_id = new_step(room, "statements")
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    with pytest.raises(Conflict, match="not on your screen"):
        vote(room, room.join(), step_id, Answer("s1", 3))
    with pytest.raises(Forbidden):
        vote(room, room.facilitator, step_id, Answer("s1", 3))


def test_glossary_agrees_on_the_most_chosen_definition(room) -> None:
    step_id = new_step(room, "glossary")
    room.do(
        configure_step,
        actor=room.facilitator,
        step_id=step_id,
        config={"terms": ["schoolopleider"]},
    )
    alice, bob, carol = room.join(), room.join(), room.join()
    first = room.do(
        propose_definition,
        actor=alice,
        step_id=step_id,
        term="schoolopleider",
        text="Begeleidt studenten in de school",
    )
    second = room.do(
        propose_definition,
        actor=bob,
        step_id=step_id,
        term="schoolopleider",
        text="Coördineert het opleiden in de school",
    )
    for who, choice in ((alice, second), (bob, second), (carol, first)):
        vote(room, who, step_id, Answer("term:schoolopleider", choice=str(choice.id)))
    [term] = results(room, step_id)["terms"]
    assert term["agreed"]["text"] == "Coördineert het opleiden in de school"
    assert [d["votes"] for d in term["definitions"]] == [2, 1]
    with pytest.raises(Invalid, match="proposed definitions"):
        vote(room, alice, step_id, Answer("term:schoolopleider", choice="99999"))
    # A tie at the top agrees on nothing: the report must not name one as agreed.
    vote(room, room.join(), step_id, Answer("term:schoolopleider", choice=str(first.id)))
    [term] = results(room, step_id)["terms"]
    assert term["agreed"] is None
    assert [(d["text"], d["votes"]) for d in term["definitions"]] == [
        ("Begeleidt studenten in de school", 2),
        ("Coördineert het opleiden in de school", 2),
    ]


def test_preference_with_reasons(room) -> None:
    step_id = new_step(room, "preference")
    for choice in ("samenwerking", "samenwerking", "leerloopbaan"):
        vote(
            room,
            room.join(sector="PO"),
            step_id,
            Answer("preference", choice=choice, argument="Past bij ons"),
        )
    got = results(room, step_id)
    assert [(s["key"], s["votes"]) for s in got["scenarios"]] == [
        ("afstemming", 0),
        ("samenwerking", 2),
        ("leerloopbaan", 1),
    ]
    assert got["segments"]["sector"] == {"PO": {"samenwerking": 2, "leerloopbaan": 1}}
    assert len(got["reasons"]) == 3
    with pytest.raises(Invalid, match="Choose one scenario"):
        vote(room, room.join(), step_id, Answer("preference", choice="geen"))


def test_reveal_is_an_event(room) -> None:
    step_id = new_step(room, "statements")
    room.do(reveal_results, actor=room.facilitator, step_id=step_id, revealed=True)
    last = room.database.read_sync(events_after, room.id, 0, 10_000)[-1]
    assert (last.type, last.data) == ("results_revealed", {"step_id": step_id, "revealed": True})
    assert results(room, step_id)["revealed"] is True


def test_the_results_a_ballot_redraws_are_those_of_the_step_on_screen(room) -> None:
    step_id = new_step(room, "statements")
    room.do(
        configure_step,
        actor=room.facilitator,
        step_id=step_id,
        config={"mode": "one", "current": "s2"},
    )
    vote(room, room.join(), step_id, Answer("s2", value=4))
    shown = room.database.read_sync(shown_results, room.id, step_id)
    assert (shown.results["voters"], shown.subjects, shown.revealed) == (1, ["s2"], False)
    assert sees_results("console", revealed=False)
    assert not sees_results("projector", revealed=False) and sees_results(
        "projector", revealed=True
    )
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    assert room.database.read_sync(shown_results, room.id, step_id) is None  # no longer on screen
    assert room.database.read_sync(shown_results, room.id, room.brainstorm) is None  # not a vote


def test_the_options_and_the_screens_show_one_picture_of_a_glossary(room) -> None:
    step_id = new_step(room, "glossary")
    room.do(configure_step, actor=room.facilitator, step_id=step_id, config={"terms": ["rol"]})
    voter = room.join()
    proposed = room.do(propose_definition, actor=voter, step_id=step_id, term="rol", text="Taak")
    options = room.database.read_sync(vote_options, room.id, step_id)
    assert options["type"] == "glossary"
    assert options["definitions"] == [{"id": proposed.id, "term": "rol", "text": "Taak"}]
    viewer = Viewer("participant", voter.participant_id)
    shown = room.database.read_sync(snapshot, room.id, viewer).vote
    assert {k: shown[k] for k in options} == options


def test_a_step_that_asks_nothing_has_empty_options(room) -> None:
    options = room.database.read_sync(vote_options, room.id, room.brainstorm)
    assert options == {"type": "brainstorm", "config": {}, "subjects": []}
