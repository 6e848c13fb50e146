"""The organiser page's review of an online round is live (issue #16), on a real server. The
page listens on the programme's socket with its organiser cookie (summaries, never words);
each held item is told there, and the round's part of the page, fetched again, lists it, oldest
first, without its author. An approval or a decline, from the page (cookie + CSRF) or the API,
reaches a second organiser tab too, and the approved item a participant's board on its step.
A tab that reconnects gets a snapshot with the round as it is now."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from tests.app.test_online_live import add, online, read_until, review
from tests.harness import ORGANISER_TOKEN, LiveRoom, Server, bearer

__all__ = ["online"]  # the fixture: an open round with hold for review on

TEXTS = ["Oudste bijdrage", "Tweede bijdrage", "Derde bijdrage", "Vierde bijdrage"]


@pytest.fixture
def tab(server: Server) -> Iterator[httpx.Client]:
    """The organiser's browser: the organiser cookie, as the page's secret link sets it."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.cookies.set("vk_organiser", ORGANISER_TOKEN)
        yield client


def page_socket(server: Server) -> ClientConnection:
    """The socket the organiser page opens: the programme's, JSON only, by cookie."""
    ws: ClientConnection = connect(
        f"{server.ws_url}/api/programmes/1/ws",
        additional_headers={"Cookie": f"vk_organiser={ORGANISER_TOKEN}"},
        origin=Origin(server.url),
        open_timeout=10,
    )
    return ws


def snapshot_row(ws: ClientConnection, session_id: str) -> dict[str, Any]:
    snapshot = json.loads(ws.recv(timeout=10))
    assert snapshot["kind"] == "snapshot"
    row: dict[str, Any] = next(r for r in snapshot["sessions"] if r["session_id"] == session_id)
    return row


def events_until(ws: ClientConnection, session_id: str, type_: str, count: int = 1) -> list[str]:
    """The session's event messages up to the `count`-th of this type (other messages skipped)."""
    seen: list[str] = []

    def done(message: str) -> bool:
        parsed = json.loads(message)
        if parsed.get("kind") == "event" and parsed["session_id"] == session_id:
            seen.append(parsed["type"])
        return seen.count(type_) == count

    read_until(ws, done)
    return seen


def round_part(tab: httpx.Client, session_id: str) -> str:
    response = tab.get(f"/organiser/online-rounds/{session_id}/review")
    assert response.status_code == 200, response.text
    assert response.text.startswith(f'<article class="online-round" id="online-round-{session_id}"')
    return response.text


def listed(part: str) -> list[tuple[str, str]]:
    """(text, state) of each item of the round's list, top to bottom."""
    pattern = r'data-state="(\w+)">\s*<span class="text" id="review-text-\d+">([^<]*)</span>'
    return [(text, state) for state, text in re.findall(pattern, part)]


def csrf_of(tab: httpx.Client) -> str:
    found = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', tab.get("/organiser").text)
    assert found
    return found.group(1)


def test_held_items_reach_the_review_list_and_decisions_reach_every_tab(
    server: Server, online: LiveRoom, tab: httpx.Client
) -> None:
    here = online.step_id("brainstorm", 0)
    authors = [online.join_token() for _ in TEXTS[:3]]
    reader = online.join_token()
    with (
        page_socket(server) as first,
        page_socket(server) as second,
        online.browser_socket("participant", reader, f"&step={here}") as board,
    ):
        assert snapshot_row(first, online.id)["held"] == 0
        assert snapshot_row(second, online.id)["held"] == 0
        board.recv(timeout=10)  # the reader's stage
        ids = [add(online, token, here, text) for token, text in zip(authors, TEXTS, strict=False)]
        for ws in (first, second):
            told = events_until(ws, online.id, "item_late", count=3)
            assert told == ["item_late"] * 3
        part = round_part(tab, online.id)
        assert listed(part) == [(text, "held") for text in TEXTS[:3]]  # oldest first
        assert "3 bijdragen wachten op je beoordeling" in part
        assert not any(token in part for token in authors) and "participant" not in part

        # Approved on the page (cookie + its CSRF header, as review.js sends it).
        approved = tab.post(
            f"/api/sessions/{online.id}/review/approve",
            json={"item_ids": [ids[1]]},
            headers={"X-CSRF-Token": csrf_of(tab)},
        )
        assert approved.status_code == 200, approved.text
        for ws in (first, second):
            assert events_until(ws, online.id, "late_items_admitted")[-1] == "late_items_admitted"
        assert listed(round_part(tab, online.id)) == [(TEXTS[0], "held"), (TEXTS[2], "held")]
        on_board = read_until(board, lambda m: f'id="item-{ids[1]}"' in m)[-1]
        assert TEXTS[1] in on_board and TEXTS[0] not in on_board

        # Declined elsewhere (the API, bearer token): both tabs hear of it.
        review(online, "decline", ids[2])
        for ws in (first, second):
            assert events_until(ws, online.id, "late_items_declined")[-1] == "late_items_declined"
        part = round_part(tab, online.id)
        assert listed(part) == [(TEXTS[0], "held"), (TEXTS[2], "declined")]
        assert "1 bijdrage wacht op je beoordeling" in part

    # A tab that lost its socket while a fourth came in: its snapshot counts it.
    add(online, online.join_token(), here, TEXTS[3])
    with page_socket(server) as again:
        assert snapshot_row(again, online.id)["held"] == 2
    assert [text for text, _ in listed(round_part(tab, online.id))] == [
        TEXTS[0],
        TEXTS[2],
        TEXTS[3],
    ]


def test_the_rounds_part_is_the_organisers_alone(
    server: Server, online: LiveRoom, live: LiveRoom, tab: httpx.Client
) -> None:
    url = f"/organiser/online-rounds/{online.id}/review"
    stranger = httpx.get(f"{server.url}{url}", timeout=10)
    assert stranger.status_code == 403 and "online-round" not in stranger.text
    participant = httpx.get(
        f"{server.url}{url}", cookies={f"vk_p_{online.id}": online.join_token()}, timeout=10
    )
    assert participant.status_code == 403
    not_a_round = tab.get(f"/organiser/online-rounds/{live.id}/review")
    assert not_a_round.status_code == 409
    assert tab.get("/organiser/online-rounds/nope/review").status_code == 404
    # Deciding from the page needs its CSRF header beside the cookie.
    here = online.step_id("brainstorm", 0)
    held = add(online, online.join_token(), here, "Zonder CSRF-kop")
    refused = tab.post(f"/api/sessions/{online.id}/review/approve", json={"item_ids": [held]})
    assert refused.status_code == 403
    assert listed(round_part(tab, online.id)) == [("Zonder CSRF-kop", "held")]


def hold(room: LiveRoom, token: str, step: int, text: str) -> int:
    """A participant's contribution, held for review: its id."""
    body = {
        "client_id": f"h{abs(hash(text))}",
        "step_id": step,
        "category": "voordelen",
        "text": text,
    }
    response = room.post_item(bearer(token), **body)
    assert response.status_code == 202, response.text
    return int(response.json()["item"]["id"])


def approve_all_form(part: str) -> tuple[dict[str, Any], list[int]]:
    """The round's "Approve all" form as the browser posts it (its hidden fields and its
    button), and the ids it carries."""
    form = re.search(r'<form [^>]*class="late-actions review-all".*?</form>', part, re.S)
    assert form, part
    fields: dict[str, Any] = dict(
        re.findall(r'type="hidden" name="(csrf|still_waiting)" value="(\w*)"', form.group(0))
    )
    ids = [int(i) for i in re.findall(r'name="item_id" value="(\d+)"', form.group(0))]
    assert set(fields) == {"csrf", "still_waiting"}
    return {**fields, "item_id": [str(i) for i in ids], "decision": "approve"}, ids


def test_approve_all_takes_what_the_page_showed_waiting_at_a_rooms_size(
    server: Server, online: LiveRoom, tab: httpx.Client
) -> None:
    """60 contributions held from 24 participants: "Approve all 60 waiting" puts exactly those
    on the board in one decision. One that came in after the page was drawn keeps waiting, and
    when one of those shown was decided elsewhere meanwhile, nothing is approved and the
    refusal names it."""
    here = online.step_id("brainstorm", 0)
    authors = [online.join_token() for _ in range(24)]
    texts = [f"Bijdrage {number:02d} van de online ronde" for number in range(60)]
    ids = [hold(online, authors[n % 24], here, text) for n, text in enumerate(texts)]
    part = round_part(tab, online.id)
    assert "Alle 60 wachtende bijdragen goedkeuren" in part
    form, shown = approve_all_form(part)
    assert shown == ids
    late = hold(online, online.join_token(), here, "Kwam na het tekenen van de pagina")

    approved = tab.post(f"/organiser/online-rounds/{online.id}/review", data=form)
    assert approved.status_code == 303, approved.text
    part = round_part(tab, online.id)
    assert listed(part) == [("Kwam na het tekenen van de pagina", "held")]
    assert "Alle 60" not in part and "De wachtende bijdrage goedkeuren" in part
    board = online.http.get(
        f"/api/sessions/{online.id}/steps/{here}/board", headers=bearer(online.join_token())
    )
    assert board.status_code == 200, board.text
    assert sorted(i["text"] for i in board.json()["columns"]["voordelen"]) == sorted(texts)

    # Shown waiting, then declined in another tab before "Approve all": nothing changes.
    more = [hold(online, authors[n], here, f"Nog een bijdrage {n}") for n in range(3)]
    form, shown = approve_all_form(round_part(tab, online.id))
    assert shown == [late, *more]
    review(online, "decline", more[1])
    refused = tab.post(f"/organiser/online-rounds/{online.id}/review", data=form)
    assert refused.status_code == 409
    assert str(more[1]) in refused.text
    by_api = tab.post(
        f"/api/sessions/{online.id}/review/approve",
        json={"item_ids": shown, "still_waiting": True},
        headers={"X-CSRF-Token": csrf_of(tab)},
    )
    assert by_api.status_code == 409 and str(more[1]) in by_api.json()["detail"]
    states = [state for _, state in listed(round_part(tab, online.id))]
    assert states == ["held", "held", "declined", "held"]


def test_approve_all_refuses_a_form_without_ids_or_its_csrf(
    server: Server, online: LiveRoom, tab: httpx.Client
) -> None:
    here = online.step_id("brainstorm", 0)
    held = hold(online, online.join_token(), here, "Blijft wachten")
    form, _ = approve_all_form(round_part(tab, online.id))
    url = f"/organiser/online-rounds/{online.id}/review"
    empty = tab.post(url, data={**form, "item_id": []})
    assert empty.status_code == 422
    forged = tab.post(url, data={"csrf": "0" * 64, "decision": "approve", "item_id": str(held)})
    assert forged.status_code == 403
    assert listed(round_part(tab, online.id)) == [("Blijft wachten", "held")]
