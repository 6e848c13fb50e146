"""A participant's pages on a 360×640 phone: nothing scrolls sideways, every target is big
enough for a thumb, and the one thing to do now comes first."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LAPTOP, PHONE, BrowserRoom, screenshot
from tests.e2e.test_board import add_item, items, show_step

pytestmark = pytest.mark.browser

# Buttons, links, summaries and selects, and the label of every radio and checkbox: WCAG's
# 44×44 CSS px target, or 24×24 for a link inside running text.
SMALL_TARGETS = """() => {
  const small = [], seen = new Set();
  const controls = "button, a[href], summary, select, input[type=radio], input[type=checkbox]";
  for (const el of document.querySelectorAll(controls)) {
    const checkable = el.type === "radio" || el.type === "checkbox";
    const target = checkable ? (el.closest("label") || el) : el;
    if (seen.has(target)) continue;
    seen.add(target);
    const box = target.getBoundingClientRect();
    if (!box.width || !box.height || box.right <= 0 || target.closest(".visually-hidden")) continue;
    if (getComputedStyle(target).visibility === "hidden") continue;
    const min = el.tagName === "A" && el.closest("p, li, dd, td") ? 24 : 44;
    if (box.width < min - 0.01 || box.height < min - 0.01) {
      const size = `${box.width.toFixed(1)}×${box.height.toFixed(1)}`;
      small.push(`${size}: ${target.outerHTML.slice(0, 120)}`);
    }
  }
  return small;
}"""


def assert_fits_a_phone(page: Page, name: str) -> None:
    # Against the device's width: a phone widens its layout viewport (and innerWidth) to
    # content that overflows, zooming out, so innerWidth alone would hide the overflow.
    scroll = page.evaluate("document.documentElement.scrollWidth")
    width = (page.viewport_size or {"width": 0})["width"]
    assert scroll <= width, f"{name} scrolls sideways: {scroll} px content on a {width} px screen"
    small = page.evaluate(SMALL_TARGETS)
    assert not small, f"{name}: targets too small for a thumb:\n" + "\n".join(small)


def merge_first_two(room: BrowserRoom, page: Page) -> None:
    ids = page.locator(".item").evaluate_all("items => items.map(i => i.dataset.item)")
    response = room.api.http.post(
        f"/api/sessions/{room.api.id}/items/{ids[0]}/merge",
        json={"member_ids": [int(ids[1])]},
        headers=room.api.facilitator,
    )
    assert response.status_code == 200, response.text


def test_join_and_board_fit_a_phone(browser_room: BrowserRoom) -> None:
    home = browser_room.open("/", **PHONE)
    expect(home.locator("#code")).to_be_visible()
    assert_fits_a_phone(home, "home")
    join = browser_room.open(f"/join?code={browser_room.data['code']}", **PHONE)
    expect(join.locator("#profile-sector")).to_be_visible()
    assert_fits_a_phone(join, "join (profile)")
    screenshot(join, "join-phone")

    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    phone, laptop = browser_room.participant("VO", **PHONE), browser_room.participant("PO")
    # On a phone the long description folds away under the form's question; a laptop shows it.
    description = phone.locator(".scenario .description")
    expect(phone.locator("#item-form")).to_be_visible()
    expect(description).to_be_hidden()
    expect(laptop.locator(".scenario .description")).to_be_visible()
    expect(laptop.locator(".scenario-more summary")).to_be_hidden()
    phone.get_by_text("Lees de beschrijving").click()
    expect(description).to_be_visible()
    expect(phone.locator(".kenmerken li").first).to_be_visible()

    add_item(phone, "Goed te organiseren, elke school kan instappen")
    add_item(laptop, "Elke school kan instappen: makkelijk te organiseren")
    add_item(phone, "Nascholing verplicht stellen", category="voorwaarden", theme="hr_beleid")
    expect(items(phone, "voordelen")).to_have_count(2)
    merge_first_two(browser_room, phone)
    expect(phone.locator(".members summary")).to_have_text("1 samengevoegde bijdrage")
    expect(description).to_be_visible()  # the redrawn stage kept it open
    phone.locator(".comments summary").first.click()
    expect(phone.locator(".comment-form").first).to_be_visible()
    assert_fits_a_phone(phone, "participant board")
    screenshot(phone, "participant-phone-board")


def test_statements_fit_a_phone(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Stellingen")
    phone = browser_room.participant("PO", **PHONE)
    first = phone.locator("fieldset.statement").first
    first.get_by_text("helemaal eens", exact=True).click()
    first.locator("textarea").fill("Dezelfde taal spreken is de basis")
    phone.get_by_role("button", name="Mijn antwoorden opslaan").click()
    expect(phone.locator("form.statements .saved")).to_have_text("Opgeslagen.")
    assert_fits_a_phone(phone, "statements vote")
    console.locator("[data-reveal]").click()
    expect(phone.locator(".results .arguments summary").first).to_be_visible()
    assert_fits_a_phone(phone, "statements with results")
    desktop = browser_room.participant("VO", **LAPTOP)
    expect(desktop.locator(".results")).to_be_visible()
    screenshot(phone, "participant-phone-statements-results")
    screenshot(desktop, "participant-desktop-statements-results")


def test_glossary_fits_a_phone_and_takes_one_definition_per_term(
    browser_room: BrowserRoom,
) -> None:
    """The definitions of one term are one radio group: choosing one unchooses the other."""
    room = browser_room.api
    http, api, key = room.http, f"/api/sessions/{room.id}", room.facilitator
    step = http.post(
        f"{api}/steps", json={"type": "glossary", "title": "Begrippen uit de praktijk"}, headers=key
    )
    step_id = step.json()["id"]
    terms = {"config": {"terms": ["schoolopleider", "opleidingsschool met een gedeelde visie"]}}
    assert http.put(f"{api}/steps/{step_id}/config", json=terms, headers=key).is_success
    console = browser_room.console()
    show_step(console, "Begrippen uit de praktijk")  # the default agenda has "Begrippen" too
    proposer = browser_room.api.join()
    for text in ("Begeleidt studenten in de school", "Leidt leraren op in de school"):
        proposed = http.post(
            f"{api}/steps/{step_id}/definitions",
            json={"term": "schoolopleider", "text": text},
            headers=proposer,
        )
        assert proposed.status_code == 201, proposed.text
    phone = browser_room.participant("PO", **PHONE)
    first_term = phone.locator("section.term").first
    radios = first_term.locator("input[type=radio]")
    expect(radios).to_have_count(2)
    radios.nth(0).check()
    radios.nth(1).check()
    expect(radios.nth(0)).not_to_be_checked()
    assert_fits_a_phone(phone, "glossary")
    first_term.get_by_role("button", name="Kiezen").click()
    expect(first_term.locator(".saved")).to_have_text("Opgeslagen.")
    revealed = http.put(f"{api}/steps/{step_id}/revealed", json={"value": True}, headers=key)
    assert revealed.is_success, revealed.text
    expect(phone.locator(".results")).to_be_visible()
    assert_fits_a_phone(phone, "glossary with results")
    screenshot(phone, "participant-phone-glossary")


def test_a_step_change_starts_at_the_top_and_keeps_a_half_typed_draft(
    browser_room: BrowserRoom,
) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    phone = browser_room.participant("PO", **PHONE)
    for n in range(6):
        add_item(phone, f"Bijdrage nummer {n} die het bord op de telefoon lang maakt")
    expect(items(phone, "voordelen")).to_have_count(6)
    phone.fill("#item-text", "Een half getypte gedachte")
    phone.evaluate("window.scrollTo(0, 900)")
    phone.wait_for_function("window.scrollY > 300")
    notice = phone.locator("#draft-notice")
    expect(notice).to_be_hidden()
    show_step(console, "Scenario 2: Samenwerking")
    expect(phone.locator("#stage h2")).to_have_text("Denken vanuit Samenwerking")
    phone.wait_for_function("window.scrollY === 0")
    expect(notice).to_have_text(
        "Je concept voor de vorige stap is bewaard: het komt terug als de facilitator"
        " naar die stap teruggaat."
    )
    expect(notice).to_be_in_viewport()
    show_step(console, "Scenario 1: Afstemming")
    expect(phone.locator("#stage h2")).to_have_text("Denken vanuit Afstemming")
    expect(phone.locator("#item-text")).to_have_value("Een half getypte gedachte")
    expect(notice).to_be_hidden()


def test_a_proposed_definition_reaches_every_screen_without_console_errors(
    browser_room: BrowserRoom,
) -> None:
    """A new definition is appended to the results only on the screens that show them (the
    console; the phone and the projector once revealed): elsewhere there is no results list,
    and an out-of-band swap without its target is an htmx error in the browser's console."""
    room = browser_room.api
    http, api, key = room.http, f"/api/sessions/{room.id}", room.facilitator
    step = http.post(
        f"{api}/steps", json={"type": "glossary", "title": "Eigen begrippen"}, headers=key
    )
    step_id = step.json()["id"]
    terms = {"config": {"terms": ["schoolopleider"]}}
    assert http.put(f"{api}/steps/{step_id}/config", json=terms, headers=key).is_success
    console = browser_room.console()
    show_step(console, "Eigen begrippen")
    projector = browser_room.projector()
    phone = browser_room.participant("PO", **PHONE)
    errors: list[str] = []
    for page in (console, projector, phone):
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    proposer = room.join()

    def propose(text: str) -> None:
        body = {"term": "schoolopleider", "text": text}
        response = http.post(f"{api}/steps/{step_id}/definitions", json=body, headers=proposer)
        assert response.status_code == 201, response.text

    propose("Begeleidt studenten in de school")
    expect(phone.locator("section.term input[type=radio]")).to_have_count(1)
    expect(console.locator(".term-result .count-bar")).to_have_count(1)
    revealed = http.put(f"{api}/steps/{step_id}/revealed", json={"value": True}, headers=key)
    assert revealed.is_success, revealed.text
    expect(projector.locator(".term-result .count-bar")).to_have_count(1)
    propose("Leidt leraren op in de school")
    for page in (console, projector, phone):
        expect(page.locator(".term-result .count-bar")).to_have_count(2)
    assert not errors, errors
