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
