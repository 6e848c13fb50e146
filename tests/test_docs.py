"""Docs cannot drift: every setting and every event type is documented."""

from __future__ import annotations

from pathlib import Path

from app.settings import Settings
from session_engine.events import EVENT_TYPES

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    for name in Settings.model_fields:
        assert f"`{name.upper()}`" in text, f"{name.upper()} is not in docs/configuration.md"


def test_every_event_type_is_documented() -> None:
    text = (DOCS / "events.md").read_text()
    for event_type in EVENT_TYPES:
        assert f"### `{event_type}`" in text, f"{event_type} is not in docs/events.md"
