"""Real-browser tests: Playwright driving Debian's Chromium (no browser download)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.harness import LiveRoom, Server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1.min.js"
BLOCKING = ("serious", "critical")
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
PHONE_LARGE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PHONES = {"360x640": PHONE, "390x844": PHONE_LARGE}
LAPTOP = {"viewport": {"width": 1366, "height": 850}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API holds an event loop on this thread while open."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core in the page; the serious and critical violations it finds."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    # WCAG 2.2's target size (24×24 px, 2.5.8 AA) is off in axe by default: switch it on.
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {
            resultTypes: ["violations"], rules: {"target-size": {enabled: true}}
        })).violations"""
    )
    return [v for v in found if v["impact"] in BLOCKING]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}".strip())
            lines.append(f"        {node['html'][:160]}")
    return "\n".join(lines)


def assert_accessible(page: Page, name: str) -> None:
    """Fail with a readable list when axe-core finds a serious or critical violation."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {name}:\n{describe_violations(violations)}"


@dataclass
class BrowserRoom:
    """A session made through the API (`api`, a `tests.harness.LiveRoom` on the real server),
    opened in real browser contexts."""

    api: LiveRoom
    browser: Browser

    @property
    def server(self) -> Server:
        assert self.api.server is not None
        return self.api.server

    @property
    def data(self) -> dict[str, Any]:
        return self.api.data

    def open(self, path: str, **context: Any) -> Page:
        page = self.browser.new_context(base_url=self.server.url, **context).new_page()
        page.goto(path)
        return page

    def console(self) -> Page:
        page = self.open(f"/console/{self.data['id']}?key={self.data['facilitator_key']}", **LAPTOP)
        wait_connected(page)
        return page

    def projector(self) -> Page:
        page = self.open(
            f"/projector/{self.data['id']}?key={self.data['projector_key']}", **PROJECTOR
        )
        page.wait_for_selector("#join-code", state="attached")  # hidden once items arrive
        return page

    def participant(self, sector: str = "", **context: Any) -> Page:
        page = self.open(f"/join?code={self.data['code']}", **(context or LAPTOP))
        if sector:
            page.select_option("#profile-sector", sector)
        page.get_by_role("button", name=re.compile("Deelnemen")).click()
        page.wait_for_url(re.compile(r"/s/"))
        wait_connected(page)
        return page


def wait_connected(page: Page) -> None:
    """Connected, and the stage sent on connect is in: acting before it lands would act on a
    page that is about to be redrawn."""
    page.wait_for_selector("#connection:not(.offline):text-matches('Verbonden|Connected')")
    page.wait_for_selector("body[data-synced]", state="attached")


@pytest.fixture
def browser_room(server: Server, browser: Browser) -> Iterator[BrowserRoom]:
    api = LiveRoom.on_server(server, title="Zwolle", location="Zwolle", date="7 juni 2016")
    yield BrowserRoom(api, browser)
    api.close()
