"""Dutch by default, English at a click: the participant's own choice holds for the page, the
live updates and later visits, while what people wrote stays as written."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, BrowserRoom, assert_accessible
from tests.e2e.test_board import add_item, items, show_step

pytestmark = pytest.mark.browser


def test_a_participant_switches_the_board_to_english(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    dutch, switcher = browser_room.participant("PO"), browser_room.participant("VO", **PHONE)
    add_item(switcher, "Goed te organiseren, elke school kan instappen")
    expect(switcher.get_by_role("button", name="Toevoegen")).to_be_visible()

    switcher.get_by_role("link", name="EN", exact=True).click()
    expect(switcher.locator("html")).to_have_attribute("lang", "en")
    expect(switcher.locator("#item-form legend")).to_have_text("Kind of contribution")
    expect(switcher.get_by_role("button", name="Add", exact=True)).to_be_visible()
    expect(switcher.locator("label[for=item-text]")).to_have_text("Your contribution")
    expect(switcher.locator("#connection")).to_have_text("Connected")
    expect(switcher.locator("#stage h2")).to_have_text("Denken vanuit Afstemming")  # content
    expect(items(switcher, "voordelen")).to_have_text(
        ["Goed te organiseren, elke school kan instappen"]
    )
    expect(switcher.locator("[data-metoo]")).to_have_text([re.compile("^Me too")])
    assert_accessible(switcher, "participant board in English")

    # A live update arrives in each reader's language; the words stay as typed.
    add_item(dutch, "Voelt als een stap terug", category="nadelen")
    expect(items(switcher, "nadelen")).to_have_text(["Voelt als een stap terug"])
    expect(switcher.locator("[data-metoo]").nth(1)).to_have_text(re.compile("^Me too"))
    expect(dutch.locator("[data-metoo]").nth(1)).to_have_text(re.compile("^Ik ook"))

    # The choice is remembered: a redrawn stage and a later visit are still in English.
    show_step(console, "Scenario 2: Samenwerking")
    expect(switcher.locator("#stage h2")).to_have_text("Denken vanuit Samenwerking")
    expect(switcher.get_by_role("button", name="Add", exact=True)).to_be_visible()
    expect(dutch.get_by_role("button", name="Toevoegen")).to_be_visible()
    switcher.goto(switcher.url.split("?")[0])
    expect(switcher.locator("#item-form legend")).to_have_text("Kind of contribution")


def test_switching_language_on_the_profile_page_keeps_the_session(
    browser_room: BrowserRoom,
) -> None:
    page = browser_room.open(f"/join?code={browser_room.data['code']}", **PHONE)
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("h1")).to_have_text("Zwolle")
    page.get_by_role("button", name="Join the session").click()
    expect(page.locator("#connection")).to_have_text("Connected")
    expect(page.locator(".waiting h2")).to_have_text("Welcome")


def test_the_console_shows_refusals_in_its_language(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    console.on("dialog", lambda dialog: dialog.accept())
    show_step(console, "Scenario 1: Afstemming")
    active = console.locator(".agenda-step.active")
    active.locator(".step-edit summary").click()
    active.get_by_role("button", name="Verwijderen").click()
    expect(console.locator("#console-error")).to_have_text(
        "Deze stap staat nu op de schermen: toon eerst een andere stap."
    )
    console.get_by_role("link", name="EN", exact=True).click()
    active = console.locator(".agenda-step.active")
    active.locator(".step-edit summary").click()
    active.get_by_role("button", name="Remove").click()
    expect(console.locator("#console-error")).to_have_text(
        "This step is on the screens now: show another step first."
    )
