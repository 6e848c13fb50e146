"""Publishing a closed session's report at a read-only link: who may publish and revoke, what
the link shows (the report page, its data with each entry's item ids, "Mijn bijdragen"), and
that a revoked or made-up link shows nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.harness import ORGANISER_TOKEN, LiveRoom, Server, bearer, receive_until

ORGANISER = bearer(ORGANISER_TOKEN)
PARTICIPANTS = 20
ITEMS = 60
CATEGORIES = ("voordelen", "nadelen", "voorwaarden")
THEMES = ("organisatie", "opleiden", "visie")


def entries(report: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(scenario key, column key, side or theme, entry) for every entry of the report."""
    for scenario in report["scenarios"]:
        for column in scenario["columns"]:
            if column["themed"]:
                for group in column["themes"]:
                    for entry in group["items"]:
                        yield scenario["key"], column["key"], group["key"], entry
            else:
                for side in ("important", "other"):
                    for entry in column[side]:
                        yield scenario["key"], column["key"], side, entry


def written(room: LiveRoom) -> tuple[dict[str, list[int]], dict[int, str]]:
    """20 participants write 60 items in the first brainstorm, round robin over the columns;
    a few items are merged, one is withdrawn and one deleted. Returns each participant's
    acknowledged ids (by token) and every item's words."""
    room.activate(room.brainstorm)
    tokens = [room.join_token() for _ in range(PARTICIPANTS)]
    mine: dict[str, list[int]] = {t: [] for t in tokens}
    words: dict[int, str] = {}
    for n in range(ITEMS):
        token = tokens[n % PARTICIPANTS]
        category = CATEGORIES[n % 3]
        body: dict[str, Any] = {
            "client_id": f"c{n}",
            "step_id": room.brainstorm,
            "category": category,
            "text": f"Punt {n} over {category}",
        }
        if category == "voorwaarden":
            body["theme"] = THEMES[(n // 3) % len(THEMES)]
        ack = room.post_item(bearer(token), **body)
        assert ack.status_code == 201, ack.text
        item_id = ack.json()["item"]["id"]  # the acknowledgement carries the id
        mine[token].append(item_id)
        words[item_id] = body["text"]
    return mine, words


@pytest.fixture
def closed(api_room: Callable[..., LiveRoom]) -> tuple[LiveRoom, dict[str, list[int]], dict]:
    room = api_room()
    mine, words = written(room)
    ids = list(words)
    lead, merged = ids[0], [ids[3], ids[6]]  # three "voordelen" by different participants
    merge = f"/api/sessions/{room.id}/items/{lead}/merge"
    assert room.http.post(merge, json={"member_ids": merged}, headers=room.facilitator).is_success
    assert room.http.delete(f"/api/sessions/{room.id}/items/{ids[9]}", headers=room.facilitator)
    close = room.http.post(f"/api/sessions/{room.id}/close", headers=ORGANISER)
    assert close.status_code == 200
    return room, mine, {"words": words, "lead": lead, "merged": merged, "deleted": ids[9]}


def publish(room: LiveRoom) -> dict[str, Any]:
    response = room.http.post(f"/api/sessions/{room.id}/publish", headers=ORGANISER)
    assert response.status_code == 200, response.text
    return dict(response.json())


def path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_the_published_data_places_every_item_and_no_one(closed: Any) -> None:
    room, mine, known = closed
    links = publish(room)
    data = room.http.get(path(links["data"]))
    assert data.status_code == 200 and data.headers["content-type"] == "application/json"
    assert data.headers["cache-control"] == "no-store"
    report = data.json()
    placed: dict[int, tuple[str, str, str, dict[str, Any]]] = {}
    for scenario, column, side, entry in entries(report):
        assert len(entry["item_ids"]) == entry["mentions"]
        assert entry["members"] == [known["words"][i] for i in entry["item_ids"][1:]]
        assert entry["text"] == known["words"][entry["item_ids"][0]]
        for item_id in entry["item_ids"]:
            assert item_id not in placed  # each item in one entry only
            placed[item_id] = (scenario, column, side, entry)
    assert set(placed) == set(known["words"]) - {known["deleted"]}
    for item_id in known["merged"]:
        assert placed[item_id][3]["item_ids"][0] == known["lead"]
    themed = [p for p in placed.values() if p[1] == "voorwaarden"]
    assert {p[2] for p in themed} == set(THEMES)
    assert {p[2] for p in placed.values() if p[1] != "voorwaarden"} <= {"important", "other"}
    # Raw rows the report page does not show stay out; nothing names a participant.
    assert report["votes"] == [] and report["profiles"] == []
    text = data.text
    for token in mine:
        assert token not in text
    assert "participant" not in {k for _, _, _, e in entries(report) for k in e}


def test_the_page_is_the_report_and_the_downloads_are_unchanged(closed: Any) -> None:
    room, _, _ = closed
    links = publish(room)
    page = room.http.get(path(links["report"]))
    own = room.http.get(f"/api/sessions/{room.id}/report.html", headers=room.facilitator)
    assert page.status_code == 200 and page.text == own.text
    download = room.http.get(f"/api/sessions/{room.id}/report.json", headers=room.facilitator)
    assert "item_ids" not in download.text  # the JSON export's contract is as before
    mine = room.http.get(path(links["mine"]))
    assert mine.status_code == 200 and 'id="mine"' in mine.text
    assert f'data-report="/r/{links["token"]}/data.json"' in mine.text


def test_publishing_twice_keeps_the_link_and_revoking_ends_it(closed: Any) -> None:
    room, _, _ = closed
    first = publish(room)
    assert publish(room) == first
    assert len(first["token"]) == 32
    revoked = room.http.delete(f"/api/sessions/{room.id}/publish", headers=ORGANISER)
    assert revoked.status_code == 204
    for link in ("report", "data", "mine"):
        gone = room.http.get(path(first[link]))
        assert gone.status_code == 404, link
    english = room.http.get(path(first["data"]), headers={"X-VK-Lang": "en"})
    assert english.json() == {"detail": "No published report at this address."}
    dutch = room.http.get(path(first["data"]))  # a page's address: the default language
    assert dutch.json() == {"detail": "Op dit adres staat geen gepubliceerd verslag."}
    again = publish(room)
    assert again["token"] != first["token"]
    assert room.http.get(path(again["data"])).status_code == 200
    assert room.http.get(path(first["data"])).status_code == 404
    twice = room.http.delete(f"/api/sessions/{room.id}/publish", headers=ORGANISER)
    assert twice.status_code == 204


def test_events_say_published_without_the_token(closed: Any) -> None:
    room, _, _ = closed
    token = publish(room)["token"]
    room.http.delete(f"/api/sessions/{room.id}/publish", headers=ORGANISER)
    events = room.all_events()
    assert [e["data"] for e in events if e["type"] == "report_published"] == [
        {"published": True},
        {"published": False},
    ]
    assert token not in str(events)


def test_only_the_organiser_publishes_or_revokes(closed: Any) -> None:
    room, mine, _ = closed
    others = {
        "stranger": {},
        "participant": bearer(next(iter(mine))),
        "facilitator": room.facilitator,
        "projector": bearer(room.data["projector_key"]),
    }
    for who, headers in others.items():
        for method in ("POST", "DELETE"):
            refused = room.http.request(method, f"/api/sessions/{room.id}/publish", headers=headers)
            assert refused.status_code in (401, 403), (who, method, refused.text)
    state = room.http.get(f"/api/sessions/{room.id}/events", headers=room.facilitator)
    assert "report_published" not in state.text


def test_an_open_session_is_not_published(api_room: Callable[..., LiveRoom]) -> None:
    room = api_room()
    refused = room.http.post(f"/api/sessions/{room.id}/publish", headers=ORGANISER)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "Close the session first: only a closed session's report can be published."
    )
    missing = room.http.post("/api/sessions/nope/publish", headers=ORGANISER)
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("token", "status"),
    [
        ("x", 404),
        ("A" * 32, 404),
        ("A" * 31 + "!", 404),
        ("A" * 5000, 404),
        ("' OR 1=1 --" + "A" * 21, 404),
        ("..%2F..%2Fapi%2Fsessions", 404),
        ("Å" * 32, 404),
        ("%00" + "A" * 29, 404),
        ("%C2%86t%0B%1C%2Bz", 404),  # control characters: as unknown as any other
    ],
)
def test_a_made_up_link_shows_nothing(closed: Any, token: str, status: int) -> None:
    room, _, _ = closed
    publish(room)
    for suffix in ("", "/data.json", "/mijn-bijdragen"):
        response = room.http.get(f"/r/{token}{suffix}")
        assert response.status_code == status, (token, suffix)
        assert "Punt" not in response.text


def test_a_console_left_open_hears_of_publishing(live: LiveRoom, server: Server) -> None:
    organiser = bearer(ORGANISER_TOKEN)
    closed = httpx.post(f"{server.url}/api/sessions/{live.id}/close", headers=organiser)
    assert closed.status_code == 200
    with live.socket(live.facilitator_key, live.last_seq()) as console:
        done = httpx.post(f"{server.url}/api/sessions/{live.id}/publish", headers=organiser)
        assert done.status_code == 200
        heard = receive_until(console, "report_published")
        assert heard[-1]["data"] == {"published": True}
        assert done.json()["token"] not in str(heard)
        gone = httpx.delete(f"{server.url}/api/sessions/{live.id}/publish", headers=organiser)
        assert gone.status_code == 204
        assert receive_until(console, "report_published")[-1]["data"] == {"published": False}
