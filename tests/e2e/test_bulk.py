"""The organiser creates a programme's sessions from a table on the organiser page, in a real
browser: a bad line is named and nothing is created; a good table gives the printable sheet
of facilitator links, the mail-merge CSV and workbook, and each link opens its console."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, BrowserRoom, assert_accessible, screenshot
from tests.harness import ORGANISER_TOKEN

pytestmark = pytest.mark.browser

PLACES = ("Assen", "Lelystad", "Middelburg", "Haarlem", "Den Bosch")


def table(rows: list[str]) -> bytes:
    """A table as Dutch Excel saves it: `;` between cells, a byte-order mark, CRLF."""
    return ("\ufeff" + "\r\n".join(["Locatie;Datum;Begeleider", *rows]) + "\r\n").encode()


def test_the_organiser_uploads_a_table_and_gets_the_links(
    browser_room: BrowserRoom, tmp_path: Path
) -> None:
    page = browser_room.open(f"/organiser?token={ORGANISER_TOKEN}", **LAPTOP)
    bad = tmp_path / "fout.csv"
    bad.write_bytes(table(["Assen;14-6-2026;An", ";15-6-2026;Bo", "Emmen;31-6-2026;Cas"]))
    page.set_input_files("#bulk-table", bad)
    page.get_by_role("button", name="Sessies en links aanmaken").click()
    problems = page.locator("#bulk-problems")
    expect(problems).to_contain_text("Fouten in de tabel: 2; er is geen sessie aangemaakt.")
    expect(problems.locator("li")).to_have_text(
        [
            "Regel 3: De locatie is leeg.",
            "Regel 4: „31-6-2026” is geen datum: schrijf 2026-06-14 of 14-6-2026.",
        ]
    )
    expect(page.locator("table.sessions")).not_to_contain_text("Assen")

    good = tmp_path / "sessies.csv"
    rows = [f"{PLACES[n % 5]} {n // 5 + 1};{n + 1}-6-2026;Facilitator {n}" for n in range(20)]
    good.write_bytes(table(rows))
    page.set_input_files("#bulk-table", good)
    page.get_by_role("button", name="Sessies en links aanmaken").click()
    expect(page.get_by_role("heading", name="Links voor facilitators", level=1)).to_be_visible()
    entries = page.locator(".sheet-entry")
    expect(entries).to_have_count(20)
    expect(page.get_by_role("navigation", name="Taal")).to_be_hidden()  # would lose the links
    first = entries.first
    expect(first.get_by_role("heading")).to_have_text("Assen 1 · 1 juni 2026")
    expect(first.locator(".sheet-facilitator")).to_have_text("Facilitator 0")
    expect(first.locator("svg")).to_have_count(1)
    assert_accessible(page, "facilitator links sheet")
    screenshot(page, "organiser-links-sheet")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV voor samenvoegen (mail merge) downloaden").click()
    download = download_info.value
    assert download.suggested_filename == "links-facilitators.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 21 and lines[0].startswith("Locatie,Datum,Titel,Facilitator,")
    assert lines[1].startswith("Assen 1,1 juni 2026,")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Excel-bestand voor samenvoegen")).click()
    download = download_info.value
    assert download.suggested_filename == "links-facilitators.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    cells = list(workbook.active.iter_rows(values_only=True))
    assert len(cells) == 21 and cells[0][:2] == ("Locatie", "Datum")
    assert cells[1][:2] == ("Assen 1", "1 juni 2026")

    page.emulate_media(media="print")
    expect(page.locator(".sheet-actions")).to_be_hidden()
    expect(entries.first).to_be_visible()
    page.emulate_media(media="screen")

    link = first.locator(".sheet-link a").get_attribute("href")
    assert link is not None and re.search(r"/console/[0-9a-f]+\?key=", link)
    console = browser_room.open(link, **LAPTOP)
    expect(console.locator("body")).to_contain_text("Assen 1")
    page.get_by_role("link", name="Terug naar de organisatorpagina").click()
    expect(page.locator("table.sessions")).to_contain_text("Facilitator 19")
