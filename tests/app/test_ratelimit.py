"""Rate limits: a clear 429 with Retry-After (or an error on the socket), never a silent drop,
and nothing stored for a refused request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.ratelimit import RateLimiter
from app.settings import Settings
from tests.harness import ORGANISER, ORGANISER_TOKEN, LiveRoom


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_refills_at_its_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(6, clock)  # 6 a minute: one every 10 s
    assert [limiter.take("a") for _ in range(6)] == [0.0] * 6
    assert limiter.take("a") == pytest.approx(10.0)
    assert limiter.take("b") == 0.0  # keys are independent
    clock.now += 10
    assert limiter.take("a") == 0.0
    assert limiter.take("a") == pytest.approx(10.0)


def test_zero_means_no_limit() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.take("a") == 0.0 for _ in range(1000))


@pytest.fixture
def limited(database_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url,
        organiser_token=ORGANISER_TOKEN,
        join_limit_per_address=3,
        item_limit_per_participant=2,
        item_limit_per_address=5,
        write_limit_per_participant=3,
        write_limit_per_address=100,
        socket_message_limit=2,
    )
    # A clock that stands still: Retry-After does not depend on how fast a loaded machine is.
    with TestClient(create_app(settings, Clock())) as client:
        yield client


def room_in(client: TestClient) -> LiveRoom:
    response = client.post("/api/sessions", json={"title": "Zwolle"}, headers=ORGANISER)
    return LiveRoom(client, response.json())


def test_joins_over_the_limit_get_429_with_retry_after(limited: TestClient) -> None:
    room = room_in(limited)
    for _ in range(3):
        room.join()
    refused = limited.post("/api/join", json={"code": room.data["code"]})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "20"
    assert refused.json() == {
        "detail": "Too many joins from this address: wait 20 s and try again."
    }
    assert [e["type"] for e in room.events()].count("participant_joined") == 3


def test_the_join_form_gets_a_page_in_its_language(limited: TestClient) -> None:
    room = room_in(limited)
    for _ in range(3):
        room.join()
    limited.cookies.set("vk_lang", "nl")
    refused = limited.post("/join", data={"code": room.data["code"]})
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert "Te veel aanmeldingen vanaf dit adres: wacht 20 s" in refused.text


def test_items_over_the_participant_limit_are_refused_and_not_stored(limited: TestClient) -> None:
    room = room_in(limited)
    alice, bob = room.join(), room.join()
    step_id = room.step_id("brainstorm")
    room.activate(step_id)

    def post(who: dict[str, str], client_id: str) -> int:
        fields = {"client_id": client_id, "step_id": step_id, "category": "voordelen"}
        return int(room.post_item(who, **fields, text=client_id).status_code)

    assert [post(alice, "a1"), post(alice, "a2")] == [201, 201]
    refused = room.post_item(
        alice, client_id="a3", step_id=step_id, category="voordelen", text="a3"
    )
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "30"
    assert "nothing is lost, it is sent again" in refused.json()["detail"]
    assert post(bob, "b1") == 201  # another participant is not held back
    limited.app.state.limits.items_per_participant.clock = lambda: 10.0**9  # time passes
    assert post(alice, "a3") == 201  # the retry of the refused one is stored, once
    texts = [e["data"]["item"]["text"] for e in room.events() if e["type"] == "item_added"]
    assert texts == ["a1", "a2", "b1", "a3"]


def test_items_over_the_address_limit_are_refused(limited: TestClient) -> None:
    room = room_in(limited)
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    people = [room.join() for _ in range(3)]
    codes = [
        room.post_item(
            p, client_id=f"{n}-{i}", step_id=step_id, category="nadelen", text="x"
        ).status_code
        for n, p in enumerate(people)
        for i in range(2)
    ]
    assert codes == [201, 201, 201, 201, 201, 429]


def test_a_socket_flood_gets_error_messages(limited: TestClient) -> None:
    room = room_in(limited)
    token = room.join_token()
    url = f"/api/sessions/{room.id}/ws?token={token}&after={room.events()[-1]['seq']}"
    with limited.websocket_connect(url) as ws:
        for _ in range(3):
            ws.send_text(json.dumps({"type": "ping"}))
        replies = [ws.receive_json() for _ in range(3)]
    assert replies == [
        {"type": "pong"},
        {"type": "pong"},
        {"type": "error", "message": "too many messages: at most 2 a minute on this socket"},
    ]


def test_items_on_the_socket_count_against_the_same_limits(limited: TestClient) -> None:
    """A socket is no way around the submission limits: over them, an error with the wait."""
    room = room_in(limited)
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    who = room.join()
    assert room.post_item(who, client_id="h1", step_id=step_id, category="voordelen", text="x")
    token = who["Authorization"].removeprefix("Bearer ")
    limited.app.state.limits.socket_messages = 0  # only the item limits are under test here
    url = f"/api/sessions/{room.id}/ws?token={token}&after={room.events()[-1]['seq']}"
    with limited.websocket_connect(url) as ws:
        for client_id in ("s1", "s2"):
            item = {"client_id": client_id, "step_id": step_id, "category": "voordelen"}
            ws.send_text(json.dumps({"type": "add_item", **item, "text": client_id}))
        replies = [ws.receive_json() for _ in range(3)]  # s1's event and ack, s2's refusal
    acks = [r for r in replies if r["type"] == "ack"]
    [refusal] = [r for r in replies if r["type"] == "error"]
    assert [a["client_id"] for a in acks] == ["s1"]
    assert (refusal["client_id"], refusal["retry_after"]) == ("s2", 30)
    assert "nothing is lost, it is sent again" in refusal["message"]
    texts = [e["data"]["item"]["text"] for e in room.events() if e["type"] == "item_added"]
    assert texts == ["x", "s1"]


def flood(
    room: LiveRoom, who: dict[str, str], method: str, path: str, bodies: list[Any]
) -> list[Any]:
    return [
        room.client.request(method, f"/api/sessions/{room.id}{path}", json=body, headers=who)
        for body in bodies
    ]


def glossary_room(client: TestClient) -> tuple[LiveRoom, int, int]:
    """A room with an item on the active brainstorm board, and a glossary step."""
    room = room_in(client)
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    author = room.join()
    item_id = room.post_item(
        author, client_id="i", step_id=step_id, category="voordelen", text="Leren op de werkplek"
    ).json()["item"]["id"]
    glossary = room.client.post(
        f"/api/sessions/{room.id}/steps", json={"type": "glossary"}, headers=room.facilitator
    ).json()["id"]
    config = {"config": {"terms": ["schoolopleider"]}}
    url = f"/api/sessions/{room.id}/steps/{glossary}/config"
    assert room.client.put(url, json=config, headers=room.facilitator).status_code == 200
    return room, item_id, glossary


def assert_refused(responses: list[Any], allowed: int) -> None:
    assert [r.status_code < 300 for r in responses] == [True] * allowed + [False] * (
        len(responses) - allowed
    )
    for refused in responses[allowed:]:
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "20"  # 3 a minute: one every 20 s
        assert refused.json() == {
            "detail": "Too many changes in a short time: wait 20 s and try again."
        }


def test_every_participant_write_is_limited_and_nothing_more_is_stored(
    limited: TestClient,
) -> None:
    """Comments, "me too", definitions and ballots: a flood of each gets 429 after the limit
    (each kind its own bucket), and nothing of the refused requests is stored."""
    room, item_id, glossary = glossary_room(limited)
    mallory = room.join()
    comments = [{"client_id": f"c{n}", "text": f"opmerking {n}"} for n in range(6)]
    assert_refused(flood(room, mallory, "POST", f"/items/{item_id}/comments", comments), 3)
    toggles = [{"on": n % 2 == 0} for n in range(6)]
    assert_refused(flood(room, mallory, "PUT", f"/items/{item_id}/metoo", toggles), 3)
    room.activate(glossary)
    definitions = [{"term": "schoolopleider", "text": "x" * 990 + str(n)} for n in range(6)]
    proposed = flood(room, mallory, "POST", f"/steps/{glossary}/definitions", definitions)
    assert_refused(proposed, 3)
    chosen = str(proposed[0].json()["id"])
    choice = [{"answers": [{"subject": "term:schoolopleider", "choice": chosen}]}] * 6
    assert_refused(flood(room, mallory, "PUT", f"/steps/{glossary}/ballot", choice), 3)

    kinds = [e["type"] for e in room.events()]
    assert kinds.count("comment_added") == 3
    assert kinds.count("metoo_changed") == 3
    assert kinds.count("definition_proposed") == 3
    assert kinds.count("ballot_cast") == 3
    other = room.join()  # another participant is not held back
    answer = flood(room, other, "POST", f"/steps/{glossary}/definitions", definitions[:1])
    assert answer[0].status_code == 201


def test_the_page_cookie_counts_like_the_bearer_token(limited: TestClient) -> None:
    """A browser's writes are counted by its vk_p_ cookie (the console's headers, no bearer)."""
    room, item_id, _ = glossary_room(limited)
    token = room.join_token()
    limited.cookies.set(f"vk_p_{room.id}", token)
    page = limited.get(f"/s/{room.id}")
    csrf = page.text.split('"X-CSRF-Token": "', 1)[1].split('"', 1)[0]
    headers = {"X-VK-View": "participant", "X-CSRF-Token": csrf}
    toggles = [{"on": n % 2 == 0} for n in range(5)]
    answers = flood(room, headers, "PUT", f"/items/{item_id}/metoo", toggles)
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429]


def test_join_code_lookups_are_limited_per_address(limited: TestClient) -> None:
    """`GET /join?code=` tells whether a code exists: guessing is throttled like joining."""
    room = room_in(limited)
    guesses = [limited.get("/join", params={"code": f"ZZZ{n:03d}"}) for n in range(3)]
    assert [g.status_code for g in guesses] == [404, 404, 404]
    refused = limited.get("/join", params={"code": room.data["code"]})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "20"
    assert "Te veel aanmeldingen vanaf dit adres: wacht 20 s" in refused.text
    assert room.data["code"] not in refused.text
    assert limited.get("/join").status_code == 200  # the bare form is no look-up
