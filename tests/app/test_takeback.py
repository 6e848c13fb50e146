"""Taking back over the API: a participant's own item (withdraw, reword) and ballot; other
participants get 404 (a refusal never tells who wrote what), the projector and the
facilitator 403; every screen follows by the usual events; rate limited like other writes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.app.test_ratelimit import assert_refused, flood, limited, room_in  # noqa: F401


@pytest.fixture
def room(api_room):
    room = api_room()
    room.brainstorm = room.step_id("brainstorm")
    room.activate(room.brainstorm)
    room.alice = room.join()
    room.bob = room.join()
    return room


def post(room, who, text):
    response = room.post_item(
        who, client_id=text, step_id=room.brainstorm, category="voordelen", text=text
    )
    assert response.status_code == 201, response.text
    return response.json()["item"]["id"]


def call(room, method, path, who, **kwargs):
    return room.client.request(method, f"/api/sessions/{room.id}{path}", headers=who, **kwargs)


def board(room):
    found = call(room, "GET", f"/steps/{room.brainstorm}/board", room.facilitator).json()
    return [i["text"] for column in found["columns"].values() for i in column]


def test_a_participant_withdraws_their_own_item(room) -> None:
    item_id = post(room, room.alice, "Mijn woorden")
    post(room, room.bob, "Bobs woorden")
    answer = call(room, "DELETE", f"/own-items/{item_id}", room.alice)
    assert answer.status_code == 204
    assert board(room) == ["Bobs woorden"]
    last = room.events()[-1]
    assert (last["type"], last["data"]) == (
        "item_deleted",
        {"item_id": item_id, "step_id": room.brainstorm},
    )
    assert "Mijn woorden" not in str(room.events())
    again = call(room, "DELETE", f"/own-items/{item_id}", room.alice)
    assert again.status_code == 404


def test_a_participant_rewords_their_own_item(room) -> None:
    item_id = post(room, room.alice, "Eerste versie")
    answer = call(room, "PATCH", f"/own-items/{item_id}", room.alice, json={"text": "Tweede"})
    assert answer.status_code == 200
    assert answer.json()["text"] == "Tweede"
    assert room.events()[-1]["type"] == "item_edited"
    assert board(room) == ["Tweede"]
    empty = call(room, "PATCH", f"/own-items/{item_id}", room.alice, json={"text": "  "})
    assert empty.status_code == 422
    assert board(room) == ["Tweede"]


def test_others_are_refused_and_nothing_changes(room) -> None:
    item_id = post(room, room.alice, "Van Alice")
    seq = room.events()[-1]["seq"]
    projector = {"Authorization": f"Bearer {room.data['projector_key']}"}
    for who, status in ((room.bob, 404), (projector, 403), (room.facilitator, 403)):
        assert call(room, "DELETE", f"/own-items/{item_id}", who).status_code == status
        edit = call(room, "PATCH", f"/own-items/{item_id}", who, json={"text": "Overgenomen"})
        assert edit.status_code == status
    assert call(room, "DELETE", "/own-items/999999", room.alice).status_code == 404
    assert board(room) == ["Van Alice"]
    assert room.events()[-1]["seq"] == seq


def test_a_locked_step_refuses_taking_back(room) -> None:
    item_id = post(room, room.alice, "Vast")
    locked = call(
        room, "PUT", f"/steps/{room.brainstorm}/locked", room.facilitator, json={"value": True}
    )
    assert locked.status_code == 200
    answer = call(room, "DELETE", f"/own-items/{item_id}", room.alice)
    assert answer.status_code == 409
    assert "locked" in answer.json()["detail"]
    assert board(room) == ["Vast"]


def test_a_participant_withdraws_their_ballot(room) -> None:
    item_id = post(room, room.alice, "Stemwaardig")
    step = call(
        room, "POST", "/steps", room.facilitator, json={"type": "vote", "scenario": "afstemming"}
    ).json()["id"]
    room.activate(step)
    for who in (room.alice, room.bob):
        cast = call(
            room, "PUT", f"/steps/{step}/ballot", who, json={"answers": [{"subject": str(item_id)}]}
        )
        assert cast.status_code == 200
    answer = call(room, "DELETE", f"/steps/{step}/ballot", room.bob)
    assert (answer.status_code, answer.json()) == (200, {"voters": 1})
    assert call(room, "GET", f"/steps/{step}/ballot", room.bob).json() == []
    assert room.events()[-1]["data"] == {"step_id": step, "voters": 1}
    projector = {"Authorization": f"Bearer {room.data['projector_key']}"}
    for who in (projector, room.facilitator):
        assert call(room, "DELETE", f"/steps/{step}/ballot", who).status_code == 403
    results = call(room, "GET", f"/steps/{step}/results", room.facilitator).json()
    assert results["voters"] == 1


def test_taking_back_is_rate_limited_like_other_writes(limited: TestClient) -> None:  # noqa: F811
    room = room_in(limited)
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    mallory = room.join()
    item_id = room.post_item(
        mallory, client_id="i", step_id=step_id, category="voordelen", text="Eerste"
    ).json()["item"]["id"]
    edits = [{"text": f"Versie {n}"} for n in range(6)]
    assert_refused(flood(room, mallory, "PATCH", f"/own-items/{item_id}", edits), 3)
    assert [e["type"] for e in room.events()].count("item_edited") == 3
    vote = limited.post(
        f"/api/sessions/{room.id}/steps",
        json={"type": "vote", "scenario": "afstemming"},
        headers=room.facilitator,
    ).json()["id"]
    room.activate(vote)
    assert_refused(flood(room, mallory, "DELETE", f"/steps/{vote}/ballot", [None] * 6), 3)
