"""Features built apart, tried together: taking back, late items, closing, retention, pooling
decisions, vote columns and blind rounds."""

from __future__ import annotations

import json

import pytest

from session_engine import curation, reactions
from session_engine.agenda import activate_step
from session_engine.takeback import withdraw_item
from tests.engine.test_facilitation import add
from tests.engine.test_takeback import log_text


@pytest.fixture
def room(make_room):
    room = make_room()
    room.brainstorm = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    room.author = room.join()
    room.other = room.join()
    return room


def test_a_withdrawn_item_once_merged_and_split_leaves_no_words_in_the_log(room) -> None:
    lead = add(room, room.other, "Het rooster klopt niet")
    mine = add(room, room.author, "Mijn geheime zorg over roosters")
    room.do(curation.merge_items, actor=room.facilitator, target_id=lead, member_ids=[mine])
    room.do(curation.split_item, actor=room.facilitator, item_id=lead)
    room.do(withdraw_item, actor=room.author, item_id=mine)
    assert "Mijn geheime zorg" not in log_text(room)


def test_comments_deleted_with_a_withdrawn_item_leave_no_words_in_the_log(room) -> None:
    mine = add(room, room.author, "Mijn item")
    room.do(
        reactions.add_comment,
        actor=room.other,
        item_id=mine,
        client_id="c1",
        text="Een opmerking bij dit item",
    )
    room.do(withdraw_item, actor=room.author, item_id=mine)
    assert "Een opmerking bij dit item" not in log_text(room)
