"""The console keeps up with a full room: 60 items from 24 participants on a 1440×900 screen
show as three columns side by side with at least 15 items of each in view, and the common
tasks take few clicks (counted): merge a suggested pair, add a step after the current one,
undo a delete or a merge from the message that follows it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.board_60 import NADELEN, VOORDELEN, fill_board
from tests.e2e.conftest import SCREENSHOTS, BrowserRoom, assert_accessible, screenshot, wait_connected
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


def in_view(box: dict[str, float], width: int = 1440, height: int = 900) -> bool:
    return box["top"] >= 0 and box["left"] >= 0 and box["bottom"] <= height and box["right"] <= width


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


def test_measure(browser_room: BrowserRoom) -> None:
    console = full_console(browser_room)
    print(console.evaluate("""() => ({
      doc: document.documentElement.scrollHeight,
      chain: ['body', 'main', '.live', '.console-main', '.board', '.column'].map(s => s + ':' + Math.round(document.querySelector(s).getBoundingClientRect().height) + ':' + getComputedStyle(document.querySelector(s)).display),
      top: document.querySelector('.board').getBoundingClientRect().top,
      topbar: document.querySelector('.topbar').getBoundingClientRect().height,
      listTop: document.querySelector('ul.items').getBoundingClientRect().top,
      listBottom: document.querySelector('ul.items').getBoundingClientRect().bottom,
      heights: Array.from(document.querySelectorAll('ul[id$=voorwaarden] > .item')).map(e => Math.round(e.getBoundingClientRect().height)),
      tall: Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().bottom > 900).slice(0,5).map(e => e.tagName + '.' + e.className + '#' + e.id)
    })"""))
