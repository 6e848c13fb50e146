"""The organiser pools two sessions' wordings of one point from the organiser page, in a real
browser: the suggestion is listed, "Samenvoegen" accepts it, and the programme report joins
them only then (issue #12)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, BrowserRoom, assert_accessible, screenshot
from tests.harness import ORGANISER, ORGANISER_TOKEN, LiveRoom

pytestmark = pytest.mark.browser

ZWOLLE = "Iedere partner heeft een duidelijk herkenbare rol"
EINDHOVEN = "Elke partner heeft een herkenbare rol"
TRAINED = (
    "Werkplekbegeleiders en schoolopleiders worden getraind",
    "Schoolopleiders en werkplekbegeleiders worden goed getraind",
)
APART = ("Voelt als een stap terug", "Het kan een dure manier van opleiden worden")


def said(room: LiveRoom, *texts: str) -> None:
    room.activate(room.brainstorm)
    token = room.join_token(sector="PO")
    for n, text in enumerate(texts):
        room.add(token, f"c-{room.id}-{n}", text)


def report(room: LiveRoom) -> str:
    programme = room.http.get(f"/api/sessions/{room.id}", headers=room.facilitator).json()
    url = f"/api/programmes/{programme['programme_id']}/report.md"
    return room.http.get(url, headers=ORGANISER).text


def test_the_organiser_accepts_a_suggested_pool(browser_room: BrowserRoom) -> None:
    zwolle = browser_room.api
    eindhoven = LiveRoom.on_server(browser_room.server, title="Eindhoven", location="Eindhoven")
    try:
        said(zwolle, ZWOLLE, APART[0])
        said(eindhoven, EINDHOVEN, APART[1])
        before = report(zwolle)
        assert f"- {ZWOLLE}\n" in before and f"- {EINDHOVEN}\n" in before
        page = browser_room.open(f"/organiser?token={ORGANISER_TOKEN}", **LAPTOP)
        section = page.locator("#curation")
        expect(
            section.get_by_role("heading", name="Suggesties om te beoordelen (1)")
        ).to_be_visible()
        assert_accessible(page, "organiser with curation")
        screenshot(page, "organiser-curation")
        proposal = section.locator(".proposal").filter(has_text=EINDHOVEN)
        expect(proposal).to_contain_text(ZWOLLE)
        # By keyboard: the section is drawn again in place and the focus stays in it
        proposal.get_by_role("button", name="Samenvoegen", exact=True).focus()
        page.keyboard.press("Enter")
        expect(
            section.get_by_role("heading", name="Suggesties om te beoordelen (0)")
        ).to_be_visible()
        expect(page.locator("#curation-saved")).to_have_text(
            "Opgeslagen: het programmaverslag volgt dit besluit."
        )
        assert page.evaluate("document.activeElement.closest('#curation') !== null")
        entry = section.locator(".programme-entry")
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text(re.compile(f"{ZWOLLE}.*{EINDHOVEN}", re.S))
        after = report(zwolle)
        assert EINDHOVEN in after.split(f"- {ZWOLLE}", 1)[1].split("\n- ", 1)[0]
        assert "in 2 sessies" in after
        assert f"- {APART[0]}\n" in after and f"- {APART[1]}\n" in after
        page.goto("/organiser?scenario=afstemming&category=voordelen&all=1")
        for text in APART:
            section.get_by_label(text).check()
        section.get_by_role("button", name="Aangevinkte punten samenvoegen").click()
        expect(
            section.get_by_role("heading", name="Bijdragen in het programmaverslag (2)")
        ).to_be_visible()
        joined = report(zwolle)
        assert APART[1] in joined.split(f"- {APART[0]}", 1)[1].split("\n- ", 1)[0]
    finally:
        eindhoven.close()


def test_the_organiser_undoes_keeping_a_suggestion_apart(browser_room: BrowserRoom) -> None:
    zwolle = browser_room.api
    utrecht = LiveRoom.on_server(browser_room.server, title="Utrecht", location="Utrecht")
    try:
        said(zwolle, TRAINED[0])
        said(utrecht, TRAINED[1])
        page = browser_room.open(f"/organiser?token={ORGANISER_TOKEN}", **LAPTOP)
        section = page.locator("#curation")
        proposal = section.locator(".proposal").filter(has_text=TRAINED[1])
        proposal.get_by_role("button", name="Niet samenvoegen", exact=True).click()
        expect(section.get_by_role("heading", name="Niet samengevoegd (1)")).to_be_visible()
        expect(
            section.get_by_role("heading", name="Suggesties om te beoordelen (0)")
        ).to_be_visible()
        kept_apart = section.locator(".rejected-pool")
        expect(kept_apart).to_contain_text(re.compile(f"{TRAINED[0]}.*{TRAINED[1]}", re.S))
        expect(kept_apart).to_contain_text("Niet samengevoegd door organiser op")
        assert_accessible(page, "organiser with a suggestion kept apart")
        kept_apart.get_by_role("button", name="Ongedaan maken").click()
        expect(
            section.get_by_role("heading", name="Suggesties om te beoordelen (1)")
        ).to_be_visible()
        expect(section.get_by_role("heading", name="Niet samengevoegd (0)")).to_be_visible()
        expect(section.locator(".proposal")).to_contain_text(TRAINED[0])
        after = report(zwolle)  # a suggestion again, not joined in the report
        assert f"- {TRAINED[0]}\n" in after and f"- {TRAINED[1]}\n" in after
        programme = zwolle.http.get(f"/api/sessions/{zwolle.id}", headers=zwolle.facilitator)
        pools = f"/api/programmes/{programme.json()['programme_id']}/pools"
        [again] = zwolle.http.get(pools, headers=ORGANISER).json()["proposals"]
        body = {
            "lead_id": again["lead"]["entry_id"],
            "member_ids": [again["members"][0]["entry_id"]],
        }
        assert zwolle.http.post(f"{pools}/reject", json=body, headers=ORGANISER).is_success
    finally:
        utrecht.close()


GUIDANCE = (
    "Studenten krijgen te weinig begeleiding op de werkplek",
    "Te weinig begeleiding voor studenten op de werkplek",
    "Studenten op de werkplek krijgen weinig begeleiding van de school",
)


def test_the_organiser_pools_one_member_of_a_suggestion(browser_room: BrowserRoom) -> None:
    """A suggestion of a lead with two members: the organiser pools one of them with the
    lead by its own button; the other stays out of the entry and alone in the report."""
    rooms = [
        LiveRoom.on_server(browser_room.server, title=place, location=place)
        for place in ("Breda", "Venlo", "Assen")
    ]
    try:
        for room, text in zip(rooms, GUIDANCE, strict=True):
            said(room, text)
        page = browser_room.open(f"/organiser?token={ORGANISER_TOKEN}", **LAPTOP)
        section = page.locator("#curation")
        proposal = section.locator(".proposal").filter(has_text=GUIDANCE[0])
        expect(proposal).to_have_count(1)
        members = proposal.locator("ul > li")
        expect(members).to_have_count(2)
        pooled = next(t for t in GUIDANCE if members.nth(0).inner_text().startswith(t))
        apart = next(t for t in GUIDANCE if members.nth(1).inner_text().startswith(t))
        members.nth(0).get_by_role("button", name="Alleen deze samenvoegen").click()
        expect(page.locator("#curation-saved")).to_have_text(
            "Opgeslagen: het programmaverslag volgt dit besluit."
        )
        entry = section.locator(".programme-entry").filter(has_text=pooled)
        expect(entry).to_have_count(1)
        expect(entry).not_to_contain_text(apart)
        text = report(rooms[0])
        lead = next(t for t in GUIDANCE if t not in (pooled, apart))
        assert [
            line
            for line in text.splitlines()
            if "in 2 sessies" in line and (lead in line or pooled in line)
        ]
        assert f"- {apart}\n" in text  # not joined: it stands alone in the report
    finally:
        for room in rooms:
            room.close()
