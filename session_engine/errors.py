"""Refusals the engine raises; the app maps each to an HTTP status or a socket error."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a refusal a participant can meet for translation; the app translates on display."""
    return message


class EngineError(Exception):
    """Base class: a request the engine refuses, with a message for the user."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EngineError):
    status = 404


class Forbidden(EngineError):
    status = 403


class Invalid(EngineError):
    status = 422


class Conflict(EngineError):
    status = 409
