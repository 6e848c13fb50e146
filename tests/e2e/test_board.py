"""The live board in real browsers: three participants (one on a phone), the console and
the projector all see every item without a reload; nothing is lost while offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import PHONE, BrowserRoom, screenshot

pytestmark = pytest.mark.browser


def add_item(page: Page, text: str, category: str = "voordelen", theme: str | None = None) -> None:
    page.locator(f"input[name=category][value={category}]").check()
    if theme:
        page.select_option("#item-theme", theme)
    page.fill("#item-text", text)
    page.get_by_role("button", name="Toevoegen").click()


def items(page: Page, category: str) -> Locator:
    """The items of a column of the board on the page."""
    return page.locator(f"[id^=items-][id*=-{category}] .item .text")


def show_step(console: Page, title: str) -> None:
    """Press "Toon" on the agenda step with this title (not one whose text mentions it)."""
    step = console.locator(".agenda-step", has=console.locator(".step-title", has_text=title))
    step.get_by_role("button", name=f"Toon “{title}” aan iedereen").click()


def test_three_participants_console_and_projector_share_one_live_board(
    browser_room: BrowserRoom,
) -> None:
    console = browser_room.console()
    projector = browser_room.projector()
    people = [
        browser_room.participant("PO"),
        browser_room.participant("VO"),
        browser_room.participant("PO", **PHONE),
    ]
    expect(console.locator("#participant-count")).to_have_text("3")
    show_step(console, "Scenario 1: Afstemming")
    for page in (*people, projector):
        expect(page.locator("#stage h2")).to_have_text("Denken vanuit Afstemming")
    add_item(people[0], "Goed te organiseren, elke school kan instappen")
    add_item(people[1], "Voelt als een stap terug", category="nadelen")
    # A voorwaarde waits for its theme: none is chosen for the participant.
    add_item(people[2], "Nascholing verplicht stellen", category="voorwaarden")
    expect(people[2].locator("#outbox-status")).to_have_text("Kies eerst een thema.")
    expect(people[2].locator("#item-theme")).to_be_focused()
    expect(people[2].locator("#item-text")).to_have_value("Nascholing verplicht stellen")
    people[2].select_option("#item-theme", "hr_beleid")
    people[2].get_by_role("button", name="Toevoegen").click()
    for page in (*people, console, projector):
        expect(items(page, "voordelen")).to_have_text(
            ["Goed te organiseren, elke school kan instappen"]
        )
        expect(items(page, "nadelen")).to_have_text(["Voelt als een stap terug"])
        expect(items(page, "voorwaarden")).to_have_text(["Nascholing verplicht stellen"])
        expect(page.locator("[id^=count-][id$=-voorwaarden]")).to_have_text("1")
        expect(page.locator("[id^=items-][id$=-voorwaarden] .tag")).to_have_text(["HR-beleid"])
    screenshot(people[0], "participant-desktop")
    screenshot(people[2], "participant-phone")
    screenshot(console, "console")
    screenshot(projector, "projector")


def test_an_item_sent_while_offline_arrives_once(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    console.locator(".agenda-step", has_text="Scenario 2: Samenwerking").get_by_role(
        "button"
    ).click()
    offline, online = browser_room.participant("VO", **PHONE), browser_room.participant("PO")
    expect(offline.locator("#item-form")).to_be_visible()
    offline.context.set_offline(True)
    # Playwright's offline mode leaves an open WebSocket alone; connection.js drops it when the
    # browser reports going offline, as a real phone would lose it, and the user sees that.
    expect(offline.locator("#connection")).to_have_text(re.compile("^Offline"))
    width = offline.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert width <= 0, "the offline message makes the phone scroll sideways"
    add_item(offline, "Geen wij-zij denken meer, maar wij-samen")
    expect(offline.locator("#outbox-status")).to_contain_text("verstuurd")
    add_item(online, "Gedeelde verantwoordelijkheid")
    expect(console.locator(".item .text")).to_have_text(["Gedeelde verantwoordelijkheid"])
    expect(items(online, "voordelen")).to_have_text(["Gedeelde verantwoordelijkheid"])
    expect(items(offline, "voordelen")).to_have_count(0)  # the socket is really gone
    offline.context.set_offline(False)
    expected = ["Gedeelde verantwoordelijkheid", "Geen wij-zij denken meer, maar wij-samen"]
    # No reload: the socket reconnects by itself and the board catches up.
    expect(offline.locator("#connection")).to_have_text("Verbonden", timeout=15_000)
    for page in (console, online, offline):
        expect(items(page, "voordelen")).to_have_text(expected)
    expect(offline.locator("#outbox-status")).to_have_text("Toegevoegd.")
    offline.reload()
    expect(items(offline, "voordelen")).to_have_text(expected)


def test_a_refused_item_leaves_the_outbox_and_its_words_stay(browser_room: BrowserRoom) -> None:
    """A refusal for good (here a NUL the database cannot store) never blocks the outbox: the
    items after it arrive, and its words come back next to what was typed since."""
    console = browser_room.console()
    show_step(console, "Scenario 2: Samenwerking")
    page = browser_room.participant("PO")
    expect(page.locator("#item-form")).to_be_visible()
    step = int(page.locator("#item-form").get_attribute("data-step") or 0)
    page.fill("#item-text", "Nog aan het typen")
    stuck = [
        {"client_id": cid, "step_id": step, "category": "voordelen", "theme": None, "text": text}
        for cid, text in (("bad", "Ge\u0000heim plan"), ("good", "Samen leren"))
    ]
    page.evaluate(
        "([key, entries]) => localStorage.setItem(key, JSON.stringify(entries))",
        [f"vk-outbox-{browser_room.data['id']}", stuck],
    )
    page.context.set_offline(True)  # the socket drops; coming back online flushes the outbox
    expect(page.locator("#connection")).to_have_text(re.compile("^Offline"))
    page.context.set_offline(False)
    expect(items(console, "voordelen")).to_have_text(["Samen leren"])
    expect(page.locator("#outbox-status")).to_contain_text("U+0000")
    typed = page.locator("#item-text").input_value()
    assert typed == "Ge\u0000heim plan\n\nNog aan het typen"
    assert page.evaluate(f"localStorage.getItem('vk-outbox-{browser_room.data['id']}')") == "[]"


def test_every_page_runs_its_modules_without_a_script_error(browser_room: BrowserRoom) -> None:
    """Each page's entry module and its imports load and run (htmx is there when they do)."""
    errors: list[str] = []
    data = browser_room.data
    pages = {
        "console": f"/console/{data['id']}?key={data['facilitator_key']}",
        "projector": f"/projector/{data['id']}?key={data['projector_key']}",
        "participant": f"/join?code={data['code']}",
    }
    for name, path in pages.items():
        context = browser_room.browser.new_context(base_url=browser_room.server.url)
        page = context.new_page()
        page.on("pageerror", lambda error, name=name: errors.append(f"{name}: {error}"))
        page.on(
            "console",
            lambda msg, name=name: msg.type == "error" and errors.append(f"{name}: {msg.text}"),
        )
        page.goto(path)
        if name == "participant":
            page.get_by_role("button", name=re.compile("Deelnemen")).click()
            page.wait_for_url(re.compile(r"/s/"))
        if name != "projector":  # the projector shows no "Connected" text
            expect(page.locator("#connection")).to_have_text(re.compile("Verbonden|Connected"))
        # connection.js ran: it set the jittered reconnect delay (htmx's default is a name).
        assert page.evaluate("typeof htmx.config.wsReconnectDelay") == "function", name
    assert errors == []
