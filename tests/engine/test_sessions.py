from __future__ import annotations

import re

import pytest

from session_engine.actors import Actor, hash_secret
from session_engine.agenda import activate_step
from session_engine.errors import Forbidden, Invalid, NotFound
from session_engine.joining import join_session
from session_engine.models import Session
from session_engine.sessions import (
    CODE_ALPHABET,
    agenda,
    authenticate,
    rotate_keys,
    session_by_code,
)
from session_engine.store.events import events_after


def test_create_session_has_the_default_agenda_and_secrets(make_room) -> None:
    room = make_room("Zwolle")
    steps = room.database.read_sync(agenda, room.id)
    assert [(s.type, s.title) for s in steps] == [
        ("info", "Welkom"),
        *[
            (type_, title.format(n=n, name=name))
            for n, name in enumerate(("Afstemming", "Samenwerking", "Leerloopbaan"), start=1)
            for type_, title in (
                ("brainstorm", "Scenario {n}: {name}"),
                ("converge", "Scenario {n}: bundelen"),
                ("vote", "Scenario {n}: belangrijkste punten"),
            )
        ],
        ("statements", "Stellingen"),
        ("glossary", "Begrippen"),
        ("preference", "Voorkeursscenario"),
    ]
    session: Session = room.created.session
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", session.code)
    # Keys are at least 128 bits and stored only as hashes.
    assert len(room.created.facilitator_key) >= 32
    assert session.facilitator_key_hash == hash_secret(room.created.facilitator_key)
    assert room.created.facilitator_key not in session.facilitator_key_hash
    events = room.database.read_sync(events_after, room.id, 0)
    assert [(e.seq, e.type) for e in events] == [(1, "session_created")]


def test_join_with_a_profile_and_count(make_room) -> None:
    room = make_room()
    room.join(sector="PO", role="schoolopleider")
    room.join()
    events = room.database.read_sync(events_after, room.id, 1)
    assert [(e.seq, e.type, e.data) for e in events] == [
        (2, "participant_joined", {"participants": 1, "tables": {}}),
        (3, "participant_joined", {"participants": 2, "tables": {}}),
    ]


def test_join_accepts_code_typed_loosely(make_room) -> None:
    room = make_room()
    code = room.created.session.code
    joined = room.do(join_session, code=f" {code[:3].lower()} {code[3:].lower()} ", profile={})
    assert joined.session_id == room.id


@pytest.mark.parametrize(
    ("code", "profile", "error", "message"),
    [
        ("ZZZZZZ", {}, NotFound, "No session with this join code"),
        (None, {"shoe_size": "42"}, Invalid, "Unknown profile field 'shoe_size'"),
        (None, {"sector": "MBO"}, Invalid, "Unknown option 'MBO' for 'sector'"),
    ],
)
def test_join_refusals_change_nothing(make_room, code, profile, error, message) -> None:
    room = make_room()
    with pytest.raises(error, match=message):
        room.do(join_session, code=code or room.created.session.code, profile=profile)
    assert room.database.read_sync(events_after, room.id, 1) == []


def test_authenticate_roles(make_room) -> None:
    room, other = make_room("Zwolle"), make_room("Eindhoven")
    joined = room.do(join_session, code=room.created.session.code, profile={})
    read = room.database.read_sync
    assert (
        read(authenticate, session_id=room.id, token=room.created.facilitator_key).role
        == "facilitator"
    )
    assert (
        read(authenticate, session_id=room.id, token=room.created.projector_key).role == "projector"
    )
    assert read(authenticate, session_id=room.id, token=joined.token) == Actor(
        "participant", room.id, joined.participant_id
    )
    with pytest.raises(Forbidden):
        read(authenticate, session_id=other.id, token=joined.token)
    with pytest.raises(Forbidden):
        read(authenticate, session_id=other.id, token=room.created.facilitator_key)
    with pytest.raises(NotFound):
        read(authenticate, session_id="nope", token=joined.token)


def test_rotated_keys_replace_the_old_ones(make_room) -> None:
    room = make_room()
    fresh = room.do(rotate_keys, session_id=room.id)
    with pytest.raises(Forbidden):
        room.database.read_sync(
            authenticate, session_id=room.id, token=room.created.facilitator_key
        )
    actor = room.database.read_sync(authenticate, session_id=room.id, token=fresh.facilitator_key)
    assert actor.role == "facilitator"


def test_activate_step_is_an_event(make_room) -> None:
    room = make_room()
    step_id = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step_id)
    [event] = room.database.read_sync(events_after, room.id, 1)
    assert (event.seq, event.type) == (2, "step_activated")
    assert event.data["step_id"] == step_id
    assert event.data["scenario"] == "afstemming"


def test_activate_refusals(make_room) -> None:
    room, other = make_room("Zwolle"), make_room("Utrecht")
    participant = room.join()
    with pytest.raises(Forbidden, match="Only the facilitator"):
        room.do(activate_step, actor=participant, step_id=room.step_id("brainstorm"))
    with pytest.raises(NotFound, match="No step"):
        room.do(activate_step, actor=room.facilitator, step_id=other.step_id("brainstorm"))
    with pytest.raises(NotFound):
        room.do(activate_step, actor=room.facilitator, step_id=999_999)
    assert [e.type for e in room.database.read_sync(events_after, room.id, 0)] == [
        "session_created",
        "participant_joined",
    ]


def test_a_join_code_finds_its_session_as_typed(make_room) -> None:
    room = make_room()
    code = room.created.session.code
    typed = f" {code[:3].lower()}-{code[3:]} "
    assert room.database.read_sync(session_by_code, typed).id == room.id
    assert room.database.read_sync(session_by_code, "ZZZZZZZ") is None
