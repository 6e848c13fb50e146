"""Taking back in real browsers: a participant rewords and withdraws their own item from
their own screen; the other participant, the console and the projector follow live, and
only the author's screen offers the buttons."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.conftest import PHONE, BrowserRoom
from tests.e2e.test_board import add_item, items, show_step

pytestmark = pytest.mark.browser


def own_item(page: Page, text: str):
    return page.locator(".item", has=page.locator(".text", has_text=text))


def test_a_participant_rewords_and_withdraws_their_own_item(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    projector = browser_room.projector()
    author = browser_room.participant("PO", **PHONE)
    other = browser_room.participant("VO")
    show_step(console, "Scenario 1: Afstemming")
    add_item(author, "Eerste formulering van mij")
    add_item(other, "Iets van een ander")
    everyone = (author, other, console, projector)
    for page in everyone:
        expect(items(page, "voordelen")).to_have_text(
            ["Eerste formulering van mij", "Iets van een ander"]
        )
    mine = own_item(author, "Eerste formulering van mij")
    expect(mine.get_by_role("button", name="Intrekken")).to_be_visible()
    # The buttons are the author's alone: not on their other item's screen, nor others'.
    expect(
        own_item(author, "Iets van een ander").get_by_role("button", name="Intrekken")
    ).to_be_hidden()
    expect(other.get_by_role("button", name="Intrekken")).to_have_count(1)
    expect(
        own_item(other, "Eerste formulering").get_by_role("button", name="Intrekken")
    ).to_be_hidden()
    # "Ik ook" is for other people's items: not on one's own, also after a live redraw.
    expect(mine.locator("[data-metoo]")).to_be_hidden()
    expect(own_item(author, "Iets van een ander").locator("[data-metoo]")).to_be_visible()
    expect(own_item(other, "Eerste formulering").locator("[data-metoo]")).to_be_visible()
    author.reload()
    expect(own_item(author, "Eerste formulering").locator("[data-metoo]")).to_be_hidden()

    def answer_prompt(dialog: Dialog) -> None:
        dialog.accept("Betere formulering van mij")

    author.once("dialog", answer_prompt)
    mine.get_by_role("button", name="Aanpassen").click()
    for page in everyone:
        expect(items(page, "voordelen")).to_have_text(
            ["Betere formulering van mij", "Iets van een ander"]
        )

    author.once("dialog", lambda dialog: dialog.accept())
    own_item(author, "Betere formulering").get_by_role("button", name="Intrekken").click()
    for page in everyone:
        expect(items(page, "voordelen")).to_have_text(["Iets van een ander"])
    expect(author.locator("#outbox-status")).to_have_text("Ingetrokken.")
    # Gone, not in the facilitator's bin; and its words are in no event any more.
    events = browser_room.api.all_events()
    assert "formulering van mij" not in str(events)
    author.reload()
    expect(items(author, "voordelen")).to_have_text(["Iets van een ander"])


def test_a_participant_withdraws_their_vote(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    people = [browser_room.participant("PO"), browser_room.participant("VO", **PHONE)]
    show_step(console, "Stellingen")
    projector = browser_room.projector()
    for page in people:  # nothing to withdraw before voting
        expect(page.get_by_role("button", name="Stem intrekken")).to_be_hidden()
    for page in people:
        page.locator("fieldset.statement").first.locator("input[value='4']").check()
        expect(page.locator("form.statements .saved")).to_have_text("Opgeslagen.")
        expect(page.get_by_role("button", name="Stem intrekken")).to_be_visible()
    expect(projector.locator(".hidden-count")).to_have_text("2 deelnemers hebben gestemd.")
    # A live redraw is drawn once for every participant: the device still knows its ballot.
    console.get_by_role("button", name="Resultaten tonen").click()
    for page in people:
        expect(page.locator(".results").first).to_be_visible()
        expect(page.get_by_role("button", name="Stem intrekken")).to_be_visible()
    console.get_by_role("button", name="Resultaten verbergen").click()
    expect(projector.locator(".hidden-count")).to_have_text("2 deelnemers hebben gestemd.")
    voter = people[1]
    voter.get_by_role("button", name="Stem intrekken").click()
    expect(voter.locator(".withdraw-ballot .saved")).to_have_text("Ingetrokken.")
    expect(voter.get_by_role("button", name="Stem intrekken")).to_be_hidden()
    expect(projector.locator(".hidden-count")).to_have_text("1 deelnemer heeft gestemd.")
    first = voter.locator("fieldset.statement").first.locator("input[value='4']")
    expect(first).not_to_be_checked()
    voter.reload()  # the server holds no answer of theirs, and neither does the device
    expect(
        voter.locator("fieldset.statement").first.locator("input[value='4']")
    ).not_to_be_checked()
    expect(voter.get_by_role("button", name="Stem intrekken")).to_be_hidden()
    people[0].reload()  # the server holds their ballot: the page offers to withdraw it
    expect(
        people[0].locator("fieldset.statement").first.locator("input[value='4']")
    ).to_be_checked()
    expect(people[0].get_by_role("button", name="Stem intrekken")).to_be_visible()
