"""Report downloads, read back the way a user's program reads them: the DOCX with python-docx,
the XLSX with openpyxl, the PDF's text with pypdf, the page with an HTML parser. Every format
in Dutch (the session's language), with no secret in it and no formula that can run."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.harness import ORGANISER, ORGANISER_TOKEN, bearer
from tests.report_seed import FORMULA, SCRIPT, seed_programme

FORMATS = ("html", "md", "docx", "pdf", "xlsx", "csv", "json")


@pytest.fixture(scope="module")
def built(tmp_path_factory, databases, content):
    yield from seed_programme(tmp_path_factory, databases, content, closed=True)


@pytest.fixture(scope="module")
def app_client(built):
    settings = Settings(database_url=built.database_url, organiser_token=ORGANISER_TOKEN)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def downloads(app_client, built) -> dict[str, bytes]:
    """Every format of Zwolle's report, downloaded once by its facilitator."""
    key = bearer(built.zwolle.room.created.facilitator_key)
    out = {}
    for fmt in FORMATS:
        response = app_client.get(f"/api/sessions/{built.zwolle.room.id}/report.{fmt}", headers=key)
        assert response.status_code == 200, response.text
        out[fmt] = response.content
    return out


class Outline(HTMLParser):
    """Headings in order, the text under each, and every element name seen."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.under: dict[str, list[str]] = {}
        self.tags: set[str] = set()
        self._in: str | None = None
        self._li = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.add(tag)
        if tag in ("h1", "h2", "h3", "h4"):
            self._in = tag
            self.headings.append((tag, ""))
        if tag == "li":
            self._li = True
            self.under.setdefault(self.key, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None
        if tag in ("li", "ul"):
            self._li = False

    @property
    def key(self) -> str:
        return "/".join(text for _, text in self.headings[-3:])

    def handle_data(self, data: str) -> None:
        if self._in:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data.strip())
        elif self._li and self.under.get(self.key):
            self.under[self.key][-1] += data


def outline(html: bytes) -> Outline:
    parser = Outline()
    parser.feed(html.decode())
    return parser


def test_every_format_is_served_with_its_type(app_client, built) -> None:
    key = bearer(built.zwolle.room.created.facilitator_key)
    base = f"/api/sessions/{built.zwolle.room.id}/report"
    expected = {
        "html": "text/html; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "pdf": "application/pdf",
        "json": "application/json",
    }
    for fmt, media_type in expected.items():
        response = app_client.get(f"{base}.{fmt}", headers=key)
        assert response.headers["content-type"] == media_type
    docx = app_client.get(f"{base}.docx", headers=key)
    assert docx.headers["content-disposition"] == 'attachment; filename="verslag-zwolle.docx"'


def test_html_reads_like_the_seed_report(downloads) -> None:
    page = outline(downloads["html"])
    titles = [text for _, text in page.headings]
    assert titles[:2] == ["Zwolle", "Inleiding"]
    start = titles.index("Scenario 1. Denken vanuit Afstemming")
    assert titles[start : start + 8] == [
        "Scenario 1. Denken vanuit Afstemming",
        "Kenmerken",
        "Voordelen en nadelen van scenario 1",
        "Belangrijkste voordelen",
        "Andere voordelen die genoemd zijn",
        "Belangrijkste nadelen",
        "Andere nadelen die genoemd zijn",
        "Voorwaarden voor scenario 1",
    ]
    assert titles.index("Stellingen") < titles.index("Begrippenlijst") < titles.index("Conclusie")
    top = page.under["Kenmerken/Voordelen en nadelen van scenario 1/Belangrijkste voordelen"]
    assert top[0].startswith("Iedere partner heeft een duidelijk herkenbare rol")
    assert "(vaak genoemd, 4×)" in top[0]
    assert "svg" in page.tags and "script" not in page.tags


def test_other_wordings_are_quoted_as_said_in_every_format(downloads) -> None:
    from docx import Document

    also = "Ook verwoord als: ‘Goed te organiseren, elke school kan instappen’"
    document = Document(io.BytesIO(downloads["docx"]))
    assert also in [p.text for p in document.paragraphs]
    assert f"- {also}" in downloads["md"].decode()
    assert also in downloads["html"].decode().replace("&#39;", "'")


def statement_rows(html: bytes, key: str) -> list[tuple[str, str, list[str]]]:
    """A statement's table as (group, the bar's style, the numbers), row by row."""
    article = html.decode().split(f'id="statement-{key}"')[1].split("</article>")[0]
    body = article.split("<tbody>")[1].split("</tbody>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        group = re.search(r'<th scope="row">(.*?)</th>', row)
        bar = re.search(r'<td class="bar">(?:<div style="(.*?)"></div>)?</td>', row)
        assert group and bar
        rows.append((group[1], bar[1] or "", re.findall(r"<td>(.*?)</td>", row)))
    return rows


def test_statement_table_shows_each_groups_answers_as_a_bar_and_numbers(downloads) -> None:
    rows = statement_rows(downloads["html"], "s1")
    assert [(group, numbers) for group, _, numbers in rows] == [
        ("Iedereen", ["0", "6", "0", "0", "5", "0", "11", "3,36", "verdeeld"]),
        ("Primair onderwijs (PO)", ["0", "0", "0", "0", "5", "0", "5", "5,00", "consensus"]),
        ("Voortgezet onderwijs (VO)", ["0", "6", "0", "0", "0", "0", "6", "2,00", "consensus"]),
    ] + [(group, numbers) for group, _, numbers in rows[3:]]
    # 6 of 11 answered 2 (orange), 5 of 11 answered 5 (dark blue): one bar, left to right.
    assert rows[0][1] == (
        "background-image: linear-gradient(to right, #ef8a62 0.0%, #ef8a62 54.5%, "
        "#2166ac 54.5%, #2166ac 100.0%)"
    )
    page = downloads["html"].decode()
    assert '<th scope="col">Antwoorden</th><th scope="col" class="answer-1">1</th>' in page


def test_participant_text_is_escaped_in_html_and_markdown(downloads) -> None:
    html = downloads["html"].decode()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    md = downloads["md"].decode()
    assert "- \\<script>alert('x')\\</script> \\*\\*vet\\*\\* # kop" in md
    assert "## Scenario 1. Denken vanuit Afstemming" in md
    assert "#### Belangrijkste voordelen" in md


def test_docx_has_real_headings_with_items_under_them(downloads) -> None:
    from docx import Document

    document = Document(io.BytesIO(downloads["docx"]))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Head", "Title"))
    ]
    assert headings[0] == ("Title", "Zwolle")
    made = document.core_properties  # the tool, not python-docx's template or a person
    assert (made.author, made.last_modified_by) == ("Versnellingskamer", "Versnellingskamer")
    start = headings.index(("Heading 1", "Scenario 1. Denken vanuit Afstemming"))
    assert headings[start + 1 : start + 6] == [
        ("Heading 2", "Kenmerken"),
        ("Heading 2", "Voordelen en nadelen van scenario 1"),
        ("Heading 3", "Belangrijkste voordelen"),
        ("Heading 3", "Andere voordelen die genoemd zijn"),
        ("Heading 3", "Belangrijkste nadelen"),
    ]
    under: dict[str, list[str]] = {}
    current = ""
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            current = (
                f"{current.split('|')[0]}|{paragraph.text}"
                if paragraph.style.name != "Heading 1"
                else paragraph.text
            )
        elif paragraph.style.name == "List Bullet":
            under.setdefault(current, []).append(paragraph.text)
    assert under["Scenario 2. Denken vanuit Samenwerking|Belangrijkste voordelen"] == [
        "Een geïntegreerd curriculum van theorie en praktijk (6 stemmen)"
    ]
    assert under["Scenario 1. Denken vanuit Afstemming|HR-beleid"] == [
        "Nascholing werkplekbegeleiders verplicht stellen"
    ]
    tables = document.tables
    assert any(t.rows[0].cells[0].text == "Groep" for t in tables)


def test_pdf_text_has_the_sections_and_items(downloads) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(downloads["pdf"]))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for expected in (
        "Scenario 1. Denken vanuit Afstemming",
        "Belangrijkste voordelen",
        "Iedere partner heeft een duidelijk herkenbare rol",
        "Nascholing werkplekbegeleiders verplicht stellen",
        "Stellingen",
        "Een samenwerkingsverband van scholen en lerarenopleidingen",
        "Conclusie",
    ):
        assert expected in text


def test_pdf_pages_look_like_printed_text(downloads) -> None:
    """Rendered, every page is mostly paper: text, thin rules, small bars. A layout slip such
    as a bullet's background painted over whole list items (WeasyPrint paints a one-colour
    gradient over the element) turns a third of a page black; text alone stays under 2 %."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(downloads["pdf"])
    dark: list[float] = []
    for page in document:
        image = page.render(scale=0.5).to_pil().convert("L")
        histogram = image.histogram()
        dark.append(sum(histogram[:96]) / (image.size[0] * image.size[1]))
    assert len(dark) >= 2
    assert max(dark) < 0.05, [round(d, 3) for d in dark]


def test_xlsx_has_a_sheet_per_kind_without_voters_and_without_formulas(downloads) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(downloads["xlsx"]))
    assert book.sheetnames == ["Bijdragen", "Stemmen", "Stellingen", "Deelnemers"]
    items = [[c.value for c in row] for row in book["Bijdragen"].iter_rows()]
    assert items[0][:5] == ["Scenario", "Kolom", "Thema", "Belang", "Tekst"]
    # The text as typed, written as text: never a formula, and no apostrophe added to it.
    injected = next(row for row in items if FORMULA in str(row[4]))
    assert injected[4] == FORMULA
    assert all(c.data_type != "f" for row in book["Bijdragen"].iter_rows() for c in row)
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(downloads["xlsx"])).read(
        "xl/worksheets/sheet1.xml"
    )
    votes = book["Stemmen"]
    assert [c.value for c in votes[1]] == [
        "Sessie",
        "Stap",
        "Soort",
        "Onderwerp",
        "Waarde",
        "Keuze",
        "Argument",
    ]
    kinds = {row[2].value for row in votes.iter_rows(min_row=2)}
    assert kinds and kinds <= {"Stemming", "Stellingen", "Begrippenlijst", "Voorkeur"}
    often = {row[items[0].index("vaak genoemd")] for row in items[1:]}
    assert often <= {"ja", "nee"} and "ja" in often  # the report's language, not True/False
    assert book["Deelnemers"].max_row == 1 + 12


def test_csv_per_kind_with_formulas_neutralised(app_client, built) -> None:
    key = bearer(built.zwolle.room.created.facilitator_key)
    base = f"/api/sessions/{built.zwolle.room.id}/report.csv"
    rows = {}
    for sheet in ("items", "votes", "statements", "participants"):
        response = app_client.get(base, params={"sheet": sheet}, headers=key)
        assert response.status_code == 200
        rows[sheet] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    texts = [row[4] for row in rows["items"][1:]]
    assert "'" + FORMULA in texts and SCRIPT in texts
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows["items"] for cell in row)
    assert rows["statements"][1][:3] == [
        "Werkplekbegeleiders, schoolopleiders en instituutsopleiders moeten dezelfde taal "
        "spreken over het opleiden.",
        "",
        "Iedereen",
    ]
    assert len(rows["participants"]) == 13
    assert app_client.get(base, params={"sheet": "ballots"}, headers=key).status_code == 422


def test_json_is_the_report_data_in_dutch(downloads) -> None:
    report = json.loads(downloads["json"])
    assert report["schema"] == "versnellingskamer.report/1"
    assert report["participants"]["sentence"].startswith("12 deelnemers namen deel.")
    assert [s["key"] for s in report["scenarios"]] == ["afstemming", "samenwerking", "leerloopbaan"]


def _all_text(fmt: str, body: bytes) -> str:
    if fmt in ("docx", "xlsx"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if fmt == "pdf":
        from pypdf import PdfReader

        return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


def test_no_format_holds_a_token_key_or_client_id(downloads, built) -> None:
    seed = built.zwolle
    secrets = [*seed.tokens, *seed.client_ids, seed.room.created.facilitator_key]
    secrets.append(seed.room.created.projector_key)
    for fmt, body in downloads.items():
        text = _all_text(fmt, body)
        assert "Iedere partner heeft een duidelijk herkenbare rol" in text, fmt
        for secret in secrets:
            assert secret not in text, (fmt, secret)
        for key in ("participant_id", "client_id", "token_hash"):
            assert key not in text, (fmt, key)


def test_refusals(app_client, built) -> None:
    room = built.zwolle.room
    base = f"/api/sessions/{room.id}/report"
    participant = bearer(built.zwolle.tokens[0])
    projector = bearer(room.created.projector_key)
    assert app_client.get(f"{base}.md", headers=participant).status_code == 403
    assert app_client.get(f"{base}.md", headers=projector).status_code == 403
    assert app_client.get(f"{base}.md").status_code == 401
    assert app_client.get(f"{base}.md", headers=bearer("wrong-secret")).status_code == 403
    other = bearer(built.eindhoven.room.created.facilitator_key)
    assert app_client.get(f"{base}.md", headers=other).status_code == 403
    assert app_client.get("/api/sessions/nope/report.md", headers=ORGANISER).status_code == 404
    assert app_client.get(f"{base}.exe", headers=ORGANISER).status_code == 404
    facilitator = bearer(room.created.facilitator_key)
    programme = f"/api/programmes/{built.programme_id}/report.md"
    assert app_client.get(programme, headers=facilitator).status_code == 403
    assert app_client.get("/api/programmes/999/report.md", headers=ORGANISER).status_code == 404


def test_the_console_cookie_downloads_without_a_csrf_header(built, database_url) -> None:
    settings = Settings(database_url=built.database_url, organiser_token=ORGANISER_TOKEN)
    room = built.zwolle.room
    with TestClient(create_app(settings)) as client:
        client.cookies.set(f"vk_f_{room.id}", room.created.facilitator_key)
        assert client.get(f"/api/sessions/{room.id}/report.md").status_code == 200
        page = client.get(f"/console/{room.id}")
    panel = page.text[page.text.index('id="report-panel"') :]
    for fmt in ("html", "pdf", "docx", "md", "xlsx", "json"):
        assert f'href="/api/sessions/{room.id}/report.{fmt}"' in panel
    assert f'href="/api/sessions/{room.id}/report.csv?sheet=votes"' in panel
    for name in ("intro", "goal", "method", "impression", "conclusion", "key_points"):
        assert f'name="{name}"' in panel


def test_programme_report_pools_both_sessions(app_client, built) -> None:
    response = app_client.get(
        f"/api/programmes/{built.programme_id}/report.json", headers=ORGANISER
    )
    report = response.json()
    assert report["participants"]["sentence"].startswith(
        "24 deelnemers namen deel aan 2 sessies (Zwolle en Eindhoven)."
    )
    md = app_client.get(f"/api/programmes/{built.programme_id}/report.md", headers=ORGANISER)
    assert "in 2 sessies" in md.text
    # both sessions skipped scenario 3: one line, no empty sections
    assert (
        "## Scenario 3. Denken vanuit Leerloopbaan\n\n*In geen van de sessies besproken.*\n\n"
        "## Stellingen\n"
    ) in md.text


def test_facilitator_rewords_the_conclusion(api_room, client) -> None:
    room = api_room()
    url = f"/api/sessions/{room.id}/report/texts"
    before = client.get(f"/api/sessions/{room.id}/report.md", headers=room.facilitator).text
    assert "## Conclusie" in before and "Scenario 2 heeft" not in before
    response = client.put(
        url, json={"conclusion": "Scenario 2 heeft de voorkeur."}, headers=room.facilitator
    )
    assert response.status_code == 200
    assert response.json()["conclusion"] == "Scenario 2 heeft de voorkeur."
    md = client.get(f"/api/sessions/{room.id}/report.md", headers=room.facilitator).text
    assert "## Conclusie\n\nScenario 2 heeft de voorkeur." in md
    assert room.events()[-1]["type"] == "report_text_edited"
    participant = room.join(sector="PO")
    assert client.put(url, json={"goal": "x"}, headers=participant).status_code == 403
    assert client.put(url, json={"title": "x"}, headers=room.facilitator).status_code == 422


def test_cli_writes_a_report(built, tmp_path) -> None:
    from tests.app.test_cli import run_cli

    out = tmp_path / "verslag.docx"
    env = {"DATABASE_URL": built.database_url}
    result = run_cli(
        "report", "--session", built.zwolle.room.id, "--format", "docx", "-o", str(out), env=env
    )
    assert result.returncode == 0, result.stderr
    from docx import Document

    assert Document(str(out)).paragraphs[0].text == "Zwolle"
    result = run_cli(
        "report", "--programme", str(built.programme_id), "--format", "md", "-o", str(out), env=env
    )
    assert result.returncode == 0 and "24 deelnemers" in out.read_text()
    refused = run_cli("report", "--session", "nope", "-o", str(out), env=env)
    assert refused.returncode == 2 and "No session with id 'nope'" in refused.stderr


def test_key_points_typed_as_lines_become_a_list_in_every_format(api_room, client) -> None:
    """The seed's conclusion is a list of key points: lines the facilitator starts with "-"
    come out as a bullet list, and the lines of a paragraph run on."""
    import io

    from docx import Document

    room = api_room()
    conclusion = (
        "Er is de meeste affiniteit met\nscenario 2.\n\n"
        "- Leren van elkaar\n- Een onderzoekende houding\n\nTot slot een zin."
    )
    url = f"/api/sessions/{room.id}/report/texts"
    assert client.put(url, json={"conclusion": conclusion}, headers=room.facilitator).is_success
    md = client.get(f"/api/sessions/{room.id}/report.md", headers=room.facilitator).text
    assert (
        "## Conclusie\n\nEr is de meeste affiniteit met scenario 2.\n\n"
        "- Leren van elkaar\n- Een onderzoekende houding\n\nTot slot een zin.\n"
    ) in md
    page = client.get(f"/api/sessions/{room.id}/report.html", headers=room.facilitator).text
    assert (
        '<p>Er is de meeste affiniteit met scenario 2.</p><ul class="text-list">'
        "<li>Leren van elkaar</li><li>Een onderzoekende houding</li></ul><p>Tot slot een zin.</p>"
    ) in page
    docx = client.get(f"/api/sessions/{room.id}/report.docx", headers=room.facilitator)
    paragraphs = [(p.style.name, p.text) for p in Document(io.BytesIO(docx.content)).paragraphs]
    start = paragraphs.index(("Heading 1", "Conclusie"))
    assert paragraphs[start + 1 : start + 5] == [
        ("Normal", "Er is de meeste affiniteit met scenario 2."),
        ("List Bullet", "Leren van elkaar"),
        ("List Bullet", "Een onderzoekende houding"),
        ("Normal", "Tot slot een zin."),
    ]
