"""Request bodies are capped before they are read (64 KiB by default): an attacker's 100 MB
join cost the server memory and came back whole in the 422. Against a real server, over a
raw socket, so "before it is read" is what is tested: the rest of the body is never sent."""

from __future__ import annotations

import json
import socket

from fastapi.testclient import TestClient

from tests.harness import ORGANISER, LiveRoom

KIB = 1024


def head(live: LiveRoom, path: str, *lines: str) -> bytes:
    request = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{live.server.port}", *lines, "", ""]
    return "\r\n".join(request).encode()


def answer(sock: socket.socket) -> tuple[int, dict[str, object]]:
    """The status and JSON body of the one response on `sock` (read until the server closes
    or the declared length has come)."""
    data = b""
    while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _length(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    status_line, _, rest = data.partition(b"\r\n")
    body = rest.partition(b"\r\n\r\n")[2]
    return int(status_line.split()[1]), json.loads(body)


def _length(data: bytes) -> int:
    for line in data.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 1 << 30


def test_a_declared_megabyte_is_refused_at_once_unread(live: LiveRoom) -> None:
    with socket.create_connection(("127.0.0.1", live.server.port), timeout=5) as sock:
        sock.sendall(
            head(live, "/api/join", "Content-Type: application/json", f"Content-Length: {KIB**2}")
        )
        sock.sendall(b'{"code": "' + b"x" * KIB)  # and nothing more: the server must not wait
        status, body = answer(sock)
    assert status == 413
    assert body == {"detail": "The request is too large: at most 64 KiB."}


def test_a_megabyte_sent_whole_is_refused(live: LiveRoom) -> None:
    body = b'{"code": "' + b"x" * KIB**2 + b'"}'
    json_type = {"Content-Type": "application/json"}
    response = live.http.post("/api/join", content=body, headers=json_type)
    assert response.status_code == 413
    assert response.json()["detail"] == "The request is too large: at most 64 KiB."


def test_a_chunked_body_is_refused_once_it_passes_the_cap(live: LiveRoom) -> None:
    chunk = b"x" * (16 * KIB)
    with socket.create_connection(("127.0.0.1", live.server.port), timeout=5) as sock:
        sock.sendall(
            head(live, "/api/join", "Content-Type: application/json", "Transfer-Encoding: chunked")
        )
        for _ in range(6):  # 96 KiB, and the body never ends: the server must not wait for it
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        status, body = answer(sock)
    assert status == 413
    assert body == {"detail": "The request is too large: at most 64 KiB."}


def test_the_server_still_answers_after_refusing(live: LiveRoom) -> None:
    for _ in range(3):
        refused = live.http.post("/api/join", content=b"x" * (200 * KIB))
        assert refused.status_code == 413
    assert live.http.post("/api/join", json={"code": live.data["code"]}).status_code == 201


def test_a_refusal_echoes_an_excerpt_not_the_input(live: LiveRoom) -> None:
    long_code = "A" * 50_000
    response = live.http.post("/api/join", json={"code": long_code})
    assert response.status_code == 422
    assert len(response.content) < 1000
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "code"]
    assert error["input"] == "A" * 80 + "…"


def test_a_missing_field_does_not_echo_the_whole_body(live: LiveRoom) -> None:
    response = live.http.post("/api/join", json={"other": "B" * 50_000})
    assert response.status_code == 422
    assert "BBBB" not in response.text
    assert response.json()["detail"][0]["loc"] == ["body", "code"]


def test_report_texts_may_be_longer_than_other_bodies(api_room, client: TestClient) -> None:
    """Four report texts of 20,000 characters each: more than 64 KiB, and allowed."""
    room = api_room()
    fields = ("intro", "goal", "method", "conclusion")
    texts = {field: "Samen opleiden. " * 1250 for field in fields}
    url = f"/api/sessions/{room.id}/report/texts"
    response = client.put(url, json=texts, headers=room.facilitator)
    assert response.status_code == 200, response.text[:200]
    assert response.json()["conclusion"].startswith("Samen opleiden.")


def test_the_programme_reports_texts_may_be_as_long(api_room, client: TestClient) -> None:
    """The programme report's six texts of 20,000 characters each (the organiser's)."""
    room = api_room()
    session = client.get(f"/api/sessions/{room.id}", headers=room.facilitator).json()
    fields = ("intro", "goal", "method", "impression", "conclusion", "key_points")
    texts = {field: "Samen opleiden. " * 1250 for field in fields}
    url = f"/api/programmes/{session['programme_id']}/report/texts"
    response = client.put(url, json=texts, headers=ORGANISER)
    assert response.status_code == 200, response.text[:200]
    assert response.json()["key_points"].startswith("Samen opleiden.")
