from __future__ import annotations

import pytest

from session_engine.agenda import activate_step
from session_engine.errors import Conflict, Forbidden, Invalid
from session_engine.items import MAX_TEXT, add_item, board
from session_engine.store.events import events_after


@pytest.fixture
def brainstorm(make_room):
    room = make_room()
    step_id = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step_id)
    return room, step_id


def test_add_item_records_an_event_without_the_author(brainstorm) -> None:
    room, step_id = brainstorm
    author = room.join(sector="VO")
    added = room.do(
        add_item,
        actor=author,
        client_id="c1",
        step_id=step_id,
        category="voordelen",
        text="  Goed te organiseren, elke school kan instappen  ",
    )
    assert added.created
    [event] = room.database.read_sync(events_after, room.id, added.seq - 1)
    assert event.type == "item_added"
    assert event.data == {
        "item": {
            "id": added.item.id,
            "step_id": step_id,
            "table_id": None,
            "category": "voordelen",
            "theme": None,
            "text": "Goed te organiseren, elke school kan instappen",
        },
        "column_count": 1,
        "total_count": 1,
    }
    assert "participant" not in event.wire


def test_retry_with_the_same_client_id_stores_once(brainstorm) -> None:
    room, step_id = brainstorm
    author = room.join()
    first = room.do(
        add_item, actor=author, client_id="c1", step_id=step_id, category="nadelen", text="Traag"
    )
    again = room.do(
        add_item, actor=author, client_id="c1", step_id=step_id, category="nadelen", text="Traag"
    )
    assert (again.created, again.item.id, again.seq) == (False, first.item.id, first.seq)
    # Another participant may use the same client id: ids are per participant.
    other = room.join()
    theirs = room.do(
        add_item, actor=other, client_id="c1", step_id=step_id, category="nadelen", text="Duur"
    )
    assert theirs.created
    items = room.database.read_sync(board, session_id=room.id, step_id=step_id)
    assert [i.text for i in items.columns["nadelen"]] == ["Traag", "Duur"]


def test_a_condition_carries_a_theme(brainstorm) -> None:
    room, step_id = brainstorm
    author = room.join()
    added = room.do(
        add_item,
        actor=author,
        client_id="c",
        step_id=step_id,
        category="voorwaarden",
        theme="hr_beleid",
        text="Nascholing verplicht stellen",
    )
    assert added.item.theme == "hr_beleid"


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"text": "   "}, Invalid, "The text is empty"),
        ({"text": "x" * (MAX_TEXT + 1)}, Invalid, "too long"),
        ({"category": "kansen"}, Invalid, "Unknown category 'kansen'"),
        ({"category": "voorwaarden"}, Invalid, "needs a theme"),
        ({"category": "voorwaarden", "theme": "geld"}, Invalid, "Unknown theme 'geld'"),
        ({"theme": "visie"}, Invalid, "take no theme"),
        ({"client_id": ""}, Invalid, "client_id"),
    ],
)
def test_bad_items_are_refused_and_change_nothing(brainstorm, changes, error, message) -> None:
    room, step_id = brainstorm
    author = room.join()
    before = room.database.read_sync(events_after, room.id, 0)
    fields = {
        "client_id": "c",
        "step_id": step_id,
        "category": "voordelen",
        "text": "ok",
        **changes,
    }
    with pytest.raises(error, match=message):
        room.do(add_item, actor=author, **fields)
    assert room.database.read_sync(events_after, room.id, 0) == before


def test_items_go_only_to_the_active_brainstorm(brainstorm) -> None:
    """An item for another brainstorm step is kept as late (off its board, tests/engine/
    test_late.py); a step that takes no items refuses it."""
    room, _step_id = brainstorm
    author = room.join()
    other_step = room.step_id("brainstorm", 1)
    elsewhere = room.do(
        add_item, actor=author, client_id="c", step_id=other_step, category="voordelen", text="x"
    )
    assert elsewhere.late
    assert room.database.read_sync(board, session_id=room.id, step_id=other_step).items() == []
    info = room.step_id("info")
    room.do(activate_step, actor=room.facilitator, step_id=info)
    with pytest.raises(Conflict, match="takes no items"):
        room.do(add_item, actor=author, client_id="d", step_id=info, category="voordelen", text="x")


def test_only_participants_add_items(brainstorm) -> None:
    room, step_id = brainstorm
    with pytest.raises(Forbidden):
        room.do(
            add_item,
            actor=room.facilitator,
            client_id="c",
            step_id=step_id,
            category="voordelen",
            text="x",
        )


def test_content_loaded_again_reaches_add_item_at_once(brainstorm, content) -> None:
    """Validated content is cached by its hash: new YAML gives a new hash, never stale rules."""
    from session_engine.content import Content
    from session_engine.programmes import load_programme

    room, step_id = brainstorm
    author = room.join()
    item = {"actor": author, "step_id": step_id, "category": "risicos", "text": "Te weinig tijd"}
    with pytest.raises(Invalid, match="Unknown category 'risicos'"):
        room.do(add_item, client_id="r1", **item)
    data = content.model_dump(mode="json")
    data["scenarios_file"]["categories"].append({"key": "risicos", "label": "Risico's"})
    programme = room.do(load_programme, content=Content.model_validate(data))
    assert programme.content_hash != ""
    added = room.do(add_item, client_id="r2", **item)
    assert (added.created, added.item.category) == (True, "risicos")
    room.do(load_programme, content=content)  # and back: the category is refused again
    with pytest.raises(Invalid, match="Unknown category 'risicos'"):
        room.do(add_item, client_id="r3", **item)
