"""The facilitator runs a scenario round from the console in a real browser: merge, lock,
blind round and reveal, me too, and two round tables."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, BrowserRoom, assert_accessible, screenshot, wait_connected
from tests.e2e.test_board import add_item, items, show_step

pytestmark = pytest.mark.browser


def item_li(page: Page, text: str):
    return page.locator(".item", has=page.locator(".text", has_text=text))


def test_merge_lock_and_me_too_from_the_console(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    alice, bob = browser_room.participant("PO"), browser_room.participant("VO", **PHONE)
    add_item(alice, "Goed te organiseren, elke school kan instappen")
    add_item(bob, "Elke school kan instappen: makkelijk te organiseren")
    expect(items(console, "voordelen")).to_have_count(2)
    console.locator("[data-suggest]").click()
    expect(console.locator(".duplicates .score").first).to_contain_text("%")
    for text in ("Goed te organiseren", "makkelijk te organiseren"):
        item_li(console, text).hover()  # an item's buttons show on hover or focus
        item_li(console, text).locator(".merge-pick").check()
    console.locator("[data-merge-selected]").click()
    for page in (console, alice, bob):
        expect(items(page, "voordelen")).to_have_text(
            ["Goed te organiseren, elke school kan instappen"]
        )
        expect(page.locator(".mentions")).to_have_text("×2")
    expect(console.locator(".metoo-badge").first).to_be_hidden()  # no "+0" noise
    # Neither author is offered "Ik ook" on the entry holding their words (the server would
    # refuse it): not live, not after a reload.
    for page in (alice, bob):
        expect(page.locator("[data-metoo]")).to_be_hidden()
    bob.reload()
    wait_connected(bob)
    expect(bob.locator("[data-metoo]")).to_be_hidden()
    # "Ik ook" is for someone who wrote neither of the merged items
    carol = browser_room.participant("VO", **PHONE)
    carol.locator("[data-metoo]").first.click()
    expect(console.locator("[id^=metoo-]").first).to_have_text("1")
    expect(console.locator(".metoo-badge").first).to_have_text("+1")
    expect(carol.locator("[data-metoo]").first).to_have_attribute("aria-pressed", "true")
    console.locator("[data-lock]").click()
    for page in (alice, bob):
        expect(page.locator(".badge-locked")).to_be_visible()
        expect(page.locator("#item-form")).to_have_attribute("inert", "")
    screenshot(console, "console-converge")
    screenshot(bob, "participant-phone-locked")
    assert_accessible(console, "console with duplicates, merged and locked")
    assert_accessible(bob, "participant board, locked")


def test_blind_round_then_reveal(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 2: Samenwerking")
    console.locator("[data-blind]").click()
    alice, bob = browser_room.participant("PO"), browser_room.participant("VO")
    expect(alice.locator(".badge-blind")).to_be_visible()
    add_item(alice, "Geen wij-zij maar wij-samen")
    add_item(bob, "Gedeelde verantwoordelijkheid")
    expect(items(alice, "voordelen")).to_have_text(["Geen wij-zij maar wij-samen"])
    expect(items(bob, "voordelen")).to_have_text(["Gedeelde verantwoordelijkheid"])
    expect(items(console, "voordelen")).to_have_count(2)
    console.locator("[data-blind]").click()
    for page in (alice, bob):
        expect(items(page, "voordelen")).to_have_text(
            ["Geen wij-zij maar wij-samen", "Gedeelde verantwoordelijkheid"]
        )


def test_two_round_tables_side_by_side(browser_room: BrowserRoom) -> None:
    api = browser_room.api
    response = api.http.post(
        f"/api/sessions/{api.id}/tables",
        json={"names": ["Tafel 1", "Tafel 2"]},
        headers=api.facilitator,
    )
    assert response.status_code == 201
    console = browser_room.console()
    show_step(console, "Scenario 3: Leerloopbaan")
    alice, bob = browser_room.participant("PO"), browser_room.participant("VO")
    bob.select_option("#table-select", label="Tafel 2")
    bob.wait_for_load_state()
    expect(bob.locator("#table-select")).to_have_value(str(response.json()[1]["id"]))
    add_item(alice, "Enorme flexibiliteit")
    add_item(bob, "Dure manier van opleiden", category="nadelen")
    expect(items(alice, "voordelen")).to_have_text(["Enorme flexibiliteit"])
    expect(items(alice, "nadelen")).to_have_count(0)
    expect(items(bob, "nadelen")).to_have_text(["Dure manier van opleiden"])
    tables = console.locator(".table-board")
    expect(tables).to_have_count(2)
    expect(tables.nth(0).locator(".item .text")).to_have_text(["Enorme flexibiliteit"])
    expect(tables.nth(1).locator(".item .text")).to_have_text(["Dure manier van opleiden"])
    screenshot(console, "console-tables")


def test_the_console_gives_a_step_its_text_and_adds_a_step_without_a_scenario(
    browser_room: BrowserRoom,
) -> None:
    """As the seed's second session did with scenario 1: a short introduction instead of a
    brainstorm, written in the console; and a glossary step added with "(geen)" scenario."""
    console = browser_room.console()
    participant = browser_room.participant("PO")
    step = console.locator(".agenda-step", has_text="Welkom")
    step.locator(".step-edit summary").click()
    step.locator("textarea[name=text]").fill("Scenario 1 bespreken we vandaag kort.")
    step.get_by_role("button", name="Opslaan").click()
    console.get_by_role("button", name="Toon “Welkom” aan iedereen").click()
    expect(participant.locator(".lead")).to_have_text("Scenario 1 bespreken we vandaag kort.")
    # the console's agenda is redrawn for the step shown (a redraw closes "add a step" again)
    expect(step).to_have_class(re.compile(r"\bactive\b"))
    console.locator(".add-step summary").click()
    console.locator("#new-step-type").select_option("glossary")
    console.get_by_role("button", name="Stap toevoegen").click()
    added = console.locator(".step-title", has_text="Begrippenlijst")  # the agenda has "Begrippen"
    expect(added).to_be_visible()
    expect(console.locator("#console-error")).to_be_empty()


def test_timer_at_zero_closes_input_like_a_lock_and_unlock_reopens_it(
    browser_room: BrowserRoom,
) -> None:
    api = browser_room.api
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    phone = browser_room.participant("VO", **PHONE)
    expect(phone.locator("#item-form")).to_be_visible()
    timer = f"/api/sessions/{api.id}/steps/{api.brainstorm}/timer"
    started = api.http.post(timer, json={"action": "start", "seconds": 2}, headers=api.facilitator)
    assert started.status_code == 200, started.text
    expect(phone.locator(".timer-value")).to_be_visible()
    # At 0:00 (autolock is on by default) the phone shows the same banner as after a lock…
    expect(phone.locator(".badge-locked")).to_have_text("De invoer voor deze stap is gesloten.")
    expect(phone.locator("#item-form")).to_have_attribute("inert", "")
    # …and the console offers to open it again, not to lock it or to pause a finished timer.
    expect(console.locator("[data-unlock]")).to_have_text("Invoer openen")
    expect(console.locator("[data-lock]")).to_be_hidden()
    expect(console.locator("[data-pause]:visible")).to_have_count(0)
    console.locator("[data-unlock]").click()
    expect(phone.locator(".badge-locked")).to_be_hidden()
    expect(phone.locator("#item-form")).not_to_have_attribute("inert", "")
    expect(console.locator("[data-lock]")).to_be_visible()
    add_item(phone, "Na de bel toch nog open")
    expect(items(console, "voordelen")).to_have_text(["Na de bel toch nog open"])


def test_a_vote_whose_timer_runs_out_says_it_is_closed(browser_room: BrowserRoom) -> None:
    api = browser_room.api
    phone = browser_room.participant("VO", **PHONE)
    statements = api.step_id("statements")
    api.activate(statements)
    expect(phone.locator("fieldset.statement").first).to_be_visible()
    timer = f"/api/sessions/{api.id}/steps/{statements}/timer"
    started = api.http.post(timer, json={"action": "start", "seconds": 2}, headers=api.facilitator)
    assert started.status_code == 200, started.text
    expect(phone.locator(".vote .badge-locked")).to_have_text("Deze stemming is gesloten.")
