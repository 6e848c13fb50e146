"""Rotating a session's keys (organiser) and closing it to new joiners."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.harness import ORGANISER, ORGANISER_TOKEN, bearer


def test_the_organiser_rotates_keys_and_the_old_ones_stop_working(
    client: TestClient, api_room
) -> None:
    room = api_room()
    old_key = room.data["facilitator_key"]
    response = client.post(f"/api/sessions/{room.id}/keys/rotate", headers=ORGANISER)
    assert response.status_code == 200
    new = response.json()
    assert new["id"] == room.id and new["code"] == room.data["code"]
    assert new["facilitator_key"] not in (old_key, room.data["projector_key"])
    assert new["links"]["facilitator"].endswith(f"/console/{room.id}?key={new['facilitator_key']}")
    assert new["links"]["projector"].endswith(f"/projector/{room.id}?key={new['projector_key']}")
    url = f"/api/sessions/{room.id}"
    assert client.get(url, headers=bearer(old_key)).status_code == 403
    assert client.get(url, headers=bearer(new["facilitator_key"])).status_code == 200
    events = client.get(f"{url}/events", headers=bearer(new["facilitator_key"])).json()["events"]
    assert events[-1]["type"] == "keys_rotated" and events[-1]["data"] == {}
    assert old_key not in str(events) and new["facilitator_key"] not in str(events)


def test_only_the_organiser_rotates_keys(client: TestClient, api_room) -> None:
    room = api_room()
    url = f"/api/sessions/{room.id}/keys/rotate"
    for headers in ({}, room.facilitator, room.join()):
        response = client.post(url, headers=headers)
        assert response.status_code == 403
        assert "organiser token" in response.json()["detail"]
    assert client.get(f"/api/sessions/{room.id}", headers=room.facilitator).status_code == 200
    assert client.post("/api/sessions/nope/keys/rotate", headers=ORGANISER).status_code == 404


def test_the_facilitator_closes_joining_and_the_organiser_reopens_it(
    client: TestClient, api_room
) -> None:
    room = api_room()
    url = f"/api/sessions/{room.id}/joining"
    closed = client.post(url, json={"open": False}, headers=room.facilitator)
    assert closed.json() == {"open": False, "changed": True}
    refused = client.post("/api/join", json={"code": room.data["code"]})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This session is closed to new participants."
    again = client.post(url, json={"open": False}, headers=room.facilitator)
    assert again.json() == {"open": False, "changed": False}
    reopened = client.post(url, json={"open": True}, headers=ORGANISER)
    assert reopened.json() == {"open": True, "changed": True}
    room.join()
    types = [(e["type"], e["data"]) for e in room.events() if e["type"] == "joining_changed"]
    assert types == [("joining_changed", {"open": False}), ("joining_changed", {"open": True})]


def test_participants_and_strangers_cannot_close_joining(client: TestClient, api_room) -> None:
    room, other = api_room("Zwolle"), api_room("Utrecht")
    url = f"/api/sessions/{room.id}/joining"
    assert client.post(url, json={"open": False}).status_code == 401
    assert client.post(url, json={"open": False}, headers=room.join()).status_code == 403
    assert client.post(url, json={"open": False}, headers=other.facilitator).status_code == 403
    assert client.post(url, json={"open": "maybe"}, headers=room.facilitator).status_code == 422
    room.join()  # still open


def test_a_participant_token_known_to_the_server_opens_only_its_own_session(
    client: TestClient, api_room
) -> None:
    """Participant tokens are remembered once checked (app.auth.Credentials): remembering must
    never let one into another session, nor a key rotation leave an old key working."""
    zwolle, utrecht = api_room("Zwolle"), api_room("Utrecht")
    participant = zwolle.join()
    for _ in range(2):  # the second time from what the server remembers
        assert client.get(f"/api/sessions/{zwolle.id}/events", headers=participant).is_success
        refused = client.get(f"/api/sessions/{utrecht.id}/events", headers=participant)
        assert refused.status_code == 403
    old_key = zwolle.facilitator
    assert client.get(f"/api/sessions/{zwolle.id}", headers=old_key).status_code == 200
    client.post(f"/api/sessions/{zwolle.id}/keys/rotate", headers=ORGANISER)
    assert client.get(f"/api/sessions/{zwolle.id}", headers=old_key).status_code == 403


def test_the_organiser_cookie_alone_changes_nothing_through_the_api(
    client: TestClient, api_room
) -> None:
    """A foreign page can make a browser post a form with the organiser cookie; without the
    organiser page's CSRF header the API refuses it, like the console's and participant's
    cookies, and nothing changes."""
    room = api_room()
    client.get(f"/organiser?token={ORGANISER_TOKEN}")  # this browser holds the organiser cookie
    form = {"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"}
    rotate = client.post(f"/api/sessions/{room.id}/keys/rotate", content="x=1", headers=form)
    assert rotate.status_code == 403
    assert "organiser token" in rotate.json()["detail"]
    foreign = {"Origin": "https://evil.example"}
    attempts = [
        ("/api/sessions", {"title": "Planted"}),
        (f"/api/sessions/{room.id}/joining", {"open": False}),
    ]
    for url, body in attempts:
        refused = client.post(url, json=body, headers=foreign)
        assert refused.status_code in (401, 403), (url, refused.text)
    assert client.get(f"/api/sessions/{room.id}", headers=room.facilitator).status_code == 200
    room.join()  # still open to joiners
    types = {e["type"] for e in room.events()}
    assert not types & {"keys_rotated", "joining_changed"}
    assert "Planted" not in client.get("/organiser").text
    # With the organiser page's own CSRF header the cookie works, as it does for the console.
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/organiser").text)
    assert csrf
    own = {"X-CSRF-Token": csrf.group(1)}
    rotated = client.post(f"/api/sessions/{room.id}/keys/rotate", headers=own)
    assert rotated.status_code == 200
    assert client.get(f"/api/sessions/{room.id}", headers=room.facilitator).status_code == 403
