"""Dutch by default, English complete: every UI string has both translations."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.templating import gettext

LOCALE = Path(__file__).resolve().parents[2] / "locale"


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
