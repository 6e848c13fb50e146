"""Comments on a board of 24 items in a real browser: not one lost word. A comment being
typed survives the item and the whole stage being redrawn, and a reload; one posted while
the connection is down is kept on the device, survives a reload and arrives exactly once,
even when the first answer was lost; a refused one shows the reason and keeps the words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.e2e.conftest import PHONE, BrowserRoom, assert_accessible, wait_connected

pytestmark = pytest.mark.browser

SECTORS = ("PO", "VO", "other")


def fill_board(room: BrowserRoom) -> list[int]:
    """The first brainstorm shown, with 24 items from three participants: their ids."""
    api = room.api
    api.activate(api.brainstorm)
    ids = []
    for who, sector in enumerate(SECTORS):
        token = api.join_token(sector=sector)
        for n in range(8):
            text = f"Punt {who * 8 + n + 1}: samen optrekken met de regio"
            ids.append(int(api.add(token, f"seed-{who}-{n}", text)["item"]["id"]))
    return ids


def board_comments(room: BrowserRoom, item_id: int) -> list[str]:
    """The item's comments as the API's board gives them to the facilitator."""
    api = room.api
    url = f"/api/sessions/{api.id}/steps/{api.brainstorm}/board"
    board = api.http.get(url, headers=api.facilitator).json()
    found = [i for column in board["columns"].values() for i in column if i["id"] == item_id]
    return list(found[0]["comments"]) if found else []


def open_comments(page: Page, item_id: int) -> Locator:
    """Open the item's comments: its comment field."""
    page.locator(f"#item-{item_id} .comments summary").click()
    field = page.locator(f"#comment-{item_id}")
    expect(field).to_be_visible()
    return field


def go_offline(page: Page) -> None:
    page.context.set_offline(True)
    expect(page.locator("#connection")).to_have_text(re.compile("^Offline"))


def test_a_comment_being_typed_survives_redraws_and_a_reload(browser_room: BrowserRoom) -> None:
    ids = fill_board(browser_room)
    page = browser_room.participant("PO", **PHONE)
    expect(page.locator(".item")).to_have_count(24)
    item = ids[17]
    field = open_comments(page, item)
    field.fill("Dit vraagt om een half getypt bezwaar")
    api = browser_room.api
    edited = api.http.patch(
        f"/api/sessions/{api.id}/items/{item}",
        json={"text": "Punt 18, herschreven"},
        headers=api.facilitator,
    )
    assert edited.status_code == 200, edited.text
    expect(page.locator(f"#item-{item} .text")).to_have_text("Punt 18, herschreven")
    expect(field).to_have_value("Dit vraagt om een half getypt bezwaar")
    expect(field).to_be_focused()
    field.press("End")
    field.type(" en meer")
    api.activate(api.step_id("brainstorm", 1))  # the whole stage redrawn, twice
    expect(field).to_have_count(0)
    api.activate(api.brainstorm)
    expect(field).to_have_value("Dit vraagt om een half getypt bezwaar en meer")
    expect(page.locator(f"#item-{item} details.comments")).to_have_attribute("open", "")
    page.reload()
    wait_connected(page)
    expect(field).to_have_value("Dit vraagt om een half getypt bezwaar en meer")
    expect(field).to_be_visible()


def test_a_comment_posted_offline_survives_a_reload_and_arrives_once(
    browser_room: BrowserRoom,
) -> None:
    ids = fill_board(browser_room)
    page = browser_room.participant("VO", **PHONE)
    expect(page.locator(".item")).to_have_count(24)
    item = ids[5]
    go_offline(page)
    field = open_comments(page, item)
    field.fill("Geldt dit ook voor kleine scholen?")
    field.press("Enter")
    expect(field).to_have_value("")
    pending = page.locator(f"#comments-{item} .comment-pending")
    expect(pending).to_have_text("Geldt dit ook voor kleine scholen? (nog niet verstuurd)")
    # Back online, but the answers are lost on the way back: the server stores the comment,
    # the phone does not know it and keeps it, across a reload.
    comments = re.compile(r"/items/\d+/comments$")

    def answer_lost(route: Route) -> None:
        route.fetch()
        route.abort()

    page.context.route(comments, answer_lost)
    with page.expect_event("requestfailed", lambda request: "/comments" in request.url):
        page.context.set_offline(False)
    assert board_comments(browser_room, item) == ["Geldt dit ook voor kleine scholen?"]
    page.reload()
    wait_connected(page)
    expect(pending).to_have_count(1)
    page.context.unroute(comments)
    go_offline(page)
    page.context.set_offline(False)  # back online: the queue is sent again, same client id
    expect(pending).to_have_count(0)
    expect(page.locator(f"#comments-{item} li")).to_have_text(
        ["Geldt dit ook voor kleine scholen?"]
    )
    expect(page.locator(f"#comment-count-{item}")).to_have_text("1")
    assert board_comments(browser_room, item) == ["Geldt dit ook voor kleine scholen?"]
    queue = page.evaluate(f"localStorage.getItem('vk-comments-{browser_room.data['id']}')")
    assert queue == "[]"


def test_a_refused_comment_shows_why_and_keeps_the_words(browser_room: BrowserRoom) -> None:
    ids = fill_board(browser_room)
    page = browser_room.participant("PO", **PHONE)
    expect(page.locator(".item")).to_have_count(24)
    gone, locked = ids[9], ids[20]
    go_offline(page)
    field = open_comments(page, gone)
    field.fill("Dit punt mag niet verdwijnen")
    field.press("Enter")
    api = browser_room.api
    deleted = api.http.delete(f"/api/sessions/{api.id}/items/{gone}", headers=api.facilitator)
    assert deleted.status_code == 204, deleted.text
    page.context.set_offline(False)
    box = page.locator("#comment-refusals")
    expect(box).to_be_visible()
    expect(box.locator(".refusal-reason")).to_have_text(
        ["De facilitator heeft deze bijdrage weggehaald."]
    )
    expect(box.locator(".refused-words")).to_have_text(["Dit punt mag niet verdwijnen"])
    expect(page.locator(f"#item-{gone}")).to_have_count(0)
    assert_accessible(page, "participant phone with a refused comment")
    page.reload()
    wait_connected(page)
    expect(box.locator(".refused-words")).to_have_text(["Dit punt mag niet verdwijnen"])
    # Input locked while the comment was typed: its words go back in the field too.
    lock = api.http.put(
        f"/api/sessions/{api.id}/steps/{api.brainstorm}/locked",
        json={"value": True},
        headers=api.facilitator,
    )
    assert lock.status_code == 200, lock.text
    field = open_comments(page, locked)
    field.fill("Eerst de kosten uitzoeken")
    field.press("Enter")
    expect(box.locator(".refused-words")).to_have_text(
        ["Dit punt mag niet verdwijnen", "Eerst de kosten uitzoeken"]
    )
    expect(box.locator(".refusal-reason").nth(1)).to_have_text(
        "De invoer voor deze stap is gesloten."
    )
    expect(field).to_have_value("Eerst de kosten uitzoeken")
    assert board_comments(browser_room, locked) == []
    box.get_by_role("button", name="Weghalen").first.click()
    expect(box.locator(".refused-words")).to_have_text(["Eerst de kosten uitzoeken"])
    box.get_by_role("button", name="Weghalen").click()
    expect(box).to_be_hidden()
