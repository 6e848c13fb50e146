"""Sessie afsluiten in a real browser: the facilitator confirms on the console, the console
says the session is closed, and the participant's page no longer opens it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, expect

from tests.e2e.conftest import BrowserRoom, assert_accessible
from tests.e2e.test_board import add_item, items, show_step
from tests.harness import ORGANISER_TOKEN

pytestmark = pytest.mark.browser


def test_the_facilitator_closes_the_session(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    alice = browser_room.participant("PO")
    add_item(alice, "Goed te organiseren")
    expect(items(console, "voordelen")).to_have_text(["Goed te organiseren"])
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    console.on("dialog", accept)
    with console.expect_navigation():  # closing.js reloads the console once closed
        console.get_by_role("button", name="Sessie afsluiten").click()
    expect(console.locator(".session-closed")).to_contain_text("Sessie afgesloten")
    assert "niet worden heropend" in asked[0]
    expect(items(console, "voordelen")).to_have_text(["Goed te organiseren"])
    assert_accessible(console, "console, session closed")
    alice.reload()
    expect(alice.locator("body")).to_contain_text("Deze sessie is afgesloten")
    organiser = browser_room.open(f"/organiser?token={ORGANISER_TOKEN}")
    expect(organiser.locator(".session-closed")).to_have_count(1)
    assert_accessible(organiser, "organiser, a session closed")


def test_a_closed_session_shows_closed_on_the_projector_and_a_read_only_console(
    browser_room: BrowserRoom,
) -> None:
    """The projector, open while the session closes, drops the board and every way in (join
    line, code, QR code) for "Sessie afgesloten"; the console keeps the board and the report
    but offers no controls any more."""
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    projector = browser_room.projector()
    add_item(browser_room.participant("PO"), "Goed te organiseren")
    expect(items(projector, "voordelen")).to_have_text(["Goed te organiseren"])
    console.on("dialog", lambda dialog: dialog.accept())
    with console.expect_navigation():
        console.get_by_role("button", name="Sessie afsluiten").click()

    closed = projector.locator(".session-closed-screen")
    expect(closed).to_contain_text("Sessie afgesloten")
    expect(closed).to_contain_text("Het verslag van deze sessie is klaar")
    for way_in in (".join-line", "#join-code", ".qr", ".board"):
        expect(projector.locator(way_in)).to_be_hidden()
    projector.reload()  # drawn closed by the server: the code is not in the page at all
    expect(projector.locator(".session-closed-screen")).to_contain_text("Sessie afgesloten")
    for way_in in (".join-line", "#join-code", ".qr", ".board"):
        expect(projector.locator(way_in)).to_have_count(0)
    assert browser_room.data["code"] not in projector.content()
    assert_accessible(projector, "projector, session closed")

    banner = console.locator(".session-closed-banner")
    expect(banner).to_contain_text("Sessie afgesloten")
    expect(banner).to_contain_text("Het verslag is klaar")
    expect(items(console, "voordelen")).to_have_text(["Goed te organiseren"])
    for control in (".controls", ".item-tools", ".step-edit", ".add-step", "#join-code", ".qr"):
        expect(console.locator(control)).to_have_count(0)
    expect(console.get_by_role("button", name="Toon", exact=True)).to_have_count(0)
    expect(console.locator(".report-panel")).to_be_visible()
