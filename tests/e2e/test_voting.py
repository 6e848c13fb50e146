"""Statements and an importance vote in real browsers, with results per sector on the
projector once the facilitator shows them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Route, expect

from tests.e2e.conftest import PHONE, BrowserRoom, assert_accessible, screenshot, wait_connected
from tests.e2e.test_board import add_item, show_step

pytestmark = pytest.mark.browser


def test_statements_round_with_results_per_sector(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    people = [
        browser_room.participant(s, **(PHONE if n == 0 else {}))
        for n, s in enumerate(["PO"] * 3 + ["VO"] * 3)
    ]
    show_step(console, "Stellingen")
    projector = browser_room.projector()
    for n, page in enumerate(people):
        first = page.locator("fieldset.statement").first
        first.locator(f"input[value='{5 if n < 3 else 1}']").check()
        if n == 0:
            first.locator("textarea").fill("Dezelfde taal spreken is de basis")
            page.get_by_role("button", name="Mijn antwoorden opslaan").click()
        expect(page.locator("form.statements .saved")).to_have_text("Opgeslagen.")
    results = console.locator(".statement-result").first
    expect(results.locator(".likert")).to_have_count(3)  # everyone, PO, VO
    expect(results.locator(".flag-divergent")).to_be_visible()
    expect(results.locator("p.flag-differ")).to_be_visible()
    expect(results.locator(".likert-figures").first).to_contain_text("n=6")
    # The projector counted the voters live, and shows no results until revealed.
    expect(projector.locator(".hidden-count")).to_have_text("6 deelnemers hebben gestemd.")
    expect(projector.locator(".results")).to_have_count(0)
    console.locator("[data-reveal]").click()
    expect(projector.locator(".statement-result").first.locator(".likert")).to_have_count(3)
    expect(people[0].locator(".results")).to_be_visible()
    # The participant's own answer is still shown after the stage was redrawn.
    expect(
        people[0].locator("fieldset.statement").first.locator("input[value='5']")
    ).to_be_checked()
    screenshot(projector, "projector-statements")
    screenshot(console, "console-statements")
    screenshot(people[0], "participant-phone-statements")


def test_importance_vote_top_k(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    show_step(console, "Scenario 1: Afstemming")
    alice, bob = browser_room.participant("PO"), browser_room.participant("VO")
    for text in ("Herkenbare rollen", "Goed te organiseren", "Past bij huidige structuren"):
        add_item(alice, text)
    api = browser_room.api
    step = api.http.post(
        f"/api/sessions/{api.id}/steps",
        json={"type": "vote", "scenario": "afstemming", "title": "Belangrijkste voordelen"},
        headers=api.facilitator,
    ).json()["id"]
    show_step(console, "Belangrijkste voordelen")
    console.locator("[data-config] select[name=method]").select_option("topk")
    console.locator("[data-config] input[name=k]").fill("1")
    console.locator("[data-config] button[type=submit]").click()
    for page, pick in ((alice, "Goed te organiseren"), (bob, "Goed te organiseren")):
        form = page.locator("form[data-ballot]")
        expect(form.locator("legend")).to_contain_text("1")
        form.locator("label", has_text=pick).locator("input").check()
        form.get_by_role("button").click()
        expect(form.locator(".saved")).not_to_be_empty()
    bars = console.locator(f"#results-{step} .count-bar")
    expect(bars.first.locator(".count-label")).to_have_text("Goed te organiseren")
    expect(bars.first.locator(".count-value")).to_have_text("2")
    expect(bars.first).to_have_class("count-bar important")
    assert_accessible(alice, "participant importance vote")
    assert_accessible(console, "console with vote settings and results")


def vote_step(room: BrowserRoom, texts: list[str], k: int) -> int:
    """A top-k importance vote on the first scenario's voordelen, active."""
    api = room.api
    token = api.join_token()
    api.activate(api.brainstorm)
    for n, text in enumerate(texts):
        api.add(token, f"vote-{n}", text)
    step = api.http.post(
        f"/api/sessions/{api.id}/steps",
        json={"type": "vote", "scenario": "afstemming", "title": "Belangrijkste voordelen"},
        headers=api.facilitator,
    ).json()["id"]
    config = {"config": {"method": "topk", "k": k, "category": "voordelen"}}
    url = f"/api/sessions/{api.id}/steps/{step}/config"
    assert api.http.put(url, json=config, headers=api.facilitator).status_code == 200
    api.activate(step)
    return int(step)


def test_top_k_stops_at_k_with_a_live_counter_and_refusals_look_like_errors(
    browser_room: BrowserRoom,
) -> None:
    texts = ["Herkenbare rollen", "Goed te organiseren", "Past bij structuren", "Specialiseren"]
    phone = browser_room.participant("PO", **PHONE)
    step = vote_step(browser_room, texts, k=3)
    form = phone.locator("form[data-ballot]")
    boxes = form.locator("input[type=checkbox]")
    expect(boxes).to_have_count(4)
    expect(form.locator("[data-pick-count]")).to_have_text("0 van 3 gekozen")
    for n in range(3):
        boxes.nth(n).check()
    expect(form.locator("[data-pick-count]")).to_have_text("3 van 3 gekozen")
    expect(boxes.nth(3)).to_be_disabled()  # a 4th cannot be ticked
    boxes.nth(0).uncheck()
    expect(form.locator("[data-pick-count]")).to_have_text("2 van 3 gekozen")
    expect(boxes.nth(3)).to_be_enabled()
    boxes.nth(3).check()
    form.get_by_role("button", name="Mijn stem opslaan").click()
    saved = form.locator(".saved")
    expect(saved).to_have_text("Opgeslagen.")
    ok_colour = saved.evaluate("el => getComputedStyle(el).color")
    # A refusal (the vote was closed meanwhile) is shown in the error style, not as success.
    api = browser_room.api
    url = f"/api/sessions/{api.id}/steps/{step}/locked"
    assert api.http.put(url, json={"value": True}, headers=api.facilitator).status_code == 200
    expect(phone.locator(".vote .badge-locked")).to_be_visible()
    form.get_by_role("button", name="Mijn stem opslaan").click()
    expect(saved).to_have_class("saved refused")
    expect(saved).not_to_have_text("Opgeslagen.")
    assert saved.evaluate("el => getComputedStyle(el).color") != ok_colour


def test_every_statement_answer_is_saved_without_a_button_per_statement(
    browser_room: BrowserRoom,
) -> None:
    console = browser_room.console()
    phone = browser_room.participant("PO", **PHONE)
    show_step(console, "Stellingen")
    statements = phone.locator("fieldset.statement")
    expect(statements).to_have_count(7)
    expect(phone.locator(".vote button[type=submit]")).to_have_count(1)  # one save for all
    for n in range(7):
        statements.nth(n).locator(f"input[value='{n % 5 + 1}']").check()
        expect(phone.locator("form.statements .saved")).to_have_text("Opgeslagen.")
    statements.nth(6).locator("textarea").fill("Taal verbindt")
    statements.nth(6).locator("textarea").blur()
    expect(phone.locator("form.statements .saved")).to_have_text("Opgeslagen.")
    # Nothing was pressed, yet the server has every answer: a reload shows all seven.
    phone.reload()
    for n in range(7):
        expect(statements.nth(n).locator(f"input[value='{n % 5 + 1}']")).to_be_checked()
    expect(statements.nth(6).locator("textarea")).to_have_value("Taal verbindt")


def test_a_statement_answered_offline_is_sent_once_back_online(browser_room: BrowserRoom) -> None:
    console = browser_room.console()
    phone = browser_room.participant("PO", **PHONE)
    show_step(console, "Stellingen")
    first = phone.locator("fieldset.statement").first
    expect(first).to_be_visible()
    phone.context.set_offline(True)
    expect(phone.locator("#connection")).to_have_text(re.compile("^Offline"))
    first.locator("input[value='2']").check()
    status = phone.locator("form.statements .saved")
    expect(status).to_have_text(
        "Opgeslagen; je bijdrage wordt verstuurd zodra de verbinding terug is."
    )
    phone.context.set_offline(False)
    expect(status).to_have_text("Opgeslagen.", timeout=15_000)
    phone.reload()
    expect(phone.locator("fieldset.statement").first.locator("input[value='2']")).to_be_checked()


def test_an_answer_on_its_way_when_the_tab_closes_is_back_ticked_and_stored(
    browser_room: BrowserRoom,
) -> None:
    console = browser_room.console()
    phone = browser_room.participant("PO", **PHONE)
    show_step(console, "Stellingen")
    expect(phone.locator("fieldset.statement").first).to_be_visible()
    held: list[Route] = []
    phone.route("**/ballot", lambda route: held.append(route))  # held: no answer comes back
    with phone.expect_request("**/ballot"):
        phone.locator("fieldset.statement").first.locator("input[value='3']").check()
    address = phone.url
    phone.close()  # the tab is gone before any answer, and the request with it
    again = phone.context.new_page()
    with again.expect_response("**/ballot") as sent:  # it goes again by itself
        again.goto(address)
    assert sent.value.ok
    wait_connected(again)
    expect(again.locator("fieldset.statement").first.locator("input[value='3']")).to_be_checked()
    api = browser_room.api
    url = f"/api/sessions/{api.id}/steps/{api.step_id('statements')}/results"
    results = api.http.get(url, headers=api.facilitator).json()
    assert results["statements"][0]["overall"]["counts"]["3"] == 1
    assert sum(s["overall"]["n"] for s in results["statements"]) == 1


def statement_arguments(room: BrowserRoom, key: str) -> list[str]:
    """The arguments the server holds for statement `key`, from the facilitator's results."""
    api = room.api
    url = f"/api/sessions/{api.id}/steps/{api.step_id('statements')}/results"
    results = api.http.get(url, headers=api.facilitator).json()
    return next(list(s["arguments"]) for s in results["statements"] if s["key"] == key)


def test_an_argument_typed_before_a_reload_is_back_in_its_box_and_sent_once(
    browser_room: BrowserRoom,
) -> None:
    console = browser_room.console()
    phone = browser_room.participant("PO", **PHONE)
    show_step(console, "Stellingen")
    first, second = (
        phone.locator("fieldset.statement").nth(0),
        phone.locator("fieldset.statement").nth(1),
    )
    first.locator("input[value='4']").check()
    expect(phone.locator("form.statements .saved")).to_have_text("Opgeslagen.")
    # Typed, one with an answer and one without, and the page gone before either was sent.
    first.locator("textarea").fill("Samen opleiden vraagt tijd")
    second.locator("textarea").fill("Hangt af van de regio")
    phone.reload()
    wait_connected(phone)
    expect(first.locator("textarea")).to_have_value("Samen opleiden vraagt tijd")
    expect(second.locator("textarea")).to_have_value("Hangt af van de regio")
    expect(first.locator("input[value='4']")).to_be_checked()
    # Back in the box, and sent: the console lists each argument once.
    results = console.locator(".statement-result")
    expect(results.nth(0).locator("details.arguments li")).to_have_text(
        ["Samen opleiden vraagt tijd"]
    )
    expect(results.nth(1).locator("details.arguments li")).to_have_text(["Hangt af van de regio"])
    keys = [
        first.locator("textarea").get_attribute("data-subject"),
        second.locator("textarea").get_attribute("data-subject"),
    ]
    assert [statement_arguments(browser_room, str(key)) for key in keys] == [
        ["Samen opleiden vraagt tijd"],
        ["Hangt af van de regio"],
    ]
    # Acknowledged, the drafts are gone: the page drawn by the server shows the same words.
    phone.reload()
    expect(first.locator("textarea")).to_have_value("Samen opleiden vraagt tijd")
    assert (
        phone.evaluate("Object.keys(localStorage).filter(k => k.startsWith('vk-argument-drafts-'))")
        == []
    )


def test_an_argument_typed_offline_reaches_the_server_once_back_online(
    browser_room: BrowserRoom,
) -> None:
    console = browser_room.console()
    phone = browser_room.participant("PO", **PHONE)
    show_step(console, "Stellingen")
    first = phone.locator("fieldset.statement").first
    first.locator("input[value='2']").check()
    expect(phone.locator("form.statements .saved")).to_have_text("Opgeslagen.")
    phone.context.set_offline(True)
    expect(phone.locator("#connection")).to_have_text(re.compile("^Offline"))
    first.locator("textarea").fill("Eerst de basis op orde")
    phone.context.set_offline(False)  # no reload, no other tap: the words go once it is back
    arguments = console.locator(".statement-result").first.locator("details.arguments li")
    expect(arguments).to_have_text(["Eerst de basis op orde"], timeout=15_000)
    key = str(first.locator("textarea").get_attribute("data-subject"))
    assert statement_arguments(browser_room, key) == ["Eerst de basis op orde"]
    expect(first.locator("textarea")).to_have_value("Eerst de basis op orde")


def test_an_argument_typed_offline_outlives_the_tab_and_is_sent_once_reopened(
    browser_room: BrowserRoom,
) -> None:
    console = browser_room.console()
    phone = browser_room.participant("PO", **PHONE)
    show_step(console, "Stellingen")
    phone.locator("fieldset.statement").first.locator("input[value='3']").check()
    expect(phone.locator("form.statements .saved")).to_have_text("Opgeslagen.")
    phone.context.set_offline(True)
    expect(phone.locator("#connection")).to_have_text(re.compile("^Offline"))
    phone.locator("fieldset.statement").first.locator("textarea").fill("Kost tijd, levert meer op")
    # The browser kills the tab while offline; back online, the participant opens it again.
    address, context = phone.url, phone.context
    phone.close()
    context.set_offline(False)
    phone = context.new_page()
    phone.goto(address)
    wait_connected(phone)
    first = phone.locator("fieldset.statement").first
    expect(first.locator("textarea")).to_have_value("Kost tijd, levert meer op")
    arguments = console.locator(".statement-result").first.locator("details.arguments li")
    expect(arguments).to_have_text(["Kost tijd, levert meer op"])
    key = str(first.locator("textarea").get_attribute("data-subject"))
    assert statement_arguments(browser_room, key) == ["Kost tijd, levert meer op"]
