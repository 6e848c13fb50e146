"""Online rounds over HTTP (issue #16, part 2): the organiser opens one for a period, the app's
clock (one the test moves) opens and closes it, participants join by code and go through the
steps at their own pace on their own page, and the organiser's hold for review keeps new items
from others until approved."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.dashboard import PING
from app.main import create_app
from app.settings import Settings
from tests.app.test_pages import join_in_browser
from tests.harness import ORGANISER, ORGANISER_TOKEN, bearer

OPENS = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Amsterdam (summer time)
ROUND = {"title": "Online ronde", "opens_at": "2026-06-01T09:00:00+02:00"}


class Clock:
    """The app's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = OPENS - timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(database_url: str, clock: Clock) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, organiser_token=ORGANISER_TOKEN)
    with TestClient(create_app(settings, now=clock)) as client:
        yield client


def open_round(client: TestClient, **fields: Any) -> dict[str, Any]:
    body = {**ROUND, "closes_at": "2026-06-08T09:00:00+02:00", **fields}
    response = client.post("/api/programmes/1/online-rounds", json=body, headers=ORGANISER)
    assert response.status_code == 201, response.text
    opened: dict[str, Any] = response.json()
    return opened


def join(client: TestClient, code: str) -> dict[str, str]:
    response = client.post("/api/join", json={"code": code, "profile": {"sector": "PO"}})
    assert response.status_code == 201, response.text
    return bearer(response.json()["token"])


def steps_of(client: TestClient, session_id: str, who: dict[str, str]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = client.get(f"/api/sessions/{session_id}", headers=who).json()[
        "steps"
    ]
    return steps


def step_of(client: TestClient, session_id: str, who: dict[str, str], type_: str) -> int:
    return next(s["id"] for s in steps_of(client, session_id, who) if s["type"] == type_)


def add(client: TestClient, session_id: str, who: dict[str, str], step: int, text: str) -> int:
    body = {"client_id": text, "step_id": step, "category": "voordelen", "text": text}
    response = client.post(f"/api/sessions/{session_id}/items", json=body, headers=who)
    assert response.status_code in (201, 202), response.text
    return response.status_code


def test_the_round_opens_and_closes_by_the_clock(client: TestClient, clock: Clock) -> None:
    opened = open_round(client)
    assert opened["round"] == {
        "session_id": opened["session"]["id"],
        "opens_at": "2026-06-01T07:00:00Z",
        "closes_at": "2026-06-08T07:00:00Z",
        "hold_for_review": False,
    }
    code = opened["session"]["code"]
    assert opened["session"]["links"]["participant"].endswith(f"/join?code={code}")
    facilitator = bearer(opened["session"]["facilitator_key"])
    public = client.get(f"/api/sessions/{opened['session']['id']}", headers=facilitator).json()
    assert (public["kind"], public["opens_at"], public["closes_at"]) == (
        "online",
        "2026-06-01T07:00:00Z",
        "2026-06-08T07:00:00Z",
    )
    early = client.post("/api/join", json={"code": code})
    assert (early.status_code, early.json()) == (
        403,
        {"detail": "This online round is not open yet."},
    )
    page = client.post("/join", data={"code": code}, follow_redirects=False)
    assert page.status_code == 403
    assert "Deze online ronde is nog niet open." in page.text
    clock.now = OPENS
    who = join(client, code)
    session_id = opened["session"]["id"]
    statements = next(
        s["id"] for s in steps_of(client, session_id, who) if s["type"] == "statements"
    )
    ballot = {"answers": [{"subject": "s1", "value": 4}]}
    url = f"/api/sessions/{session_id}/steps/{statements}/ballot"
    assert client.put(url, json=ballot, headers=who).status_code == 200
    clock.now = OPENS + timedelta(days=7)
    brainstorm = next(
        s["id"] for s in steps_of(client, session_id, who) if s["type"] == "brainstorm"
    )
    assert add(client, session_id, who, brainstorm, "Na sluiting, toch bewaard") == 202
    closed = client.put(url, json=ballot, headers=who)
    assert (closed.status_code, closed.json()) == (403, {"detail": "This online round has closed."})
    assert client.post("/api/join", json={"code": code}).status_code == 403


def test_each_participant_pages_through_the_steps_at_their_own_pace(
    client: TestClient, clock: Clock
) -> None:
    clock.now = OPENS
    opened = open_round(client)
    session_id, code = opened["session"]["id"], opened["session"]["code"]
    path = join_in_browser(client, code, sector="VO")
    assert path == f"/s/{session_id}"
    first = client.get(path)
    assert first.status_code == 200
    assert 'id="online-nav"' in first.text
    first_step = re.search(r'id="stage"[^>]* data-step="(\d+)"', first.text)
    assert first_step is not None  # the page's socket names the step it is on, to hear of it
    live = f'ws-connect="/live/{session_id}?view=participant&lang=nl&step={first_step[1]}"'
    assert live in first.text
    assert "Stap 1 van " in first.text and 'id="online-previous"' not in first.text
    other = join(client, code)
    steps = steps_of(client, session_id, other)
    third = [s["id"] for s in steps if s["type"] == "brainstorm"][2]
    assert add(client, session_id, other, third, "Leerloopbaan centraal") == 201
    page = client.get(f"{path}?step={third}")
    assert f'id="item-form" class="item-form" data-step="{third}"' in page.text
    assert "Leerloopbaan centraal" in page.text
    assert 'id="online-previous"' in page.text and 'id="online-next"' in page.text
    assert "Stap 1 van " in client.get(f"{path}?step=99999999").text


def test_held_items_reach_others_once_the_organiser_approves(
    client: TestClient, clock: Clock
) -> None:
    clock.now = OPENS
    opened = open_round(client, hold_for_review=True)
    session_id, code = opened["session"]["id"], opened["session"]["code"]
    author = join(client, code)
    brainstorm = next(
        s["id"] for s in steps_of(client, session_id, author) if s["type"] == "brainstorm"
    )
    path = join_in_browser(client, code, sector="PO")
    assert add(client, session_id, author, brainstorm, "Eerst bekeken") == 202
    assert "Eerst bekeken" not in client.get(f"{path}?step={brainstorm}").text
    review = f"/api/sessions/{session_id}/review"
    assert client.get(review, headers=author).status_code == 403
    [held] = client.get(review, headers=ORGANISER).json()
    assert (held["text"], held["visibility"]) == ("Eerst bekeken", "held")
    console_link = opened["session"]["links"]["facilitator"].removeprefix("http://testserver")
    console = client.get(console_link)  # the round's console lists it too, to let in
    assert 'id="late-count">1 late bijdrage' in console.text and "Eerst bekeken" in console.text
    left = client.post(f"{review}/approve", json={"item_ids": [held["id"]]}, headers=ORGANISER)
    assert left.json() == []
    assert "Eerst bekeken" in client.get(f"{path}?step={brainstorm}").text
    hold = f"/api/sessions/{session_id}/hold-for-review"
    off = client.put(hold, json={"hold": False}, headers=ORGANISER)
    assert off.json()["hold_for_review"] is False
    assert add(client, session_id, author, brainstorm, "Meteen zichtbaar") == 201


@pytest.mark.parametrize(
    ("fields", "status", "detail"),
    [
        (
            {"opens_at": "2026-06-01T09:00:00"},
            422,
            "Give the opening and closing times with a time zone (e.g. +01:00).",
        ),
        (
            {"closes_at": "2026-06-01T08:00:00+02:00"},
            422,
            "An online round closes after it opens.",
        ),
    ],
)
def test_a_bad_window_is_refused(
    client: TestClient, fields: dict[str, str], status: int, detail: str
) -> None:
    body = {**ROUND, "closes_at": "2026-06-08T09:00:00+02:00", **fields}
    response = client.post("/api/programmes/1/online-rounds", json=body, headers=ORGANISER)
    assert (response.status_code, response.json()) == (status, {"detail": detail})


def test_hold_for_review_of_a_live_session_is_a_conflict(client: TestClient) -> None:
    created = client.post("/api/sessions", json={"title": "Zwolle"}, headers=ORGANISER).json()
    hold = f"/api/sessions/{created['id']}/hold-for-review"
    response = client.put(hold, json={"hold": True}, headers=ORGANISER)
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "This session is not an online round."},
    )


def organiser_csrf(client: TestClient) -> str:
    client.get(f"/organiser?token={ORGANISER_TOKEN}")
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/organiser").text)
    assert found
    return found.group(1)


def test_the_organiser_page_opens_a_round_in_a_time_zone(client: TestClient, clock: Clock) -> None:
    form = {
        "title": "Online ronde Noord",
        "opens_at": "2026-06-01T09:00",
        "closes_at": "2026-06-08T09:00",
        "zone": "Europe/Amsterdam",
        "hold_for_review": "1",
        "csrf": organiser_csrf(client),
    }
    page = client.post("/organiser/online-rounds", data=form)
    assert page.status_code == 200
    assert "Sessie aangemaakt: Online ronde Noord" in page.text
    code = re.search(r'class="join-code-inline">([0-9A-Z]+)<', page.text)
    assert code
    assert client.post("/api/join", json={"code": code.group(1)}).status_code == 403
    clock.now = OPENS  # 09:00 in Amsterdam
    assert client.post("/api/join", json={"code": code.group(1)}).status_code == 201
    listed = client.get("/organiser").text
    assert "<td>Online ronde Noord</td><td>online</td>" in listed
    refused = client.post("/organiser/online-rounds", data={**form, "zone": "Mars/Olympus"})
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": "Onbekende tijdzone 'Mars/Olympus', bijv. Europe/Amsterdam."
    }


def test_the_organiser_page_reviews_held_items_and_switches_the_hold(
    client: TestClient, clock: Clock
) -> None:
    clock.now = OPENS
    opened = open_round(client, hold_for_review=True)
    session_id, code = opened["session"]["id"], opened["session"]["code"]
    author = join(client, code)
    brainstorm = step_of(client, session_id, author, "brainstorm")
    add(client, session_id, author, brainstorm, "Graag eerst bekijken")
    csrf = organiser_csrf(client)
    page = client.get("/organiser").text
    assert "Eerst beoordelen staat aan: nieuwe bijdragen wachten op jou." in page
    held = re.search(r'id="review-item-(\d+)"', page)
    assert held and "Graag eerst bekijken" in page
    url = f"/organiser/online-rounds/{session_id}"
    form = {"item_id": held.group(1), "decision": "approve", "csrf": csrf}
    approved = client.post(f"{url}/review", data=form, follow_redirects=False)
    assert (approved.status_code, approved.headers["location"]) == (303, "/organiser#online-rounds")
    assert "Er wacht niets op beoordeling." in client.get("/organiser").text
    assert client.get(f"/api/sessions/{session_id}/review", headers=ORGANISER).json() == []
    client.post(f"{url}/hold", data={"hold": "", "csrf": csrf})
    assert "Eerst beoordelen staat uit" in client.get("/organiser").text
    assert add(client, session_id, author, brainstorm, "Meteen zichtbaar") == 201
    bad = client.post(f"{url}/review", data={**form, "decision": "delete"})
    assert bad.status_code == 422


def dashboard_rows(messages: list[dict[str, Any]], session_id: str) -> list[dict[str, Any]]:
    rows = [r for m in messages if m["kind"] == "snapshot" for r in m["sessions"]]
    rows += [m["row"] for m in messages if m["kind"] == "row"]
    return [r for r in rows if r["session_id"] == session_id]


def test_the_dashboard_shows_the_round_by_its_window_and_what_waits_for_review(
    client: TestClient, clock: Clock
) -> None:
    """An online round on the programme dashboard: not open yet, open until its end, closed
    once its window has passed (with no event to say so), the items held for review as an
    alert, and never "no facilitator connected" (a round has none)."""
    opened = open_round(client, hold_for_review=True)
    session_id, code = opened["session"]["id"], opened["session"]["code"]
    client.cookies.set("vk_organiser", ORGANISER_TOKEN)
    page = client.get("/organiser/dashboard").text
    row = page[page.index(f'id="session-{session_id}"') :]
    row = row[: row.index("</tr>")]
    assert "Online ronde" in row and "opent 2026-06-01 09:00 CEST" in row

    clock.now = OPENS + timedelta(minutes=5)
    people = [join(client, code) for _ in range(20)]
    brainstorm = step_of(client, session_id, people[0], "brainstorm")
    for n, who in enumerate(people[:3]):
        assert add(client, session_id, who, brainstorm, f"Te beoordelen {n}") == 202
    page = client.get("/organiser/dashboard").text
    row = page[page.index(f'id="session-{session_id}"') :]
    row = row[: row.index("</tr>")]
    assert "open tot 2026-06-08 09:00 CEST" in row
    assert "3 bijdragen wachten op je beoordeling" in row
    assert "Geen facilitator" not in row and "Te beoordelen" not in page

    # a copy: Starlette adds the handshake's headers to the dict it is given
    with client.websocket_connect("/api/programmes/1/ws", headers=dict(ORGANISER)) as ws:
        snapshot = ws.receive_json()
        [row_json] = dashboard_rows([snapshot], session_id)
        assert (row_json["kind"], row_json["state"], row_json["held"]) == ("online", "running", 3)
        assert row_json["headcount"] == 20 and row_json["step_number"] is None
        kinds = {a["kind"] for a in snapshot["alerts"] if a["session_id"] == session_id}
        assert kinds == {"held"}

        clock.now = OPENS + timedelta(days=8)  # the window passes; no event says so
        messages = [snapshot]
        deadline = time.monotonic() + 20  # the dashboard re-judges every second
        while dashboard_rows(messages, session_id)[-1]["state"] != "closed":
            assert time.monotonic() < deadline, "the round's row never showed it closed"
            ws.send_text(PING)  # answered after whatever the dashboard sent before it
            while (message := ws.receive_json())["kind"] != "pong":
                messages.append(message)
    assert dashboard_rows(messages, session_id)[-1]["held"] == 3  # still waiting for review
