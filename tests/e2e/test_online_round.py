"""An online round in a real browser (issue #16, part 2): a participant joins by code with no
facilitator, pages through the steps at their own pace, adds an item that another participant
then sees, and coming back on the same device continues at the step they were on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LAPTOP, PHONE, assert_accessible, screenshot
from tests.e2e.test_board import add_item, items
from tests.harness import ORGANISER, ORGANISER_TOKEN, Server

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
    return page


def test_a_participant_goes_at_their_own_pace_and_continues_later(
    browser: Browser, server: Server, online_round: dict[str, Any]
) -> None:
    phone = join(browser, server, online_round["code"], **PHONE)
    expect(phone.locator(".online-position")).to_have_text(re.compile(r"^Stap 1 van \d+$"))
    expect(phone.locator("#connection")).to_have_count(0)
    phone.get_by_role("link", name="Volgende stap").click()
    expect(phone.locator(".online-position")).to_have_text(re.compile(r"^Stap 2 van "))
    expect(phone.locator("#item-form")).to_be_visible()
    add_item(phone, "Een gedeelde taal voor alle partners")
    expect(phone.locator("#outbox-status")).to_contain_text("Toegevoegd.")
    screenshot(phone, "participant-phone-online-round")
    assert_accessible(phone, "participant phone in an online round")

    other = join(browser, server, online_round["code"])
    other.get_by_role("link", name="Volgende stap").click()
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
    author.get_by_role("link", name="Volgende stap").click()
    add_item(author, "Eerst langs de organisator")
    expect(author.locator("#outbox-status")).to_contain_text("anderen zien het zodra")
    author.get_by_role("link", name="Toon wat anderen toevoegden").click()
    mine = author.locator("#late-mine")
    expect(mine.locator("h3")).to_have_text("Je bijdragen die nog niet op het bord staan")
    expect(mine.locator(".late-item", has_text="Eerst langs de organisator")).to_contain_text(
        "wacht op beoordeling voordat anderen het zien"
    )
    other = join(browser, server, held_round["code"])
    other.get_by_role("link", name="Volgende stap").click()
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
    other.reload()
    expect(items(other, "voordelen")).to_have_text(["Eerst langs de organisator"])
    author.reload()
    expect(author.locator("#late-mine .late-item")).to_have_count(0)
    expect(items(author, "voordelen")).to_have_text(["Eerst langs de organisator"])
