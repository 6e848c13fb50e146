"""Refusals the engine raises; the app maps each to an HTTP status or a socket error."""

from __future__ import annotations

from typing import NamedTuple


def N_(message: str) -> str:
    """Mark a refusal a participant can meet for translation; the app translates on display."""
    return message


class Plural(NamedTuple):
    """A message whose wording follows a count ("1 deelnemer", "2 deelnemers")."""

    singular: str
    plural: str
    n: int


def ngettext(singular: str, plural: str, n: int) -> Plural:
    """Mark a message with a plural form for translation (extracted as a plural entry); the
    translator (`app.templating.gettext`) picks the form the language uses for `n`."""
    return Plural(singular, plural, n)


class EngineError(Exception):
    """Base class: a request the engine refuses, with a message for the user.

    `template` is the English text, marked with N_(), with a %(name)s placeholder for each
    value given by keyword (`Invalid(N_("Pick at most %(k)s items."), k=3)`); `message` is the
    English text with the values filled in. The app translates the template, then fills in
    the values, so the values never have to be in the catalogue."""

    status = 400

    def __init__(self, template: str, **values: object) -> None:
        message = template % values if values else template
        super().__init__(message)
        self.template = template
        self.values = values
        self.message = message


class NotFound(EngineError):
    status = 404


class Unauthorized(EngineError):
    """No credential at all was sent."""

    status = 401


class Forbidden(EngineError):
    status = 403


class Invalid(EngineError):
    status = 422


class Conflict(EngineError):
    status = 409
