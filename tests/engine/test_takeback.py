"""A participant takes back what they wrote: their own item (withdrawn or reworded) and their
ballot, while the step is open; nobody else's, and the words leave the event log."""

from __future__ import annotations

import json

import pytest

from session_engine import controls, curation, reactions
from session_engine.agenda import activate_step, add_step
from session_engine.errors import Conflict, Forbidden, NotFound
from session_engine.items import board
from session_engine.results import step_results
from session_engine.store.events import events_after
from session_engine.takeback import edit_own_item, withdraw_ballot, withdraw_item
from session_engine.votes import Answer, cast_ballot, configure_step
from tests.engine.test_facilitation import add


@pytest.fixture
def room(make_room):
    room = make_room()
    room.brainstorm = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    room.author = room.join()
    room.other = room.join()
    return room


def board_texts(room) -> list[str]:
    found = room.database.read_sync(board, session_id=room.id, step_id=room.brainstorm)
    return [i.text for column in found.columns.values() for i in column]


def log(room) -> list:
    return room.database.read_sync(events_after, room.id, 0, 100_000)


def log_text(room) -> str:
    return json.dumps([e.as_dict() for e in log(room)], ensure_ascii=False)


def test_an_author_withdraws_their_item_and_its_words_leave_the_log(room) -> None:
    item_id = add(room, room.author, "Mijn eigen zorg over roosters")
    add(room, room.other, "Iets anders")
    room.do(reactions.set_metoo, actor=room.other, item_id=item_id, on=True)
    room.do(withdraw_item, actor=room.author, item_id=item_id)
    last = log(room)[-1]
    assert (last.type, last.data) == (
        "item_deleted",
        {"item_id": item_id, "step_id": room.brainstorm},
    )
    assert board_texts(room) == ["Iets anders"]
    assert "Mijn eigen zorg" not in log_text(room)
    added = [e for e in log(room) if e.type == "item_added"]
    assert added[0].data["item"] == {
        "id": item_id,
        "step_id": room.brainstorm,
        "table_id": None,
        "category": "voordelen",
        "theme": None,
    }
    assert added[1].data["item"]["text"] == "Iets anders"  # others' words stay
    with pytest.raises(NotFound):  # not in the facilitator's bin: it is gone
        room.do(curation.restore_item, actor=room.facilitator, item_id=item_id)
    assert room.database.read_sync(curation.deleted_items, room.id) == []


def test_nobody_else_takes_an_item_back(room) -> None:
    item_id = add(room, room.author, "Van mij")
    with pytest.raises(NotFound):  # not "forbidden": a refusal must not tell who wrote it
        room.do(withdraw_item, actor=room.other, item_id=item_id)
    with pytest.raises(NotFound):
        room.do(edit_own_item, actor=room.other, item_id=item_id, text="Van jou")
    projector = room.facilitator.__class__("projector", room.id)
    for actor in (room.facilitator, projector):
        with pytest.raises(Forbidden):
            room.do(withdraw_item, actor=actor, item_id=item_id)
        with pytest.raises(Forbidden):
            room.do(edit_own_item, actor=actor, item_id=item_id, text="x")
    assert board_texts(room) == ["Van mij"]


def test_an_author_rewords_their_item_until_someone_reacts(room) -> None:
    item_id = add(room, room.author, "Eerste woorden")
    room.do(edit_own_item, actor=room.author, item_id=item_id, text="  Betere woorden ")
    last = log(room)[-1]
    assert last.type == "item_edited"
    assert last.data["item"]["text"] == "Betere woorden"
    assert board_texts(room) == ["Betere woorden"]
    assert "Eerste woorden" not in log_text(room)
    room.do(reactions.set_metoo, actor=room.other, item_id=item_id, on=True)
    with pytest.raises(Conflict, match="reacted"):
        room.do(edit_own_item, actor=room.author, item_id=item_id, text="Weer anders")
    assert board_texts(room) == ["Betere woorden"]
    room.do(withdraw_item, actor=room.author, item_id=item_id)  # withdrawing still may
    assert board_texts(room) == []


def test_no_take_back_once_the_step_closed_or_moved_on(room) -> None:
    item_id = add(room, room.author, "Op tijd")
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=True)
    with pytest.raises(Conflict, match="locked"):
        room.do(withdraw_item, actor=room.author, item_id=item_id)
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=False)
    room.do(activate_step, actor=room.facilitator, step_id=room.step_id("info"))
    with pytest.raises(Conflict, match="not on your screen"):
        room.do(edit_own_item, actor=room.author, item_id=item_id, text="Later")
    assert board_texts(room) == ["Op tijd"]


def test_a_merged_item_is_no_longer_its_authors_alone(room) -> None:
    mine = add(room, room.author, "Rollen zijn helder")
    theirs = add(room, room.other, "Heldere rollen")
    room.do(curation.merge_items, actor=room.facilitator, target_id=theirs, member_ids=[mine])
    for who, item_id in ((room.author, mine), (room.other, theirs)):
        with pytest.raises(Conflict, match="merged"):
            room.do(withdraw_item, actor=who, item_id=item_id)
    room.do(curation.split_item, actor=room.facilitator, item_id=theirs)
    room.do(withdraw_item, actor=room.author, item_id=mine)
    assert board_texts(room) == ["Heldere rollen"]


def test_an_item_someone_voted_on_stays(room) -> None:
    item_id = add(room, room.author, "Belangrijk punt")
    vote = room.do(
        add_step, actor=room.facilitator, fields={"type": "vote", "scenario": "afstemming"}
    )
    room.do(activate_step, actor=room.facilitator, step_id=vote.id)
    room.do(cast_ballot, actor=room.other, step_id=vote.id, answers=[Answer(str(item_id))])
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    with pytest.raises(Conflict, match="voted"):
        room.do(withdraw_item, actor=room.author, item_id=item_id)


def test_a_late_item_is_the_facilitators_to_decide(room) -> None:
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=True)
    item_id = add(room, room.author, "Te laat")
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=False)
    with pytest.raises(Conflict, match="late"):
        room.do(withdraw_item, actor=room.author, item_id=item_id)


def test_a_participant_withdraws_their_ballot_while_the_vote_is_open(room) -> None:
    items = [add(room, room.author, t) for t in ("Een", "Twee", "Drie")]
    vote = room.do(
        add_step, actor=room.facilitator, fields={"type": "vote", "scenario": "afstemming"}
    )
    room.do(activate_step, actor=room.facilitator, step_id=vote.id)
    room.do(configure_step, actor=room.facilitator, step_id=vote.id, config={"method": "topk"})
    for who in (room.author, room.other):
        room.do(cast_ballot, actor=who, step_id=vote.id, answers=[Answer(str(items[0]))])
    assert room.do(withdraw_ballot, actor=room.other, step_id=vote.id) == 1
    last = log(room)[-1]
    assert (last.type, last.data) == ("ballot_cast", {"step_id": vote.id, "voters": 1})
    result = room.database.read_sync(step_results, room.id, vote.id)
    assert result["voters"] == 1
    seq = log(room)[-1].seq
    assert room.do(withdraw_ballot, actor=room.other, step_id=vote.id) == 1  # nothing left
    assert log(room)[-1].seq == seq  # and no event
    for actor in (room.facilitator, room.facilitator.__class__("projector", room.id)):
        with pytest.raises(Forbidden):
            room.do(withdraw_ballot, actor=actor, step_id=vote.id)
    room.do(controls.set_locked, actor=room.facilitator, step_id=vote.id, locked=True)
    with pytest.raises(Conflict, match="closed"):
        room.do(withdraw_ballot, actor=room.author, step_id=vote.id)


def test_twenty_participants_each_take_one_of_sixty_items_back(make_room) -> None:
    room = make_room()
    room.brainstorm = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    people = [room.join() for _ in range(20)]
    written = {
        (n, k): add(room, who, f"Punt {k} van deelnemer {n}")
        for n, who in enumerate(people)
        for k in range(3)
    }
    for n, who in enumerate(people):
        room.do(withdraw_item, actor=who, item_id=written[(n, 1)])
    shown = board_texts(room)
    assert len(shown) == 40
    assert not [t for t in shown if t.startswith("Punt 1 ")]
    text = log_text(room)
    assert all(f'Punt 1 van deelnemer {n}"' not in text for n in range(20))
    assert all(f'Punt 0 van deelnemer {n}"' in text for n in range(20))


def test_words_revealed_after_a_blind_round_leave_the_log_too(room) -> None:
    room.do(controls.set_blind, actor=room.facilitator, step_id=room.brainstorm, blind=True)
    item_id = add(room, room.author, "Blind geschreven")
    add(room, room.other, "Ook blind")
    room.do(controls.set_blind, actor=room.facilitator, step_id=room.brainstorm, blind=False)
    reveal = log(room)[-1]
    assert "Blind geschreven" in json.dumps(reveal.data)
    room.do(edit_own_item, actor=room.author, item_id=item_id, text="Na de onthulling")
    assert "Blind geschreven" not in log_text(room)
    room.do(withdraw_item, actor=room.author, item_id=item_id)
    assert "Na de onthulling" not in log_text(room)
    assert "Ook blind" in json.dumps(log(room)[reveal.seq - 1].data)
    assert board_texts(room) == ["Ook blind"]
