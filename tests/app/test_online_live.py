"""An online round's participant pages are live (issue #16): on a real server, 24 participants
of a round with hold for review on, each on the step they chose. An item the organiser approves
reaches the page of everyone on its step; one held does not until approved, one declined never
(their JSON sockets carry neither's words); those on another step hear of neither."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection

from tests.harness import ORGANISER, LiveRoom, Server, bearer

ON_STEP = 22  # participants on the first scenario's brainstorm
ELSEWHERE = 2  # on the second scenario's brainstorm
HELD = "Wacht eerst op de organisator"
DECLINED = "Dit komt nooit op het bord"
APPROVED_THERE = "Goedgekeurd op een andere stap"


def read_until(ws: ClientConnection, found: Callable[[str], bool]) -> list[str]:
    """Messages up to and including the first that `found` accepts."""
    seen: list[str] = []
    while not seen or not found(seen[-1]):
        seen.append(str(ws.recv(timeout=10)))
    return seen


@pytest.fixture
def online(server: Server) -> Iterator[LiveRoom]:
    """An online round, open now, with hold for review on, as a LiveRoom on the real server."""
    now = datetime.now(UTC)
    body = {
        "title": "Online ronde live",
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=1)).isoformat(),
        "hold_for_review": True,
    }
    http = httpx.Client(base_url=server.url, timeout=10)
    response = http.post("/api/programmes/1/online-rounds", json=body, headers=ORGANISER)
    assert response.status_code == 201, response.text
    room = LiveRoom(http, response.json()["session"], server)
    yield room
    room.close()


def add(room: LiveRoom, token: str, step: int, text: str) -> int:
    client_id = f"c{len(text)}{text[:3]}"  # not the words: only the item carries them
    body = {"client_id": client_id, "step_id": step, "category": "voordelen", "text": text}
    response = room.post_item(bearer(token), **body)
    assert response.status_code == 202, response.text  # held for review
    return int(response.json()["item"]["id"])


def review(room: LiveRoom, decision: str, item_id: int) -> None:
    url = f"/api/sessions/{room.id}/review/{decision}"
    response = room.http.post(url, json={"item_ids": [item_id]}, headers=ORGANISER)
    assert response.status_code == 200, response.text


def test_approved_items_reach_the_others_on_their_step_held_and_declined_ones_do_not(
    online: LiveRoom,
) -> None:
    tokens = [online.join_token(sector="PO") for _ in range(ON_STEP + ELSEWHERE)]
    here, there = online.step_id("brainstorm", 0), online.step_id("brainstorm", 1)
    author, others, elsewhere = tokens[0], tokens[1:ON_STEP], tokens[ON_STEP:]
    with ExitStack() as stack:

        def page(token: str, step: int) -> ClientConnection:
            ws = stack.enter_context(online.browser_socket("participant", token, f"&step={step}"))
            stage = str(ws.recv(timeout=10))
            assert stage.startswith('<section id="stage"') and f'data-step="{step}"' in stage
            return ws

        pages = {t: page(t, here) for t in tokens[:ON_STEP]}
        away = {t: page(t, there) for t in elsewhere}
        start = online.last_seq()
        sockets = {t: stack.enter_context(online.socket(t, after=start)) for t in others}

        held, declined = add(online, author, here, HELD), add(online, author, here, DECLINED)
        # The author's own page lists both, marked; nobody else's shows anything of them.
        own = read_until(pages[author], lambda m: DECLINED in m)
        assert 'id="late-mine"' in own[-1] and HELD in own[-1]
        review(online, "decline", declined)
        review(online, "approve", held)
        approved = f'id="item-{held}"'
        for token in others:
            seen = read_until(pages[token], lambda m: approved in m)
            assert len(seen) == 1  # nothing of the held or the declined item came before
            assert DECLINED not in seen[-1] and not seen[-1].startswith('<section id="stage"')
            assert f'id="items-{here}-voordelen" hx-swap-oob="beforeend"' in seen[-1]
            assert re.search(f'id="count-{here}-voordelen"[^>]*>1</span>', seen[-1])
            events = read_until(sockets[token], lambda m: '"late_items_admitted"' in m)
            assert [json.loads(e)["type"] for e in events] == [
                "item_late",
                "item_late",
                "late_items_declined",
                "late_items_admitted",
            ]
            assert [e for e in events if HELD in e or DECLINED in e] == [events[-1]]
        mine = read_until(pages[author], lambda m: approved in m)[-1]
        assert 'id="late-mine"' in mine and DECLINED in mine and HELD in mine  # declined: kept

        # Those on the other step heard of none of it: the first thing they get is theirs.
        theirs = add(online, elsewhere[0], there, APPROVED_THERE)
        review(online, "approve", theirs)
        for token in elsewhere:
            seen = read_until(away[token], lambda m: f'id="item-{theirs}"' in m)
            assert not any(HELD in m or DECLINED in m or f"items-{here}-" in m for m in seen)
            assert f'id="items-{there}-voordelen" hx-swap-oob="beforeend"' in seen[-1]
            assert len(seen) == (2 if token == elsewhere[0] else 1)  # its author's own list first


def _stage_after_reconnect(room: LiveRoom, token: str, step: int) -> str:
    with room.browser_socket("participant", token, f"&step={step}") as ws:
        return str(ws.recv(timeout=10))


def test_a_page_that_reconnects_gets_its_step_as_it_is_now(online: LiveRoom) -> None:
    """Resuming after a drop: the page's socket sends its step's stage with what it missed;
    the JSON socket replays every event after the seq it names (`after`)."""
    author, reader = online.join_token(), online.join_token()
    here = online.step_id("brainstorm", 0)
    before = online.last_seq()
    held, declined = add(online, author, here, HELD), add(online, author, here, DECLINED)
    review(online, "approve", held)
    review(online, "decline", declined)
    stage = _stage_after_reconnect(online, reader, here)
    assert f'data-step="{here}"' in stage and HELD in stage and DECLINED not in stage
    with online.socket(reader, after=before) as ws:
        events: list[dict[str, Any]] = [json.loads(ws.recv(timeout=10)) for _ in range(4)]
    assert [e["type"] for e in events] == [
        "item_late",
        "item_late",
        "late_items_admitted",
        "late_items_declined",
    ]
    assert [e["data"]["items"][0]["text"] for e in events[2:3]] == [HELD]
    assert DECLINED not in json.dumps(events)
