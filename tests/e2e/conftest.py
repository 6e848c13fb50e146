"""Real-browser tests: Playwright driving Debian's Chromium (no browser download)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

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


# Runs in every page before its own scripts: a violation of the Content-Security-Policy
# becomes a console error the watch below sees, with what was blocked and where, and then a
# mark on <html> a test can wait for.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"} ` +
    `in ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
  document.documentElement.setAttribute("data-csp-violation", e.effectiveDirective);
});"""
CSP_MESSAGE = re.compile(r"CSP violation|Content Security Policy", re.IGNORECASE)
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class PageWatch:
    """Every browser context a test opens, watched: each request must go to our own origin
    (the server the context was opened on), and no page may break its CSP."""

    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext, base_url: str | None) -> None:
        own = origin(base_url) if base_url else None
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self.on_console)

        def on_request(request: Any) -> None:
            nonlocal own
            url = request.url
            if url.startswith(LOCAL_SCHEMES):
                return
            own = own or origin(url)
            self.requests.append(url)
            if origin(url) != own:
                self.problems.append(f"request to another origin: {url}")

        context.on("request", on_request)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and CSP_MESSAGE.search(message.text):
            self.problems.append(message.text)


@pytest.fixture(autouse=True)
def page_watch(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[PageWatch]:
    """Fails any browser test whose pages load from another origin or violate the CSP."""
    watch = PageWatch()
    if "browser" in request.fixturenames:
        browser: Browser = request.getfixturevalue("browser")
        new_context = browser.new_context

        def watched_context(**options: Any) -> BrowserContext:
            context = new_context(**options)
            watch.watch(context, options.get("base_url"))
            return context

        monkeypatch.setattr(browser, "new_context", watched_context)
    yield watch
    assert not watch.problems, "\n".join(watch.problems)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core in the page; the serious and critical violations it finds."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the debugger, which the page's CSP does not govern; a script tag
        # (add_script_tag) is inline script, and the CSP rightly refuses it.
        page.evaluate(AXE.read_text(encoding="utf-8"))
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
