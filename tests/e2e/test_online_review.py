"""The organiser's review list of an online round is live, in a real browser (issue #16): with
the organiser page open, contributions held for review appear without a reload; approving one
in place takes it off the list (the focus moves to the next one) and onto another
participant's board; a decline in a second organiser tab shows in the first while its focus
stays put; a refusal is said in the round; after a drop the list catches up by itself; and
without JavaScript the same buttons post the form."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LAPTOP, assert_accessible, screenshot
from tests.e2e.test_board import add_item, items
from tests.e2e.test_online_round import http, join, next_step, open_round
from tests.harness import ORGANISER_TOKEN, Server, bearer

__all__ = ["http"]  # the fixture: an HTTP client of the module's server

pytestmark = pytest.mark.browser
TEXTS = ["Eerst van de telefoon", "Tweede, via de app", "Derde, via de app", "Vierde, later"]


def organiser(browser: Browser, server: Server, **context: Any) -> Page:
    page = browser.new_context(base_url=server.url, **{**LAPTOP, **context}).new_page()
    page.goto(f"/organiser?token={ORGANISER_TOKEN}")
    if context.get("java_script_enabled", True):
        page.wait_for_selector("#online-rounds[data-synced]", state="attached")
        page.evaluate("window.notReloaded = true")
    return page


def submit(http: httpx.Client, held_round: dict[str, Any], text: str) -> None:
    """A participant of the round (over the API) adds an item to its first brainstorm."""
    joined = http.post("/api/join", json={"code": held_round["code"], "profile": {}})
    assert joined.status_code == 201, joined.text
    who = bearer(joined.json()["token"])
    steps = http.get(f"/api/sessions/{held_round['id']}", headers=who).json()["steps"]
    step = next(s["id"] for s in steps if s["type"] == "brainstorm")
    body = {"client_id": text, "step_id": step, "category": "voordelen", "text": text}
    added = http.post(f"/api/sessions/{held_round['id']}/items", json=body, headers=who)
    assert added.status_code == 202, added.text  # held for review


def round_holding_one(http: httpx.Client) -> tuple[dict[str, Any], str]:
    """A round with hold for review on and the first text held in it; the round and its id."""
    held_round = open_round(http, hold_for_review=True)
    submit(http, held_round, TEXTS[0])
    return held_round, str(held_round["id"])


def review_list(page: Page, round_id: str) -> Any:
    return page.locator(f"#review-items-{round_id} .late-item")


def test_the_review_list_is_live_and_reviews_in_place(
    browser: Browser, server: Server, http: httpx.Client
) -> None:
    held_round = open_round(http, hold_for_review=True)
    rid = held_round["id"]
    first, second = organiser(browser, server), organiser(browser, server)
    expect(first.locator(f"#review-empty-{rid}")).to_have_text("Er wacht niets op beoordeling.")

    reader = join(browser, server, held_round["code"])
    next_step(reader)
    add_item(reader, TEXTS[0])
    submit(http, held_round, TEXTS[1])
    submit(http, held_round, TEXTS[2])
    for page in (first, second):
        expect(review_list(page, rid).locator(".text")).to_have_text(TEXTS[:3])  # oldest first
        expect(page.locator(f"#review-count-{rid}")).to_have_text(
            "3 bijdragen wachten op je beoordeling"
        )
    expect(first.locator(f"#review-empty-{rid}")).to_be_hidden()
    expect(items(reader, "voordelen")).to_have_count(0)

    # Approve the second in place: off both lists, onto the reader's board; the focus goes
    # to the item now in its place.
    review_list(first, rid).nth(1).get_by_role("button", name="Goedkeuren").click()
    for page in (first, second):
        expect(review_list(page, rid).locator(".text")).to_have_text([TEXTS[0], TEXTS[2]])
    expect(review_list(first, rid).nth(1).get_by_role("button", name="Goedkeuren")).to_be_focused()
    expect(items(reader, "voordelen")).to_have_text([TEXTS[1]])

    # The first tab's organiser is on the first item while the second tab declines the third
    # and a fourth comes in: the first tab follows, its focus stays.
    keep = review_list(first, rid).nth(0).get_by_role("button", name="Afwijzen")
    keep.focus()
    review_list(second, rid).nth(1).get_by_role("button", name="Afwijzen").click()
    submit(http, held_round, TEXTS[3])
    declined = review_list(first, rid).nth(1)
    expect(declined).to_have_class(re.compile(r"\bdeclined\b"))
    expect(declined).to_contain_text("afgewezen")
    expect(declined.get_by_role("button", name="Afwijzen")).to_have_count(0)
    expect(review_list(first, rid).locator(".text")).to_have_text([TEXTS[0], TEXTS[2], TEXTS[3]])
    expect(keep).to_be_focused()
    expect(first.locator(f"#review-count-{rid}")).to_have_text(
        "2 bijdragen wachten op je beoordeling"
    )
    expect(items(reader, "voordelen")).to_have_text([TEXTS[1]])  # the declined one never
    assert first.evaluate("window.notReloaded") and second.evaluate("window.notReloaded")
    screenshot(first, "organiser-online-review-live")
    assert_accessible(first, "organiser page with a live review list")


def test_a_refusal_is_said_and_a_dropped_page_catches_up(
    browser: Browser, server: Server, http: httpx.Client
) -> None:
    held_round, rid = round_holding_one(http)
    page = organiser(browser, server)
    expect(review_list(page, rid)).to_have_count(1)

    page.context.set_offline(True)
    review_list(page, rid).get_by_role("button", name="Goedkeuren").click()
    offline = "Geen verbinding: probeer het opnieuw."
    expect(page.locator(f"#review-error-{rid}")).to_have_text(offline)
    expect(review_list(page, rid)).to_have_count(1)  # nothing happened: it is still there
    submit(http, held_round, TEXTS[1])  # while the page is offline
    page.context.set_offline(False)
    expect(review_list(page, rid).locator(".text")).to_have_text(TEXTS[:2])
    review_list(page, rid).nth(0).get_by_role("button", name="Goedkeuren").click()
    expect(review_list(page, rid).locator(".text")).to_have_text([TEXTS[1]])
    expect(page.locator(f"#review-error-{rid}")).to_be_hidden()
    assert page.evaluate("window.notReloaded")


def test_without_javascript_the_buttons_post_the_form(
    browser: Browser, server: Server, http: httpx.Client
) -> None:
    _, rid = round_holding_one(http)
    page = organiser(browser, server, java_script_enabled=False)
    review_list(page, rid).get_by_role("button", name="Goedkeuren").click()
    page.wait_for_url(re.compile(r"/organiser#online-rounds$"))
    expect(review_list(page, rid)).to_have_count(0)
    expect(page.locator(f"#review-empty-{rid}")).to_be_visible()


def test_approve_all_puts_every_waiting_one_on_the_board_in_place(
    browser: Browser, server: Server, http: httpx.Client
) -> None:
    held_round = open_round(http, hold_for_review=True)
    rid = held_round["id"]
    page = organiser(browser, server)
    approve_all = page.locator(f"#review-all-{rid}").get_by_role("button")
    expect(approve_all).to_be_hidden()  # nothing waits
    reader = join(browser, server, held_round["code"])
    next_step(reader)
    for text in TEXTS[:3]:
        submit(http, held_round, text)
    expect(approve_all).to_have_text("Alle 3 wachtende bijdragen goedkeuren")

    approve_all.click()
    expect(review_list(page, rid)).to_have_count(0)
    expect(page.locator(f"#review-empty-{rid}")).to_be_visible()
    expect(approve_all).to_be_hidden()
    expect(items(reader, "voordelen")).to_have_text(TEXTS[:3])
    submit(http, held_round, TEXTS[3])  # a new one: the button is back, for it alone
    expect(approve_all).to_have_text("De wachtende bijdrage goedkeuren")
    assert page.evaluate("window.notReloaded")
    assert_accessible(page, "organiser page with approve all")


def test_hold_for_review_is_switched_in_place(
    browser: Browser, server: Server, http: httpx.Client
) -> None:
    held_round = open_round(http, hold_for_review=False)
    rid = held_round["id"]
    page = organiser(browser, server)
    switch = page.locator(f"#online-round-{rid} form.hold-form")
    switch.get_by_role("button", name="Eerst beoordelen aanzetten").click()
    expect(switch).to_contain_text("Eerst beoordelen staat aan")
    expect(switch.get_by_role("button", name="Eerst beoordelen uitzetten")).to_be_focused()
    submit(http, held_round, TEXTS[0])  # held now: it waits for review
    expect(review_list(page, rid).locator(".text")).to_have_text([TEXTS[0]])
    assert page.evaluate("window.notReloaded")
