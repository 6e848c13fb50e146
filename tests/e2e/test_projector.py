"""The projector in a real browser: with 80 items of realistic length the whole board is on
the screen (fitted, or paged with every item shown within one rotation) in type the back row
can read; new items land visible and marked; the console's link opens it; the facilitator
shows or hides the join panel; a dark theme; converge sorts by support and explains badges;
voorwaarden stand grouped by theme."""

from __future__ import annotations

import re
import shutil
from itertools import cycle
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, BrowserRoom, assert_accessible, screenshot
from tests.harness import LiveRoom

pytestmark = pytest.mark.browser

MIN_FONT_PX = 20  # docs/running-a-session.md: the smallest item text on the projector
DOCS_SCREENSHOT = SCREENSHOTS.parents[1] / "docs" / "screenshots" / "projector.png"

OPENINGS = [
    "Scholen en opleidingen stemmen hun curriculum beter op elkaar af",
    "De werkplekbegeleider krijgt een duidelijke en erkende rol",
    "Studenten ervaren meer samenhang tussen theorie en praktijk",
    "Kleine scholen kunnen makkelijker aansluiten bij het netwerk",
    "Onderzoek in de school wordt onderdeel van het opleiden",
    "Het kost schoolleiders veel tijd om alles af te stemmen",
    "Er ontstaat een risico op versnippering van de begeleiding",
    "De financiering van het samen opleiden blijft onzeker",
    "Zonder gedeelde visie blijft het bij losse afspraken",
    "Investeren in professionalisering van alle opleiders",
    "Heldere afspraken over toetsing en beoordeling",
    "Ruimte in het rooster voor begeleiding en intervisie",
]
CLAUSES = [
    "",
    ", zodat iedereen weet wat er van hem verwacht wordt",
    " en dat merken de studenten direct in hun stage",
    ", maar alleen als de directie er ook echt achter staat",
    " in het primair onderwijs",
    ", ook bij de kleinere besturen in de regio",
    " en dat vraagt om een lange adem van alle partners",
]
CATEGORIES = [("voordelen", None), ("nadelen", None), ("voorwaarden", "hr_beleid")]


def realistic_texts(count: int) -> list[str]:
    """Dutch contributions of 40 to 140 characters, like the seed's, all different."""
    texts = []
    for n in range(count):
        text = OPENINGS[n % len(OPENINGS)] + CLAUSES[(n // len(OPENINGS) + n) % len(CLAUSES)]
        texts.append(f"{text} ({n + 1})"[:140])
    assert all(40 <= len(t) <= 140 for t in texts)
    assert len(set(texts)) == count
    return texts


def fill_board(room: LiveRoom, count: int, step_id: int | None = None) -> list[int]:
    """`count` items, five from each participant (80 from 16), spread over the three
    columns; their ids. (Few joins: the module's tests share one address's join limit.)"""
    step_id = step_id or room.brainstorm
    people = [room.join(sector="PO") for _ in range(-(-count // 5))]
    ids = []
    for n, (text, who, (category, theme)) in enumerate(
        zip(realistic_texts(count), cycle(people), cycle(CATEGORIES), strict=False)
    ):
        body: dict[str, Any] = {"client_id": f"p-{n}", "step_id": step_id, "text": text}
        response = room.post_item(who, category=category, theme=theme, **body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["item"]["id"])
    return ids


def open_projector(
    browser_room: BrowserRoom, width: int, height: int, query: str = "", rotate: int = 1
) -> Page:
    """The projector, turning its pages every `rotate` seconds."""
    data = browser_room.data
    page = browser_room.open(
        f"/projector/{data['id']}?key={data['projector_key']}&rotate={rotate}{query}",
        viewport={"width": width, "height": height},
    )
    page.wait_for_selector(".board[data-fitted]", state="attached")
    return page


def projected_board(
    browser_room: BrowserRoom, count: int, width: int = 1920, height: int = 1080, query: str = ""
) -> tuple[list[int], Page]:
    """The first brainstorm on the screens with `count` items: their ids, and a projector."""
    room = browser_room.api
    room.activate(room.brainstorm)
    ids = fill_board(room, count)
    return ids, open_projector(browser_room, width, height, query)


SHOWN_ITEMS = """() => Array.from(document.querySelectorAll('.board .item'))
  .filter(li => li.getClientRects().length)
  .map(li => {
    const r = li.getBoundingClientRect();
    const text = li.querySelector('.text');
    return {id: li.dataset.item, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
            font: parseFloat(getComputedStyle(text).fontSize)};
  })"""


def check_page_in_view(page: Page) -> list[str]:
    """Every item shown is wholly on the screen in legible type; the page does not scroll."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]  # type: ignore[index]
    scroll = page.evaluate("() => [document.documentElement.scrollHeight, innerHeight]")
    assert scroll[0] <= scroll[1], f"the projector scrolls: {scroll[0]} px for {scroll[1]}"
    shown = page.evaluate(SHOWN_ITEMS)
    assert shown, "no item on the screen"
    for box in shown:
        assert box["top"] >= 0 and box["bottom"] <= height, f"item {box['id']} off-screen: {box}"
        assert box["left"] >= 0 and box["right"] <= width, f"item {box['id']} off-screen: {box}"
        assert box["font"] >= MIN_FONT_PX, f"item {box['id']} in {box['font']} px"
    return [box["id"] for box in shown]


PAGE_COUNT = """() => {
  const text = document.getElementById('board-page')?.textContent || '';
  return /^\\d+\\/(\\d+)$/.exec(text)?.[1];
}"""


def items_in_one_rotation(page: Page) -> tuple[set[str], list[int]]:
    """Every page of the rotation checked in turn: the items seen, and how many per page."""
    indicator = page.locator("#board-page")
    # Once laid out, the indicator says "page/pages" (hidden when there is one page); a stage
    # just redrawn has an empty one until its fit, one animation frame later.
    pages = int(page.wait_for_function(PAGE_COUNT).json_value())
    seen: set[str] = set()
    counts = []
    for n in range(pages):
        if pages > 1:
            expect(indicator).to_have_text(f"{n + 1}/{pages}", timeout=pages * 2000)
        shown = check_page_in_view(page)
        seen |= set(shown)
        counts.append(len(shown))
    return seen, counts


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_eighty_items_all_shown_legibly_within_one_rotation(
    browser_room: BrowserRoom, width: int, height: int
) -> None:
    ids, projector = projected_board(browser_room, 80, width, height)
    expect(projector.locator(".board .item")).to_have_count(80)
    seen, per_page = items_in_one_rotation(projector)
    assert seen == {str(i) for i in ids}
    if height == 1080:
        assert per_page[0] >= 40, f"items per page at 1080p: {per_page}"  # a full page
        take_screenshots(browser_room, ids)


def take_screenshots(browser_room: BrowserRoom, ids: list[int]) -> None:
    """The first page of the 80 items, some with "me too"s, light and dark, held still."""
    room = browser_room.api
    fans = [room.join(sector="VO") for _ in range(4)]
    for n, item_id in enumerate(ids[:12:4]):
        for fan in fans[: n + 2]:
            metoo = f"/api/sessions/{room.id}/items/{item_id}/metoo"
            assert room.http.put(metoo, json={"on": True}, headers=fan).status_code == 200
    projector = open_projector(browser_room, 1920, 1080, rotate=600)
    expect(projector.locator(".board-legend")).to_be_visible()
    expect(projector.locator("#board-page")).to_have_text("1/2")
    screenshot(projector, "projector-80-items")
    shutil.copy(SCREENSHOTS / "projector-80-items.png", DOCS_SCREENSHOT)
    projector.get_by_role("button", name="Donker thema").click()
    expect(projector.locator("html")).to_have_attribute("data-theme", "dark")
    screenshot(projector, "projector-80-items-dark")


def test_a_new_item_lands_on_screen_marked_new(browser_room: BrowserRoom) -> None:
    room = browser_room.api
    _, projector = projected_board(browser_room, 80)
    expect(projector.locator(".board .item")).to_have_count(80)
    latecomer = room.join(sector="VO")
    response = room.post_item(
        latecomer,
        client_id="late-1",
        step_id=room.brainstorm,
        category="voordelen",
        text="Nieuw: een gezamenlijke startdag voor alle studenten en begeleiders",
    )
    item = projector.locator(f"#item-{response.json()['item']['id']}")
    expect(item).to_be_visible()
    expect(item.locator(".new-badge")).to_have_text("nieuw")
    assert item.evaluate("li => li.getBoundingClientRect().bottom <= innerHeight")
    check_page_in_view(projector)


def test_the_board_refits_on_resize_and_deletes(browser_room: BrowserRoom) -> None:
    room = browser_room.api
    ids, projector = projected_board(browser_room, 80)
    board = projector.locator(".board")
    expect(board).to_have_attribute("data-fitted", "paged")
    projector.set_viewport_size({"width": 1280, "height": 720})
    expect(projector.locator("#board-page")).not_to_have_text(re.compile("/2$"))
    seen, _ = items_in_one_rotation(projector)
    assert seen == {str(i) for i in ids}
    projector.set_viewport_size({"width": 1920, "height": 1080})
    for item_id in ids[:50]:
        url = f"/api/sessions/{room.id}/items/{item_id}"
        assert room.http.delete(url, headers=room.facilitator).status_code == 204
    expect(projector.locator(".board .item")).to_have_count(30)
    expect(board).to_have_attribute("data-fitted", "fits")
    expect(projector.locator("#board-page")).to_be_hidden()
    check_page_in_view(projector)


def test_a_few_items_fill_the_screen_in_large_type(browser_room: BrowserRoom) -> None:
    _, projector = projected_board(browser_room, 6)
    expect(projector.locator(".board")).to_have_attribute("data-fitted", "fits")
    expect(projector.locator("#board-page")).to_be_hidden()
    fonts = [box["font"] for box in projector.evaluate(SHOWN_ITEMS)]
    assert min(fonts) > MIN_FONT_PX, "a short board is shown in the smallest type"


def test_the_consoles_projector_link_opens_the_projector(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    link = console.get_by_role("link", name="Projectorweergave openen")
    with console.context.expect_page() as opened:
        link.click()
    projector = opened.value
    projector.wait_for_load_state()
    expect(projector.locator("#join-code")).to_have_text(browser_room.data["code"])
    expect(projector.get_by_text("Geen toegang")).to_have_count(0)
    assert "key=" not in projector.url
    assert browser_room.data["facilitator_key"] not in projector.content()
    # The link works on another machine too (the projector's own browser), until a rotation.
    elsewhere = browser_room.open(str(link.get_attribute("href")))
    expect(elsewhere.locator("#join-code")).to_have_text(browser_room.data["code"])


def test_the_facilitator_shows_and_hides_the_join_panel(browser_room: BrowserRoom) -> None:
    room = browser_room.api
    console = browser_room.console()
    room.activate(room.brainstorm)
    projector = open_projector(browser_room, 1920, 1080)
    panel, line = projector.locator(".room-panel"), projector.locator(".join-line")
    expect(panel).to_be_visible()  # automatic: shown while the board is empty
    expect(line).to_be_hidden()
    fill_board(room, 3)
    expect(panel).to_be_hidden()  # the brainstorm is under way: the board needs the room
    expect(line).to_contain_text(browser_room.data["code"])
    controls = console.get_by_role("group", name="Deelnamepanel tonen op projector")
    controls.get_by_role("button", name="Ja").click()
    expect(panel).to_be_visible()
    expect(controls.get_by_role("button", name="Ja")).to_have_attribute("aria-pressed", "true")
    controls.get_by_role("button", name="Nee").click()
    expect(panel).to_be_hidden()
    second = open_projector(browser_room, 1280, 720)  # every projector follows the choice
    expect(second.locator(".room-panel")).to_be_hidden()
    controls.get_by_role("button", name="Automatisch").click()
    expect(panel).to_be_hidden()
    expect(second.locator("#stage")).to_have_attribute("data-join-panel", "auto")


def test_dark_theme_is_remembered_and_passes_axe(browser_room: BrowserRoom) -> None:
    _, projector = projected_board(browser_room, 12, query="&theme=dark")
    expect(projector.locator("html")).to_have_attribute("data-theme", "dark")
    expect(projector.get_by_role("button", name="Donker thema")).to_have_attribute(
        "aria-pressed", "true"
    )
    background = projector.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 15, 20)"
    assert_accessible(projector, "projector (dark)")
    projector.goto(re.sub(r"&theme=dark", "", projector.url))
    expect(projector.locator("html")).to_have_attribute("data-theme", "dark")  # remembered
    projector.get_by_role("button", name="Donker thema").click()
    expect(projector.locator("html")).to_have_attribute("data-theme", "light")
    assert_accessible(projector, "projector (light)")


def test_projector_text_is_dutch_and_hyphenated(browser_room: BrowserRoom) -> None:
    _, projector = projected_board(browser_room, 3, query="&lang=en")
    expect(projector.locator(".board .item .text").first).to_be_visible()
    # Read in one go in the page: the board may be redrawn (fitted) between two reads, and a
    # text taken out of the page has no computed style.
    language, hyphens = projector.evaluate(
        """() => {
            const text = document.querySelector('.board .item .text');
            return [text.closest('[lang]').lang, getComputedStyle(text).hyphens];
        }"""
    )
    assert (language, hyphens) == ("nl", "auto")


def test_converge_sorts_by_support_and_explains_the_badges(browser_room: BrowserRoom) -> None:
    room = browser_room.api
    room.activate(room.brainstorm)
    ids = fill_board(room, 9)  # three per column, in arrival order
    fans = [room.join(sector="VO") for _ in range(3)]
    least, most = ids[0], ids[6]  # both "voordelen"
    for fan in fans:
        metoo = f"/api/sessions/{room.id}/items/{most}/metoo"
        assert room.http.put(metoo, json={"on": True}, headers=fan).status_code == 200
    metoo = f"/api/sessions/{room.id}/items/{ids[3]}/metoo"
    assert room.http.put(metoo, json={"on": True}, headers=fans[0]).status_code == 200
    step = room.http.post(
        f"/api/sessions/{room.id}/steps",
        json={"type": "converge", "scenario": "afstemming", "title": "Convergeren"},
        headers=room.facilitator,
    )
    assert step.status_code == 201, step.text
    room.activate(step.json()["id"])
    projector = open_projector(browser_room, 1920, 1080)
    order = projector.locator("[id$=-voordelen] .item")
    expect(order).to_have_count(3)
    expect(order.first).to_have_attribute("data-item", str(most))
    expect(order.nth(1)).to_have_attribute("data-item", str(ids[3]))
    expect(order.last).to_have_attribute("data-item", str(least))
    legend = projector.locator(".board-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("+3")
    expect(legend).to_contain_text("×2")
    # Support changes live: the last one overtakes the others.
    for fan in [*fans, room.join(sector="PO")]:
        metoo = f"/api/sessions/{room.id}/items/{least}/metoo"
        assert room.http.put(metoo, json={"on": True}, headers=fan).status_code == 200
    expect(order.first).to_have_attribute("data-item", str(least))


def test_voorwaarden_stand_grouped_by_theme_as_in_the_report(browser_room: BrowserRoom) -> None:
    """The report lists the voorwaarden per theme; the projector groups them the same way, in
    the themes' order (scenarios.yaml), each group in arrival order, a new one in its group."""
    room = browser_room.api
    room.activate(room.brainstorm)
    arrivals = ["visie", "organisatie", "onderzoek", "organisatie", "visie", "opleiden"]
    who = room.join(sector="PO")
    ids = []
    for n, (text, theme) in enumerate(zip(realistic_texts(6), arrivals, strict=True)):
        body = {"client_id": f"v-{n}", "step_id": room.brainstorm, "text": text}
        response = room.post_item(who, category="voorwaarden", theme=theme, **body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["item"]["id"])
    projector = open_projector(browser_room, 1920, 1080)
    column = projector.locator("[id$=-voorwaarden] .item")
    expect(column).to_have_count(6)
    grouped = [ids[1], ids[3], ids[5], ids[2], ids[0], ids[4]]
    assert column.evaluate_all("els => els.map(e => +e.dataset.item)") == grouped
    expect(column.first.locator(".tag")).to_have_text("Organisatie")
    late = room.post_item(
        room.join(sector="VO"),
        client_id="v-late",
        step_id=room.brainstorm,
        category="voorwaarden",
        theme="organisatie",
        text="Een vaste contactpersoon per school voor de opleiding",
    )
    fresh = projector.locator(f"#item-{late.json()['item']['id']}")
    expect(fresh.locator(".new-badge")).to_be_visible()
    expect(column.nth(2)).to_have_attribute("data-item", str(late.json()["item"]["id"]))
    expect(column.last).to_have_attribute("data-item", str(ids[4]))


def test_full_screen_button_hides_itself_in_full_screen(browser_room: BrowserRoom) -> None:
    _, projector = projected_board(browser_room, 3)
    button = projector.get_by_role("button", name="Volledig scherm")
    expect(button).to_be_visible()
    button.click()
    expect(button).to_be_hidden()
    assert projector.evaluate("() => document.fullscreenElement === document.documentElement")
    projector.evaluate("() => document.exitFullscreen()")
    expect(button).to_be_visible()
