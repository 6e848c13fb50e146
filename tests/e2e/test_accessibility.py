"""Accessibility in a real browser: axe-core finds no serious or critical violation on any
page a participant, facilitator, projector or organiser sees."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    LAPTOP,
    PHONE,
    BrowserRoom,
    axe_violations,
    describe_violations,
)
from tests.e2e.test_board import add_item, items, show_step
from tests.harness import ORGANISER_TOKEN

pytestmark = pytest.mark.browser


class Audit:
    """Collects axe-core findings per page so one run names every page that fails."""

    def __init__(self) -> None:
        self.failures: dict[str, str] = {}

    def check(self, page: Page, name: str) -> None:
        violations = axe_violations(page)
        if violations:
            self.failures[name] = describe_violations(violations)

    def assert_clean(self) -> None:
        report = "\n\n".join(f"== {name}\n{text}" for name, text in self.failures.items())
        assert not self.failures, f"axe-core violations:\n{report}"


def test_join_board_console_projector_and_organiser_pass_axe(browser_room: BrowserRoom) -> None:
    audit = Audit()
    home = browser_room.open("/", **LAPTOP)
    expect(home.locator("#code")).to_be_visible()
    audit.check(home, "home")
    join = browser_room.open(f"/join?code={browser_room.data['code']}", **PHONE)
    expect(join.locator("#profile-sector")).to_be_visible()
    audit.check(join, "join (profile)")
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    alice, bob = browser_room.participant("PO"), browser_room.participant("VO", **PHONE)
    add_item(alice, "Goed te organiseren, elke school kan instappen")
    add_item(bob, "Nascholing verplicht stellen", category="voorwaarden", theme="hr_beleid")
    projector = browser_room.projector()
    for page in (alice, bob, console, projector):
        expect(items(page, "voorwaarden")).to_have_text(["Nascholing verplicht stellen"])
    audit.check(alice, "participant board (desktop)")
    audit.check(bob, "participant board (phone)")
    audit.check(console, "console (brainstorm)")
    audit.check(projector, "projector (brainstorm)")
    organiser = browser_room.open(f"/organiser?token={ORGANISER_TOKEN}", **LAPTOP)
    organiser.fill("#new-location", "Eindhoven")
    organiser.get_by_role("button", name="Sessie aanmaken").click()
    expect(organiser.locator(".notice")).to_be_visible()
    audit.check(organiser, "organiser")
    organiser.get_by_role("link", name="Dashboard").click()
    expect(organiser.locator("#dashboard-report #participants")).to_be_visible()
    audit.check(organiser, "programme dashboard")
    audit.assert_clean()


def vote_by_api(room: BrowserRoom, page: Page, answers: dict[str, int]) -> None:
    """Two more voters per sector, over the API, so results show per sector."""
    step = page.locator("[data-vote-step]").get_attribute("data-vote-step")
    subject = page.locator("fieldset.statement input[type=radio]").first.get_attribute("name")
    for sector, value in answers.items():
        for _ in range(2):
            response = room.api.http.put(
                f"/api/sessions/{room.api.id}/steps/{step}/ballot",
                json={"answers": [{"subject": subject, "value": value}]},
                headers=room.api.join(sector=sector),
            )
            assert response.status_code == 200, response.text


def test_statements_vote_and_results_pass_axe(browser_room: BrowserRoom) -> None:
    audit = Audit()
    console = browser_room.console()
    people = [browser_room.participant("PO", **PHONE), browser_room.participant("VO")]
    show_step(console, "Stellingen")
    for value, page in zip(("5", "1"), people, strict=True):
        first = page.locator("fieldset.statement").first
        first.locator(f"input[value='{value}']").check()
        first.locator("textarea").fill("Dezelfde taal spreken is de basis")
        page.get_by_role("button", name="Mijn antwoorden opslaan").click()
        expect(page.locator("form.statements .saved")).to_have_text("Opgeslagen.")
    audit.check(people[0], "participant statements (phone)")
    vote_by_api(browser_room, people[0], {"PO": 5, "VO": 1})
    console.locator("[data-reveal]").click()
    projector = browser_room.projector()
    expect(projector.locator(".statement-result").first.locator(".likert")).to_have_count(3)
    expect(people[1].locator(".results")).to_be_visible()
    audit.check(console, "console (statements with results)")
    audit.check(projector, "projector (statements results)")
    audit.check(people[1], "participant statements with results")
    audit.assert_clean()
