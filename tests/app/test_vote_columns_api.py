"""The API of a vote over several columns: `categories` in the config next to `category`
(old clients keep working), per-column results, and starting a scenario's vote in one
request from its brainstorm."""

from __future__ import annotations

import pytest

from tests.app.test_voting_api import call

COLUMNS = ["voordelen", "nadelen", "voorwaarden"]


@pytest.fixture
def room(api_room):
    """The first brainstorm on the screens, with three items in each column."""
    room = api_room()
    room.brainstorm = room.step_id("brainstorm")
    room.activate(room.brainstorm)
    author, room.items = room.join(), {}
    for column in COLUMNS:
        room.items[column] = [
            room.post_item(
                author,
                client_id=f"{column}-{n}",
                step_id=room.brainstorm,
                category=column,
                theme="visie" if column == "voorwaarden" else None,
                text=f"{column} {n}",
            ).json()["item"]["id"]
            for n in range(3)
        ]
    return room


def new_vote(room) -> int:
    body = {"type": "vote", "scenario": "afstemming"}
    return call(room, "POST", "/steps", json=body).json()["id"]


def configure(room, step: int, config: dict):
    return call(room, "PUT", f"/steps/{step}/config", json={"config": config})


def test_configure_with_categories_returns_both_fields(room) -> None:
    step = new_vote(room)
    assert configure(room, step, {"categories": ["nadelen", "voorwaarden"]}).status_code == 200
    config = call(room, "GET", f"/steps/{step}/options").json()["config"]
    assert (config["categories"], config["category"]) == (["nadelen", "voorwaarden"], "nadelen")


def test_an_old_client_sets_one_column_with_category(room) -> None:
    step = new_vote(room)
    configure(room, step, {"categories": COLUMNS})
    assert configure(room, step, {"method": "topk", "category": "nadelen"}).status_code == 200
    options = call(room, "GET", f"/steps/{step}/options").json()
    assert options["config"]["categories"] == ["nadelen"]
    assert options["subjects"] == [str(i) for i in room.items["nadelen"]]


def test_bad_categories_get_a_clear_422(room) -> None:
    step = new_vote(room)
    refused = configure(room, step, {"categories": ["voordelen", "zorgen"]})
    assert (refused.status_code, refused.json()["detail"]) == (422, "Unknown category 'zorgen'.")
    assert configure(room, step, {"categories": []}).status_code == 422


def test_results_per_column(room) -> None:
    step = new_vote(room)
    configure(room, step, {"categories": COLUMNS, "k": 1, "cut": 1})
    room.activate(step)
    picks = [room.items["voordelen"][1], room.items["nadelen"][2]]
    answer = call(
        room,
        "PUT",
        f"/steps/{step}/ballot",
        who=room.join(),
        json={"answers": [{"subject": str(p)} for p in picks]},
    )
    assert answer.json() == {"voters": 1}
    results = call(room, "GET", f"/steps/{step}/results").json()
    assert (results["category"], results["categories"], results["cut"]) == ("voordelen", COLUMNS, 2)
    assert [c["category"] for c in results["columns"]] == COLUMNS
    assert [[r["important"] for r in c["items"]] for c in results["columns"]] == [
        [True, False, False],
        [True, False, False],
        [False, False, False],
    ]
    assert [c["items"][0]["item"]["id"] for c in results["columns"]][:2] == picks
    assert len(results["items"]) == 9


def test_one_request_starts_the_scenarios_vote_on_all_columns(room) -> None:
    started = call(room, "POST", f"/steps/{room.brainstorm}/importance-vote", json={"k": 2})
    assert started.status_code == 200
    body = started.json()
    assert (body["type"], body["title"]) == ("vote", "Scenario 1: belangrijkste punten")
    state = call(room, "GET", f"/steps/{body['id']}/options").json()["config"]
    assert (state["categories"], state["k"]) == (COLUMNS, 2)
    participant = room.join()
    view = call(room, "GET", f"/steps/{body['id']}/options", who=participant).json()
    assert len(view["subjects"]) == 9


def test_starting_a_vote_is_for_the_facilitator_from_a_brainstorm(room) -> None:
    path = f"/steps/{room.brainstorm}/importance-vote"
    assert call(room, "POST", path, who=room.join()).status_code == 403
    info = room.step_id("info")
    refused = call(room, "POST", f"/steps/{info}/importance-vote")
    assert refused.status_code == 422 and "brainstorm" in refused.json()["detail"]
    english = call(room, "POST", path, json={"k": 0})
    assert english.status_code == 422
