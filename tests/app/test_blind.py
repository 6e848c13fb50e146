"""Blind means blind: before the reveal, the words of a blind round reach only their author and
the facilitator, on every read path (issue #17, finding 1). A matrix on a real server: every
read path × {author, other participant, projector, facilitator} × {before, after the reveal}."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from websockets.sync.client import ClientConnection

from tests.harness import LiveRoom, bearer, receive_until

SECRET = "GEHEIM"  # every hidden text holds this word; nothing else does
READERS = ("author", "other", "projector", "facilitator")


class BlindRoom:
    """A blind brainstorm of one scenario, its converge and vote steps, and four readers."""

    def __init__(self, live: LiveRoom) -> None:
        self.live = live
        self.author, self.other = live.join_token(), live.join_token()
        self.keys = {
            "author": self.author,
            "other": self.other,
            "projector": live.data["projector_key"],
            "facilitator": live.facilitator_key,
        }
        self.converge = self._add_step({"type": "converge", "scenario": "afstemming"})
        self.vote = self._add_step({"type": "vote", "scenario": "afstemming"})
        self.api("PUT", f"/steps/{self.vote}/config", json={"config": {"category": "voordelen"}})
        live.activate(live.brainstorm)
        self.api("PUT", f"/steps/{live.brainstorm}/blind", json={"value": True})

    def _add_step(self, body: dict[str, Any]) -> int:
        return int(self.api("POST", "/steps", json=body)["id"])

    def api(self, method: str, path: str, who: str = "facilitator", **kwargs: Any) -> Any:
        response = self.live.http.request(
            method, f"/api/sessions/{self.live.id}{path}", headers=bearer(self.keys[who]), **kwargs
        )
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    def status(self, method: str, path: str, who: str, **kwargs: Any) -> int:
        url = f"/api/sessions/{self.live.id}{path}"
        response = self.live.http.request(method, url, headers=bearer(self.keys[who]), **kwargs)
        return response.status_code

    def reads(self, who: str) -> dict[str, str]:
        """Everything `who` can read over HTTP, per read path."""
        steps = {
            "brainstorm board": self.live.brainstorm,
            "converge board": self.converge,
            "vote board": self.vote,
        }
        out = {
            name: json.dumps(self.api("GET", f"/steps/{s}/board", who)) for name, s in steps.items()
        }
        out["vote options"] = json.dumps(self.api("GET", f"/steps/{self.vote}/options", who))
        out["events page"] = json.dumps(self.api("GET", "/events", who))
        return out

    def hidden_actions(self) -> list[int]:
        """The author writes, the facilitator works on the hidden items: every event that
        carries words of a hidden item."""
        live, f = self.live, "facilitator"
        first = live.add(self.author, "b1", f"{SECRET} een")["item"]["id"]
        second = live.add(self.author, "b2", f"{SECRET} twee")["item"]["id"]
        third = live.add(self.author, "b3", f"{SECRET} drie", "nadelen")["item"]["id"]
        self.api(
            "POST",
            f"/items/{first}/comments",
            "author",
            json={"client_id": "c1", "text": f"{SECRET} uitleg"},
        )
        self.api("PATCH", f"/items/{first}", f, json={"text": f"{SECRET} een, scherper"})
        self.api("PATCH", f"/items/{first}", f, json={"starred": True})
        self.api("PATCH", f"/items/{third}", f, json={"category": "voordelen"})
        self.api("POST", f"/items/{first}/merge", f, json={"member_ids": [second]})
        self.api("POST", f"/items/{first}/split", f)
        self.api("DELETE", f"/items/{third}", f)
        self.api("POST", f"/items/{third}/restore", f)
        return [first, second, third]

    def sentinel(self, text: str) -> None:
        """A visible change every screen redraws for (an information step comes up): reading
        up to it reads everything sent before."""
        step = self._add_step({"type": "info", "title": "Pauze", "text": text})
        self.live.activate(step)


def read_until(ws: ClientConnection, found: Callable[[str], bool]) -> str:
    seen: list[str] = []
    while not seen or not found(seen[-1]):
        seen.append(str(ws.recv(timeout=10)))
    return "\n".join(seen)


@pytest.fixture
def room(live: LiveRoom) -> Iterator[BlindRoom]:
    yield BlindRoom(live)


def test_blind_words_reach_only_their_author_and_the_facilitator(room: BlindRoom) -> None:
    live = room.live
    pages = {
        "author": ("participant", room.author),
        "other": ("participant", room.other),
        "projector": ("projector", room.keys["projector"]),
        "facilitator": ("console", room.keys["facilitator"]),
    }
    with ExitStack() as stack:
        now = room.api("GET", "/events")["last_seq"]
        sockets = {
            who: stack.enter_context(live.socket(room.keys[who], after=now)) for who in READERS
        }
        browsers = {}
        for who, (view, secret) in pages.items():
            browsers[who] = stack.enter_context(live.browser_socket(view, secret))
        ids = room.hidden_actions()
        # the others cannot react to what they may not see, nor can it go on the projector
        first = ids[0]
        assert room.status("PUT", f"/items/{first}/metoo", "other", json={"on": True}) == 404
        comment = {"client_id": "o1", "text": "raden"}
        assert room.status("POST", f"/items/{first}/comments", "other", json=comment) == 404
        assert room.status("PUT", "/spotlight", "facilitator", json={"item_id": first}) == 409
        room.sentinel("Nu even blind")
        streams = {
            who: json.dumps(receive_until(ws, "step_activated")) for who, ws in sockets.items()
        }
        html = {who: read_until(ws, lambda m: "Nu even blind" in m) for who, ws in browsers.items()}
        before = {who: room.reads(who) for who in READERS}

        for who in ("other", "projector"):
            leaks = [path for path, text in before[who].items() if SECRET in text]
            assert leaks == [], f"{who} reads hidden words via {leaks}"
            assert SECRET not in html[who], f"{who}'s browser socket got hidden words"
        for who in ("other", "projector"):
            assert SECRET not in streams[who], f"{who}'s JSON socket got hidden words"
        assert SECRET not in streams["author"], "words travel only where they are needed"
        assert SECRET in streams["facilitator"] and SECRET in html["facilitator"]
        for path in ("brainstorm board", "converge board", "events page"):
            assert SECRET in before["facilitator"][path]
        assert SECRET in before["author"]["brainstorm board"]  # the author sees their own
        assert SECRET in before["author"]["converge board"]

        room.api("PUT", f"/steps/{live.brainstorm}/blind", json={"value": False})
        revealed = receive_until(sockets["other"], "visibility_changed")[-1]
        assert {i["id"] for i in revealed["data"]["items"]} >= {ids[0], ids[1], ids[2]}
        assert all(SECRET in i["text"] for i in revealed["data"]["items"])
        after = {who: room.reads(who) for who in READERS}
    for who in READERS:
        for path in ("brainstorm board", "converge board", "vote options"):
            assert SECRET in after[who][path], f"{who} still misses the words via {path}"


def test_the_other_participant_is_told_how_many_are_hidden(room: BlindRoom) -> None:
    room.live.add(room.author, "h1", f"{SECRET} een")
    board = room.api("GET", f"/steps/{room.live.brainstorm}/board", "other")
    assert board["columns"] == {} and board["hidden"] == 1
    # The column's heading counts the room's items, as its live updates do, also after a
    # reload: not the reader's own (which made it jump from 21 to 1 on a reload).
    assert board["totals"] == {"voordelen": 1}
    assert room.api("GET", f"/steps/{room.converge}/board", "projector")["hidden"] == 1


def test_each_item_says_whether_it_is_still_blind(room: BlindRoom) -> None:
    """The facilitator's board marks what the room cannot read yet; the reveal clears it."""
    room.live.add(room.author, "v1", f"{SECRET} een")

    def states(who: str) -> list[str]:
        board = room.api("GET", f"/steps/{room.live.brainstorm}/board", who)
        return [i["visibility"] for column in board["columns"].values() for i in column]

    assert states("facilitator") == states("author") == ["blind"]
    room.api("PUT", f"/steps/{room.live.brainstorm}/blind", json={"value": False})
    assert states("facilitator") == states("other") == ["shown"]


def test_a_converge_stage_pooling_a_blind_round_is_drawn_for_each_participant(
    room: BlindRoom,
) -> None:
    """A converge step shows a blind brainstorm's items to their authors only: the stage that
    holds one author's words is never handed to another participant."""
    live = room.live
    live.add(room.author, "c1", f"{SECRET} bij het samenvoegen", category="voordelen")
    live.activate(room.converge)
    with ExitStack() as stack:
        pages = {}
        for who in ("author", "other"):
            pages[who] = stack.enter_context(live.browser_socket("participant", room.keys[who]))
            read_until(pages[who], lambda m: 'id="stage"' in m)  # the stage at connect
        room.api("PUT", f"/steps/{room.converge}/locked", json={"value": True})  # a redraw
        stages = {who: read_until(ws, lambda m: 'data-open=""' in m) for who, ws in pages.items()}
    assert SECRET in stages["author"]
    assert SECRET not in stages["other"]
