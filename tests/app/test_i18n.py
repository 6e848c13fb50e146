"""Dutch by default, English complete: every UI string has both translations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from app.templating import gettext

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_catalogue_is_complete(language: str) -> None:
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    with (LOCALE / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    missing = [m.id for m in template if m.id and not (catalog.get(m.id) and catalog[m.id].string)]
    assert missing == [], f"untranslated in {language}: {missing}"


def test_placeholders_survive_translation() -> None:
    assert gettext("nl", "%(n)s items", n=3) == "3 bijdragen"
    assert gettext("en", "%(n)s items", n=3) == "3 items"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_translation_keeps_the_placeholders_of_its_message(language: str) -> None:
    """A refusal's values are filled into the translation: a lost or renamed %(name)s
    would drop the value or fail on display."""
    placeholder = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-z]")
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    changed = [
        m.id
        for m in catalog
        if m.id and sorted(placeholder.findall(m.id)) != sorted(placeholder.findall(m.string))
    ]
    assert changed == []


def test_refusals_translate_before_their_values_are_filled_in() -> None:
    template = "Unknown category %(category)r; choose one of %(known)s."
    values = {"category": "nieuws", "known": "voordelen, nadelen"}
    assert gettext("nl", template, **values) == (
        "Onbekende categorie 'nieuws'; kies uit voordelen, nadelen."
    )
    assert gettext("en", template, **values) == (
        "Unknown category 'nieuws'; choose one of voordelen, nadelen."
    )


def test_template_is_up_to_date_with_the_code() -> None:
    """A string marked in a template or module but missing from messages.pot would show
    untranslated: `make messages` was not run after adding it."""
    method_map = [
        ("app/**.py", "python"),
        ("session_engine/**.py", "python"),
        ("templates/**.html", "jinja2"),
    ]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
    keywords = {**DEFAULT_KEYWORDS, "_": None, "N_": None, "gettext": (2,)}
    found = {
        message if isinstance(message, str) else message[0]
        for *_, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options, keywords=keywords
        )
    }
    with (LOCALE / "messages.pot").open("rb") as pot:
        listed = {m.id for m in read_po(pot) if m.id}
    assert sorted(found - listed) == [], "not in locale/messages.pot: run make messages"
    assert sorted(listed - found) == [], "no longer used: run make messages"


def test_figures_are_written_as_the_language_writes_them() -> None:
    """Means on screens: 4,5 in Dutch, 4.5 in English (and in reports, docs/reports.md)."""
    from app.templating import environment
    from session_engine.reports.exports.labels import mean_text

    assert [environment("nl").filters["decimal"](v) for v in (4.5, 3.25, 2.0)] == [
        "4,5",
        "3,25",
        "2,0",
    ]
    assert environment("en").filters["decimal"](4.5) == "4.5"
    assert (mean_text(3.357, "nl"), mean_text(3.357, "en"), mean_text(None, "nl")) == (
        "3,36",
        "3.36",
        "–",
    )
