"""An online round in a real browser (issue #16, part 2): a participant joins by code with no
facilitator, pages through the steps at their own pace, adds an item that another participant
then sees, and coming back on the same device continues at the step they were on. The page is
live: items others add on the same step appear without a reload, and what is being typed
stays when they do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LAPTOP, PHONE, assert_accessible, screenshot, wait_connected
from tests.e2e.test_board import add_item, items
from tests.e2e.test_comments import go_offline, open_comments
from tests.harness import ORGANISER, ORGANISER_TOKEN, Server, bearer

pytestmark = pytest.mark.browser


def open_round(http: httpx.Client, hold_for_review: bool = False) -> dict[str, Any]:
    now = datetime.now(UTC)
    body = {
        "title": "Online ronde",
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=1)).isoformat(),
        "hold_for_review": hold_for_review,
    }
    response = http.post("/api/programmes/1/online-rounds", json=body, headers=ORGANISER)
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()["session"]
    return session


@pytest.fixture
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


@pytest.fixture
def online_round(http: httpx.Client) -> dict[str, Any]:
    return open_round(http)


def join(browser: Browser, server: Server, code: str, **context: Any) -> Page:
    page = browser.new_context(base_url=server.url, **(context or LAPTOP)).new_page()
    page.goto(f"/join?code={code}")
    page.get_by_role("button", name=re.compile("Deelnemen")).click()
    page.wait_for_url(re.compile(r"/s/"))
    wait_connected(page)
    return page


def next_step(page: Page, position: str = "Stap 2 van ") -> None:
    page.get_by_role("link", name="Volgende stap").click()
    expect(page.locator(".online-position")).to_have_text(re.compile(f"^{position}"))
    wait_connected(page)


def test_a_participant_goes_at_their_own_pace_and_continues_later(
    browser: Browser, server: Server, online_round: dict[str, Any]
) -> None:
    phone = join(browser, server, online_round["code"], **PHONE)
    expect(phone.locator(".online-position")).to_have_text(re.compile(r"^Stap 1 van \d+$"))
    next_step(phone)
    expect(phone.locator("#item-form")).to_be_visible()
    add_item(phone, "Een gedeelde taal voor alle partners")
    expect(phone.locator("#outbox-status")).to_contain_text("Toegevoegd.")
    screenshot(phone, "participant-phone-online-round")
    assert_accessible(phone, "participant phone in an online round")

    other = join(browser, server, online_round["code"])
    next_step(other)
    expect(items(other, "voordelen")).to_have_text(["Een gedeelde taal voor alle partners"])

    # Leaving and coming back on the same device: the page opens at the step they were on.
    step_url = phone.url
    again = phone.context.new_page()
    again.goto(f"/s/{online_round['id']}")
    again.wait_for_url(step_url)
    expect(again.locator(".online-position")).to_have_text(re.compile(r"^Stap 2 van "))
    expect(items(again, "voordelen")).to_have_text(["Een gedeelde taal voor alle partners"])


def test_a_held_item_waits_on_its_authors_screen_until_approved(
    browser: Browser, server: Server, http: httpx.Client
) -> None:
    held_round = open_round(http, hold_for_review=True)
    author = join(browser, server, held_round["code"], **PHONE)
    next_step(author)
    add_item(author, "Eerst langs de organisator")
    expect(author.locator("#outbox-status")).to_contain_text("anderen zien het zodra")
    mine = author.locator("#late-mine")
    expect(mine.locator("h3")).to_have_text("Je bijdragen die nog niet op het bord staan")
    expect(mine.locator(".late-item", has_text="Eerst langs de organisator")).to_contain_text(
        "wacht op beoordeling voordat anderen het zien"
    )
    other = join(browser, server, held_round["code"])
    next_step(other)
    expect(items(other, "voordelen")).to_have_count(0)

    organiser = browser.new_context(base_url=server.url, **LAPTOP).new_page()
    organiser.goto(f"/organiser?token={ORGANISER_TOKEN}")
    held = organiser.locator(f"#online-round-{held_round['id']} .late-item")
    expect(held).to_contain_text("Eerst langs de organisator")
    screenshot(organiser, "organiser-online-review")
    assert_accessible(organiser, "organiser page with an online round to review")
    held.get_by_role("button", name="Goedkeuren").click()
    expect(organiser.locator(f"#online-round-{held_round['id']}")).to_contain_text(
        "Er wacht niets op beoordeling."
    )
    # Live, without a reload: on the other's board, and off the author's list onto their board.
    expect(items(other, "voordelen")).to_have_text(["Eerst langs de organisator"])
    expect(author.locator("#late-mine .late-item")).to_have_count(0)
    expect(items(author, "voordelen")).to_have_text(["Eerst langs de organisator"])


def test_two_participants_on_one_step_see_each_other_live_and_keep_what_they_type(
    browser: Browser, server: Server, online_round: dict[str, Any]
) -> None:
    laptop = join(browser, server, online_round["code"])
    phone = join(browser, server, online_round["code"], **PHONE)
    next_step(laptop)
    next_step(phone)
    typed = "Half getypt, nog niet verstuurd"
    laptop.fill("#item-text", typed)
    add_item(phone, "Samen opleiden in de school")
    expect(items(laptop, "voordelen")).to_have_text(["Samen opleiden in de school"])
    expect(laptop.locator("#item-text")).to_have_value(typed)

    # A redraw of the step (the round's console merges two items): the typing goes on.
    add_item(phone, "Opleiden in de school, samen")
    expect(items(laptop, "voordelen")).to_have_count(2)
    first, second = (
        laptop.locator("[id^=items-][id$=-voordelen] .item").nth(n).get_attribute("data-item")
        for n in (0, 1)
    )
    merged = httpx.post(
        f"{server.url}/api/sessions/{online_round['id']}/items/{first}/merge",
        json={"member_ids": [int(str(second))]},
        headers=bearer(online_round["facilitator_key"]),
    )
    assert merged.status_code == 200, merged.text
    expect(laptop.locator(".item .mentions")).to_have_text("×2")
    expect(laptop.locator("#item-text")).to_have_value(typed)
    expect(laptop.locator("#item-text")).to_be_focused()
    screenshot(laptop, "participant-online-round-live")

    laptop.get_by_role("button", name="Toevoegen").click()
    expect(items(phone, "voordelen")).to_have_text(["Samen opleiden in de school", typed])
    assert_accessible(phone, "participant phone in an online round, live")


def test_a_comment_in_an_online_round_is_kept_while_typed_and_arrives_once(
    browser: Browser, server: Server, online_round: dict[str, Any]
) -> None:
    author = join(browser, server, online_round["code"], **PHONE)
    next_step(author)
    for text in ("Samen opleiden", "Opleiden, samen", "Een vaste mentor per school"):
        add_item(author, text)
    reader = join(browser, server, online_round["code"])
    next_step(reader)
    expect(items(reader, "voordelen")).to_have_count(3)
    first, second, third = (
        reader.locator("[id^=items-][id$=-voordelen] .item").nth(n).get_attribute("data-item")
        for n in (0, 1, 2)
    )
    field = open_comments(reader, int(str(third)))
    field.fill("Ook voor zij-instromers")
    merged = httpx.post(  # the round's console merges two items: the step is redrawn
        f"{server.url}/api/sessions/{online_round['id']}/items/{first}/merge",
        json={"member_ids": [int(str(second))]},
        headers=bearer(online_round["facilitator_key"]),
    )
    assert merged.status_code == 200, merged.text
    expect(reader.locator(".item .mentions")).to_have_text("×2")
    expect(field).to_have_value("Ook voor zij-instromers")
    expect(field).to_be_focused()
    next_step(reader, "Stap 3 van ")  # another page, and back again
    reader.get_by_role("link", name="Vorige stap").click()
    expect(reader.locator(".online-position")).to_have_text(re.compile("^Stap 2 van "))
    wait_connected(reader)
    expect(field).to_have_value("Ook voor zij-instromers")
    go_offline(reader)
    field.press("Enter")
    expect(reader.locator(f"#comments-{third} .comment-pending")).to_have_count(1)
    reader.context.set_offline(False)
    for page in (reader, author):
        expect(page.locator(f"#comments-{third} li")).to_have_text(["Ook voor zij-instromers"])
        expect(page.locator(f"#comment-count-{third}")).to_have_text("1")
