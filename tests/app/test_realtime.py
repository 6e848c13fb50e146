"""Against a real `versnellingskamer serve` process, on real WebSockets."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.harness import LiveRoom, bearer, receive, receive_until


def test_a_pushed_step_and_an_item_reach_everyone_in_order(live: LiveRoom) -> None:
    alice, bob = live.join_token(sector="PO"), live.join_token(sector="VO")
    with (
        live.socket(live.facilitator_key) as console,
        live.socket(alice) as a,
        live.socket(bob) as b,
    ):
        live.activate(live.brainstorm)
        added = live.add(alice, "a-1", "Iedere partner heeft een herkenbare rol")
        for ws in (console, a, b):
            step, item = receive_until(ws, "step_activated")[-1], json.loads(ws.recv(timeout=10))
            assert step["data"]["step_id"] == live.brainstorm
            assert item == {
                "seq": step["seq"] + 1,
                "type": "item_added",
                "data": {"item": added["item"], "column_count": 1, "total_count": 1},
            }
            assert item["seq"] == added["seq"]


def test_resume_after_a_drop_gets_exactly_the_missed_events(live: LiveRoom) -> None:
    alice, bob = live.join_token(), live.join_token()
    live.activate(live.brainstorm)
    with live.socket(bob) as ws:
        last = receive_until(ws, "step_activated")[-1]["seq"]
    texts = ["Eén", "Twee", "Drie"]
    sent = [live.add(alice, f"gap-{n}", text) for n, text in enumerate(texts)]
    with live.socket(bob, after=last) as ws:
        missed = receive(ws, 3)
        live.add(alice, "after", "Vier")
        fourth = json.loads(ws.recv(timeout=10))
    assert [e["seq"] for e in missed] == [last + 1, last + 2, last + 3]
    assert [e["data"]["item"]["text"] for e in missed] == texts
    assert [e["seq"] for e in missed] == [s["seq"] for s in sent]
    assert (fourth["seq"], fourth["data"]["item"]["text"]) == (last + 4, "Vier")


def test_a_malformed_message_gets_an_error_without_seq(live: LiveRoom) -> None:
    token = live.join_token()
    with live.socket(token, after=live.last_seq()) as ws:
        ws.send("{not json")
        assert json.loads(ws.recv(timeout=10)) == {
            "type": "error",
            "message": "malformed message: expected JSON",
        }
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}


@pytest.mark.parametrize("token", ["", "not-a-token"])
def test_a_socket_without_a_valid_token_is_refused(live: LiveRoom, token: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        live.socket(token).close()
    assert refused.value.response.status_code == 403


def test_a_participant_of_another_session_is_refused(live: LiveRoom) -> None:
    assert live.server is not None
    other = LiveRoom.on_server(live.server, title="Eindhoven")
    with pytest.raises(InvalidStatus):
        live.socket(other.join_token()).close()
    other.close()


def test_a_foreign_origin_is_refused_and_the_own_origin_served(live: LiveRoom) -> None:
    token = live.join_token()
    with pytest.raises(InvalidStatus):
        live.socket(token, origin="http://evil.example").close()
    with live.socket(token, origin=live.server.url) as ws:
        assert json.loads(ws.recv(timeout=10))["seq"] == 1


def test_the_browser_socket_sends_html_fragments(live: LiveRoom) -> None:
    """The participant page's socket: the stage now, then the new item as an htmx OOB swap."""
    alice = live.join_token()
    live.activate(live.brainstorm)
    with live.browser_socket("participant", alice) as ws:
        stage = ws.recv(timeout=10)
        assert stage.startswith('<section id="stage"')
        assert 'id="item-form"' in stage
        live.add(alice, "x", "<script>alert(1)</script> & meer")
        fragment = ws.recv(timeout=10)
    assert f'id="items-{live.brainstorm}-voordelen" hx-swap-oob="beforeend"' in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; meer" in fragment
    assert "<script>" not in fragment
    assert f'id="count-{live.brainstorm}-voordelen" hx-swap-oob="true"' in fragment


def test_the_browser_socket_needs_the_right_cookie(live: LiveRoom) -> None:
    alice = live.join_token()
    with pytest.raises(InvalidStatus):
        live.browser_socket("console", alice).close()


def test_participants_see_a_merge_and_a_lock_live(live: LiveRoom) -> None:
    alice, bob = live.join_token(), live.join_token()
    live.activate(live.brainstorm)
    first = live.add(alice, "m1", "Goed te organiseren")["item"]["id"]
    second = live.add(bob, "m2", "Makkelijk te organiseren")["item"]["id"]
    key = bearer(live.facilitator_key)
    with live.socket(alice) as a, live.socket(bob) as b:
        merge = live.http.post(
            f"/api/sessions/{live.id}/items/{first}/merge",
            json={"member_ids": [second]},
            headers=key,
        )
        assert merge.status_code == 200
        lock = live.http.put(
            f"/api/sessions/{live.id}/steps/{live.brainstorm}/locked",
            json={"value": True},
            headers=key,
        )
        assert lock.status_code == 200
        for ws in (a, b):
            merged = receive_until(ws, "items_merged")[-1]
            assert merged["data"]["member_ids"] == [second]
            assert merged["data"]["item"]["mentions"] == 2
            locked = json.loads(ws.recv(timeout=10))
            assert (locked["type"], locked["seq"]) == ("input_locked", merged["seq"] + 1)
            assert locked["data"]["locked"] is True
    late = live.http.post(
        f"/api/sessions/{live.id}/items",
        json={
            "client_id": "late",
            "step_id": live.brainstorm,
            "category": "voordelen",
            "text": "Te laat",
        },
        headers=bearer(alice),
    )
    assert (late.status_code, late.json()["late"]) == (202, True)  # kept, off the board


def test_browser_sockets_redraw_the_stage_on_a_lock(live: LiveRoom) -> None:
    alice = live.join_token()
    live.activate(live.brainstorm)
    with live.browser_socket("participant", alice) as ws:
        assert 'data-open="1"' in ws.recv(timeout=10)
        live.http.put(
            f"/api/sessions/{live.id}/steps/{live.brainstorm}/locked",
            json={"value": True},
            headers=bearer(live.facilitator_key),
        )
        stage = ws.recv(timeout=10)
    assert stage.startswith('<section id="stage"')
    assert 'data-open=""' in stage
    assert 'id="item-form"' in stage and "inert" in stage


def test_an_item_sent_on_the_socket_is_acknowledged_after_commit_and_reaches_everyone(
    live: LiveRoom,
) -> None:
    """JSON clients may add items on their socket: the same rules as POST …/items, an ack with
    the event's seq once committed, and a retry with the same client id stores nothing new."""
    alice, bob = live.join_token(), live.join_token()
    live.activate(live.brainstorm)
    last = live.http.get(f"/api/sessions/{live.id}/events", headers=bearer(alice)).json()
    with (
        live.socket(alice, after=last["last_seq"]) as a,
        live.socket(bob, after=last["last_seq"]) as b,
    ):
        item = {"client_id": "s-1", "step_id": live.brainstorm, "category": "nadelen"}
        a.send(json.dumps({"type": "add_item", **item, "text": "  Veel afspraken maken  "}))
        got = [json.loads(a.recv(timeout=10)) for _ in range(2)]  # the event and the ack
        [ack] = [m for m in got if m["type"] == "ack"]
        [event] = [m for m in got if m["type"] == "item_added"]
        assert ack == {
            "type": "ack",
            "client_id": "s-1",
            "seq": event["seq"],
            "item": event["data"]["item"],
            "created": True,
            "late": False,
        }
        assert ack["item"]["text"] == "Veel afspraken maken"
        assert json.loads(b.recv(timeout=10)) == event  # everyone else gets the event
        a.send(json.dumps({"type": "add_item", **item, "text": "Veel afspraken maken"}))
        again = json.loads(a.recv(timeout=10))
        assert {**again, "created": True} == ack and again["created"] is False
        a.send(json.dumps({"type": "ping"}))
        assert json.loads(a.recv(timeout=10)) == {"type": "pong"}  # no second event came
    events = live.http.get(f"/api/sessions/{live.id}/events", headers=bearer(alice)).json()
    added = [e for e in events["events"] if e["type"] == "item_added"]
    assert [e["data"]["item"]["text"] for e in added] == ["Veel afspraken maken"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"category": "risicos"}, "Unknown category 'risicos'; choose one of"),
        ({"text": "   "}, "The text is empty."),
        ({"text": None}, "text: Input should be a valid string"),
        ({"step_id": 2**40}, "No step 1099511627776 in this session."),
    ],
)
def test_a_bad_item_on_the_socket_gets_an_error_with_its_client_id_and_stores_nothing(
    live: LiveRoom, fields: dict[str, object], message: str
) -> None:
    alice = live.join_token()
    live.activate(live.brainstorm)
    item = {"client_id": "bad-1", "step_id": live.brainstorm, "category": "voordelen"}
    with live.socket(alice, after=live.last_seq()) as ws:
        ws.send(json.dumps({"type": "add_item", **item, "text": "Goed idee", **fields}))
        reply = json.loads(ws.recv(timeout=10))
    assert (reply["type"], reply["client_id"]) == ("error", "bad-1")
    assert reply["message"].startswith(message)
    events = live.http.get(f"/api/sessions/{live.id}/events", headers=bearer(alice)).json()
    assert not [e for e in events["events"] if e["type"] == "item_added"]


def test_only_participants_add_items_on_the_socket(live: LiveRoom) -> None:
    live.activate(live.brainstorm)
    item = {"client_id": "f-1", "step_id": live.brainstorm, "category": "voordelen", "text": "x"}
    with live.socket(live.facilitator_key, after=live.last_seq()) as ws:
        ws.send(json.dumps({"type": "add_item", **item}))
        assert json.loads(ws.recv(timeout=10)) == {
            "type": "error",
            "client_id": "f-1",
            "message": "Only participants add items.",
        }
        ws.send(json.dumps({"type": "vote"}))
        assert json.loads(ws.recv(timeout=10)) == {
            "type": "error",
            "message": 'unknown message: this socket only accepts {"type": "ping"} or '
            '{"type": "add_item", …}',
        }


def test_resuming_after_a_seq_not_yet_reached_is_refused(live: LiveRoom) -> None:
    """`after` beyond the last event would silently skip every event up to it: the events
    page answers 422 and the socket an error, then closes (1008); nothing is skipped."""
    alice = live.join_token()
    live.activate(live.brainstorm)
    last = live.last_seq()
    page = live.http.get(
        f"/api/sessions/{live.id}/events", params={"after": last + 5}, headers=bearer(alice)
    )
    assert page.status_code == 422
    assert page.json() == {
        "detail": f"`after` is {last + 5}, but the session's last event is {last}: "
        "resume after a seq you have received."
    }
    caught_up = live.http.get(
        f"/api/sessions/{live.id}/events", params={"after": last}, headers=bearer(alice)
    )
    assert caught_up.json() == {"events": [], "last_seq": last}
    with live.socket(alice, after=last + 5) as ws:
        assert json.loads(ws.recv(timeout=10)) == {
            "type": "error",
            "message": f"`after` is {last + 5}, but the session's last event is {last}: "
            "resume after a seq you have received.",
        }
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    with live.socket(alice, after=last) as ws:
        live.add(alice, "na", "Na de weigering")
        event = json.loads(ws.recv(timeout=10))
    assert (event["seq"], event["type"]) == (last + 1, "item_added")
