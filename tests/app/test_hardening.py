"""Refusals the fuzzer and the security review asked for: huge numbers, typed text inside
attributes, and the flags on every secret cookie."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.harness import ORGANISER, ORGANISER_TOKEN

HUGE = 2**63  # one past the largest integer the database stores


@pytest.mark.parametrize("HUGE", [2**31, 2**40, 2**63])  # beyond int4, beyond bigint
def test_numbers_beyond_the_database_are_not_found_not_a_crash(
    client: TestClient, api_room, HUGE: int
) -> None:
    room = api_room()
    activate = client.post(
        f"/api/sessions/{room.id}/steps/{HUGE}/activate", headers=room.facilitator
    )
    assert activate.status_code == 404
    created = client.post("/api/sessions", json={"programme_id": HUGE}, headers=ORGANISER)
    assert created.status_code == 404
    events = client.get(f"/api/sessions/{room.id}/events?after={HUGE}", headers=room.facilitator)
    assert events.status_code == 422  # beyond the last event: refused, never echoed back
    assert events.json()["detail"].startswith(f"`after` is {HUGE}, but the session's last")


def test_typed_text_in_attributes_is_escaped(client: TestClient) -> None:
    """The join code a visitor typed comes back inside value="…" on the error page."""
    typed = '"><img src=x onerror=alert(1)>'
    page = client.get("/join", params={"code": typed})
    assert page.status_code == 404
    assert 'value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in page.text
    assert "<img src=x" not in page.text


@pytest.fixture
def secure_client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url, organiser_token=ORGANISER_TOKEN, secure_cookies=True
    )
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        yield client


@pytest.mark.parametrize("secure", [False, True])
def test_every_secret_cookie_is_httponly_lax_and_secure_when_asked(
    client: TestClient, secure_client: TestClient, secure: bool
) -> None:
    http = secure_client if secure else client
    room = http.post("/api/sessions", json={"title": "Zwolle"}, headers=ORGANISER).json()
    responses = [
        http.get(f"/console/{room['id']}?key={room['facilitator_key']}", follow_redirects=False),
        http.get(f"/projector/{room['id']}?key={room['projector_key']}", follow_redirects=False),
        http.get(f"/organiser?token={ORGANISER_TOKEN}", follow_redirects=False),
        http.post("/join", data={"code": room["code"]}, follow_redirects=False),
    ]
    for response in responses:
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie, cookie
        assert ("Secure" in cookie) == secure, cookie


def test_the_server_log_holds_no_token_and_no_key(tmp_path, databases) -> None:
    """uvicorn logs every request line; secrets travel in query strings (a socket's token, a
    console link's key), so the log shows them as [redacted]."""
    import httpx
    from websockets.sync.client import connect

    from tests.harness import start_server

    url = databases.fresh(tmp_path)
    log = tmp_path / "server.log"
    server = start_server({"DATABASE_URL": url, "ORGANISER_TOKEN": ORGANISER_TOKEN}, log)
    try:
        session = httpx.post(f"{server.url}/api/sessions", json={"title": "Log"}, headers=ORGANISER)
        sid, key = session.json()["id"], session.json()["facilitator_key"]
        token = httpx.post(f"{server.url}/api/join", json={"code": session.json()["code"]})
        token = token.json()["token"]
        assert httpx.get(f"{server.url}/console/{sid}", params={"key": key}).status_code < 400
        with connect(f"{server.ws_url}/api/sessions/{sid}/ws?token={token}&after=0") as ws:
            ws.recv(timeout=10)
        # Percent-encoded names are the same parameters to the app ("%6Bey" is "key").
        encoded = httpx.get(f"{server.url}/projector/{sid}?%6Bey={key}", follow_redirects=False)
        assert encoded.status_code == 403  # read as the key: a facilitator key opens no projector
        with connect(f"{server.ws_url}/api/sessions/{sid}/ws?after=0&%74oken={token}") as ws:
            ws.recv(timeout=10)
        deadline = time.monotonic() + 10
        while True:  # a line is logged just after its response: wait until all are in
            text = log.read_text()
            if "ws?after=0&" in text and f"/projector/{sid}" in text:
                break
            assert time.monotonic() < deadline, text
            time.sleep(0.05)
        assert f"/api/sessions/{sid}/ws?token=[redacted]" in text
        assert f"/console/{sid}?key=[redacted]" in text
        assert f"/projector/{sid}?%6Bey=[redacted]" in text
        assert f"/api/sessions/{sid}/ws?after=0&%74oken=[redacted]" in text
        assert token not in text and key not in text and ORGANISER_TOKEN not in text
    finally:
        server.stop()
        databases.drop(url)


def test_a_lone_surrogate_is_refused_not_a_crash(client: TestClient, api_room) -> None:
    """JSON can carry "\\ud800"; UTF-8, and so the database, cannot."""
    room = api_room()
    participant = room.join()
    brainstorm = room.step_id("brainstorm")
    room.activate(brainstorm)
    json_type = {"Content-Type": "application/json"}
    joined = client.post("/api/join", content=b'{"code": "\\ud800"}', headers=json_type)
    item = (
        b'{"client_id": "c1", "step_id": %d, "category": "voordelen", "text": "x\\ud800"}'
        % brainstorm
    )
    added = client.post(
        f"/api/sessions/{room.id}/items", content=item, headers={**participant, **json_type}
    )
    for response in (joined, added):
        assert response.status_code == 422, response.text
        assert "lone surrogate" in response.json()["detail"]
    assert [e["type"] for e in room.events() if e["type"] == "item_added"] == []


def test_a_programme_id_beyond_the_database_is_not_found(client: TestClient) -> None:
    response = client.get(f"/api/programmes/{2**66}/report.json", headers=ORGANISER)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["key", "token", "%6Bey", "%74oken", "k%65y", "%6b%65%79", "%4B%45%59", "TOKEN"]
)
def test_log_redaction_reads_parameter_names_as_the_app_does(name: str) -> None:
    from app.logs import redact

    line = f"/console/abc?lang=nl&{name}=s3cr3t&after=0"
    assert redact(line) == f"/console/abc?lang=nl&{name}=[redacted]&after=0"
    assert redact("/x?monkey=1&csrf_token=2") == "/x?monkey=1&csrf_token=2"


@pytest.mark.parametrize("HUGE", [2**63, 2**66])
def test_an_id_beyond_the_database_is_not_found_on_any_route(
    client: TestClient, api_room, HUGE: int
) -> None:
    """The fuzzer's finding: a participant's ballot of step 2^63 reached the query (500)."""
    room = api_room()
    participant = room.join()
    response = client.get(f"/api/sessions/{room.id}/steps/{HUGE}/ballot", headers=participant)
    assert response.status_code == 404
    assert response.json() == {"detail": "Nothing has this id: the number is larger than any id."}
