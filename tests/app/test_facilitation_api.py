"""The facilitation API: what the facilitator may do, and every refusal."""

from __future__ import annotations

import pytest

from app.templating import gettext
from session_engine.sessions import untitled_step_title


@pytest.fixture
def room(api_room):
    room = api_room()
    room.brainstorm = room.step_id("brainstorm")
    room.activate(room.brainstorm)
    room.alice = room.join(sector="PO")
    return room


def post(room, who, text, category="voordelen"):
    response = room.post_item(
        who, client_id=text, step_id=room.brainstorm, category=category, text=text
    )
    assert response.status_code == 201, response.text
    return response.json()["item"]["id"]


def call(room, method, path, who=None, **kwargs):
    return room.client.request(
        method, f"/api/sessions/{room.id}{path}", headers=who or room.facilitator, **kwargs
    )


def test_agenda_routes(room) -> None:
    added = call(
        room, "POST", "/steps", json={"type": "converge", "scenario": "afstemming", "position": 2}
    )
    assert added.status_code == 201
    step_id = added.json()["id"]
    renamed = call(
        room, "PATCH", f"/steps/{step_id}", json={"title": "Samenvoegen", "skipped": True}
    )
    assert renamed.json()["title"] == "Samenvoegen"
    ids = [s["id"] for s in room.steps()]
    assert call(room, "PUT", "/agenda", json={"step_ids": ids[::-1]}).status_code == 200
    assert [s["id"] for s in room.steps()] == ids[::-1]
    assert call(room, "DELETE", f"/steps/{step_id}").status_code == 204
    template = call(room, "POST", "/templates", json={"name": "Kort"})
    assert template.status_code == 201
    assert [t["name"] for t in call(room, "GET", "/templates").json()] == ["Kort"]


def test_controls_routes(room) -> None:
    assert call(room, "PUT", f"/steps/{room.brainstorm}/locked", json={"value": True}).json()[
        "locked"
    ]
    late = room.post_item(
        room.alice, client_id="x", step_id=room.brainstorm, category="voordelen", text="x"
    )
    assert (late.status_code, late.json()["late"]) == (202, True)
    assert not call(room, "PUT", f"/steps/{room.brainstorm}/locked", json={"value": False}).json()[
        "locked"
    ]
    timer = call(
        room, "POST", f"/steps/{room.brainstorm}/timer", json={"action": "start", "seconds": 300}
    )
    assert timer.json()["timer"]["running"]
    bad = call(room, "POST", f"/steps/{room.brainstorm}/timer", json={"action": "explode"})
    assert bad.status_code == 422
    assert call(room, "PUT", f"/steps/{room.brainstorm}/blind", json={"value": True}).json()[
        "blind"
    ]


def test_blind_board_and_events_hide_others_text_from_participants(room) -> None:
    call(room, "PUT", f"/steps/{room.brainstorm}/blind", json={"value": True})
    bob = room.join()
    post(room, room.alice, "Geheim van Alice")
    post(room, bob, "Geheim van Bob")
    board = call(room, "GET", f"/steps/{room.brainstorm}/board", who=bob).json()
    assert [i["text"] for c in board["columns"].values() for i in c] == ["Geheim van Bob"]
    full = call(room, "GET", f"/steps/{room.brainstorm}/board").json()
    assert len(full["columns"]["voordelen"]) == 2


def test_item_routes(room) -> None:
    a = post(room, room.alice, "Goed te organiseren, elke school kan instappen")
    b = post(room, room.alice, "Elke school kan instappen: makkelijk te organiseren")
    suggestions = call(room, "GET", f"/steps/{room.brainstorm}/duplicates").json()
    assert suggestions[0]["item_ids"] == [a, b] and suggestions[0]["score"] >= 0.5
    assert call(room, "PATCH", f"/items/{a}", json={"starred": True}).status_code == 200
    assert call(room, "POST", f"/items/{a}/merge", json={"member_ids": [b]}).status_code == 200
    [item] = call(room, "GET", f"/steps/{room.brainstorm}/board").json()["columns"]["voordelen"]
    assert (item["mentions"], item["starred"]) == (2, True)
    assert [m["id"] for m in call(room, "POST", f"/items/{a}/split").json()] == [b]
    moved = call(room, "PATCH", f"/items/{b}", json={"category": "voorwaarden", "theme": "visie"})
    assert (moved.json()["category"], moved.json()["theme"]) == ("voorwaarden", "visie")
    assert call(room, "PUT", "/spotlight", json={"item_id": a}).json() == {"item_id": a}
    assert call(room, "DELETE", f"/items/{a}").status_code == 204
    assert call(room, "POST", f"/items/{a}/restore").status_code == 200


def test_reaction_and_table_routes(room) -> None:
    a = post(room, room.alice, "Leren van elkaar")
    bob = room.join()
    assert call(room, "PUT", f"/items/{a}/metoo", who=bob, json={"on": True}).json() == {
        "item_id": a,
        "metoo": 1,
    }
    own = call(room, "PUT", f"/items/{a}/metoo", who=room.alice, json={"on": True})
    assert own.status_code == 409
    assert own.json()["detail"] == "You wrote this item: “me too” is for other people's items."
    comment = call(
        room, "POST", f"/items/{a}/comments", who=bob, json={"client_id": "k", "text": "Ja!"}
    )
    assert comment.status_code == 201
    again = call(
        room, "POST", f"/items/{a}/comments", who=bob, json={"client_id": "k", "text": "Ja!"}
    )
    assert (again.status_code, again.json()["id"]) == (200, comment.json()["id"])
    tables = call(room, "POST", "/tables", json={"names": "Tafel 1\nTafel 2\n"})
    assert [t["name"] for t in tables.json()] == ["Tafel 1", "Tafel 2"]
    assert (
        call(room, "PUT", "/table", who=bob, json={"table_id": tables.json()[1]["id"]}).status_code
        == 200
    )
    listed = call(room, "GET", "/tables").json()
    assert [t["participants"] for t in listed] == [0, 1]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/steps", {"type": "info"}),
        ("PUT", "/agenda", {"step_ids": []}),
        ("PUT", "/steps/{step}/locked", {"value": True}),
        ("PUT", "/steps/{step}/blind", {"value": True}),
        ("POST", "/steps/{step}/timer", {"action": "start", "seconds": 60}),
        ("PATCH", "/items/{item}", {"text": "x"}),
        ("POST", "/items/{item}/merge", {"member_ids": [1]}),
        ("DELETE", "/items/{item}", None),
        ("PUT", "/spotlight", {"item_id": None}),
        ("POST", "/tables", {"names": ["T"]}),
        ("GET", "/steps/{step}/duplicates", None),
    ],
)
def test_a_participant_cannot_facilitate(room, method, path, body) -> None:
    item = post(room, room.alice, "Een punt")
    before = room.events()
    url = path.format(step=room.brainstorm, item=item)
    response = call(room, method, url, who=room.alice, json=body)
    assert response.status_code == 403, response.text
    assert room.events() == before


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PATCH", "/items/999999", {"text": "x"}, 404),
        ("POST", "/items/{item}/merge", {"member_ids": ["{item}"]}, 422),
        ("POST", "/steps/999999/activate", None, 404),
        ("POST", "/steps/{step}/activate", {"table_id": 999999}, 404),
        ("POST", "/items/{item}/restore", None, 409),
        ("POST", "/items/{item}/split", None, 409),
    ],
)
def test_bad_facilitator_requests_change_nothing(room, method, path, body, status) -> None:
    item = post(room, room.alice, "Een punt")
    before = room.events()
    url = path.format(step=room.brainstorm, item=item)
    if body and "member_ids" in body:
        body = {"member_ids": [item]}
    response = call(room, method, url, json=body)
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert room.events() == before


def board_texts(room) -> dict[str, list[tuple[str, bool]]]:
    columns = call(room, "GET", f"/steps/{room.brainstorm}/board").json()["columns"]
    return {k: [(i["text"], i["starred"]) for i in v] for k, v in columns.items() if v}


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        ("/items/{item}", {"text": "Nieuw", "category": "bogus"}, "Unknown category 'bogus'"),
        ("/items/{item}", {"text": "Nieuw", "starred": True, "theme": "bogus"}, "take no theme"),
        ("/items/{item}", {}, "Nothing to change: give text, category (and theme) or starred."),
        ("/steps/{step}", {"title": "Nieuw", "type": "bogus"}, "Unknown step type 'bogus'"),
        ("/steps/{step}", {"skipped": True, "scenario": None}, "needs a scenario"),
        ("/steps/{step}", {"title": "Nieuw", "skipped": None}, "skipped cannot be null"),
        ("/steps/{step}", {}, "Nothing to change: give at least one field of the step."),
    ],
)
def test_a_refused_patch_changes_nothing(room, path, body, detail) -> None:
    """One PATCH is one command: a refusal of any field (or of an empty PATCH) is a 422 that
    changes nothing and tells no one."""
    item = post(room, room.alice, "Oud")
    before, steps = room.events(), room.steps()
    response = call(room, "PATCH", path.format(item=item, step=room.brainstorm), json=body)
    assert response.status_code == 422, response.text
    assert detail in response.json()["detail"]
    assert (room.events(), room.steps()) == (before, steps)
    assert board_texts(room) == {"voordelen": [("Oud", False)]}


def test_a_patch_of_several_fields_is_one_event(room) -> None:
    item = post(room, room.alice, "Oud")
    seq = room.events()[-1]["seq"]
    body = {"text": "Nieuw", "category": "voorwaarden", "theme": "visie", "starred": True}
    moved = call(room, "PATCH", f"/items/{item}", json=body)
    assert (moved.status_code, moved.json()["text"], moved.json()["theme"]) == (
        200,
        "Nieuw",
        "visie",
    )
    [event] = room.events(after=seq)
    assert event["type"] == "item_moved"
    assert event["data"]["item"] == {
        "id": item,
        "step_id": room.brainstorm,
        "table_id": None,
        "category": "voorwaarden",
        "theme": "visie",
        "text": "Nieuw",
        "starred": True,
    }
    assert board_texts(room) == {"voorwaarden": [("Nieuw", True)]}
    edited = call(room, "PATCH", f"/items/{item}", json={"text": "Anders", "starred": False})
    assert edited.status_code == 200
    [event] = room.events(after=seq + 1)
    assert (event["type"], event["data"]["item"]["text"]) == ("item_edited", "Anders")
    step = call(room, "PATCH", f"/steps/{room.brainstorm}", json={"title": "Nu", "skipped": True})
    assert (step.status_code, step.json()["title"]) == (200, "Nu")
    [event] = room.events(after=seq + 2)
    assert (event["type"], event["data"]["title"], event["data"]["skipped"]) == (
        "step_updated",
        "Nu",
        True,
    )


def test_actions_on_a_deleted_item_are_refused(room) -> None:
    item = post(room, room.alice, "Weg ermee")
    call(room, "DELETE", f"/items/{item}")
    assert call(room, "PATCH", f"/items/{item}", json={"text": "x"}).status_code == 409
    assert (
        call(room, "PUT", f"/items/{item}/metoo", who=room.alice, json={"on": True}).status_code
        == 409
    )


def test_a_step_with_input_keeps_its_type(room) -> None:
    """Ballots, items or definitions only mean something in the type they were given in:
    once a step holds any, changing its type is refused (409), and the console and its
    results keep working."""
    from tests.app.test_pages import console_headers

    post(room, room.alice, "Herkenbare rollen")
    statements = room.step_id("statements")
    room.activate(statements)
    answer = call(
        room,
        "PUT",
        f"/steps/{statements}/ballot",
        who=room.alice,
        json={"answers": [{"subject": "s1", "value": 4}]},
    )
    assert answer.status_code == 200
    refused = call(room, "PATCH", f"/steps/{statements}", json={"type": "vote"})
    assert (refused.status_code, refused.json()["detail"]) == (
        409,
        "This step already holds contributions or votes: its type cannot change any more. "
        "Add a new step of the other type instead.",
    )
    headers = console_headers(room.client, room)
    dutch = call(
        room,
        "PATCH",
        f"/steps/{statements}",
        who={**headers, "X-VK-Lang": "nl"},
        json={"type": "vote"},
    )
    assert dutch.status_code == 409 and "kan niet meer veranderen" in dutch.json()["detail"]
    assert [s["type"] for s in room.steps() if s["id"] == statements] == ["statements"]
    assert call(room, "GET", f"/steps/{statements}/results").status_code == 200
    assert room.client.get(f"/console/{room.id}").status_code == 200
    moved = call(room, "PATCH", f"/steps/{room.brainstorm}", json={"type": "converge"})
    assert moved.status_code == 409
    empty = call(room, "POST", "/steps", json={"type": "info", "title": "Pauze"}).json()["id"]
    retyped = call(room, "PATCH", f"/steps/{empty}", json={"type": "break"})
    assert (retyped.status_code, retyped.json()["type"]) == (200, "break")


def test_an_untitled_step_is_named_in_the_language_asked_for_else_the_sessions(room) -> None:
    """An API client gets what the console gets for the same request: the step type as the
    agenda labels it, in X-VK-Lang, else in the session's language (Dutch), never "glossary"."""
    english = {**room.facilitator, "X-VK-Lang": "en"}
    asked = call(room, "POST", "/steps", who=english, json={"type": "glossary"}).json()
    assert asked["title"] == untitled_step_title("glossary", None, "en", gettext) == "Glossary"
    plain = call(room, "POST", "/steps", json={"type": "glossary", "title": " "}).json()
    assert plain["title"] == "Begrippenlijst"


def test_a_step_after_the_current_one_and_the_undo_of_one_merge(room) -> None:
    """The console's two shortcuts, through the API they call: `after_current` places a step
    right after the step on the screens; split with `member_ids` takes back one merge."""
    added = call(room, "POST", "/steps", json={"type": "converge", "scenario": "afstemming"})
    after = call(
        room,
        "POST",
        "/steps",
        json={"type": "converge", "scenario": "afstemming", "after_current": True},
    )
    assert after.status_code == 201, after.text
    ids = [s["id"] for s in room.steps()]
    assert ids.index(after.json()["id"]) == ids.index(room.brainstorm) + 1
    assert ids[-1] == added.json()["id"]
    both = call(room, "POST", "/steps", json={"type": "info", "position": 0, "after_current": True})
    assert both.status_code == 422 and "not both" in both.json()["detail"]
    a = post(room, room.alice, "Goed te organiseren")
    b = post(room, room.alice, "Makkelijk te organiseren")
    c = post(room, room.alice, "Elke school kan instappen")
    for member in (b, c):
        assert call(room, "POST", f"/items/{a}/merge", json={"member_ids": [member]}).is_success
    undone = call(room, "POST", f"/items/{a}/split", json={"member_ids": [c]})
    assert [m["id"] for m in undone.json()] == [c]
    [first, second] = call(room, "GET", f"/steps/{room.brainstorm}/board").json()["columns"][
        "voordelen"
    ]
    assert (first["id"], first["mentions"], second["id"]) == (a, 2, c)
    wrong = call(room, "POST", f"/items/{a}/split", json={"member_ids": [a]})
    assert wrong.status_code == 422
