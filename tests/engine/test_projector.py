"""The engine's part in the projector: a pass the facilitator hands out for it, and the
facilitator's choice of its join panel per step."""

from __future__ import annotations

import pytest

from session_engine.actors import Actor
from session_engine.controls import set_join_panel
from session_engine.errors import Forbidden
from session_engine.sessions import authenticate, get_step, projector_pass, rotate_keys
from session_engine.store.events import events_after


def test_the_projector_pass_is_a_projector_and_ends_with_the_keys(make_room) -> None:
    room = make_room()
    issued = room.database.read_sync(projector_pass, actor=room.facilitator)
    assert issued not in (room.created.facilitator_key, room.created.projector_key)
    actor = room.database.read_sync(authenticate, session_id=room.id, token=issued)
    assert actor == Actor("projector", room.id)
    room.database.write_sync(rotate_keys, session_id=room.id)
    with pytest.raises(Forbidden):
        room.database.read_sync(authenticate, session_id=room.id, token=issued)


def test_only_the_facilitator_gets_a_projector_pass(make_room) -> None:
    room = make_room()
    for actor in (room.join(), Actor("projector", room.id)):
        with pytest.raises(Forbidden):
            room.database.read_sync(projector_pass, actor=actor)


def test_the_join_panel_choice_is_stored_and_recorded(make_room) -> None:
    room = make_room()
    step_id = room.step_id("brainstorm")
    assert room.database.read_sync(get_step, room.id, step_id).join_panel is None
    room.database.write_sync(set_join_panel, actor=room.facilitator, step_id=step_id, shown=False)
    assert room.database.read_sync(get_step, room.id, step_id).join_panel is False
    last = room.database.read_sync(events_after, room.id, 0)[-1]
    assert (last.type, last.data) == ("join_panel_changed", {"step_id": step_id, "shown": False})
    with pytest.raises(Forbidden):
        room.database.write_sync(set_join_panel, actor=room.join(), step_id=step_id, shown=True)
    assert room.database.read_sync(get_step, room.id, step_id).join_panel is False
