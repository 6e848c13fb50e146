"""Security headers on every route: every answer the server gives (a page, the API, a file, a
refusal of any kind) carries the Content-Security-Policy and the other headers, and no
template holds a script the policy would refuse to run."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.app.test_access_matrix import MATRIX, ROLES, app_routes, make_world
from tests.harness import ORGANISER_TOKEN, LiveRoom

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EXPECTED = {
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}


def assert_strict(response: httpx.Response) -> None:
    """The headers a response must carry, whatever its status."""
    where = f"{response.request.method} {response.request.url.path} → {response.status_code}"
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (where, name)
    policy = directives(response.headers.get("content-security-policy", ""))
    assert policy.get("script-src") == ["'self'"], where
    assert policy.get("default-src") == ["'self'"], where
    assert policy.get("connect-src") == ["'self'"], where
    assert policy.get("frame-ancestors") == ["'none'"], where
    assert policy.get("object-src") == ["'none'"], where
    assert "camera=()" in response.headers.get("permissions-policy", ""), where
    assert "microphone=()" in response.headers.get("permissions-policy", ""), where
    assert "strict-transport-security" not in response.headers, where


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def test_every_route_answers_with_the_headers(
    client: TestClient, api_room: Callable[..., LiveRoom]
) -> None:
    """Every HTTP route of the access matrix, called by every kind of caller: allowed or
    refused, each answer carries the headers."""
    answers: list[httpx.Response] = []
    client.event_hooks["response"].append(answers.append)
    world = make_world(client, api_room)
    covered = set()
    for (route, _variant), (request, _expected) in MATRIX.items():
        if route.startswith("WS "):
            continue
        before = len(answers)
        for n, role in enumerate(ROLES):
            # A refusal because of what another route did (a step deleted) is still an answer.
            with contextlib.suppress(AssertionError):
                request(world, role, n)
        assert len(answers) > before, route
        covered.add(route)
    assert covered == {r for r in app_routes(client.app.routes) if not r.startswith("WS ")}  # type: ignore[attr-defined]
    statuses = {r.status_code for r in answers}
    assert {200, 201, 303, 403}.issubset(statuses), statuses
    for response in answers:
        assert_strict(response)


def test_pages_files_and_refusals_carry_the_headers(
    client: TestClient, api_room: Callable[..., LiveRoom]
) -> None:
    room = api_room()
    key = room.data["facilitator_key"]
    for path in (
        "/",
        f"/join?code={room.data['code']}",
        f"/console/{room.id}?key={key}",
        f"/projector/{room.id}?key={room.data['projector_key']}",
        "/organiser",
        "/static/js/console.js",
        "/static/favicon.svg",
        "/no-such-page",
        "/static/no-such-file.js",
        f"/console/{room.id}?key=wrong",
    ):
        assert_strict(client.get(path))
    report = client.get(f"/api/sessions/{room.id}/report.html", headers=room.facilitator)
    assert report.status_code == 200
    assert_strict(report)
    too_large = client.post("/api/join", content=b"x" * 10_000_000)
    assert too_large.status_code == 413
    assert_strict(too_large)


def test_a_flood_refused_with_429_carries_the_headers(database_url: str) -> None:
    settings = Settings(
        database_url=database_url, organiser_token=ORGANISER_TOKEN, join_limit_per_address=1
    )
    with TestClient(create_app(settings)) as client:
        room = LiveRoom.create(client, title="Zwolle")
        answers = [client.post("/api/join", json={"code": room.data["code"]}) for _ in range(3)]
    assert answers[-1].status_code == 429
    for answer in answers:
        assert_strict(answer)


@pytest.mark.parametrize("secure", [False, True])
def test_hsts_only_when_served_over_https(database_url: str, secure: bool) -> None:
    settings = Settings(
        database_url=database_url, organiser_token=ORGANISER_TOKEN, secure_cookies=secure
    )
    with TestClient(create_app(settings)) as client:
        answers = [client.get("/"), client.get("/static/app.css"), client.get("/api/nothing")]
    for answer in answers:
        hsts = answer.headers.get("strict-transport-security")
        assert hsts == ("max-age=31536000" if secure else None)


def test_the_api_docs_that_load_a_cdn_are_gone_and_the_schema_stays(client: TestClient) -> None:
    """FastAPI's /docs and /redoc fetch scripts and fonts from CDNs: a third party."""
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\s(?:on[a-z]+|hx-on[-:][^=\s]*)\s*=", re.IGNORECASE)
EVALUATED = re.compile(r"""(?:hx-vals|hx-vars|hx-headers)\s*=\s*['"]\s*(?:js|javascript):""")


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_no_template_holds_a_script_the_policy_refuses(template: Path) -> None:
    """Inline <script>, onclick=… and hx-on:… run only with 'unsafe-inline'; hx-vals="js:…"
    only with eval: the browser refuses all of them, so none may be in a template."""
    source = template.read_text(encoding="utf-8")
    found: Callable[[re.Pattern[str]], list[str]] = lambda p: p.findall(source)  # noqa: E731
    assert found(INLINE_SCRIPT) == []
    assert found(HANDLER) == []
    assert found(EVALUATED) == []
