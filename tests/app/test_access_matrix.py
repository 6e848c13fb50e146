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
from tests.harness import ORGANISER_TOKEN, LiveRoom, bearer

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
    room: LiveRoom
    other: LiveRoom
    secrets: dict[str, str | None]
    step: int
    ids: dict[str, int]

    def fill(self, data: Any) -> Any:
        """Put this world's session code and step id into a request body."""
        if isinstance(data, dict):
            return {k: self.fill(v) for k, v in data.items()}
        if isinstance(data, str):
            return data.format(code=self.room.data["code"], step=self.step, **self.ids)
        if isinstance(data, list):
            return [self.fill(v) for v in data]
        return data

    def url(self, path: str) -> str:
        return path.format(id=self.room.id, step=self.step, code=self.room.data["code"], **self.ids)

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


def make_world(client: TestClient, api_room: Callable[[str], LiveRoom]) -> World:
    room, other = api_room("Zwolle"), api_room("Utrecht")
    step = room.step_id("brainstorm")
    room.activate(step)

    def token(r: LiveRoom) -> str:
        return r.join_token()

    ids = world_objects(room, step)

    secrets = {
        "stranger": None,
        "participant": token(room),
        "participant of another session": token(other),
        "facilitator of another session": other.data["facilitator_key"],
        "projector": room.data["projector_key"],
        "facilitator": room.data["facilitator_key"],
        "organiser": ORGANISER_TOKEN,
    }
    return World(client, room, other, secrets, step, ids)


def world_objects(room: LiveRoom, step: int) -> dict[str, int]:
    """Items, steps and a table for the facilitation and voting routes to act on."""
    author = room.join()
    fac = room.facilitator

    def post(path: str, body: Any) -> Any:
        response = room.client.post(f"/api/sessions/{room.id}{path}", json=body, headers=fac)
        assert response.status_code < 400, response.text
        return response.json()

    items = [
        room.post_item(
            author, client_id=f"w{n}", step_id=step, category="voordelen", text=f"punt {n}"
        ).json()["item"]["id"]
        for n in range(6)
    ]
    lock = f"/api/sessions/{room.id}/steps/{step}/locked"
    room.client.put(lock, json={"value": True}, headers=fac)
    late = [
        room.post_item(
            author, client_id=f"l{n}", step_id=step, category="voordelen", text=f"laat {n}"
        ).json()["item"]["id"]
        for n in range(2)
    ]
    room.client.put(lock, json={"value": False}, headers=fac)
    post(f"/items/{items[3]}/merge", {"member_ids": [items[4]]})
    room.client.delete(f"/api/sessions/{room.id}/items/{items[5]}", headers=fac)
    spare = post("/steps", {"type": "info", "title": "Reserve"})["id"]
    glossary = post("/steps", {"type": "glossary", "title": "Begrippen"})["id"]
    room.client.put(
        f"/api/sessions/{room.id}/steps/{glossary}/config",
        json={"config": {"terms": ["schoolopleider"]}},
        headers=fac,
    )
    [table] = post("/tables", {"names": ["Tafel 1"]})
    return {
        "item": items[0],
        "item2": items[1],
        "merged": items[3],
        "deleted": items[5],
        "late": late[0],
        "spare": spare,
        "glossary": glossary,
        "statements": room.step_id("statements"),
        "table": table["id"],
        "programme": room.client.get(f"/api/sessions/{room.id}", headers=fac).json()[
            "programme_id"
        ],
    }


def on_step(step_key: str, request: Callable[..., bool]) -> Callable[[World, str, int], bool]:
    """Run `request` while another step is on the screens (as a vote needs), then go back."""

    def call(world: World, role: str, n: int) -> bool:
        world.room.activate(world.ids[step_key])
        try:
            return request(world, role, n)
        finally:
            world.room.activate(world.step)

    return call


def reorder(world: World, role: str, n: int) -> bool:
    ids = [s["id"] for s in world.room.steps()]
    return api("PUT", "/api/sessions/{id}/agenda", json={"step_ids": ids})(world, role, n)


def api(method: str, path: str, json: Any = None) -> Callable[[World, str, int], bool]:
    """An API call with the caller's secret as a bearer token."""

    def call(world: World, role: str, n: int) -> bool:
        secret = world.credential(role)
        url = world.url(path)
        body = world.fill(json(n) if callable(json) else json)
        response = world.client.request(
            method, url, json=body, headers=bearer(secret) if secret else {}
        )
        return allowed(response)

    return call


def page(
    method: str, path: str, form: Any = None, body: Any = None, files: Any = None
) -> Callable[..., bool]:
    """A browser request with the caller's secret in every cookie and a matching CSRF token."""

    def call(world: World, role: str, n: int) -> bool:
        jar = world.cookies(role)
        csrf = jar.pop("X-CSRF-Token", "")
        headers = {"X-CSRF-Token": csrf} if csrf else {}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        url = world.url(path)
        data = {**world.fill(form), "csrf": csrf} if form is not None else None
        response = world.client.request(
            method,
            url,
            data=data,
            json=world.fill(body(n) if callable(body) else body),
            files=files(n) if callable(files) else files,
            headers=headers,
            follow_redirects=False,
        )
        return allowed(response)

    return call


def socket(path: str, *, by_cookie: bool) -> Callable[[World, str, int], bool]:
    def call(world: World, role: str, n: int) -> bool:
        secret = world.credential(role) or ""
        url = path.format(id=world.room.id, token=secret, **world.ids)
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


def table(place: str) -> dict[str, tuple[str, bytes, str]]:
    """A one-session table uploaded from the organiser page."""
    return {"table": ("sessies.csv", f"locatie;datum\n{place};14-6-2026\n".encode(), "text/csv")}


def rows(n: int) -> dict[str, Any]:
    return {"rows": [{"location": f"Plaats {n}", "date": "2026-06-14"}]}


ROUND = {"opens_at": "2000-01-01T00:00:00+00:00", "closes_at": "2100-01-01T00:00:00+00:00"}


def open_round(world: World) -> dict[str, Any]:
    """An online round of this programme, holding one participant's item for review."""
    organiser = bearer(ORGANISER_TOKEN)
    url = f"/api/programmes/{world.ids['programme']}/online-rounds"
    session = world.client.post(url, json=ROUND, headers=organiser).json()["session"]
    hold = f"/api/sessions/{session['id']}/hold-for-review"
    assert world.client.put(hold, json={"hold": True}, headers=organiser).status_code == 200
    token = world.client.post("/api/join", json={"code": session["code"]}).json()["token"]
    steps = world.client.get(f"/api/sessions/{session['id']}", headers=bearer(token))
    step = next(s["id"] for s in steps.json()["steps"] if s["type"] == "brainstorm")
    body = {"client_id": "h", "step_id": step, "category": "voordelen", "text": "ter review"}
    held = world.client.post(
        f"/api/sessions/{session['id']}/items", json=body, headers=bearer(token)
    )
    assert held.status_code == 202, held.text
    return {"online": session["id"], "held": held.json()["item"]["id"]}


def on_online_round(request: Callable[[World, str, int], bool]) -> Callable[..., bool]:
    """`request` on an online round (`{online}`) with an item held for review (`{held}`)."""

    def call(world: World, role: str, n: int) -> bool:
        if "online" not in world.ids:
            world.ids.update(open_round(world))
        return request(world, role, n)

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


def own_item(method: str, json: Any = None) -> Callable[[World, str, int], bool]:
    """A call on the caller's own item: one they add first if they may (only a participant
    can); anyone else aims at an item of this session they did not write."""

    def call(world: World, role: str, n: int) -> bool:
        secret = world.credential(role)
        added = world.client.post(
            world.url("/api/sessions/{id}/items"),
            json=world.fill({**item(n), "client_id": f"own-{role}-{n}"}),
            headers=bearer(secret) if secret else {},
        )
        item_id = added.json()["item"]["id"] if added.status_code == 201 else world.ids["item"]
        path = f"/api/sessions/{{id}}/own-items/{item_id}"
        return api(method, path, json)(world, role, n)

    return call


ALL = "AAAAAAA"
PARTICIPANT = "-A-----"
FACILITATOR = "-----A-"
ORGANISER = "------A"
POOL = {"lead_id": "{item}", "member_ids": ["{item2}"]}
PAIR = {"item_id": "{item}", "other_id": "{item2}"}


def pooled(request: Callable[..., bool]) -> Callable[[World, str, int], bool]:
    """Run `request` once the organiser pooled two items (a split or a lead needs a pool)."""

    def call(world: World, role: str, n: int) -> bool:
        if n == 0:
            merge = "/api/programmes/{programme}/entries/merge"
            assert api("POST", merge, json=PAIR)(world, "organiser", n)
        return request(world, role, n)

    return call


def rejected(request: Callable[..., bool]) -> Callable[[World, str, int], bool]:
    """Run `request` once the organiser rejected a suggested pool (its id is {decision})."""

    def call(world: World, role: str, n: int) -> bool:
        if n == 0:
            url = world.url("/api/programmes/{programme}/pools/reject")
            response = world.client.post(
                url, json=world.fill(POOL), headers=bearer(ORGANISER_TOKEN)
            )
            # In a world other routes changed first (test_headers.py) the pool may be gone:
            # the later callers then ask for a decision that does not exist.
            ok = response.status_code == 200
            world.ids["decision"] = response.json()["decisions"][0]["id"] if ok else 0
            assert ok, response.text
        return request(world, role, n)

    return call


def closed_first(request: Callable[..., bool]) -> Callable[[World, str, int], bool]:
    """Run `request` once the organiser closed the session (only then can it be published)."""

    def call(world: World, role: str, n: int) -> bool:
        if n == 0:
            assert api("POST", "/api/sessions/{id}/close")(world, "organiser", n)
        return request(world, role, n)

    return call


def published(suffix: str) -> Callable[[World, str, int], bool]:
    """A page of the session's published report (closed and published first)."""

    def call(world: World, role: str, n: int) -> bool:
        if n == 0:
            assert api("POST", "/api/sessions/{id}/close")(world, "organiser", n)
            done = world.client.post(
                world.url("/api/sessions/{id}/publish"), headers=bearer(ORGANISER_TOKEN)
            )
            world.secrets["published"] = done.json()["token"]
        return page("GET", f"/r/{world.secrets['published']}{suffix}")(world, role, n)

    return call


# (route, variant): (request, expectation per role in ROLES order)
MATRIX: dict[tuple[str, str], tuple[Callable[..., bool], str]] = {
    ("GET /", ""): (page("GET", "/"), ALL),
    ("GET /join", ""): (page("GET", "/join?code={code}"), ALL),
    ("POST /join", ""): (page("POST", "/join", form={"code": "{code}"}), ALL),
    ("POST /api/join", ""): (api("POST", "/api/join", json={"code": "{code}"}), ALL),
    ("GET /api/version", ""): (api("GET", "/api/version"), ALL),
    ("POST /api/sessions", ""): (api("POST", "/api/sessions", json={}), "------A"),
    ("GET /api/sessions/{session_id}", ""): (api("GET", "/api/sessions/{id}"), "-A--AA-"),
    ("POST /api/sessions/{session_id}/steps/{step_id}/activate", ""): (
        api("POST", "/api/sessions/{id}/steps/{step}/activate"),
        "-----A-",
    ),
    ("POST /api/sessions/{session_id}/steps", ""): (
        api("POST", "/api/sessions/{id}/steps", json={"type": "info"}),
        FACILITATOR,
    ),
    ("PATCH /api/sessions/{session_id}/steps/{step_id}", ""): (
        api("PATCH", "/api/sessions/{id}/steps/{step}", json={"title": "Anders"}),
        FACILITATOR,
    ),
    ("DELETE /api/sessions/{session_id}/steps/{step_id}", ""): (
        api("DELETE", "/api/sessions/{id}/steps/{spare}"),
        FACILITATOR,
    ),
    ("PUT /api/sessions/{session_id}/agenda", ""): (reorder, FACILITATOR),
    ("POST /api/sessions/{session_id}/templates", ""): (
        api("POST", "/api/sessions/{id}/templates", json={"name": "Sjabloon"}),
        FACILITATOR,
    ),
    ("GET /api/sessions/{session_id}/templates", ""): (
        api("GET", "/api/sessions/{id}/templates"),
        FACILITATOR,
    ),
    ("PUT /api/sessions/{session_id}/steps/{step_id}/locked", ""): (
        api("PUT", "/api/sessions/{id}/steps/{step}/locked", json={"value": False}),
        FACILITATOR,
    ),
    ("PUT /api/sessions/{session_id}/steps/{step_id}/blind", ""): (
        api("PUT", "/api/sessions/{id}/steps/{step}/blind", json={"value": False}),
        FACILITATOR,
    ),
    ("PUT /api/sessions/{session_id}/steps/{step_id}/join-panel", ""): (
        api("PUT", "/api/sessions/{id}/steps/{step}/join-panel", json={"shown": None}),
        FACILITATOR,
    ),
    ("POST /api/sessions/{session_id}/steps/{step_id}/timer", ""): (
        api(
            "POST", "/api/sessions/{id}/steps/{step}/timer", json={"action": "start", "seconds": 60}
        ),
        FACILITATOR,
    ),
    ("GET /api/sessions/{session_id}/steps/{step_id}/board", ""): (
        api("GET", "/api/sessions/{id}/steps/{step}/board"),
        "-A--AA-",
    ),
    ("GET /api/sessions/{session_id}/steps/{step_id}/duplicates", ""): (
        api("GET", "/api/sessions/{id}/steps/{step}/duplicates"),
        FACILITATOR,
    ),
    ("PATCH /api/sessions/{session_id}/items/{item_id}", ""): (
        api("PATCH", "/api/sessions/{id}/items/{item}", json={"starred": True}),
        FACILITATOR,
    ),
    ("POST /api/sessions/{session_id}/items/{item_id}/merge", ""): (
        api("POST", "/api/sessions/{id}/items/{item}/merge", json={"member_ids": ["{item2}"]}),
        FACILITATOR,
    ),
    ("POST /api/sessions/{session_id}/items/{item_id}/split", ""): (
        api("POST", "/api/sessions/{id}/items/{merged}/split"),
        FACILITATOR,
    ),
    ("DELETE /api/sessions/{session_id}/items/{item_id}", ""): (
        api("DELETE", "/api/sessions/{id}/items/{item2}"),
        FACILITATOR,
    ),
    ("POST /api/sessions/{session_id}/items/{item_id}/restore", ""): (
        api("POST", "/api/sessions/{id}/items/{deleted}/restore"),
        FACILITATOR,
    ),
    ("GET /api/sessions/{session_id}/late-items", ""): (
        api("GET", "/api/sessions/{id}/late-items"),
        "-A---A-",
    ),
    ("POST /api/sessions/{session_id}/late-items/{item_id}/admit", ""): (
        api("POST", "/api/sessions/{id}/late-items/{late}/admit"),
        FACILITATOR,
    ),
    ("POST /api/sessions/{session_id}/late-items/{item_id}/decline", ""): (
        api("POST", "/api/sessions/{id}/late-items/{late}/decline"),
        FACILITATOR,
    ),
    ("POST /api/sessions/{session_id}/late-items/admit", ""): (
        api("POST", "/api/sessions/{id}/late-items/admit"),
        FACILITATOR,
    ),
    ("POST /api/sessions/{session_id}/late-items/decline", ""): (
        api("POST", "/api/sessions/{id}/late-items/decline"),
        FACILITATOR,
    ),
    ("PUT /api/sessions/{session_id}/spotlight", ""): (
        api("PUT", "/api/sessions/{id}/spotlight", json={"item_id": None}),
        FACILITATOR,
    ),
    ("PUT /api/sessions/{session_id}/items/{item_id}/metoo", ""): (
        api("PUT", "/api/sessions/{id}/items/{item}/metoo", json={"on": True}),
        PARTICIPANT,
    ),
    ("POST /api/sessions/{session_id}/items/{item_id}/comments", ""): (
        api(
            "POST",
            "/api/sessions/{id}/items/{item}/comments",
            json=lambda n: {"client_id": f"k{n}", "text": "Hoezo?"},
        ),
        PARTICIPANT,
    ),
    ("POST /api/sessions/{session_id}/tables", ""): (
        api("POST", "/api/sessions/{id}/tables", json=lambda n: {"names": [f"Tafel x{n}"]}),
        FACILITATOR,
    ),
    ("GET /api/sessions/{session_id}/tables", ""): (
        api("GET", "/api/sessions/{id}/tables"),
        "-A--AA-",
    ),
    ("PUT /api/sessions/{session_id}/table", ""): (
        api("PUT", "/api/sessions/{id}/table", json={"table_id": "{table}"}),
        PARTICIPANT,
    ),
    ("PUT /api/sessions/{session_id}/steps/{step_id}/config", ""): (
        api(
            "PUT", "/api/sessions/{id}/steps/{statements}/config", json={"config": {"mode": "all"}}
        ),
        FACILITATOR,
    ),
    ("POST /api/sessions/{session_id}/steps/{step_id}/importance-vote", ""): (
        api("POST", "/api/sessions/{id}/steps/{step}/importance-vote", json={"k": 2}),
        FACILITATOR,
    ),
    ("PUT /api/sessions/{session_id}/steps/{step_id}/ballot", ""): (
        on_step(
            "statements",
            api(
                "PUT",
                "/api/sessions/{id}/steps/{statements}/ballot",
                json={"answers": [{"subject": "s1", "value": 4}]},
            ),
        ),
        PARTICIPANT,
    ),
    ("DELETE /api/sessions/{session_id}/steps/{step_id}/ballot", ""): (
        on_step("statements", api("DELETE", "/api/sessions/{id}/steps/{statements}/ballot")),
        PARTICIPANT,
    ),
    ("PATCH /api/sessions/{session_id}/own-items/{item_id}", ""): (
        own_item("PATCH", json={"text": "Anders gezegd"}),
        PARTICIPANT,
    ),
    ("DELETE /api/sessions/{session_id}/own-items/{item_id}", ""): (
        own_item("DELETE"),
        PARTICIPANT,
    ),
    ("GET /api/sessions/{session_id}/steps/{step_id}/ballot", ""): (
        api("GET", "/api/sessions/{id}/steps/{statements}/ballot"),
        PARTICIPANT,
    ),
    ("PUT /api/sessions/{session_id}/steps/{step_id}/revealed", ""): (
        api("PUT", "/api/sessions/{id}/steps/{glossary}/revealed", json={"value": False}),
        FACILITATOR,
    ),
    ("POST /api/sessions/{session_id}/steps/{step_id}/definitions", ""): (
        on_step(
            "glossary",
            api(
                "POST",
                "/api/sessions/{id}/steps/{glossary}/definitions",
                json={"term": "schoolopleider", "text": "Begeleidt in de school"},
            ),
        ),
        PARTICIPANT,
    ),
    ("GET /api/sessions/{session_id}/steps/{step_id}/results", ""): (
        api("GET", "/api/sessions/{id}/steps/{statements}/results"),
        FACILITATOR,  # others only once the results are revealed
    ),
    ("GET /api/sessions/{session_id}/steps/{step_id}/options", ""): (
        api("GET", "/api/sessions/{id}/steps/{statements}/options"),
        "-A--AA-",
    ),
    ("GET /api/sessions/{session_id}/report.{fmt}", ""): (
        api("GET", "/api/sessions/{id}/report.json"),
        "-----AA",
    ),
    ("GET /api/programmes/{programme_id}/report.{fmt}", ""): (
        api("GET", "/api/programmes/{programme}/report.json"),
        "------A",
    ),
    ("GET /api/sessions/{session_id}/report/ready", ""): (
        api("GET", "/api/sessions/{id}/report/ready"),
        "-----AA",
    ),
    ("GET /api/programmes/{programme_id}/report/ready", ""): (
        api("GET", "/api/programmes/{programme}/report/ready"),
        "------A",
    ),
    ("GET /api/programmes/{programme_id}/pools", ""): (
        api("GET", "/api/programmes/{programme}/pools"),
        ORGANISER,
    ),
    ("GET /api/programmes/{programme_id}/entries", ""): (
        api("GET", "/api/programmes/{programme}/entries"),
        ORGANISER,
    ),
    ("POST /api/programmes/{programme_id}/pools/accept", ""): (
        api("POST", "/api/programmes/{programme}/pools/accept", json=POOL),
        ORGANISER,
    ),
    ("POST /api/programmes/{programme_id}/pools/accept-page", ""): (
        api("POST", "/api/programmes/{programme}/pools/accept-page", json={"pools": [POOL]}),
        ORGANISER,
    ),
    ("POST /api/programmes/{programme_id}/pools/reject", ""): (
        api("POST", "/api/programmes/{programme}/pools/reject", json=POOL),
        ORGANISER,
    ),
    ("GET /api/programmes/{programme_id}/pools/rejected", ""): (
        api("GET", "/api/programmes/{programme}/pools/rejected"),
        ORGANISER,
    ),
    ("DELETE /api/programmes/{programme_id}/pools/rejected/{decision_id}", ""): (
        rejected(api("DELETE", "/api/programmes/{programme}/pools/rejected/{decision}")),
        ORGANISER,
    ),
    ("POST /api/programmes/{programme_id}/entries/merge", ""): (
        api("POST", "/api/programmes/{programme}/entries/merge", json=PAIR),
        ORGANISER,
    ),
    ("POST /api/programmes/{programme_id}/entries/attach", ""): (
        api(
            "POST",
            "/api/programmes/{programme}/entries/attach",
            json={"item_id": "{item2}", "entry_id": "{item}"},
        ),
        ORGANISER,
    ),
    ("POST /api/programmes/{programme_id}/entries/split", ""): (
        pooled(
            api("POST", "/api/programmes/{programme}/entries/split", json={"item_id": "{item2}"})
        ),
        ORGANISER,
    ),
    ("POST /api/programmes/{programme_id}/entries/lead", ""): (
        pooled(
            api("POST", "/api/programmes/{programme}/entries/lead", json={"item_id": "{item2}"})
        ),
        ORGANISER,
    ),
    ("POST /api/programmes/{programme_id}/entries/side", ""): (
        api(
            "POST",
            "/api/programmes/{programme}/entries/side",
            json={"item_id": "{item}", "side": "important"},
        ),
        ORGANISER,
    ),
    ("GET /api/programmes/{programme_id}/report/texts", ""): (
        api("GET", "/api/programmes/{programme}/report/texts"),
        "------A",
    ),
    ("PUT /api/programmes/{programme_id}/report/texts", ""): (
        api("PUT", "/api/programmes/{programme}/report/texts", json={"conclusion": "Samen"}),
        "------A",
    ),
    ("POST /organiser/report-texts", ""): (
        page("POST", "/organiser/report-texts", form={"conclusion": "Samen verder"}),
        "------A",
    ),
    ("PUT /api/sessions/{session_id}/report/texts", ""): (
        api("PUT", "/api/sessions/{id}/report/texts", json={"conclusion": "Samen verder"}),
        FACILITATOR,
    ),
    ("GET /console/{session_id}/steps/{step_id}/duplicates", ""): (
        page("GET", "/console/{id}/steps/{step}/duplicates"),
        FACILITATOR,
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
    ("POST /api/sessions/{session_id}/close", ""): (
        api("POST", "/api/sessions/{id}/close"),
        "-----AA",
    ),
    ("POST /api/sessions/{session_id}/publish", ""): (
        closed_first(api("POST", "/api/sessions/{id}/publish")),
        ORGANISER,
    ),
    ("DELETE /api/sessions/{session_id}/publish", ""): (
        closed_first(api("DELETE", "/api/sessions/{id}/publish")),
        ORGANISER,
    ),
    ("GET /r/{token}", ""): (published(""), ALL),
    ("GET /r/{token}/data.json", ""): (published("/data.json"), ALL),
    ("GET /r/{token}/mijn-bijdragen", ""): (published("/mijn-bijdragen"), ALL),
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
    ("GET /organiser", ""): (page("GET", "/organiser"), "------A"),
    ("GET /organiser/dashboard", ""): (page("GET", "/organiser/dashboard"), "------A"),
    ("WS /api/programmes/{programme_id}/ws", ""): (
        socket("/api/programmes/{programme}/ws", by_cookie=True),
        "------A",
    ),
    ("POST /identity/{view}/{session_id}", "participant"): (
        page("POST", "/identity/participant/{id}", form={"choice": "keep", "key": ""}),
        "-A-----",
    ),
    ("POST /identity/{view}/{session_id}", "console"): (
        page("POST", "/identity/console/{id}", form={"choice": "keep", "key": ""}),
        "-----A-",
    ),
    ("POST /identity/{view}/{session_id}", "projector"): (
        page("POST", "/identity/projector/{id}", form={"choice": "keep", "key": ""}),
        "----A--",
    ),
    ("POST /organiser/sessions", ""): (
        page("POST", "/organiser/sessions", form={"title": "Nieuw"}),
        "------A",
    ),
    ("POST /organiser/sessions/bulk", ""): (
        page("POST", "/organiser/sessions/bulk", form={}, files=lambda n: table(f"Tabel {n}")),
        "------A",
    ),
    ("POST /api/programmes/{programme_id}/sessions/bulk", ""): (
        api("POST", "/api/programmes/{programme}/sessions/bulk", json=lambda n: rows(n)),
        "------A",
    ),
    ("POST /api/programmes/{programme_id}/online-rounds", ""): (
        api("POST", "/api/programmes/{programme}/online-rounds", json=ROUND),
        "------A",
    ),
    ("PUT /api/sessions/{session_id}/hold-for-review", ""): (
        on_online_round(api("PUT", "/api/sessions/{online}/hold-for-review", json={"hold": True})),
        "------A",
    ),
    ("GET /api/sessions/{session_id}/review", ""): (
        on_online_round(api("GET", "/api/sessions/{online}/review")),
        "------A",
    ),
    ("POST /api/sessions/{session_id}/review/approve", ""): (
        on_online_round(
            api("POST", "/api/sessions/{online}/review/approve", json={"item_ids": ["{held}"]})
        ),
        "------A",
    ),
    ("POST /api/sessions/{session_id}/review/decline", ""): (
        on_online_round(
            api("POST", "/api/sessions/{online}/review/decline", json={"item_ids": ["{held}"]})
        ),
        "------A",
    ),
    ("POST /organiser/online-rounds", ""): (
        page(
            "POST",
            "/organiser/online-rounds",
            form={"opens_at": "2026-06-01T09:00", "closes_at": "2026-06-08T09:00"},
        ),
        "------A",
    ),
    ("POST /organiser/online-rounds/{session_id}/hold", ""): (
        on_online_round(page("POST", "/organiser/online-rounds/{online}/hold", form={"hold": "1"})),
        "------A",
    ),
    ("GET /organiser/online-rounds/{session_id}/review", ""): (
        on_online_round(page("GET", "/organiser/online-rounds/{online}/review")),
        "------A",
    ),
    ("POST /organiser/online-rounds/{session_id}/review", ""): (
        on_online_round(
            page(
                "POST",
                "/organiser/online-rounds/{online}/review",
                form={"item_id": "{held}", "decision": "approve"},
            )
        ),
        "------A",
    ),
    ("GET /openapi.json", ""): (page("GET", "/openapi.json"), ALL),
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
