"""The console keeps up with a full room: 60 items from 24 participants on a 1440×900 screen
show as three columns side by side with at least 15 items of each in view, and the common
tasks take few clicks (counted): merge a suggested pair, add a step after the current one,
undo a delete or a merge from the message that follows it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.board_60 import NADELEN, VOORDELEN, fill_board
from tests.e2e.conftest import (
    SCREENSHOTS,
    BrowserRoom,
    assert_accessible,
    screenshot,
    wait_connected,
)
from tests.e2e.test_board import items

pytestmark = pytest.mark.browser

CONSOLE = {"viewport": {"width": 1440, "height": 900}}
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


class Clicks:
    """Counts the facilitator's clicks (and choices in a list) as a test makes them."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()

    def choose(self, target: Locator, value: str) -> None:
        self.count += 1
        target.select_option(value)


def full_console(room: BrowserRoom) -> Page:
    """The console on a laptop screen, the first scenario's board holding 60 items."""
    room.api.activate(room.api.brainstorm)
    fill_board(room.api, room.api.brainstorm)
    page = room.open(f"/console/{room.data['id']}?key={room.data['facilitator_key']}", **CONSOLE)
    wait_connected(page)
    expect(page.locator(".board .item")).to_have_count(60)
    return page


def boxes(page: Page, selector: str) -> list[dict[str, float]]:
    found: list[dict[str, float]] = page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {top: r.top, left: r.left, bottom: r.bottom, right: r.right}; })",
    )
    return found


# How many of a list's items are wholly in view: inside the window and inside the list's
# own scrolling box (an item scrolled out of its column is not seen).
SHOWN = """list => {
  const box = list.getBoundingClientRect();
  const top = Math.max(0, box.top), bottom = Math.min(window.innerHeight, box.bottom);
  return Array.from(list.children).filter(item => {
    const r = item.getBoundingClientRect();
    return r.top >= top && r.bottom <= bottom && r.left >= 0 && r.right <= window.innerWidth;
  }).length;
}"""


def test_sixty_items_show_as_three_columns_with_fifteen_items_each_in_view(
    browser_room: BrowserRoom,
) -> None:
    console = full_console(browser_room)
    columns = boxes(console, ".board .column")
    assert len(columns) == 3
    assert len({round(c["top"]) for c in columns}) == 1, columns  # side by side
    assert len({round(c["left"]) for c in columns}) == 3, columns
    screenshot(console, "console-60-items")
    for category in ("voordelen", "nadelen", "voorwaarden"):
        shown = console.eval_on_selector(f"ul[id$=-{category}]", SHOWN)
        assert shown >= 15, f"{category}: {shown} items in view"
    DOCS_SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copy(SCREENSHOTS / "console-60-items.png", DOCS_SCREENSHOTS / "console.png")
    assert_accessible(console, "console with 60 items")


def item(page: Page, text: str) -> Locator:
    return page.locator(".board .item", has=page.locator(".text", has_text=text))


def test_a_suggested_pair_merges_in_one_click_and_the_toast_undoes_it(
    browser_room: BrowserRoom,
) -> None:
    console = full_console(browser_room)
    participant = browser_room.participant("PO")
    expect(items(participant, "voordelen")).to_have_count(20)
    console.locator("[data-suggest]").click()
    panel = console.locator(".duplicates")
    rows = panel.locator("[data-pair]")
    expect(rows.first).to_be_visible()
    before = rows.count()
    target_id, member_id = rows.first.get_attribute("data-pair").split()
    member_text = console.locator(f"#item-{member_id} .text").text_content()
    clicks = Clicks()
    clicks.click(rows.first.get_by_role("button", name="Samenvoegen"))
    assert clicks.count == 1
    expect(console.locator(f"#item-{member_id}")).to_have_count(0)
    expect(console.locator(f"#item-{target_id} .mentions")).to_have_text("×2")
    expect(console.locator(".board .item")).to_have_count(59)
    expect(participant.locator(f"#item-{member_id}")).to_have_count(0)
    # Still open, and read again: the pairs naming the merged-away item are gone (the merged
    # item, now with both wordings, may pair with others it did not pair with before).
    expect(panel.locator(f"[data-pair~='{member_id}']")).to_have_count(0)
    expect(panel.locator("[data-pair]").first).to_be_visible()
    assert before >= 2
    toast = console.locator(".toast", has_text="Samengevoegd.")
    expect(toast).to_be_visible()
    assert_accessible(console, "console: suggestions open, merge toast shown")
    toast.get_by_role("button", name="Ongedaan maken").click()
    for page in (console, participant):
        expect(page.locator(f"#item-{member_id} .text")).to_have_text(member_text or "")
        expect(page.locator(".board .item")).to_have_count(60)
    expect(console.locator(f"#item-{target_id} .mentions")).to_have_count(0)
    expect(panel.locator("[data-pair]").first).to_be_visible()


def test_a_delete_is_undone_from_the_toast_on_every_board(browser_room: BrowserRoom) -> None:
    console = full_console(browser_room)
    participant = browser_room.participant("VO")
    gone = item(console, NADELEN[3])
    gone.hover()
    clicks = Clicks()
    clicks.click(gone.get_by_role("button", name="Verwijderen"))
    assert clicks.count == 1
    for page in (console, participant):
        expect(items(page, "nadelen")).to_have_count(19)
    clicks.click(console.locator(".toast").get_by_role("button", name="Ongedaan maken"))
    for page in (console, participant):
        expect(items(page, "nadelen")).to_have_count(20)
        expect(item(page, NADELEN[3])).to_be_visible()
    expect(console.locator(".toast", has_text="Ongedaan gemaakt.")).to_be_visible()


def test_a_step_right_after_the_current_one_takes_three_clicks(browser_room: BrowserRoom) -> None:
    console = full_console(browser_room)
    clicks = Clicks()
    clicks.click(console.locator(".add-step summary"))
    clicks.choose(console.locator("#new-step-type"), "converge")
    clicks.click(console.get_by_role("button", name="Stap toevoegen"))
    assert clicks.count <= 3
    steps = console.locator(".agenda-step")
    live = steps.filter(has=console.locator(".badge"))
    expect(live).to_contain_text("Scenario 1: Afstemming")
    following = console.locator(".agenda-step.active + .agenda-step")
    expect(following.locator(".step-type")).to_have_text("Convergeren")
    expect(following.locator(".step-title")).to_have_text("Denken vanuit Afstemming")
    expect(console.locator("#console-error")).to_be_hidden()


def test_the_board_by_keyboard_star_delete_and_undo(browser_room: BrowserRoom) -> None:
    console = full_console(browser_room)
    first = item(console, VOORDELEN[0])
    first.focus()
    expect(first.locator(".item-tools")).to_be_visible()  # its buttons, on focus
    console.keyboard.press("ArrowDown")
    second = item(console, VOORDELEN[1])
    expect(second).to_be_focused()
    console.keyboard.press("ArrowRight")
    expect(item(console, NADELEN[1])).to_be_focused()
    console.keyboard.press("ArrowLeft")
    console.keyboard.press("s")
    expect(second).to_have_class("item starred")
    console.keyboard.press("Tab")
    expect(second.locator(".merge-pick")).to_be_focused()
    second.focus()
    console.keyboard.press("Delete")
    expect(items(console, "voordelen")).to_have_count(19)
    expect(item(console, VOORDELEN[2])).to_be_focused()  # the focus moves on, not to the top
    console.keyboard.press("u")
    expect(items(console, "voordelen")).to_have_count(20)
    expect(item(console, VOORDELEN[1])).to_have_class("item starred")


def test_the_agenda_fits_its_column(browser_room: BrowserRoom) -> None:
    """Every step's Show button lies inside the agenda: a closed step editor's form must not
    widen the list past the side column, which clips the buttons on the right; the panels
    below it are cards."""
    page = browser_room.open(
        f"/console/{browser_room.data['id']}?key={browser_room.data['facilitator_key']}",
        **CONSOLE,
    )
    wait_connected(page)
    agenda = boxes(page, ".agenda")[0]
    steps = boxes(page, ".agenda-step")
    buttons = boxes(page, ".agenda-step > button")
    assert buttons
    for box in steps + buttons:
        assert box["right"] <= agenda["right"] + 0.5, (box, agenda)
    # and a title of one long word ("Voorkeursscenario") wraps rather than run under its button
    titles = boxes(page, ".agenda-step:has(> button) .step-title")
    assert len(titles) == len(buttons)
    for title, button in zip(titles, buttons, strict=True):
        assert title["right"] <= button["left"], (title, button)
    overflowing = page.eval_on_selector_all(
        ".agenda-step .step-title", "els => els.filter(e => e.scrollWidth > e.clientWidth).length"
    )
    assert overflowing == 0
    # the side column's report panel is a card like the tables panel beside it
    for panel in (".report-panel", ".tables-admin"):
        background = page.eval_on_selector(panel, "e => getComputedStyle(e).backgroundColor")
        assert background == "rgb(255, 255, 255)", (panel, background)
    page.locator(".console-side").evaluate("e => e.scrollTo(0, e.scrollHeight)")
    screenshot(page, "console-agenda-side-column")
