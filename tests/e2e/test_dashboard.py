"""The programme dashboard in a real browser: it follows two sessions live (state, headcount,
items per column, totals, the report's sections), comes back after a dropped connection with
what happened meanwhile, and passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import LAPTOP, BrowserRoom, assert_accessible, screenshot, wait_connected
from tests.harness import ORGANISER_TOKEN, LiveRoom

pytestmark = pytest.mark.browser


def row(page: Page, room: LiveRoom) -> Locator:
    return page.locator(f"#session-{room.id}")


def test_the_dashboard_follows_the_sessions_live(browser_room: BrowserRoom) -> None:
    zwolle = browser_room.api
    breda = LiveRoom.on_server(browser_room.server, title="Breda", location="Breda")
    try:
        page = browser_room.open(f"/organiser?token={ORGANISER_TOKEN}", **LAPTOP)
        page.get_by_role("link", name="Dashboard").click()
        expect(page.get_by_role("heading", name="Programmadashboard")).to_be_visible()
        wait_connected(page)
        zwolle_row, breda_row = (
            page.locator(f"#session-{zwolle.id}"),
            page.locator(f"#session-{breda.id}"),
        )
        expect(zwolle_row.locator(".state")).to_have_text("Niet begonnen")

        tokens = [zwolle.join_token() for _ in range(3)]
        zwolle.activate(zwolle.brainstorm)
        for n, token in enumerate(tokens):
            zwolle.add(token, f"z{n}", f"Zwolle punt {n}", category="nadelen")
        expect(zwolle_row.locator(".headcount")).to_have_text("3")
        expect(zwolle_row.locator(".state")).to_contain_text("Stap 2 van")
        expect(zwolle_row.locator("[data-column=nadelen]")).to_have_text("Nadelen: 3")
        expect(page.locator("[data-total=participants]")).to_have_text("3")
        expect(page.locator("#dashboard-report #participants")).to_be_visible()
        expect(zwolle_row.locator(".alert")).to_have_text("Geen begeleider verbonden")
        expect(page.locator("#dashboard-alerts li")).to_have_text(
            "Zwolle: Geen begeleider verbonden"
        )
        assert_accessible(page, "programme dashboard")

        page.context.set_offline(True)  # the socket drops; Breda carries on
        expect(page.locator("#connection")).to_have_class("connection offline")
        breda.activate(breda.brainstorm)
        breda.add(breda.join_token(), "b0", "Breda punt", category="voordelen")
        page.context.set_offline(False)
        expect(breda_row.locator("[data-column=voordelen]")).to_have_text("Voordelen: 1")
        expect(page.locator("[data-total=items]")).to_have_text("4")
        expect(page.locator("[data-total=running]")).to_have_text("2")
    finally:
        breda.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_dashboard_reads_well_on_a_phone_and_a_laptop(
    browser_room: BrowserRoom, width: int
) -> None:
    """Each total keeps its figure with its label (a tile), a session with no place or date
    shows its title alone (no dash under it), and axe finds nothing at either width."""
    demo = LiveRoom.on_server(browser_room.server, title="Demo")
    try:
        viewport = {"viewport": {"width": width, "height": 800}}
        page = browser_room.open(f"/organiser?token={ORGANISER_TOKEN}", **viewport)
        page.goto("/organiser/dashboard")
        wait_connected(page)
        expect(row(page, demo).locator("th")).to_have_text("Demo")
        expect(row(page, browser_room.api).locator("th .muted")).to_have_text(
            "Zwolle · 7 juni 2016"
        )
        # Read in one go in the page: a live update may redraw the tiles between two reads.
        figure_above_label = page.evaluate(
            """() => Array.from(document.querySelectorAll('#dashboard-totals .total'))
                .filter((tile) => tile.offsetParent !== null)
                .map((tile) => tile.querySelector('dd').getBoundingClientRect().top
                    < tile.querySelector('dt').getBoundingClientRect().top)"""
        )
        assert figure_above_label and all(figure_above_label), figure_above_label
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways page
        screenshot(page, f"dashboard-{width}")
        assert_accessible(page, f"programme dashboard at {width} px")
    finally:
        demo.close()


def test_the_organiser_page_reads_on_a_phone(browser_room: BrowserRoom) -> None:
    """The organiser's sessions table (seven columns, report links, a close button) and the
    links of a session just created stay within a 360 px phone: the table scrolls in its own
    region, reachable by keyboard, and the page itself never scrolls sideways."""
    page = browser_room.open(
        f"/organiser?token={ORGANISER_TOKEN}", viewport={"width": 360, "height": 800}
    )
    page.fill("#new-location", "Eindhoven")
    page.get_by_role("button", name="Sessie aanmaken").click()
    expect(page.locator(".notice")).to_be_visible()
    expect(page.locator("table.sessions")).to_contain_text("Eindhoven")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways page
    sessions = page.get_by_role("region", name="Sessies")
    sessions.focus()
    expect(sessions).to_be_focused()
    screenshot(page, "organiser-360")
    assert_accessible(page, "organiser page at 360 px")
