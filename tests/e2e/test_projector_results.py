"""The projector shows results the way it shows the board: nothing below the fold, every
result on screen at some point. A revealed importance vote over 60 options, the seven
statements with results per segment and a glossary of 21 definitions, at 1080p and 720p,
are laid out to fit or turn their pages by themselves; a contribution of the longest length
allowed is read whole at 720p."""

from __future__ import annotations

from itertools import cycle
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import board_60
from tests.e2e.conftest import BrowserRoom, assert_accessible, screenshot
from tests.e2e.test_projector import MIN_FONT_PX, PAGE_COUNT, open_projector
from tests.harness import LiveRoom

pytestmark = pytest.mark.browser

SCREENS = [(1920, 1080), (1280, 720)]
VOTERS = 20
SMALLEST_PX = 14  # docs/running-a-session.md: a contribution too long for its column
PROFILES = cycle(
    [
        {"sector": "PO", "organisation": "school", "role": "schoolopleider"},
        {"sector": "VO", "organisation": "lerarenopleiding", "role": "instituutsopleider"},
        {"sector": "VO", "organisation": "school", "role": "werkplekbegeleider"},
        {"sector": "PO", "organisation": "lerarenopleiding", "role": "projectleider"},
    ]
)


def voters(room: LiveRoom) -> list[dict[str, str]]:
    return [room.join(**next(PROFILES)) for _ in range(VOTERS)]


def sixty_options(room: LiveRoom) -> dict[str, list[tuple[int, str]]]:
    """The first brainstorm's 60 items (tests/e2e/board_60.py), per column: id and text."""
    room.activate(room.brainstorm)
    board_60.fill_board(room, room.brainstorm)
    url = f"/api/sessions/{room.id}/steps/{room.brainstorm}/board"
    board = room.http.get(url, headers=room.facilitator).json()
    return {
        column: [(item["id"], item["text"]) for item in items]
        for column, items in board["columns"].items()
    }


def revealed_importance_vote(room: LiveRoom) -> list[str]:
    """The scenario's vote over its 60 items, three picks a column by 20 voters, revealed:
    every option's text."""
    columns = sixty_options(room)
    started = room.http.post(
        f"/api/sessions/{room.id}/steps/{room.brainstorm}/importance-vote",
        json={"k": 3},
        headers=room.facilitator,
    )
    assert started.status_code == 200, started.text
    step = started.json()["id"]
    for n, who in enumerate(voters(room)):
        # a few options most pick, some that many pick, and a long tail
        spread = (n % 3, 3 + n % 5, 8 + n % 12)
        picks = [items[m][0] for items in columns.values() for m in spread]
        ballot = {"answers": [{"subject": str(pick)} for pick in picks]}
        url = f"/api/sessions/{room.id}/steps/{step}/ballot"
        assert room.http.put(url, json=ballot, headers=who).status_code == 200
    reveal(room, step)
    return [text for items in columns.values() for _, text in items]


def revealed_statements(room: LiveRoom) -> list[str]:
    """The seven statements answered by 20 voters of four profiles, revealed: their texts."""
    step = room.step_id("statements")
    room.activate(step)
    for n, who in enumerate(voters(room)):
        leaning = 2 * (n % 2) if n % 4 else 0  # the second and fourth profiles agree more
        answers: list[dict[str, Any]] = [
            {"subject": f"s{s}", "value": min(5, 1 + (s + n % 3) % 4 + leaning)}
            for s in range(1, 8)
        ]
        url = f"/api/sessions/{room.id}/steps/{step}/ballot"
        response = room.http.put(url, json={"answers": answers}, headers=who)
        assert response.status_code == 200, response.text
    reveal(room, step)
    url = f"/api/sessions/{room.id}/steps/{step}/results"
    statements = room.http.get(url, headers=room.facilitator).json()
    return [statement["text"] for statement in statements["statements"]]


TERMS = ["opleidingsschool", "werkplekleren", "schoolopleider", "instituutsopleider"]
TERMS += ["academische opleidingsschool", "inductie"]
DEFINITION_PARTS = [
    "Een samenwerkingsverband van scholen en een lerarenopleiding",
    "dat samen verantwoordelijk is voor het opleiden van aanstaande leraren",
    "waarbij de student een groot deel van de opleiding op school leert",
    "met een vaste begeleider die tijd en scholing heeft voor die rol",
    "en waarin onderzoek naar de eigen praktijk een vaste plaats heeft",
]


def revealed_glossary(room: LiveRoom, terms: list[str]) -> list[str]:
    """`terms`, with 21 definitions of one to five clauses between them proposed by twenty
    participants, everyone choosing one per term (some terms agree on one, some tie),
    revealed: every definition's text."""
    step = room.step_id("glossary")
    config = {"config": {"terms": terms}}
    url = f"/api/sessions/{room.id}/steps/{step}/config"
    assert room.http.put(url, json=config, headers=room.facilitator).status_code == 200
    room.activate(step)
    people = voters(room)
    proposed: dict[str, list[int]] = {term: [] for term in terms}
    texts = []
    for n in range(21):
        who, term = people[n % len(people)], terms[n % len(terms)]
        text = f"{', '.join(DEFINITION_PARTS[: 1 + n % 5])} ({term}, voorstel {n + 1})."
        url = f"/api/sessions/{room.id}/steps/{step}/definitions"
        answer = room.http.post(url, json={"term": term, "text": text}, headers=who)
        assert answer.status_code == 201, answer.text
        proposed[term].append(answer.json()["id"])
        texts.append(text)
    for n, who in enumerate(people):
        answers = [
            {"subject": f"term:{term}", "choice": str(ids[(n * n) % len(ids)])}
            for term, ids in proposed.items()
        ]
        url = f"/api/sessions/{room.id}/steps/{step}/ballot"
        assert room.http.put(url, json={"answers": answers}, headers=who).status_code == 200
    reveal(room, step)
    return texts


def reveal(room: LiveRoom, step: int) -> None:
    url = f"/api/sessions/{room.id}/steps/{step}/revealed"
    assert room.http.put(url, json={"value": True}, headers=room.facilitator).status_code == 200


# Every entry (an item, an option's bar, a statement) drawn on the screen now: its text, its
# box, and the box of the list that clips it.
SHOWN = """(entry) => Array.from(document.querySelectorAll(entry))
  .filter(el => el.getClientRects().length)
  .map(el => {
    const r = el.getBoundingClientRect();
    const clip = el.parentElement.getBoundingClientRect();
    const text = el.querySelector('.text, .count-label, h4');
    return {text: text.textContent.trim(), top: r.top, bottom: r.bottom, left: r.left,
            right: r.right, clipTop: clip.top, clipBottom: clip.bottom,
            font: parseFloat(getComputedStyle(text).fontSize),
            alone: el.hasAttribute('data-alone')};
  })"""


def in_view(page: Page, entry: str, smallest: float = MIN_FONT_PX) -> set[str]:
    """Every entry shown is wholly on the screen, not cut off by its column, in legible type
    (`smallest`, or 14 px for one alone on its page); the page does not scroll. The texts of
    the entries shown."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]  # type: ignore[index]
    scroll = page.evaluate("() => [document.documentElement.scrollHeight, innerHeight]")
    assert scroll[0] <= scroll[1], f"the projector scrolls: {scroll[0]} px for {scroll[1]}"
    shown = page.evaluate(SHOWN, entry)
    assert shown, "nothing on the screen"
    for box in shown:
        where = f"{box['text'][:40]!r}: {box}"
        assert box["top"] >= 0 and box["bottom"] <= height, f"off-screen {where}"
        assert box["left"] >= 0 and box["right"] <= width, f"off-screen {where}"
        assert box["clipTop"] <= box["top"] and box["bottom"] <= box["clipBottom"] + 1, where
        # an entry too tall for its column even alone has a page to itself in smaller type
        floor = SMALLEST_PX if box["alone"] else smallest
        assert box["font"] >= floor, f"{box['font']} px: {where}"
    return {box["text"] for box in shown}


def results_in_one_rotation(page: Page, entry: str) -> set[str]:
    """Every page of the results checked in turn, as the board's are: the results seen."""
    expect(page.locator(".results[data-fitted]")).to_have_count(1)
    pages = int(page.wait_for_function(PAGE_COUNT).json_value())
    indicator = page.locator("#board-page")
    seen: set[str] = set()
    for n in range(pages):
        if pages > 1:
            expect(indicator).to_have_text(f"{n + 1}/{pages}", timeout=pages * 2000)
        seen |= in_view(page, f".results {entry}")
    return seen


def every_result_shown_at_both_sizes(
    browser_room: BrowserRoom, expected: list[str], entry: str, name: str
) -> None:
    """At each screen size: every result entry on the projector, the pages walked once."""
    for width, height in SCREENS:
        projector = open_results(browser_room, width, height)
        expect(projector.locator(f".results {entry}")).to_have_count(len(expected))
        seen = results_in_one_rotation(projector, entry)
        assert seen == set(expected), f"never shown: {set(expected) - seen}"
        still_screenshot(browser_room, width, height, f"projector-{name}-{height}p")
    assert_accessible(projector, f"projector ({name} results)")


def test_a_revealed_vote_over_sixty_options_shows_every_option(
    browser_room: BrowserRoom,
) -> None:
    options = revealed_importance_vote(browser_room.api)
    assert len(options) == 60
    every_result_shown_at_both_sizes(browser_room, options, ".count-bar", "vote-60")


def test_seven_statements_with_results_per_segment_are_each_shown(
    browser_room: BrowserRoom,
) -> None:
    statements = revealed_statements(browser_room.api)
    assert len(statements) == 7
    every_result_shown_at_both_sizes(browser_room, statements, ".statement-result", "statements")


@pytest.mark.parametrize("terms", [3, 6])
def test_a_glossary_of_twenty_one_definitions_shows_each(
    browser_room: BrowserRoom, terms: int
) -> None:
    definitions = revealed_glossary(browser_room.api, TERMS[:terms])
    assert len(definitions) == 21
    name = "glossary" if terms == 3 else f"glossary-{terms}-terms"
    every_result_shown_at_both_sizes(browser_room, definitions, ".count-bar", name)


def test_the_longest_contribution_is_read_whole_at_720p(browser_room: BrowserRoom) -> None:
    room = browser_room.api
    room.activate(room.brainstorm)
    board_60.fill_board(room, room.brainstorm)
    projector = open_projector(browser_room, 1280, 720, rotate=600)
    expect(projector.locator(".board .item")).to_have_count(60)
    words = cycle(board_60.NADELEN[0].split())
    text = ""
    while len(text) < 1000:
        text = f"{text} {next(words)}".strip()
    text = text[:1000].rstrip()
    author = room.join(sector="PO")
    body = {"client_id": "long", "step_id": room.brainstorm, "category": "nadelen", "text": text}
    posted = room.post_item(author, **body)
    assert posted.status_code == 201, posted.text
    long = projector.locator(f"#item-{posted.json()['item']['id']}")
    expect(long.locator(".new-badge")).to_be_visible()  # its page came up
    assert text in in_view(projector, ".board .item", smallest=SMALLEST_PX)
    projector.evaluate("() => document.getAnimations().forEach(a => a.finish())")
    screenshot(projector, "projector-longest-item-720p")


def open_results(browser_room: BrowserRoom, width: int, height: int, rotate: int = 1) -> Page:
    """The projector on the revealed results, turning its pages every `rotate` seconds."""
    data = browser_room.data
    page = browser_room.open(
        f"/projector/{data['id']}?key={data['projector_key']}&rotate={rotate}",
        viewport={"width": width, "height": height},
    )
    expect(page.locator(".results")).to_be_visible()
    return page


def still_screenshot(browser_room: BrowserRoom, width: int, height: int, name: str) -> None:
    """The first page, held still (no page turns mid-picture)."""
    page = open_results(browser_room, width, height, rotate=600)
    expect(page.locator(".results[data-fitted]")).to_have_count(1)
    screenshot(page, name)
    page.context.close()
