"""Keyboard and screen-reader use in a real browser: a participant joins, adds an item and
votes with the keyboard alone, always seeing where the focus is; new items and status
messages are announced through live regions."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LAPTOP, BrowserRoom, wait_connected
from tests.e2e.test_board import add_item, items, show_step

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    visible: outline || style.boxShadow !== "none",
    element: el.outerHTML.slice(0, 120),
  };
}"""


def assert_focus_visible(page: Page) -> None:
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["visible"], f"no visible focus indicator on {focus['element']}"


def tab_to(page: Page, selector: str, key: str = "Tab", limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until the selector has focus; every stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        assert_focus_visible(page)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


def test_join_add_an_item_and_vote_with_the_keyboard_only(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    page = browser_room.open("/", **LAPTOP)
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    tab_to(page, "#code")
    page.keyboard.type(browser_room.data["code"].lower())
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Zwolle")

    tab_to(page, "#profile-sector")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#profile-sector")).to_have_value("PO")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    wait_connected(page)

    tab_to(page, "input[name=category]:checked")
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=category][value=nadelen]")).to_be_checked()
    tab_to(page, "#item-text")
    page.keyboard.type("Voelt als een stap terug")
    tab_to(page, "#item-form button[type=submit]")
    page.keyboard.press("Space")
    expect(items(page, "nadelen")).to_have_text(["Voelt als een stap terug"])
    expect(items(console, "nadelen")).to_have_text(["Voelt als een stap terug"])
    expect(page.locator("#item-text")).to_be_focused()  # ready for the next one

    # Back up with Shift+Tab from the text box to the kind of contribution.
    tab_to(page, "input[name=category]:checked", key="Shift+Tab")

    show_step(console, "Stellingen")
    first = page.locator("fieldset.statement").first
    expect(first).to_be_visible()
    tab_to(page, "fieldset.statement input[type=radio]")
    for _ in range(3):  # strongly disagree → disagree → neutral → agree
        page.keyboard.press("ArrowRight")
    expect(first.locator("input[value='4']")).to_be_checked()
    tab_to(page, "form.statements button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("form.statements .saved")).to_have_text("Opgeslagen.")
    expect(page.locator("form.statements .saved")).to_have_attribute("role", "status")
    expect(console.locator(".statement-result").first).to_contain_text("n=1")


def test_new_items_and_status_messages_are_announced(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 2: Samenwerking")
    alice, bob = browser_room.participant("PO"), browser_room.participant("VO")
    for page in (alice, bob, console):
        expect(page.locator("#connection")).to_have_attribute("role", "status")
    expect(alice.locator("#outbox-status")).to_have_attribute("role", "status")
    lists = bob.locator("ul.items")
    expect(lists).to_have_count(3)
    for n in range(3):
        expect(lists.nth(n)).to_have_attribute("aria-live", "polite")
    add_item(alice, "Gedeelde verantwoordelijkheid")
    expect(alice.locator("#outbox-status")).to_have_text("Toegevoegd.")
    announced = bob.locator("[aria-live=polite] .item .text")
    expect(announced).to_have_text(["Gedeelde verantwoordelijkheid"])
