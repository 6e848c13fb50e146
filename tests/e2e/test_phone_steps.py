"""Every step a participant sees, on a 360×640 and a 390×844 phone: nothing scrolls
sideways, and vote results can be compared (every bar starts at the same x, labels are not
squeezed into a narrow column)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONES, BrowserRoom, screenshot
from tests.harness import LiveRoom

pytestmark = pytest.mark.browser

LONG_TERM = "opleidingsschoolverantwoordelijkheidsverdeling"
DEFINITION = (
    "Een samenwerkingsverband van scholen en lerarenopleidingen dat gezamenlijk "
    "verantwoordelijk is voor het opleiden van leraren, met https://voorbeeld.nl/een/lange/link"
)
ITEMS = [
    "Iedere partner heeft een duidelijk herkenbare rol in het opleiden",
    "Goed te organiseren, elke school kan instappen",
    "Ruimte om te specialiseren los van de opleidingsschool",
    "Werkplekbegeleidersprofessionaliseringstraject",
]


def assert_no_sideways_scroll(page: Page, name: str) -> None:
    # Against the device's width: a phone widens its layout viewport (and innerWidth) to
    # content that overflows, zooming out, so innerWidth alone would hide the overflow.
    scroll = page.evaluate("document.documentElement.scrollWidth")
    width = (page.viewport_size or {"width": 0})["width"]
    assert scroll <= width, f"{name} scrolls sideways: {scroll} px content on a {width} px screen"


def assert_bars_comparable(page: Page, name: str) -> None:
    """All bars start at one x and have a usable width; labels have room to read."""
    width = (page.viewport_size or {"width": 0})["width"]
    bars = page.locator(".results .count-bar svg").evaluate_all(
        "els => els.map(e => { const b = e.getBoundingClientRect(); return [b.left, b.width]; })"
    )
    labels = page.locator(".results .count-label").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert bars, f"{name}: no bars"
    assert len({round(left) for left, _ in bars}) == 1, f"{name}: bars start at {bars}"
    assert all(w >= width * 0.5 for _, w in bars), f"{name}: bars too narrow: {bars}"
    assert all(w >= width * 0.6 for w in labels), f"{name}: labels squeezed: {labels}"


def put(room: LiveRoom, path: str, body: dict[str, Any], who: dict[str, str]) -> None:
    response = room.http.put(f"/api/sessions/{room.id}{path}", json=body, headers=who)
    assert response.is_success, response.text


def new_step(room: LiveRoom, **fields: Any) -> int:
    url = f"/api/sessions/{room.id}/steps"
    response = room.http.post(url, json=fields, headers=room.facilitator)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def show_and_reveal(
    room: BrowserRoom, phone: Page, step: int, answers: list[dict[str, Any]], name: str
) -> None:
    """Show a vote step, have three people answer, check the phone, reveal, check again."""
    api = room.api
    api.activate(step)
    expect(phone.locator(f"[data-vote-step='{step}']")).to_be_visible()
    for _ in range(3):
        put(api, f"/steps/{step}/ballot", {"answers": answers}, api.join())
    assert_no_sideways_scroll(phone, name)
    put(api, f"/steps/{step}/revealed", {"value": True}, api.facilitator)
    expect(phone.locator(f"#results-{step}")).to_be_visible()
    assert_no_sideways_scroll(phone, f"{name} with results")


@pytest.mark.parametrize("size", PHONES)
def test_every_participant_step_fits_a_phone(browser_room: BrowserRoom, size: str) -> None:
    api = browser_room.api
    phone = browser_room.participant("PO", **PHONES[size])
    api.activate(api.brainstorm)
    token = api.join_token()
    for n, text in enumerate(ITEMS):
        api.add(token, f"phone-{n}", text)
    expect(phone.locator("[id^=items-][id*=-voordelen] .item")).to_have_count(len(ITEMS))
    assert_no_sideways_scroll(phone, "brainstorm")

    vote = new_step(api, type="vote", scenario="afstemming", title="Belangrijkste voordelen")
    put(api, f"/steps/{vote}/config", {"config": {"method": "topk", "k": 2}}, api.facilitator)
    options = phone.locator
    api.activate(vote)
    expect(options("form[data-ballot] input[type=checkbox]")).to_have_count(len(ITEMS))
    ids = options("form[data-ballot] input[type=checkbox]").evaluate_all(
        "els => els.map(e => e.dataset.subject)"
    )
    picks = [{"subject": ids[0]}, {"subject": ids[3]}]
    show_and_reveal(browser_room, phone, vote, picks, "importance vote")
    assert_bars_comparable(phone, "importance vote results")
    screenshot(phone, f"participant-phone-{size}-vote-results")

    statements = new_step(api, type="statements", title="Stellingen")
    show_and_reveal(browser_room, phone, statements, [{"subject": "s1", "value": 4}], "statements")

    glossary = new_step(api, type="glossary", title="Begrippen")
    terms = {"config": {"terms": [LONG_TERM, "schoolopleider"]}}
    put(api, f"/steps/{glossary}/config", terms, api.facilitator)
    api.activate(glossary)
    proposed = api.http.post(
        f"/api/sessions/{api.id}/steps/{glossary}/definitions",
        json={"term": LONG_TERM, "text": DEFINITION},
        headers=api.join(),
    )
    assert proposed.status_code == 201, proposed.text
    choice = [{"subject": f"term:{LONG_TERM}", "choice": str(proposed.json()["id"])}]
    show_and_reveal(browser_room, phone, glossary, choice, "glossary")
    screenshot(phone, f"participant-phone-{size}-glossary")

    preference = new_step(api, type="preference", title="Voorkeur")
    show_and_reveal(
        browser_room, phone, preference, [{"subject": "preference", "choice": "afstemming"}], "pref"
    )
    assert_bars_comparable(phone, "preference results")
