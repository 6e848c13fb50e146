"""Who may use which route: every HTTP route and socket of the app, for every kind of caller.
The table is checked against app.routes, so a new route without an entry fails here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route
from starlette.websockets import WebSocketDisconnect

from app.auth import csrf_token
from tests.app.conftest import ApiRoom, bearer
from tests.conftest import ORGANISER_TOKEN

# Callers, in the order of the expectation strings below ("A" allowed, "-" refused).
ROLES = (
    "stranger",
    "participant",
    "participant of another session",
    "facilitator of another session",
    "projector",
    "facilitator",
    "organiser",
)


@dataclass
class World:
    """This session and another one, and the secret each kind of caller holds."""

    client: TestClient
    room: ApiRoom
    other: ApiRoom
    secrets: dict[str, str | None]
    step: int

    def fill(self, data: Any) -> Any:
        """Put this world's session code and step id into a request body."""
        if isinstance(data, dict):
            return {k: self.fill(v) for k, v in data.items()}
        if isinstance(data, str):
            return data.format(code=self.room.data["code"], step=self.step)
        return data

    def credential(self, role: str) -> str | None:
        return self.secrets[role]

    def cookies(self, role: str) -> dict[str, str]:
        """The caller's secret in every cookie slot of this session: none may open a door
        that the secret does not."""
        secret = self.credential(role)
        if secret is None:
            return {}
        names = ("vk_p_", "vk_f_", "vk_v_")
        return {
            **{f"{n}{self.room.id}": secret for n in names},
            "vk_organiser": secret,
            "X-CSRF-Token": csrf_token(secret),
        }


def make_world(client: TestClient, api_room: Callable[[str], ApiRoom]) -> World:
    room, other = api_room("Zwolle"), api_room("Utrecht")
    step = room.step_id("brainstorm")
    room.activate(step)

    def token(r: ApiRoom) -> str:
        return r.join()["Authorization"].removeprefix("Bearer ")

    secrets = {
        "stranger": None,
        "participant": token(room),
        "participant of another session": token(other),
        "facilitator of another session": other.data["facilitator_key"],
        "projector": room.data["projector_key"],
        "facilitator": room.data["facilitator_key"],
        "organiser": ORGANISER_TOKEN,
    }
    return World(client, room, other, secrets, step)


def api(method: str, path: str, json: Any = None) -> Callable[[World, str, int], bool]:
    """An API call with the caller's secret as a bearer token."""

    def call(world: World, role: str, n: int) -> bool:
        secret = world.credential(role)
        url = path.format(id=world.room.id, step=world.step, code=world.room.data["code"])
        body = world.fill(json(n) if callable(json) else json)
        response = world.client.request(
            method, url, json=body, headers=bearer(secret) if secret else {}
        )
        return allowed(response)

    return call


def page(method: str, path: str, form: Any = None, body: Any = None) -> Callable[..., bool]:
    """A browser request with the caller's secret in every cookie and a matching CSRF token."""

    def call(world: World, role: str, n: int) -> bool:
        jar = world.cookies(role)
        csrf = jar.pop("X-CSRF-Token", "")
        headers = {"X-CSRF-Token": csrf} if csrf else {}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        url = path.format(id=world.room.id, step=world.step, code=world.room.data["code"])
        data = {**world.fill(form), "csrf": csrf} if form is not None else None
        response = world.client.request(
            method,
            url,
            data=data,
            json=world.fill(body(n) if callable(body) else body),
            headers=headers,
            follow_redirects=False,
        )
        return allowed(response)

    return call


def socket(path: str, *, by_cookie: bool) -> Callable[[World, str, int], bool]:
    def call(world: World, role: str, n: int) -> bool:
        secret = world.credential(role) or ""
        url = path.format(id=world.room.id, token=secret)
        headers = {}
        if by_cookie and (jar := world.cookies(role)):
            jar.pop("X-CSRF-Token")
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        try:
            with world.client.websocket_connect(url, headers=headers):
                return True
        except WebSocketDisconnect:
            return False

    return call


def allowed(response: Any) -> bool:
    if response.status_code in (401, 403):
        return False
    if response.status_code == 303 and response.headers["location"] == "/":
        return False  # a participant page sends callers without a valid cookie home
    assert response.status_code < 400, (response.status_code, response.text)
    return True


def item(n: int) -> dict[str, Any]:
    return {"client_id": f"m{n}", "step_id": "{step}", "category": "voordelen", "text": "x"}


ALL = "AAAAAAA"
# (route, variant): (request, expectation per role in ROLES order)
MATRIX: dict[tuple[str, str], tuple[Callable[..., bool], str]] = {
    ("GET /", ""): (page("GET", "/"), ALL),
    ("GET /join", ""): (page("GET", "/join?code={code}"), ALL),
    ("POST /join", ""): (page("POST", "/join", form={"code": "{code}"}), ALL),
    ("POST /api/join", ""): (api("POST", "/api/join", json={"code": "{code}"}), ALL),
    ("POST /api/sessions", ""): (api("POST", "/api/sessions", json={}), "------A"),
    ("GET /api/sessions/{session_id}", ""): (api("GET", "/api/sessions/{id}"), "-A--AA-"),
    ("POST /api/sessions/{session_id}/steps/{step_id}/activate", ""): (
        api("POST", "/api/sessions/{id}/steps/{step}/activate"),
        "-----A-",
    ),
    ("POST /api/sessions/{session_id}/items", ""): (
        api("POST", "/api/sessions/{id}/items", json=item),
        "-A-----",
    ),
    ("GET /api/sessions/{session_id}/events", ""): (
        api("GET", "/api/sessions/{id}/events"),
        "-A--AA-",
    ),
    ("POST /api/sessions/{session_id}/joining", ""): (
        api("POST", "/api/sessions/{id}/joining", json={"open": True}),
        "-----AA",
    ),
    ("POST /api/sessions/{session_id}/keys/rotate", ""): (
        api("POST", "/api/sessions/{id}/keys/rotate"),
        "------A",
    ),
    ("WS /api/sessions/{session_id}/ws", ""): (
        socket("/api/sessions/{id}/ws?token={token}", by_cookie=False),
        "-A--AA-",
    ),
    ("WS /live/{session_id}", "participant"): (
        socket("/live/{id}?view=participant", by_cookie=True),
        "-A-----",
    ),
    ("WS /live/{session_id}", "console"): (
        socket("/live/{id}?view=console", by_cookie=True),
        "-----A-",
    ),
    ("WS /live/{session_id}", "projector"): (
        socket("/live/{id}?view=projector", by_cookie=True),
        "----A--",
    ),
    ("GET /s/{session_id}", ""): (page("GET", "/s/{id}"), "-A-----"),
    ("GET /console/{session_id}", ""): (page("GET", "/console/{id}"), "-----A-"),
    ("GET /projector/{session_id}", ""): (page("GET", "/projector/{id}"), "----A--"),
    ("POST /s/{session_id}/items", ""): (page("POST", "/s/{id}/items", body=item), "-A-----"),
    ("POST /console/{session_id}/steps/{step_id}/activate", ""): (
        page("POST", "/console/{id}/steps/{step}/activate"),
        "-----A-",
    ),
    ("GET /organiser", ""): (page("GET", "/organiser"), "------A"),
    ("POST /organiser/sessions", ""): (
        page("POST", "/organiser/sessions", form={"title": "Nieuw"}),
        "------A",
    ),
    ("GET /openapi.json", ""): (page("GET", "/openapi.json"), ALL),
    ("GET /docs", ""): (page("GET", "/docs"), ALL),
    ("GET /docs/oauth2-redirect", ""): (page("GET", "/docs/oauth2-redirect"), ALL),
    ("GET /redoc", ""): (page("GET", "/redoc"), ALL),
    ("GET /static", ""): (page("GET", "/static/app.css"), ALL),
}


def app_routes(routes: list[Any], prefix: str = "") -> set[str]:
    """Every route as "METHOD path" ("WS path" for sockets), included routers flattened."""
    found = set()
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's wrapper of an included router
            found |= app_routes(route.original_router.routes, route.include_context.prefix)
        elif isinstance(route, APIWebSocketRoute):
            found.add(f"WS {prefix}{route.path}")
        elif isinstance(route, APIRoute | Route):
            found |= {f"{m} {prefix}{route.path}" for m in route.methods or () if m != "HEAD"}
        elif isinstance(route, Mount):
            found.add(f"GET {prefix}{route.path}")
        else:
            found.add(f"? {route!r}")
    return found


def test_every_route_has_an_entry(client: TestClient) -> None:
    assert app_routes(client.app.routes) == {route for route, _ in MATRIX}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("route", "variant"), list(MATRIX))
def test_who_may_use_the_route(client: TestClient, api_room, route: str, variant: str) -> None:
    request, expected = MATRIX[(route, variant)]
    world = make_world(client, api_room)
    outcome = ""
    for n, role in enumerate(ROLES):
        outcome += "A" if request(world, role, n) else "-"
    assert outcome == expected, dict(zip(ROLES, outcome, strict=True))
