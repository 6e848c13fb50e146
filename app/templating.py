"""Jinja2 environments, one per UI language, with gettext catalogues from locale/*.po."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import HTTPConnection

from session_engine.errors import Plural
from session_engine.installed import bundled, version
from session_engine.sessions import session_date

from .settings import get_settings
from .static_files import static_url

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LOCALE_DIR = bundled("locale")
TEMPLATE_DIR = bundled("templates")


@cache
def translations(language: str) -> Translations:
    return load_translations(language)


def gettext(language: str, message: str | Plural, **values: object) -> str:
    """Translate a message outside templates (errors, labels), with %(name)s values; a
    `Plural` (marked with `ngettext`) in the form its count asks for in this language."""
    catalogue = translations(language)
    if isinstance(message, Plural):
        translated: str = catalogue.ngettext(message.singular, message.plural, message.n)
    else:
        translated = catalogue.gettext(message)
    return translated % values if values else translated


def load_translations(language: str, locale_dir: Path = LOCALE_DIR) -> Translations:
    """Compile the language's .po in memory: no build step, the .po is the source of truth."""
    path = locale_dir / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def qr_svg(data: str, scale: int = 6) -> Markup:
    """An inline SVG QR code (segno), dark on light, with an accessible title."""
    svg = segno.make(data, error="m").svg_inline(scale=scale, title=data, border=2)
    return Markup(svg)


def local_time(moment: datetime | str | None, shape: str = "%Y-%m-%d %H:%M %Z") -> str:
    """A stored moment (UTC: naive as SQLite gives it back, aware, or ISO text) as the clock
    on the wall shows it in TIME_ZONE, with the zone's abbreviation: "2026-06-01 09:00 CEST"."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(get_settings().time_zone)).strftime(shape)


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        qr_svg=qr_svg,
        static=static_url,
        language=language,
        languages=LANGUAGES,
        app_version=version(),
    )
    env.filters["decimal"] = lambda value: format_decimal(value, format="0.0#", locale=language)
    env.filters["session_date"] = lambda value: session_date(value, language)
    env.filters["local_time"] = local_time
    env.globals["time_zone"] = lambda: get_settings().time_zone
    return env


def render(name: str, language: str, **context: Any) -> str:
    return environment(language).get_template(name).render(**context)


def asked_language(request: HTTPConnection) -> str | None:
    """The language a request asks for (`X-VK-Lang`, else the `vk_lang` cookie), if known."""
    candidates = (request.headers.get("x-vk-lang"), request.cookies.get("vk_lang"))
    return next((c for c in candidates if c in LANGUAGES), None)


def pick_language(*candidates: str | None) -> str:
    return next((c for c in candidates if c in LANGUAGES), DEFAULT_LANGUAGE)
