from __future__ import annotations

import pytest

from session_engine.access import set_joining
from session_engine.actors import ORGANISER, Actor, require_report_access
from session_engine.agenda import saved_templates
from session_engine.errors import Forbidden
from session_engine.store.events import events_after
from session_engine.views import duplicates_board, visible_board, visible_results
from session_engine.visibility import ROOM, Reader, reader_for
from session_engine.votes import own_answers


def test_facilitator_closes_and_reopens_joining(make_room) -> None:
    room = make_room()
    assert room.do(set_joining, session_id=room.id, open_for_joining=False, actor=room.facilitator)
    with pytest.raises(Forbidden, match="closed to new participants"):
        room.join()
    assert room.do(set_joining, session_id=room.id, open_for_joining=True, actor=ORGANISER)
    room.join()
    events = room.database.read_sync(events_after, room.id, 0)
    assert [(e.type, e.data) for e in events[1:]] == [
        ("joining_changed", {"open": False}),
        ("joining_changed", {"open": True}),
        ("participant_joined", {"participants": 1, "tables": {}}),
    ]


def test_asking_for_the_current_state_records_nothing(make_room) -> None:
    room = make_room()
    assert not room.do(set_joining, session_id=room.id, open_for_joining=True, actor=ORGANISER)
    assert [e.type for e in room.database.read_sync(events_after, room.id, 0)] == [
        "session_created"
    ]


def test_a_participant_cannot_close_joining(make_room) -> None:
    room = make_room()
    participant = room.join()
    with pytest.raises(Forbidden):
        room.do(set_joining, session_id=room.id, open_for_joining=False, actor=participant)
    room.join()  # still open


def test_a_facilitator_acts_only_on_their_own_session(make_room) -> None:
    room, other = make_room("Zwolle"), make_room("Utrecht")
    room.do(set_joining, session_id=other.id, open_for_joining=False, actor=room.facilitator)
    other.join()  # the other session stays open: the actor's session is the one closed
    with pytest.raises(Forbidden):
        room.join()


def test_the_organiser_is_named_not_implied(make_room) -> None:
    """Authority is an explicit actor: a missing one (None) is not the organiser."""
    room = make_room()
    with pytest.raises(AttributeError):
        room.do(set_joining, session_id=room.id, open_for_joining=False, actor=None)
    room.join()  # still open


def test_who_may_read_what_is_decided_by_the_engine(make_room) -> None:
    room = make_room()
    participant, projector = room.join(), Actor("projector", room.id)
    brainstorm, statements = room.step_id("brainstorm"), room.step_id("statements")
    read = room.database.read_sync
    refusals = [
        (saved_templates, {"actor": participant}, "Only the facilitator"),
        (duplicates_board, {"actor": projector, "step_id": brainstorm}, "Only the facilitator"),
        (own_answers, {"actor": room.facilitator, "step_id": statements}, "have a ballot"),
        (visible_results, {"actor": participant, "step_id": statements}, "hidden until"),
        (visible_results, {"actor": projector, "step_id": statements}, "hidden until"),
    ]
    for query, kwargs, message in refusals:
        with pytest.raises(Forbidden, match=message):
            read(query, **kwargs)
    assert read(own_answers, actor=participant, step_id=statements) == []
    assert read(saved_templates, actor=room.facilitator) == []
    assert read(visible_results, actor=room.facilitator, step_id=statements).step_id == statements
    assert read(duplicates_board, actor=room.facilitator, step_id=brainstorm).items() == []


def test_a_participant_sees_their_own_table_whatever_table_they_ask_for(make_room) -> None:
    room = make_room()
    brainstorm = room.step_id("brainstorm")
    participant = room.join()
    board = room.database.read_sync(
        visible_board, actor=participant, step_id=brainstorm, table_id=12345
    )
    assert board.step_id == brainstorm and board.items() == []


def test_only_the_facilitator_of_a_session_reads_its_report_besides_the_organiser() -> None:
    require_report_access(Actor("facilitator", "s"))
    for role in ("participant", "projector"):
        with pytest.raises(Forbidden, match="Only the organiser and the session's facilitator"):
            require_report_access(Actor(role, "s", 1 if role == "participant" else None))


def test_a_credential_reads_as_its_role() -> None:
    assert reader_for("facilitator").reads_hidden
    assert reader_for("participant", 7) == Reader("participant", 7)
    assert reader_for("projector") == reader_for("json") == ROOM
