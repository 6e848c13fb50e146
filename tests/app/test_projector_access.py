"""The projector as the facilitator reaches it: the console's link carries a projector pass
(never the facilitator key), which opens the projector and nothing else, until the keys are
rotated; and the facilitator's choice of the projector's join panel, per step."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.harness import ORGANISER, bearer


def projector_link(client: TestClient, room) -> str:
    """The console's "Open projector view" link, as the facilitator's browser gets it."""
    client.get(f"/console/{room.id}?key={room.data['facilitator_key']}")
    console = client.get(f"/console/{room.id}")
    found = re.search(r'href="(/projector/[^"]+)"[^>]*>Projectorweergave openen', console.text)
    assert found, "the console has no projector link"
    return found.group(1)


def test_the_consoles_projector_link_opens_the_projector(client: TestClient, api_room) -> None:
    room = api_room()
    link = projector_link(client, room)
    assert room.data["facilitator_key"] not in link
    assert room.data["projector_key"] not in link  # only its hash is stored
    client.cookies.clear()  # another browser: the projector's own computer
    opened = client.get(link)
    assert opened.status_code == 200
    assert f"/live/{room.id}?view=projector" in opened.text
    assert room.data["facilitator_key"] not in opened.text
    assert opened.url.path == f"/projector/{room.id}" and "key=" not in str(opened.url)


def test_a_second_projector_link_replaces_nothing_and_asks_nothing(
    client: TestClient, api_room
) -> None:
    """One projector of a session is any other: the console's link in a browser that already
    holds the projector key just opens the projector (no "switch identity?" question)."""
    room = api_room()
    link = projector_link(client, room)
    client.get(f"/projector/{room.id}?key={room.data['projector_key']}")
    kept = client.cookies.get(f"vk_v_{room.id}")
    opened = client.get(link)
    assert opened.status_code == 200 and "ws-connect" in opened.text
    assert client.cookies.get(f"vk_v_{room.id}") == kept


def test_the_projector_pass_opens_nothing_else(client: TestClient, api_room) -> None:
    room = api_room()
    projector_pass = projector_link(client, room).split("key=", 1)[1]
    client.cookies.clear()
    assert client.get(f"/console/{room.id}?key={projector_pass}").status_code == 403
    as_pass = bearer(projector_pass)
    step = room.steps()[1]["id"]
    activate = client.post(f"/api/sessions/{room.id}/steps/{step}/activate", headers=as_pass)
    assert activate.status_code == 403
    assert client.get(f"/api/sessions/{room.id}/events", headers=as_pass).status_code == 200


def test_rotating_the_keys_revokes_the_projector_pass(client: TestClient, api_room) -> None:
    room = api_room()
    link = projector_link(client, room)
    assert client.post(f"/api/sessions/{room.id}/keys/rotate", headers=ORGANISER).status_code == 200
    client.cookies.clear()
    assert client.get(link).status_code == 403


def test_the_facilitator_chooses_the_join_panel_per_step(client: TestClient, api_room) -> None:
    room = api_room()
    step = room.brainstorm
    url = f"/api/sessions/{room.id}/steps/{step}/join-panel"
    for shown in (False, True, None):
        response = client.put(url, json={"shown": shown}, headers=room.facilitator)
        assert response.status_code == 200 and response.json() == {"shown": shown}
    events = [e for e in room.events() if e["type"] == "join_panel_changed"]
    assert [e["data"] for e in events] == [
        {"step_id": step, "shown": shown} for shown in (False, True, None)
    ]
    before = room.last_seq()
    projector = bearer(room.data["projector_key"])
    for headers in (room.join(), projector, {}):
        refused = client.put(url, json={"shown": False}, headers=headers)
        assert refused.status_code in (401, 403)
    assert client.put(url, json={"shown": "maybe"}, headers=room.facilitator).status_code == 422
    assert room.last_seq() == before + 1  # only the join above


def test_the_projector_page_follows_the_join_panel_choice(client: TestClient, api_room) -> None:
    room = api_room()
    room.activate(room.brainstorm)
    client.get(f"/projector/{room.id}?key={room.data['projector_key']}")
    assert 'data-join-panel="auto"' in client.get(f"/projector/{room.id}").text
    url = f"/api/sessions/{room.id}/steps/{room.brainstorm}/join-panel"
    client.put(url, json={"shown": False}, headers=room.facilitator)
    assert 'data-join-panel="hidden"' in client.get(f"/projector/{room.id}").text
