"""No typed word is lost: an item sent from a phone that was offline while the facilitator
closed input is kept as late, stays on the phone marked so, and reaches the board once the
facilitator lets it in from the console."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, BrowserRoom, assert_accessible, screenshot
from tests.e2e.test_board import add_item, items, show_step

pytestmark = pytest.mark.browser

LATE_TEXT = "Samen optrekken met de gemeente bij de huisvesting"


def test_an_item_sent_offline_after_the_lock_is_kept_late_and_let_in(
    browser_room: BrowserRoom,
) -> None:
    console = browser_room.console()
    projector = browser_room.projector()
    show_step(console, "Scenario 1: Afstemming")
    phone, other = browser_room.participant("VO", **PHONE), browser_room.participant("PO")
    expect(phone.locator("#item-form")).to_be_visible()
    phone.context.set_offline(True)
    expect(phone.locator("#connection")).to_have_text(re.compile("^Offline"))
    add_item(phone, LATE_TEXT, category="nadelen")
    expect(phone.locator("#outbox-status")).to_contain_text("verstuurd")
    console.locator("[data-lock]").click()
    expect(other.locator(".badge-locked")).to_be_visible()
    phone.context.set_offline(False)
    expect(phone.locator("#connection")).to_have_text("Verbonden", timeout=15_000)

    # The phone still shows the words, marked late; the outbox is empty (the server has them).
    late = phone.locator(".late-item", has_text=LATE_TEXT)
    expect(late).to_contain_text("te laat ingediend, de facilitator beslist")
    key = f"vk-outbox-{browser_room.data['id']}"
    phone.wait_for_function(f"localStorage.getItem('{key}') === '[]'")
    # Nobody else sees them yet.
    for page in (other, projector):
        expect(page.get_by_text(LATE_TEXT)).to_have_count(0)
    expect(items(console, "nadelen")).to_have_count(0)
    expect(console.locator("#late-count")).to_have_text("1 late bijdrage")
    screenshot(phone, "participant-phone-late")
    screenshot(console, "console-late")
    assert_accessible(console, "console with a late contribution")
    assert_accessible(phone, "participant phone with a late contribution")

    console.locator(".late-items").get_by_role("button", name="Toelaten", exact=True).click()
    for page in (console, projector, other, phone):
        expect(items(page, "nadelen")).to_have_text([LATE_TEXT])
    expect(console.locator("#late-count")).to_have_count(0)
    expect(phone.locator(".late-item")).to_have_count(0)


def test_a_declined_late_item_stays_with_its_author_only(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 2: Samenwerking")
    phone, other = browser_room.participant("VO", **PHONE), browser_room.participant("PO")
    add_item(other, "Op tijd ingediend")
    expect(items(console, "voordelen")).to_have_text(["Op tijd ingediend"])
    phone.context.set_offline(True)
    expect(phone.locator("#connection")).to_have_text(re.compile("^Offline"))
    add_item(phone, "Te laat maar toch")
    add_item(phone, "Nog een late gedachte", category="nadelen")
    console.locator("[data-lock]").click()
    expect(other.locator(".badge-locked")).to_be_visible()
    phone.context.set_offline(False)
    expect(console.locator("#late-count")).to_have_text("2 late bijdragen")
    expect(phone.locator(".late-item")).to_have_count(2)

    console.locator(".late-item", has_text="Te laat maar toch").get_by_role(
        "button", name="Afwijzen"
    ).click()
    declined = phone.locator(".late-item", has_text="Te laat maar toch")
    expect(declined).to_contain_text("afgewezen")
    expect(console.locator("#late-count")).to_have_text("1 late bijdrage")
    console.get_by_role("button", name="Alle toelaten").click()
    expect(items(other, "nadelen")).to_have_text(["Nog een late gedachte"])
    expect(items(other, "voordelen")).to_have_text(["Op tijd ingediend"])
    expect(other.get_by_text("Te laat maar toch")).to_have_count(0)
    expect(declined).to_contain_text("Te laat maar toch")  # the author can still copy them
