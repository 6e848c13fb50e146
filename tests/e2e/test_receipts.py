"""Receipts in real browsers: two participants write on their own devices, the facilitator
merges one item into another, the session is closed and its report published; each device's
"Mijn bijdragen" shows its own two items and where they ended up, and not the other's. A
third device finds a participant's items from their saving code. Neither the browsers'
requests nor the server's log carry an item id."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from tests.databases import Databases
from tests.e2e.conftest import PHONE, BrowserRoom, assert_accessible, screenshot
from tests.e2e.test_board import add_item, items, show_step
from tests.e2e.test_phone import assert_fits_a_phone
from tests.harness import ORGANISER_TOKEN, Server, bearer, start_server

pytestmark = pytest.mark.browser

ALICE = ("Mentoren krijgen tijd op de school", "Te weinig plekken voor stages")
SCENARIO = "Denken vanuit Afstemming"  # "Scenario 1: Afstemming" on the agenda
BOB = ("Opleiden in de school wordt sterker", "Een vaste contactpersoon per school")


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("receipts") / "server.log"


@pytest.fixture(scope="module")
def server(server_log: Path, databases: Databases) -> Iterator[Server]:
    """This module's own real server, so its log can be read."""
    url = databases.fresh(server_log.parent)
    server = start_server({"DATABASE_URL": url, "ORGANISER_TOKEN": ORGANISER_TOKEN}, server_log)
    yield server
    server.stop()
    databases.drop(url)


def mine(page: Page) -> list[str]:
    """The texts "Mijn bijdragen" lists, once it says how many it found."""
    expect(page.locator("#mine-summary")).not_to_be_empty()
    return sorted(page.locator(".mine-item .text").all_inner_texts())


def where(page: Page, text: str) -> str:
    return page.locator(".mine-item", has_text=text).locator(".where").inner_text()


def item_ids(room: BrowserRoom) -> dict[str, int]:
    """Every item's id by its words, as the facilitator's event log has them."""
    return {
        e["data"]["item"]["text"]: e["data"]["item"]["id"]
        for e in room.api.all_events()
        if e["type"] == "item_added"
    }


def fill_the_room(room: BrowserRoom) -> list[str]:
    """18 more participants, over the API, write 56 more items in the three columns."""
    api = room.api
    tokens = [api.join_token() for _ in range(18)]
    texts = []
    for n in range(56):
        category = ("voordelen", "nadelen", "voorwaarden")[n % 3]
        body = {"client_id": f"x{n}", "step_id": api.brainstorm, "category": category}
        body["text"] = f"Bijdrage {n} van iemand anders"
        if category == "voorwaarden":
            body["theme"] = "visie"
        assert api.post_item(bearer(tokens[n % 18]), **body).status_code == 201
        texts.append(body["text"])
    return texts


def test_each_device_shows_its_own_items_in_the_published_report(
    browser_room: BrowserRoom, server_log: Path
) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    alice = browser_room.participant("PO")
    bob = browser_room.participant("VO", **PHONE)
    add_item(alice, ALICE[0])
    add_item(alice, ALICE[1], "nadelen")
    add_item(bob, BOB[0])
    add_item(bob, BOB[1], "voorwaarden", theme="organisatie")
    expect(items(console, "voordelen")).to_have_text([ALICE[0], BOB[0]])
    expect(items(console, "voorwaarden")).to_have_text([BOB[1]])
    others = fill_the_room(browser_room)  # 18 more people write 56 more: 60 items in all
    expect(console.locator("[id^=items-] .item")).to_have_count(60)
    codes = {}
    for page in (alice, bob):
        page.get_by_text("Je bewaarcode").click()  # folded away until asked for
        code = page.locator("#receipt-code")
        expect(code).to_be_visible()
        expect(code).to_have_text(re.compile(r"^VK(-[0-9A-Z]{1,4})+$"))
        codes[page] = code.inner_text()
    assert codes[alice] != codes[bob]

    # The facilitator merges Alice's point into Bob's, then the session is closed.
    ids = item_ids(browser_room)
    api = browser_room.api
    merged = api.http.post(
        f"/api/sessions/{api.id}/items/{ids[BOB[0]]}/merge",
        json={"member_ids": [ids[ALICE[0]]]},
        headers=api.facilitator,
    )
    assert merged.status_code == 200, merged.text
    closed = api.http.post(f"/api/sessions/{api.id}/close", headers=bearer(ORGANISER_TOKEN))
    assert closed.status_code == 200

    # The organiser publishes the report from the organiser page.
    organiser = browser_room.open(f"/organiser?token={ORGANISER_TOKEN}")
    with organiser.expect_navigation():
        organiser.get_by_role("button", name="Verslag publiceren").click()
    mine_link = organiser.locator(".mine-link").get_attribute("href")
    assert mine_link and mine_link.endswith("/mijn-bijdragen")
    assert_accessible(organiser, "organiser, a report published")

    sent: list[Request] = []

    def keep(request: Request) -> None:
        sent.append(request)

    for page in (alice, bob):
        page.context.on("request", keep)
    # Alice's page of the closed session leads her to it; Bob opens the link he was sent.
    alice.reload()
    alice.get_by_role("link", name=re.compile("Het verslag is gepubliceerd")).click()
    assert sorted(mine(alice)) == sorted(ALICE)
    assert where(alice, ALICE[0]) == (
        f"{SCENARIO} › Voordelen · bij de belangrijkste · samengevoegd met “{BOB[0]}”"
    )
    assert where(alice, ALICE[1]) == f"{SCENARIO} › Nadelen · bij de andere punten · als eigen punt"
    expect(alice.locator("#mine-summary")).to_have_text("Gevonden in dit verslag: 2.")
    assert_accessible(alice, "Mijn bijdragen")

    bob.goto(mine_link)
    assert sorted(mine(bob)) == sorted(BOB)
    assert where(bob, BOB[0]) == f"{SCENARIO} › Voordelen · bij de belangrijkste · als eigen punt"
    assert where(bob, BOB[1]) == f"{SCENARIO} › Voorwaarden · thema: Organisatie · als eigen punt"
    for text in ALICE:
        expect(bob.locator(".mine-item", has_text=text)).to_have_count(0)
    assert not set(mine(alice) + mine(bob)) & set(others)
    assert_fits_a_phone(bob, "Mijn bijdragen")
    screenshot(bob, "mijn-bijdragen-phone")

    # A device that kept nothing finds Alice's items from her saving code, and only hers.
    other = browser_room.open(mine_link)
    other.context.on("request", keep)
    expect(other.locator("#mine-summary")).to_contain_text("Geen van de bijdragen")
    other.fill("#mine-code", "vk" + codes[alice][2:].lower().replace("-", " "))
    other.get_by_role("button", name="Toon mijn bijdragen").click()
    expect(other.locator(".mine-item .text")).to_have_count(2)
    assert sorted(mine(other)) == sorted(ALICE)
    other.fill("#mine-code", codes[bob][:-1] + ("0" if codes[bob][-1] != "0" else "1"))
    other.get_by_role("button", name="Toon mijn bijdragen").click()
    expect(other.locator("#mine-code-error")).to_contain_text("geen geldige bewaarcode")

    # Nothing the devices sent, and nothing in the server's log, names an item.
    token = mine_link.split("/r/", 1)[1].split("/", 1)[0]
    allowed = {f"/r/{token}/mijn-bijdragen", f"/r/{token}/data.json", f"/s/{api.id}"}
    for request in sent:
        path = request.url.split("://", 1)[1].split("/", 1)[1]
        assert request.method == "GET" and request.post_data is None, request.url
        assert "?" not in path or path.startswith("static/"), request.url
        assert f"/{path}" in allowed or path.startswith("static/"), request.url
    logged = [line for line in server_log.read_text().splitlines() if "/r/" in line]
    assert logged and all(_names_no_item(line, token) for line in logged), logged


def _names_no_item(line: str, token: str) -> bool:
    """A log line asks for a published page or its data, whole, and for nothing else."""
    request = re.search(r'"(GET|POST|PUT|PATCH|DELETE) (\S+)', line)
    if request is None:
        return True
    path = request[2]
    return path in {f"/r/{token}/mijn-bijdragen", f"/r/{token}/data.json", f"/r/{token}"}


WITHDRAWN = "Eerst geschreven, daarna ingetrokken"
KEPT = "Een punt dat blijft staan"
ADMITTED = "Te laat, maar toegelaten"
DECLINED = "Te laat en afgewezen"


def test_late_items_count_and_withdrawn_ones_are_forgotten(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    phone = browser_room.participant("VO", **PHONE)
    add_item(phone, WITHDRAWN)
    own = phone.locator(".item", has=phone.locator(".text", has_text=WITHDRAWN))
    phone.once("dialog", lambda dialog: dialog.accept())
    own.get_by_role("button", name="Intrekken").click()
    expect(phone.locator("#outbox-status")).to_have_text("Ingetrokken.")
    expect(phone.locator("#receipt")).to_be_hidden()  # nothing of theirs is left to find
    add_item(phone, KEPT)
    expect(items(console, "voordelen")).to_have_text([KEPT])
    # Two items sent while offline arrive after the facilitator closed input: kept as late.
    phone.context.set_offline(True)
    expect(phone.locator("#connection")).to_have_text(re.compile("^Offline"))
    add_item(phone, ADMITTED, category="nadelen")
    add_item(phone, DECLINED, category="nadelen")
    api = browser_room.api
    lock = f"/api/sessions/{api.id}/steps/{api.brainstorm}/locked"
    assert api.http.put(lock, json={"value": True}, headers=api.facilitator).status_code == 200
    phone.context.set_offline(False)
    expect(phone.locator(".late-item")).to_have_count(2, timeout=15_000)

    late = api.http.get(f"/api/sessions/{api.id}/late-items", headers=api.facilitator).json()
    by_text = {item["text"]: item["id"] for item in late}
    for text, action in ((ADMITTED, "admit"), (DECLINED, "decline")):
        url = f"/api/sessions/{api.id}/late-items/{by_text[text]}/{action}"
        assert api.http.post(url, headers=api.facilitator).status_code == 200
    organiser = bearer(ORGANISER_TOKEN)
    assert api.http.post(f"/api/sessions/{api.id}/close", headers=organiser).status_code == 200
    links = api.http.post(f"/api/sessions/{api.id}/publish", headers=organiser).json()

    phone.goto(links["mine"])
    assert mine(phone) == sorted([KEPT, ADMITTED])
    # The declined one is kept on the device but is in no report; the withdrawn one is gone.
    expect(phone.locator("#mine-summary")).to_have_text(
        "Gevonden in dit verslag: 2. Niet in het verslag: 1 (teruggetrokken, door de"
        " facilitator verwijderd, of geschreven in een stap die het verslag niet beslaat)."
    )
