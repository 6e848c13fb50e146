"""Late means unseen until let in: an item kept after input closed reaches only its author and
the facilitator on every read path, and everyone once the facilitator lets it in (issue #13,
finding 1). A real server: HTTP reads, JSON sockets and the pages' sockets, per reader."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from websockets.sync.client import ClientConnection

from tests.harness import LiveRoom, bearer, receive_until

SECRET = "LAATKOMER"  # the late item's words; nothing else holds them
READERS = ("author", "other", "projector", "facilitator")


def read_until(ws: ClientConnection, found: Callable[[str], bool]) -> str:
    seen: list[str] = []
    while not seen or not found(seen[-1]):
        seen.append(str(ws.recv(timeout=10)))
    return "\n".join(seen)


class LateRoom:
    def __init__(self, live: LiveRoom) -> None:
        self.live = live
        self.keys = {
            "author": live.join_token(),
            "other": live.join_token(),
            "projector": live.data["projector_key"],
            "facilitator": live.facilitator_key,
        }
        self.converge = self.api(
            "POST", "/steps", json={"type": "converge", "scenario": "afstemming"}
        )["id"]
        self.vote = self.api("POST", "/steps", json={"type": "vote", "scenario": "afstemming"})[
            "id"
        ]
        self.api("PUT", f"/steps/{self.vote}/config", json={"config": {"category": "voordelen"}})
        live.activate(live.brainstorm)

    def api(self, method: str, path: str, who: str = "facilitator", **kwargs: Any) -> Any:
        response = self.request(method, path, who, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def request(self, method: str, path: str, who: str, **kwargs: Any) -> Any:
        url = f"/api/sessions/{self.live.id}{path}"
        return self.live.http.request(method, url, headers=bearer(self.keys[who]), **kwargs)

    def reads(self, who: str) -> dict[str, str]:
        steps = {"brainstorm": self.live.brainstorm, "converge": self.converge, "vote": self.vote}
        out = {
            f"{n} board": json.dumps(self.api("GET", f"/steps/{s}/board", who))
            for n, s in steps.items()
        }
        out["vote options"] = json.dumps(self.api("GET", f"/steps/{self.vote}/options", who))
        out["events page"] = json.dumps(self.api("GET", "/events", who))
        if who != "projector":
            out["late items"] = json.dumps(self.api("GET", "/late-items", who))
        return out


def test_a_late_item_reaches_its_author_and_the_facilitator_until_let_in(live: LiveRoom) -> None:
    room = LateRoom(live)
    live.add(room.keys["other"], "o1", "Op tijd")
    room.api("PUT", f"/steps/{live.brainstorm}/locked", json={"value": True})
    pages = {
        "author": ("participant", room.keys["author"]),
        "other": ("participant", room.keys["other"]),
        "projector": ("projector", room.keys["projector"]),
        "facilitator": ("console", room.keys["facilitator"]),
    }
    with ExitStack() as stack:
        now = live.last_seq()
        sockets = {w: stack.enter_context(live.socket(room.keys[w], after=now)) for w in READERS}
        browsers = {}
        for who, (view, secret) in pages.items():
            browsers[who] = stack.enter_context(live.browser_socket(view, secret))
            read_until(browsers[who], lambda m: 'id="stage"' in m)
        sent = room.request(
            "POST",
            "/items",
            "author",
            json={
                "client_id": "l1",
                "step_id": live.brainstorm,
                "category": "voordelen",
                "text": SECRET,
            },
        )
        assert (sent.status_code, sent.json()["late"]) == (202, True)
        late_id = sent.json()["item"]["id"]
        streams = {w: json.dumps(receive_until(ws, "item_late")) for w, ws in sockets.items()}
        html = {
            "author": read_until(browsers["author"], lambda m: "late-mine" in m),
            "facilitator": read_until(browsers["facilitator"], lambda m: "late-items" in m),
        }
        assert SECRET in html["author"] and "te laat ingediend" in html["author"]
        assert SECRET in html["facilitator"] and "1 late bijdrage" in html["facilitator"]
        assert SECRET in streams["facilitator"]
        for who in ("author", "other", "projector"):
            assert SECRET not in streams[who], f"{who}'s JSON socket got the late words"
        # Others cannot react to it, nor can it be worked on before it is let in.
        assert (
            room.request("PUT", f"/items/{late_id}/metoo", "other", json={"on": True}).status_code
            == 404
        )
        assert (
            room.request("PUT", "/spotlight", "facilitator", json={"item_id": late_id}).status_code
            == 409
        )
        assert room.request("POST", f"/late-items/{late_id}/admit", "author").status_code == 403
        assert room.request("GET", "/late-items", "projector").status_code == 403
        # A redraw for everyone: only the author's stage and the console hold the words.
        room.api("PUT", f"/steps/{live.brainstorm}/locked", json={"value": False})
        redrawn = {w: read_until(ws, lambda m: 'id="stage"' in m) for w, ws in browsers.items()}
        assert SECRET in redrawn["author"] and SECRET in redrawn["facilitator"]
        assert SECRET not in redrawn["other"] and SECRET not in redrawn["projector"]
        before = {who: room.reads(who) for who in READERS}
        for who in READERS:
            for path in ("brainstorm board", "converge board", "vote board", "vote options"):
                assert SECRET not in before[who][path], f"{who} reads the late item via {path}"
        for who in ("other", "projector"):
            assert SECRET not in before[who]["events page"]
        assert SECRET in before["facilitator"]["events page"]
        assert (
            SECRET in before["author"]["late items"]
            and SECRET in before["facilitator"]["late items"]
        )
        assert SECRET not in before["other"]["late items"]
        report = room.request("GET", "/report.json", "facilitator")
        assert report.status_code == 200 and SECRET not in report.text

        admitted = room.api("POST", f"/late-items/{late_id}/admit")
        assert admitted["text"] == SECRET
        event = receive_until(sockets["other"], "late_items_admitted")[-1]
        assert [i["text"] for i in event["data"]["items"]] == [SECRET]
        stages = {w: read_until(ws, lambda m: 'id="stage"' in m) for w, ws in browsers.items()}
        for who in READERS:
            assert SECRET in stages[who], f"{who}'s page does not show the item let in"
        assert "te laat ingediend" not in stages["author"]
    after = {who: room.reads(who) for who in READERS}
    for who in READERS:
        for path in ("brainstorm board", "converge board", "vote options"):
            assert SECRET in after[who][path], f"{who} misses the item let in via {path}"
    assert json.loads(after["author"]["late items"]) == []


def test_each_author_sees_only_their_own_late_items_in_a_full_room(live: LiveRoom) -> None:
    """20 participants, 60 items on the board, 5 of them with a late item each: after a redraw
    every participant's stage holds their own late words and nobody else's."""
    tokens = [live.join_token() for _ in range(20)]
    live.activate(live.brainstorm)
    for n in range(60):
        live.add(tokens[n % 20], f"o{n}", f"Punt {n} op tijd", ("voordelen", "nadelen")[n % 2])
    key = bearer(live.facilitator_key)
    lock = f"/api/sessions/{live.id}/steps/{live.brainstorm}/locked"
    assert live.http.put(lock, json={"value": True}, headers=key).status_code == 200
    words = {n: f"LAAT{n}X" for n in range(0, 20, 4)}
    for n, word in words.items():
        sent = live.post_item(
            bearer(tokens[n]),
            client_id="late",
            step_id=live.brainstorm,
            category="nadelen",
            text=word,
        )
        assert sent.status_code == 202
    with ExitStack() as stack:
        pages = [stack.enter_context(live.browser_socket("participant", t)) for t in tokens]
        for ws in pages:
            read_until(ws, lambda m: 'id="stage"' in m)
        assert live.http.put(lock, json={"value": False}, headers=key).status_code == 200
        stages = [read_until(ws, lambda m: 'data-open="1"' in m) for ws in pages]
    for n, stage in enumerate(stages):
        assert "Punt 59 op tijd" in stage
        shown = {w for w in words.values() if w in stage}
        assert shown == ({words[n]} if n in words else set()), f"participant {n} sees {shown}"


def test_an_item_sent_on_the_json_socket_after_the_lock_is_acknowledged_as_late(
    live: LiveRoom,
) -> None:
    alice = live.join_token()
    live.activate(live.brainstorm)
    key = bearer(live.facilitator_key)
    lock = f"/api/sessions/{live.id}/steps/{live.brainstorm}/locked"
    assert live.http.put(lock, json={"value": True}, headers=key).status_code == 200
    item = {"client_id": "s-1", "step_id": live.brainstorm, "category": "voordelen"}
    with live.socket(alice, after=live.last_seq()) as ws:
        ws.send(json.dumps({"type": "add_item", **item, "text": SECRET}))
        got = [json.loads(ws.recv(timeout=10)) for _ in range(2)]  # the event and the ack
    [ack] = [m for m in got if m["type"] == "ack"]
    [event] = [m for m in got if m["type"] == "item_late"]
    assert (ack["created"], ack["late"], ack["item"]["text"]) == (True, True, SECRET)
    assert "text" not in event["data"]["item"]  # the author's socket carries no words either
    english = live.browser_socket("console", live.facilitator_key, "&lang=en")
    with english as ws:
        stage = read_until(ws, lambda m: 'id="stage"' in m)
    assert "1 late contribution" in stage and "Let all in" in stage and SECRET in stage
