"""No third parties: every page loads only from our own origin, under a Content-Security-Policy
that runs no inline script. The watch in conftest.py records every request and every CSP
violation of every browser test; this test opens each kind of page and checks the watch sees
what it must, and that it does catch an inline script."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LAPTOP, PHONE, BrowserRoom, PageWatch, origin
from tests.e2e.test_board import add_item, items, show_step
from tests.harness import ORGANISER_TOKEN

pytestmark = pytest.mark.browser


def open_checked(room: BrowserRoom, path: str, **context: object) -> Page:
    """Open a page in a new browser and check its own answer carries the policy."""
    page = room.browser.new_context(base_url=room.server.url, **context).new_page()  # type: ignore[arg-type]
    return goto_checked(page, path)


def goto_checked(page: Page, path: str) -> Page:
    response = page.goto(path)
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, path
    assert response.headers.get("referrer-policy") == "no-referrer", path
    return page


def test_every_page_loads_only_our_own_origin(
    browser_room: BrowserRoom, page_watch: PageWatch
) -> None:
    room, data = browser_room, browser_room.data
    open_checked(room, "/", **LAPTOP)
    open_checked(room, f"/join?code={data['code']}", **PHONE)
    console = room.console()
    show_step(console, "Scenario 1: Afstemming")
    participant = room.participant("PO", **PHONE)
    add_item(participant, "Samen opleiden in de school")
    projector = room.projector()
    for page in (participant, console, projector):
        expect(items(page, "voordelen")).to_have_text(["Samen opleiden in de school"])
    # The report as the console's report panel opens it, with the console's cookie.
    report = goto_checked(console.context.new_page(), f"/api/sessions/{data['id']}/report.html")
    expect(report.locator("h1")).to_be_visible()
    organiser = open_checked(room, f"/organiser?token={ORGANISER_TOKEN}", **LAPTOP)
    expect(organiser.locator("#new-location")).to_be_visible()
    own = origin(room.server.url)
    loaded = set(page_watch.requests)
    for path in ("/static/app.css", "/static/js/console.js", "/static/js/participant.js"):
        assert any(url.startswith(own + path) for url in loaded), path
    assert any("/static/vendor/htmx" in url for url in loaded)
    assert all(origin(url) == own for url in loaded)
    assert page_watch.problems == []


def test_the_watch_catches_an_inline_script(
    browser_room: BrowserRoom, page_watch: PageWatch
) -> None:
    """A script written into the page (as an injection would) is refused, and the watch that
    fails every browser test on a violation sees it."""
    page = open_checked(browser_room, "/", **LAPTOP)
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "document.body.dataset.ran = 'yes'"; document.head.append(s); }"""
    )
    page.wait_for_selector("html[data-csp-violation]", state="attached")
    assert page.locator("body").get_attribute("data-ran") is None
    assert any("script-src" in problem for problem in page_watch.problems)
    page_watch.problems.clear()


def test_the_report_panel_says_saved_without_an_inline_handler(browser_room: BrowserRoom) -> None:
    """The console's report texts used an hx-on attribute, which the CSP refuses to run; the
    same "saved" notice now comes from console.js (and the watch fails on any violation)."""
    console = browser_room.console()
    panel = console.locator("#report-panel")
    panel.locator("summary").click()
    saved = panel.locator("[data-saved]")
    expect(saved).to_be_hidden()
    panel.get_by_label("Conclusie").fill("Samen opleiden werkt.")
    panel.get_by_role("button", name="Teksten opslaan").click()
    expect(saved).to_have_text("Opgeslagen: de volgende download gebruikt deze teksten.")
    expect(saved).to_be_visible()
    report = browser_room.api.http.get(
        f"/api/sessions/{browser_room.api.id}/report.md", headers=browser_room.api.facilitator
    )
    assert "Samen opleiden werkt." in report.text
