from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.harness import ORGANISER, bearer


def test_create_session_returns_code_keys_and_links(client: TestClient) -> None:
    response = client.post(
        "/api/sessions",
        json={"title": "Zwolle", "location": "Zwolle", "date": "2016-06-07"},
        headers=ORGANISER,
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "code", "facilitator_key", "projector_key", "links"}
    base = "http://testserver"
    assert body["links"] == {
        "participant": f"{base}/join?code={body['code']}",
        "facilitator": f"{base}/console/{body['id']}?key={body['facilitator_key']}",
        "projector": f"{base}/projector/{body['id']}?key={body['projector_key']}",
    }


@pytest.mark.parametrize("headers", [{}, bearer("wrong-token")])
def test_creating_a_session_needs_the_organiser_token(client: TestClient, headers) -> None:
    response = client.post("/api/sessions", json={"title": "x"}, headers=headers)
    assert response.status_code == 403
    assert "organiser token" in response.json()["detail"]


def test_session_view_lists_agenda_and_content_keys(api_room) -> None:
    room = api_room()
    participant = room.join(sector="PO")
    body = room.client.get(f"/api/sessions/{room.id}", headers=participant).json()
    assert [s["type"] for s in body["steps"]] == [
        "info",
        *["brainstorm", "converge", "vote"] * 3,
        "statements",
        "glossary",
        "preference",
    ]
    assert body["steps"][1]["scenario"] == "afstemming"
    assert body["active_step_id"] is None
    assert [c["key"] for c in body["categories"]] == ["voordelen", "nadelen", "voorwaarden"]
    assert body["participants"] == 1


def test_session_view_needs_a_credential_of_that_session(api_room) -> None:
    room, other = api_room("Zwolle"), api_room("Utrecht")
    stranger = other.join()
    url = f"/api/sessions/{room.id}"
    assert room.client.get(url).status_code == 401
    assert room.client.get(url, headers=stranger).status_code == 403
    assert room.client.get(url, headers=other.facilitator).status_code == 403
    assert room.client.get("/api/sessions/nope", headers=stranger).status_code == 404


def test_join_returns_a_token(api_room) -> None:
    room = api_room()
    response = room.client.post(
        "/api/join",
        json={"code": room.data["code"].lower(), "profile": {"sector": "VO", "role": None}},
    )
    assert response.status_code == 201
    assert set(response.json()) == {"session_id", "participant_id", "token"}
    assert response.json()["session_id"] == room.id


@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({"code": "ZZZZZZ"}, 404, "No session with this join code"),
        ({"profile": {"sector": "MBO"}}, 422, "Unknown option 'MBO'"),
        ({"profile": {"name": "Jan"}}, 422, "Unknown profile field 'name'"),
    ],
)
def test_bad_joins_are_refused(api_room, payload, status, detail) -> None:
    room = api_room()
    before = room.events()
    response = room.client.post("/api/join", json={"code": room.data["code"], **payload})
    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert room.events() == before


def test_facilitator_pushes_a_step(api_room) -> None:
    room = api_room()
    step_id = room.step_id("brainstorm")
    response = room.client.post(
        f"/api/sessions/{room.id}/steps/{step_id}/activate", headers=room.facilitator
    )
    assert response.status_code == 200
    assert response.json()["scenario"] == "afstemming"
    assert room.events()[-1]["type"] == "step_activated"


def test_a_participant_cannot_push_a_step(api_room) -> None:
    room = api_room()
    participant = room.join()
    before = room.events()
    url = f"/api/sessions/{room.id}/steps/{room.step_id('brainstorm')}/activate"
    response = room.client.post(url, headers=participant)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the facilitator of this session can do this."
    assert room.events() == before


def test_unknown_step_is_404(api_room) -> None:
    room = api_room()
    response = room.client.post(
        f"/api/sessions/{room.id}/steps/99999/activate", headers=room.facilitator
    )
    assert response.status_code == 404


def test_item_is_stored_once_and_returns_its_seq(api_room) -> None:
    room = api_room()
    participant = room.join()
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    fields = {
        "client_id": "c-1",
        "step_id": step_id,
        "category": "voordelen",
        "text": "Herkenbare rollen",
    }
    first = room.post_item(participant, **fields)
    assert first.status_code == 201
    body = first.json()
    assert body["item"] == {
        "id": body["item"]["id"],
        "step_id": step_id,
        "table_id": None,
        "category": "voordelen",
        "theme": None,
        "text": "Herkenbare rollen",
    }
    assert room.events()[-1] == {
        "seq": body["seq"],
        "type": "item_added",
        "data": {"item": body["item"], "column_count": 1, "total_count": 1},
    }
    retry = room.post_item(participant, **fields)
    assert (retry.status_code, retry.json()) == (200, body)
    assert [e["type"] for e in room.events()].count("item_added") == 1


@pytest.mark.parametrize(
    ("changes", "status", "detail"),
    [
        ({"text": ""}, 422, "The text is empty."),
        ({"text": "x" * 1001}, 422, "at most 1000 characters"),
        ({"text": "x" * 5000}, 422, "String should have at most 4000 characters"),
        ({"category": "kansen"}, 422, "Unknown category 'kansen'"),
        ({"category": "voorwaarden", "theme": "geld"}, 422, "Unknown theme 'geld'"),
        ({"step_id": "not-a-number"}, 422, "valid integer"),
        ({"client_id": ""}, 422, "at least 1 character"),
    ],
)
def test_bad_items_are_refused_with_a_message(api_room, changes, status, detail) -> None:
    room = api_room()
    participant = room.join()
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    before = room.events()
    fields = {
        "client_id": "c",
        "step_id": step_id,
        "category": "voordelen",
        "text": "ok",
        **changes,
    }
    response = room.post_item(participant, **fields)
    assert response.status_code == status
    assert detail in str(response.json()["detail"])
    assert room.events() == before


def test_item_for_a_step_that_is_not_active_is_kept_late_202(api_room) -> None:
    room = api_room()
    participant = room.join()
    room.activate(room.step_id("brainstorm"))
    fields = {"client_id": "c", "step_id": room.step_id("brainstorm", 1), "category": "nadelen"}
    response = room.post_item(participant, **fields, text="x")
    assert response.status_code == 202
    assert response.json()["late"] is True
    assert response.json()["item"]["text"] == "x"
    retry = room.post_item(participant, **fields, text="x")
    assert (retry.status_code, retry.json()) == (200, response.json())


def test_item_refusals_by_role(api_room) -> None:
    room, other = api_room("Zwolle"), api_room("Utrecht")
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    fields = {"client_id": "c", "step_id": step_id, "category": "voordelen", "text": "x"}
    assert room.post_item({}, **fields).status_code == 401
    assert room.post_item(other.join(), **fields).status_code == 403
    assert room.post_item(room.facilitator, **fields).status_code == 403
    assert [e["type"] for e in room.events()].count("item_added") == 0


def test_events_after_a_seq(api_room) -> None:
    room = api_room()
    room.join()
    room.join()
    events = room.events(after=1)
    assert [(e["seq"], e["type"]) for e in events] == [
        (2, "participant_joined"),
        (3, "participant_joined"),
    ]
    response = room.client.get(
        f"/api/sessions/{room.id}/events", params={"after": 3}, headers=room.facilitator
    )
    assert response.json() == {"events": [], "last_seq": 3}
    bad = room.client.get(
        f"/api/sessions/{room.id}/events", params={"after": -1}, headers=room.facilitator
    )
    assert bad.status_code == 422


def test_openapi_documents_the_core_paths(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/sessions",
        "/api/sessions/{session_id}",
        "/api/join",
        "/api/sessions/{session_id}/steps/{step_id}/activate",
        "/api/sessions/{session_id}/items",
        "/api/sessions/{session_id}/events",
    ):
        assert path in paths


def test_refusals_are_in_the_language_of_the_page_that_asked(api_room) -> None:
    room = api_room()
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    fields = {"client_id": "c", "step_id": step_id, "category": "voordelen", "text": "x"}
    page = {"X-VK-View": "console"}
    answers = {
        language: room.post_item({**room.facilitator, **page, "X-VK-Lang": language}, **fields)
        for language in ("nl", "en")
    }
    assert answers["nl"].json() == {"detail": "Alleen deelnemers voegen bijdragen toe."}
    assert answers["en"].json() == {"detail": "Only participants add items."}
    plain = room.post_item({**room.facilitator, "X-VK-Lang": "nl"}, **fields)
    assert plain.json() == {"detail": "Only participants add items."}  # API clients: English


def test_refusals_with_values_are_translated_with_the_values_filled_in(api_room) -> None:
    room = api_room()
    author = room.join()
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    fields = {"client_id": "c", "step_id": step_id, "category": "nieuws", "text": "x"}
    page = {**author, "X-VK-View": "participant"}
    dutch = room.post_item(page, **fields)  # no language given: the page's default, Dutch
    assert (dutch.status_code, dutch.json()) == (
        422,
        {"detail": "Onbekende categorie 'nieuws'; kies uit voordelen, nadelen, voorwaarden."},
    )
    english = room.post_item({**page, "X-VK-Lang": "en"}, **fields)
    assert english.json() == {
        "detail": "Unknown category 'nieuws'; choose one of voordelen, nadelen, voorwaarden."
    }
    plain = room.post_item({**author, "X-VK-Lang": "nl"}, **fields)
    assert plain.json() == english.json()  # API clients: English


def test_a_step_type_in_a_refusal_is_named_as_the_page_names_it(api_room) -> None:
    room = api_room()
    author = room.join()
    statements = room.step_id("statements")
    room.activate(statements)
    fields = {"client_id": "c", "step_id": statements, "category": "voordelen", "text": "x"}
    page = {**author, "X-VK-View": "participant"}
    assert room.post_item(page, **fields).json() == {
        "detail": "In een stap van het type stellingen voeg je geen bijdragen toe."
    }
    assert room.post_item(author, **fields).json() == {
        "detail": "A statements step takes no items."
    }


def _loose_answers(spec: dict) -> list[str]:
    """Routes whose JSON answer (2xx) is a free object rather than a named shape."""
    loose = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation.get("responses", {}).items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema")
                if not status.startswith("2") or schema is None:
                    continue
                shape = schema.get("items", schema)
                if not ("$ref" in shape or all("$ref" in s for s in shape.get("anyOf", [{}]))):
                    loose.append(f"{method.upper()} {path} {status}")
    return loose


def test_every_json_answer_is_a_named_shape(client: TestClient) -> None:
    """STYLE 11: no route answers dict[str, Any]; each answer has a schema clients can read."""
    spec = client.get("/openapi.json").json()
    api_paths = {p: o for p, o in spec["paths"].items() if p.startswith("/api/")}
    assert _loose_answers({"paths": api_paths}) == []


def test_the_app_overrides_no_dependency(client: TestClient) -> None:
    """With any entry in `dependency_overrides`, FastAPI re-reads the signature of every
    dependency on every request (issue #16: most of the HTTP path's CPU); the app's own
    settings come from a dependency of its own (`auth.get_app_settings`)."""
    assert isinstance(client.app, FastAPI)
    assert client.app.dependency_overrides == {}
