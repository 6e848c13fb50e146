"""Control characters (NUL above all) are refused with 422 wherever text comes in, on SQLite
and PostgreSQL alike (PostgreSQL cannot store NUL: it used to answer 500), and nothing is
stored. Line breaks and tabs stay allowed in texts of several lines."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from session_engine.store.db import create_db_engine
from tests.harness import ORGANISER, LiveRoom

NUL = "\x00"


@pytest.fixture
def room(api_room: Any) -> LiveRoom:
    room: LiveRoom = api_room()
    room.brainstorm = room.step_id("brainstorm")  # type: ignore[attr-defined]
    room.activate(room.brainstorm)  # type: ignore[attr-defined]
    room.alice = room.join()  # type: ignore[attr-defined]
    item = room.post_item(
        room.alice,  # type: ignore[attr-defined]
        client_id="first",
        step_id=room.brainstorm,  # type: ignore[attr-defined]
        category="voordelen",
        text="Herkenbare rollen",
    )
    room.item = item.json()["item"]["id"]  # type: ignore[attr-defined]
    return room


def api(room: LiveRoom, method: str, path: str, body: Any, who: str = "facilitator") -> Any:
    headers = {
        "facilitator": room.facilitator,
        "participant": room.alice,  # type: ignore[attr-defined]
        "organiser": ORGANISER,
        "nobody": {},
    }[who]
    url = path.format(id=room.id, item=room.item, step=room.brainstorm)  # type: ignore[attr-defined]
    return room.client.request(method, url, json=body, headers=headers)


S = "/api/sessions/{id}"
ITEM = {"step_id": None, "category": "voordelen"}
# (who, method, path, body): every way text enters, with a NUL (or another control
# character) in one text field.
REQUESTS = [
    ("participant", "POST", S + "/items", {"client_id": "n1", "text": f"Ge{NUL}heim"}),
    ("participant", "POST", S + "/items", {"client_id": "n2", "text": "Tab\tok", "theme": NUL}),
    ("participant", "POST", S + "/items", {"client_id": "n3", "text": "Bel \x07 belt"}),
    ("participant", "POST", S + "/items/{item}/comments", {"client_id": "c", "text": f"a{NUL}"}),
    ("participant", "PUT", S + "/steps/{step}/ballot", None),  # filled in below
    ("facilitator", "PATCH", S + "/items/{item}", {"text": f"Nieuw{NUL}"}),
    ("facilitator", "POST", S + "/steps", {"type": "info", "title": f"Pauze{NUL}"}),
    ("facilitator", "POST", S + "/steps", {"type": "info", "title": "Pauze\nna"}),
    ("facilitator", "POST", S + "/steps", {"type": "info", "text": f"Uitleg {NUL}"}),
    ("facilitator", "PATCH", S + "/steps/{step}", {"title": f"Scenario{NUL}"}),
    ("facilitator", "POST", S + "/templates", {"name": f"Sjabloon{NUL}"}),
    ("facilitator", "POST", S + "/tables", {"names": [f"Tafel{NUL}1"]}),
    ("facilitator", "PUT", S + "/report/texts", {"conclusion": f"Slot{NUL}"}),
    ("organiser", "POST", "/api/sessions", {"title": f"Zwolle{NUL}"}),
    ("organiser", "POST", "/api/sessions", {"title": "Zwolle", "location": f"Zw{NUL}olle"}),
    ("nobody", "POST", "/api/join", {"code": f"AB{NUL}CD"}),
    ("nobody", "POST", "/api/join", {"code": "{code}", "profile": {"sector": f"PO{NUL}"}}),
]


@pytest.mark.parametrize(("who", "method", "path", "body"), REQUESTS)
def test_control_characters_are_refused_everywhere_and_nothing_is_stored(
    room: LiveRoom, who: str, method: str, path: str, body: Any
) -> None:
    if path.endswith("/items"):
        body = {**ITEM, **body, "step_id": room.brainstorm}  # type: ignore[attr-defined]
    if path.endswith("/ballot"):
        statements = room.step_id("statements")
        room.activate(statements)
        path = path.replace("{step}", str(statements))
        body = {"answers": [{"subject": "s1", "value": 4, "argument": f"Omdat{NUL}"}]}
    if body.get("code") == "{code}":
        body["code"] = room.data["code"]
    before = room.events()
    answer = api(room, method, path, body, who)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert "control character" in detail or "one line" in detail
    assert room.events() == before
    assert NUL not in answer.text  # the refusal does not echo the character


def test_line_breaks_and_tabs_stay_allowed_in_longer_texts(room: LiveRoom) -> None:
    body = {**ITEM, "step_id": room.brainstorm, "client_id": "ok", "text": "Een\n\tTwee"}  # type: ignore[attr-defined]
    answer = api(room, "POST", S + "/items", body, "participant")
    assert (answer.status_code, answer.json()["item"]["text"]) == (201, "Een\n\tTwee")


def test_a_join_code_with_nul_gets_the_join_page_with_the_reason(client: TestClient) -> None:
    client.post("/api/sessions", json={"title": "Zwolle"}, headers=ORGANISER)
    for response in (
        client.get("/join", params={"code": f"AB{NUL}CD"}),
        client.post("/join", data={"code": f"AB{NUL}CD"}),
    ):
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("text/html")
        assert "code" in response.text and "U+0000" in response.text


def test_an_item_with_nul_on_the_socket_is_refused_not_sent_again(room: LiveRoom) -> None:
    """Over the socket the answer is a refusal for good, not "send it again"."""
    token = room.alice["Authorization"].removeprefix("Bearer ")  # type: ignore[attr-defined]
    last = room.events()[-1]["seq"]
    url = f"/api/sessions/{room.id}/ws?token={token}&after={last}"
    with room.client.websocket_connect(url) as ws:
        item = {**ITEM, "step_id": room.brainstorm, "client_id": "s1"}  # type: ignore[attr-defined]
        ws.send_text(json.dumps({"type": "add_item", **item, "text": f"Ge{NUL}heim"}))
        reply = ws.receive_json()
    assert reply == {
        "type": "error",
        "client_id": "s1",
        "message": "text holds a control character (U+0000), which cannot be stored.",
    }
    assert room.events()[-1]["seq"] == last


def test_database_errors_never_carry_what_was_typed(database_url: str) -> None:
    """A failing statement's error (as logged with a 500) shows no parameter values: no item
    text, no participant id next to it."""
    engine = create_db_engine(database_url)
    try:
        with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
            connection.execute(
                text("INSERT INTO no_such_table (text, participant_id) VALUES (:t, :p)"),
                {"t": "Mijn geheime bijdrage", "p": 424242},
            )
    finally:
        engine.dispose()
    message = str(failed.value)
    assert "Mijn geheime bijdrage" not in message and "424242" not in message
    assert "hidden" in message
