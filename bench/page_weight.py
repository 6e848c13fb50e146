"""Page weights: the bytes a first load of the participant page, the console and the projector
takes over the wire (HTML, styles, scripts; headers included, the WebSocket not), measured in
a real browser (Chromium) against a real server, and what a second visit takes.

    python -m bench.page_weight [--root CHECKOUT]

`--root` runs the server of another checkout (e.g. before a change), measured the same way.
The second visit counts only requests that reached the server (the rest came from the
browser's cache)."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, Request, sync_playwright

from tests.harness import ORGANISER, ORGANISER_TOKEN, Server, start_server


@dataclass
class Load:
    """What one navigation fetched: per URL, the bytes on the wire and the encoding."""

    wire: dict[str, int] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)

    def record(self, request: Request) -> None:
        if request.url.startswith(("ws:", "data:")):
            return
        sizes = request.sizes()
        response = request.response()
        self.wire[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        if response is not None:
            self.encodings[request.url] = response.headers.get("content-encoding", "")

    @property
    def total(self) -> int:
        return sum(self.wire.values())

    @property
    def fetched(self) -> int:
        """Requests that reached the server (a file served from the cache costs no bytes)."""
        return sum(1 for size in self.wire.values() if size > 0)


@contextmanager
def server_at(root: Path) -> Iterator[Server]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'weight.db'}",
            "ORGANISER_TOKEN": ORGANISER_TOKEN,
            "PYTHONPATH": str(root),
        }
        server = start_server(env, Path(tmp) / "server.log", root=root)
        try:
            yield server
        finally:
            server.stop()


def visit(browser: Browser, url: str, cookies: list[dict[str, str]]) -> tuple[Load, Load]:
    """A first load in an empty cache, then a second visit in the same browser."""
    context = browser.new_context()
    context.add_cookies(cookies)  # type: ignore[arg-type]
    page = context.new_page()
    loads = []
    for _ in range(2):
        load = Load()
        page.on("requestfinished", load.record)
        page.goto(url)
        settle(page)
        page.remove_listener("requestfinished", load.record)
        loads.append(load)
    context.close()
    return loads[0], loads[1]


def settle(page: Page) -> None:
    page.wait_for_selector("body[data-synced]", state="attached")
    page.wait_for_load_state("networkidle")


def measure(root: Path) -> list[tuple[str, Load, Load]]:
    with server_at(root) as server, sync_playwright() as playwright:
        created = httpx.post(
            f"{server.url}/api/sessions", json={"title": "Gewicht"}, headers=ORGANISER
        ).json()
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        joiner = browser.new_context()
        join = joiner.new_page()
        join.goto(f"{server.url}/join?code={created['code']}")
        join.locator("form button[type=submit]").first.click()
        join.wait_for_url(f"**/s/{created['id']}")
        participant_cookies = joiner.cookies()
        joiner.close()
        pages = {
            "participant": (f"{server.url}/s/{created['id']}", participant_cookies),
            "console": (
                f"{server.url}/console/{created['id']}?key={created['facilitator_key']}",
                [],
            ),
            "projector": (
                f"{server.url}/projector/{created['id']}?key={created['projector_key']}",
                [],
            ),
        }
        rows = []
        for name, (url, cookies) in pages.items():
            first, second = visit(browser, url, cookies)  # type: ignore[arg-type]
            rows.append((name, first, second))
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    print("| page | requests | first load | encodings | second visit |")
    print("|---|---:|---:|---|---:|")
    for name, first, second in measure(args.root.resolve()):
        encodings = ", ".join(sorted({e or "none" for e in first.encodings.values()}))
        print(
            f"| {name} | {len(first.wire)} | {first.total:,} B | {encodings} "
            f"| {second.total:,} B in {second.fetched} |"
        )


if __name__ == "__main__":
    main()
