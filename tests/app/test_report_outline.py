"""The programme report's outline is the seed's: a three-session programme like the seed's
(Zwolle, Eindhoven, Utrecht) gives every section heading of the 2016 report, with every point
in its section, in Word as in Markdown; English reports have the same headings in English; a
scenario nobody brainstormed is one line; vote counts stand beside the items a vote put
first; no parentheses inside parentheses, no needless Markdown escapes."""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.report_formats import translator
from app.settings import Settings
from session_engine.agenda import activate_step, update_step
from session_engine.content import Content
from session_engine.items import add_item
from session_engine.programmes import load_programme
from session_engine.reports.exports.markdown import md, to_markdown
from session_engine.reports.report import programme_report, session_report
from session_engine.sessions import create_session
from tests.conftest import Room
from tests.harness import ORGANISER, ORGANISER_TOKEN
from tests.report_seed import seed_programme

# The seed writes "HR Beleid"; the theme is spelled as Dutch spells it (issue 13): HR-beleid.
THEMES = {
    1: ["Organisatie", "Opleiden", "HR-beleid", "Visie"],
    2: ["Organisatie", "Opleiden", "HR-beleid", "Leiderschap", "Onderzoek", "Visie"],
    3: ["Organisatie", "Opleiden", "HR-beleid", "Leiderschap", "Onderzoek", "Visie"],
}
TITLES = {
    1: "Denken vanuit Afstemming",
    2: "Denken vanuit Samenwerking",
    3: "Denken vanuit Leerloopbaan",
}


def seed_outline(number: int) -> list[str]:
    """The seed's headings of scenario `number` (docs/reports.md, "The seed's outline")."""
    return [
        f"Scenario {number}. {TITLES[number]}",
        "Kenmerken",
        f"Voordelen en nadelen van scenario {number}",
        "Belangrijkste voordelen",
        "Andere voordelen die genoemd zijn",
        "Belangrijkste nadelen",
        "Andere nadelen die genoemd zijn",
        f"Voorwaarden voor scenario {number}",
        *THEMES[number],
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory, databases, content):
    yield from seed_programme(tmp_path_factory, databases, content, utrecht=True, closed=True)


@pytest.fixture(scope="module")
def downloads(built) -> dict[str, bytes]:
    settings = Settings(database_url=built.database_url, organiser_token=ORGANISER_TOKEN)
    with TestClient(create_app(settings)) as client:
        base = f"/api/programmes/{built.programme_id}/report"
        return {
            fmt: client.get(f"{base}.{fmt}", headers=ORGANISER).content
            for fmt in ("md", "docx", "html", "json")
        }


def markdown_sections(text: str) -> tuple[list[str], dict[tuple[str, ...], list[str]]]:
    """The headings in order, and the lines under each heading path (levels 2 and below)."""
    headings: list[str] = []
    path: list[str] = []
    sections: dict[tuple[str, ...], list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            heading = line[level:].strip()
            headings.append(heading)
            path = [*path[: max(level - 2, 0)], heading]
        elif line.strip():
            sections.setdefault(tuple(path), []).append(line)
    return headings, sections


def docx_sections(body: bytes) -> tuple[list[str], dict[tuple[str, ...], list[str]]]:
    from docx import Document

    headings: list[str] = []
    path: list[str] = []
    sections: dict[tuple[str, ...], list[str]] = {}
    for paragraph in Document(io.BytesIO(body)).paragraphs:
        style = paragraph.style.name
        if style.startswith("Heading"):
            level = int(style.split()[-1])
            headings.append(paragraph.text)
            path = [*path[: level - 1], paragraph.text]
        elif paragraph.text.strip():
            sections.setdefault(tuple(path), []).append(paragraph.text)
    return headings, sections


def between(headings: list[str], first: str, after: str | None) -> list[str]:
    start = headings.index(first)
    end = headings.index(after) if after else len(headings)
    return headings[start:end]


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_every_heading_of_the_seed_in_its_order(downloads, fmt) -> None:
    read = markdown_sections if fmt == "md" else docx_sections
    body = downloads[fmt].decode() if fmt == "md" else downloads[fmt]
    headings, _ = read(body)  # type: ignore[arg-type]
    front = [h for h in headings if h in ("Doel", "Werkwijze", "Algemene indruk", "Conclusie")]
    assert front == ["Doel", "Werkwijze", "Algemene indruk", "Conclusie"]
    assert headings.index("Algemene indruk") < headings.index(seed_outline(1)[0])
    for number in (1, 2, 3):
        after = seed_outline(number + 1)[0] if number < 3 else "Stellingen"
        assert between(headings, seed_outline(number)[0], after) == seed_outline(number)


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_every_point_is_in_its_section(downloads, built, content, fmt) -> None:
    read = markdown_sections if fmt == "md" else docx_sections
    body = downloads[fmt].decode() if fmt == "md" else downloads[fmt]
    _, sections = read(body)  # type: ignore[arg-type]
    themes = {t.key: t.label for t in content.scenarios_file.themes}
    points = [p for s in (built.zwolle, built.eindhoven, built.utrecht) for p in s.added]
    assert len(points) > 30
    for number, category, theme, text in points:
        scenario = f"Scenario {number}. {TITLES[number]}"
        if category == "voorwaarden":
            places = [(scenario, f"Voorwaarden voor scenario {number}", themes[theme])]
        else:
            group = f"Voordelen en nadelen van scenario {number}"
            places = [
                (scenario, group, f"Belangrijkste {category}"),
                (scenario, group, f"Andere {category} die genoemd zijn"),
            ]
        lines = "\n".join(line for place in places for line in sections.get(place, []))
        assert (md(text) if fmt == "md" else text) in lines, (fmt, number, category, text)


def test_werkwijze_shows_the_three_scenarios_briefly(downloads) -> None:
    _, sections = markdown_sections(downloads["md"].decode())
    method = sections[("Werkwijze",)]
    assert [line for line in method if line.startswith("- ")] == [
        f"- Scenario {n}. {TITLES[n]}" for n in (1, 2, 3)
    ]
    assert method[-1] == "Naast de scenario’s zijn de deelnemers 7 stellingen voorgelegd."


def test_vote_counts_stand_beside_the_voted_items(downloads) -> None:
    md_text = downloads["md"].decode()
    assert "- Sterke koppeling tussen theorie en praktijk *(7 stemmen)*" in md_text
    assert "- Studenten kunnen versnellen en vertragen *(1 stem)*" in md_text
    # Zwolle's and Eindhoven's votes on the same wording, pooled: 6 + 6
    assert (
        "- Een geïntegreerd curriculum van theorie en praktijk "
        "*(12 stemmen; vaak genoemd, 2×, in 2 sessies)*" in md_text
    )
    html = downloads["html"].decode()
    assert (
        'Sterke koppeling tussen theorie en praktijk <span class="often">(7 stemmen)</span>' in html
    )
    _, sections = docx_sections(downloads["docx"])
    top = sections[
        (
            "Scenario 3. Denken vanuit Leerloopbaan",
            "Voordelen en nadelen van scenario 3",
            "Belangrijkste voordelen",
        )
    ]
    assert top[-1] == "Sterke koppeling tussen theorie en praktijk (7 stemmen)"
    report = json.loads(downloads["json"])
    leerloopbaan = report["scenarios"][2]["columns"][0]
    assert [(i["text"], i["votes"]) for i in leerloopbaan["important"]] == [
        ("Sterke koppeling tussen theorie en praktijk", 7)
    ]
    unvoted = report["scenarios"][0]["columns"][0]["important"]
    assert {i["votes"] for i in unvoted} == {None}


def depth(line: str) -> int:
    deepest = level = 0
    for char in line:
        level += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, level)
    return deepest


def test_no_parentheses_inside_parentheses(downloads) -> None:
    md_text = downloads["md"].decode()
    assert "vaak genoemd, 2×, in 2 sessies" in md_text
    nested = [line for line in md_text.splitlines() if depth(line) > 1]
    assert nested == []
    _, sections = docx_sections(downloads["docx"])
    assert [p for lines in sections.values() for p in lines if depth(p) > 1] == []


def test_markdown_escapes_only_what_markdown_would_read(downloads) -> None:
    md_text = downloads["md"].decode()
    assert "- Ruimte in tijd & geld: een innovatiebudget" in md_text
    assert "\\&" not in md_text
    assert md("R&D, &amp; & #1 #") == "R&D, \\&amp; & #1 \\#"
    assert md("# kop") == "\\# kop" and md("#hashtag") == "#hashtag"
    assert md("a > b < c") == "a > b \\< c" and md("> quote") == "\\> quote"


ENGLISH = {
    "categories": {
        "voordelen": "Advantages",
        "nadelen": "Disadvantages",
        "voorwaarden": "Conditions",
    },
    "themes": {"organisatie": "Organisation", "opleiden": "Training"},
}


def english_content(content: Content) -> Content:
    """The seed's content with English labels, as an English programme would have it."""
    data = content.model_dump(mode="json")
    scenarios = data["scenarios_file"]
    scenarios["programme"] = {
        **scenarios["programme"],
        "key": "samen-opleiden-en",
        "language": "en",
    }
    for kind, labels in ENGLISH.items():
        for entry in scenarios[kind]:
            entry["label"] = labels.get(entry["key"], entry["label"])
    return Content.model_validate(data)


def test_english_reports_have_the_same_outline_and_skip_what_nobody_brainstormed(
    database, content
) -> None:
    english = english_content(content)
    programme, _ = database.write_sync(load_programme, content=english)
    created, _ = database.write_sync(create_session, programme_id=programme.id, title="Leeds")
    room = Room(database, created)
    who = room.join()
    f = room.facilitator
    room.do(update_step, actor=f, step_id=room.step_id("brainstorm", 1), fields={"skipped": True})
    for number in (0, 2):
        step = room.step_id("brainstorm", number)
        room.do(activate_step, actor=f, step_id=step)
        for n, (category, theme) in enumerate(
            [
                ("voordelen", None),
                ("voordelen", None),
                ("nadelen", None),
                ("voorwaarden", "opleiden"),
            ]
        ):
            room.do(
                add_item,
                actor=who,
                client_id=f"c{number}{n}",
                step_id=step,
                category=category,
                text=f"Point {number}.{n}",
                theme=theme,
            )
    t = translator("en")
    for kind, report in (
        ("programme", database.read_sync(programme_report, programme.id, translator=translator)),
        ("session", database.read_sync(session_report, room.id, translator=translator)),
    ):
        headings, sections = markdown_sections(to_markdown(report, t))
        assert {"Goal", "Working method", "General impression", "Conclusion"} <= set(headings)
        assert between(
            headings,
            "Scenario 1. Denken vanuit Afstemming",
            "Scenario 2. Denken vanuit Samenwerking",
        ) == [
            "Scenario 1. Denken vanuit Afstemming",
            "Characteristics",
            "Advantages and disadvantages of scenario 1",
            "Most important advantages",
            "Other advantages mentioned",
            "Most important disadvantages",
            "Other disadvantages mentioned",
            "Conditions for scenario 1",
            "Training",
        ]
        # nobody brainstormed scenario 2: its heading and one line, no empty sections
        skipped = between(
            headings,
            "Scenario 2. Denken vanuit Samenwerking",
            "Scenario 3. Denken vanuit Leerloopbaan",
        )
        assert skipped == ["Scenario 2. Denken vanuit Samenwerking"]
        line = (
            "Not discussed in any of the sessions."
            if kind == "programme"
            else "Not discussed in this session."
        )
        assert sections[("Scenario 2. Denken vanuit Samenwerking",)] == [f"*{line}*"]
        assert "Conditions for scenario 3" in headings
