"""Dutch by default, English complete: every UI string has both translations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from app.templating import environment, gettext
from session_engine.content import AgendaStep, Content
from session_engine.errors import ngettext
from session_engine.programmes import load_programme
from session_engine.sessions import agenda, create_session
from session_engine.store.database import Database

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_catalogue_is_complete(language: str) -> None:
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    with (LOCALE / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    missing = [m.id for m in template if m.id and not translated(catalog.get(m.id))]
    assert missing == [], f"untranslated in {language}: {missing}"


def translated(message: Message | None) -> bool:
    """A translation, and for a message with a plural every one of its forms."""
    if message is None:
        return False
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(forms) and all(forms)


def test_placeholders_survive_translation() -> None:
    message = "Pick at most %(k)s items in %(column)s."
    assert gettext("nl", message, k=3, column="Nadelen") == "Kies maximaal 3 bijdragen bij Nadelen."
    assert gettext("en", message, k=3, column="Cons") == "Pick at most 3 items in Cons."


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("nl", "1 samengevoegde bijdrage", "2 samengevoegde bijdragen"),
        ("en", "1 merged contribution", "2 merged contributions"),
    ],
)
def test_a_count_and_its_noun_agree(language: str, one: str, two: str) -> None:
    """Not "1 bijdragen", nor "1 samengevoegd": ngettext picks the form for the count."""
    merged = "{{ ngettext('%(num)s merged contribution', '%(num)s merged contributions', n) }}"
    template = environment(language).from_string(merged)
    assert (template.render(n=1), template.render(n=2)) == (one, two)
    took_part = ngettext("%(n)s participant took part.", "%(n)s participants took part.", 1)
    assert gettext(language, took_part, n=1).startswith("1 ")
    assert gettext("nl", took_part, n=1) == "1 deelnemer nam deel."


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
        if m.id
        and any(
            sorted(placeholder.findall(original)) != sorted(placeholder.findall(translation))
            for original, translation in forms(m)
        )
    ]
    assert changed == []


def forms(message: Message) -> list[tuple[str, str]]:
    """Each translated form with the message it translates (the plural for all but one)."""
    if not isinstance(message.id, tuple):
        return [(message.id, str(message.string))]
    singular, plural = message.id
    return [(singular if n == 0 else plural, s) for n, s in enumerate(message.string)]


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
        listed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}
    assert sorted(found - listed) == [], "not in locale/messages.pot: run make messages"
    assert sorted(listed - found) == [], "no longer used: run make messages"


def test_figures_are_written_as_the_language_writes_them() -> None:
    """Means on screens: 4,5 in Dutch, 4.5 in English (and in reports, docs/reports.md)."""
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


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("en", ["Statements", "Glossary", "Preference"]),
        ("nl", ["Stellingen", "Begrippenlijst", "Voorkeur"]),
    ],
)
def test_untitled_agenda_steps_are_named_in_the_session_language(
    database: Database, content: Content, language: str, titles: list[str]
) -> None:
    """Not "statements" (the type's key) nor a Dutch name in an English session."""
    programme = content.programme.model_copy(
        update={"key": f"untitled-{language}", "language": language}
    )
    untitled = [AgendaStep(type=t) for t in ("statements", "glossary", "preference")]
    scenarios = content.scenarios_file.model_copy(
        update={"programme": programme, "agenda": untitled}
    )
    own = content.model_copy(update={"scenarios_file": scenarios})
    stored, _ = database.write_sync(load_programme, content=own)
    created, _ = database.write_sync(
        create_session, programme_id=stored.id, title="Zwolle", translate=gettext
    )
    steps = database.read_sync(agenda, created.session.id)
    assert [s.title for s in steps] == titles


BUILT_IN_NL = [
    "Welkom",
    "Scenario 1: Afstemming",
    "Scenario 1: bundelen",
    "Scenario 1: belangrijkste punten",
    "Scenario 2: Samenwerking",
    "Scenario 2: bundelen",
    "Scenario 2: belangrijkste punten",
    "Scenario 3: Leerloopbaan",
    "Scenario 3: bundelen",
    "Scenario 3: belangrijkste punten",
    "Stellingen",
    "Begrippen",
    "Voorkeursscenario",
]
BUILT_IN_EN = [
    "Welcome",
    "Scenario 1: Afstemming",  # the scenario's own name, as the programme writes it
    "Scenario 1: converging",
    "Scenario 1: most important points",
    "Scenario 2: Samenwerking",
    "Scenario 2: converging",
    "Scenario 2: most important points",
    "Scenario 3: Leerloopbaan",
    "Scenario 3: converging",
    "Scenario 3: most important points",
    "Statements",
    "Terms",
    "Preferred scenario",
]


@pytest.mark.parametrize(("language", "titles"), [("nl", BUILT_IN_NL), ("en", BUILT_IN_EN)])
def test_the_default_agendas_built_in_titles_are_in_the_session_language(
    database: Database, content: Content, language: str, titles: list[str]
) -> None:
    """The shipped scenarios.yaml words its agenda in Dutch: an English session of it reads
    English step titles; a title the programme wrote itself stays as written."""
    programme = content.programme.model_copy(
        update={"key": f"built-in-{language}", "language": language}
    )
    steps = [*content.scenarios_file.agenda, AgendaStep(type="statements", title="Stellingen?")]
    scenarios = content.scenarios_file.model_copy(update={"programme": programme, "agenda": steps})
    own = content.model_copy(update={"scenarios_file": scenarios})
    stored, _ = database.write_sync(load_programme, content=own)
    created, _ = database.write_sync(
        create_session, programme_id=stored.id, title="Zwolle", translate=gettext
    )
    found = database.read_sync(agenda, created.session.id)
    assert [s.title for s in found] == [*titles, "Stellingen?"]
