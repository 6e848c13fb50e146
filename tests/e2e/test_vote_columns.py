"""One importance vote over a scenario's three columns: started from the console's board in
at most three clicks (counted), and voted on a 360×640 phone, k picks in each column with a
counter per column; the results show per column on the console and the projector."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, BrowserRoom, assert_accessible, screenshot
from tests.e2e.test_console_board import Clicks, full_console
from tests.e2e.test_phone import assert_fits_a_phone

pytestmark = pytest.mark.browser

COLUMNS = ["Voordelen", "Nadelen", "Voorwaarden"]


def start_vote(console: Page) -> int:
    """The facilitator starts the vote from the board, counting the clicks."""
    clicks = Clicks()
    clicks.click(console.locator(".start-vote summary"))
    expect(console.locator(".start-vote-form input[name=k]")).to_have_value("3")
    screenshot(console, "console-start-vote")
    clicks.click(console.get_by_role("button", name="Stemming starten"))
    assert clicks.count <= 3
    live = console.locator(".agenda-step.active .step-title")
    expect(live).to_have_text("Scenario 1: belangrijkste punten")
    return clicks.count


def test_a_vote_on_all_three_columns_starts_from_the_console_in_three_clicks(
    browser_room: BrowserRoom,
) -> None:
    console = full_console(browser_room)
    participant = browser_room.participant("PO")
    projector = browser_room.projector()
    start_vote(console)
    expect(console.locator("#console-error")).to_be_hidden()
    checked = console.locator(".vote-columns input:checked")
    expect(checked).to_have_count(3)
    expect(console.locator("[data-config] input[name=k]")).to_have_value("3")
    results = console.locator(".results .vote-result-column h4")
    expect(results).to_have_text(COLUMNS)
    expect(console.locator(".results .count-bar")).to_have_count(60)
    headings = participant.locator(".vote-column-heading")
    expect(headings).to_contain_text(COLUMNS)
    expect(participant.locator("form[data-ballot] legend")).to_contain_text(
        "Kies per kolom de 3 belangrijkste"
    )
    screenshot(console, "console-vote-three-columns")
    console.locator("[data-reveal]").click()
    expect(projector.locator(".results .vote-result-column h4")).to_have_text(COLUMNS)
    screenshot(projector, "projector-vote-three-columns")


def test_a_phone_votes_in_all_three_columns(browser_room: BrowserRoom) -> None:
    console = full_console(browser_room)
    phone = browser_room.participant("VO", **PHONE)
    start_vote(console)
    columns = phone.locator(".vote-column")
    expect(columns).to_have_count(3)
    for n in range(3):
        column = columns.nth(n)
        counter = column.locator(".column-count")
        expect(counter).to_have_text("0 van 3 gekozen")
        for box in range(2):
            column.locator("input[type=checkbox]").nth(box).check()
        expect(counter).to_have_text("2 van 3 gekozen")
    assert_fits_a_phone(phone, "vote over three columns")
    # each pick is a card of its own: no divider line between the cards as well
    dividers = phone.eval_on_selector_all(
        ".vote-column .vote-items li",
        "els => els.filter(e => getComputedStyle(e).borderTopStyle !== 'none').length",
    )
    assert dividers == 0
    form = phone.locator("form[data-ballot]")
    form.get_by_role("button", name="Mijn stem opslaan").click()
    expect(form.locator(".saved")).to_have_text("Opgeslagen.")
    voted = console.locator(".results .vote-result-column")
    for n in range(3):
        expect(voted.nth(n).locator(".count-bar").first.locator(".count-value")).to_have_text("1")
    screenshot(phone, "participant-phone-vote-three-columns")
    assert_accessible(phone, "participant vote over three columns")
