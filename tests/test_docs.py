"""Docs cannot drift: every setting, every event type and every module is documented."""

from __future__ import annotations

import re
from pathlib import Path

from app.settings import Settings
from session_engine.payloads import PAYLOADS, EventType
from session_engine.store.events import EVENT_TYPES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    for name in Settings.model_fields:
        assert f"`{name.upper()}`" in text, f"{name.upper()} is not in docs/configuration.md"


def test_every_event_type_is_documented() -> None:
    text = (DOCS / "events.md").read_text()
    for event_type in EVENT_TYPES:
        assert f"### `{event_type}`" in text, f"{event_type} is not in docs/events.md"


def test_every_field_of_every_event_is_documented() -> None:
    """Each event's section in docs/events.md names every field of its payload model."""
    text = (DOCS / "events.md").read_text()
    for event_type, model in PAYLOADS.items():
        section = text.split(f"### `{event_type.value}`", 1)[1].split("\n### ", 1)[0]
        for field in model.model_fields:
            named = f"`{field}`" in section or f"`{field}:" in section
            assert named or field in _DESCRIBED_ELSEWHERE.get(event_type, ()), (
                f"{event_type.value}: field `{field}` is not in its section of docs/events.md"
            )


# Sections that say "as `step_activated`" or "as `input_locked`" rather than repeat the fields.
_DESCRIBED_ELSEWHERE = {
    EventType.STEP_ADDED: ("step_id", "type", "title", "scenario", "position", "skipped"),
    EventType.STEP_UPDATED: ("step_id", "type", "title", "scenario", "position", "skipped"),
    EventType.INPUT_UNLOCKED: ("step_id", "locked", "blind", "timer"),
    EventType.VISIBILITY_CHANGED: ("step_id", "locked", "blind", "timer"),
    EventType.ITEM_MOVED: ("hidden",),
    EventType.ITEM_EDITED: ("hidden",),
    EventType.ITEMS_MERGED: ("hidden",),
    EventType.ITEM_SPLIT: ("hidden",),
    EventType.ITEM_RESTORED: ("hidden",),
    EventType.COMMENT_ADDED: ("hidden",),
}


def architecture_tree() -> set[str]:
    """The paths named in docs/architecture.md's layout: `name/` opens a folder, and each
    line two spaces deeper names something in it."""
    text = (DOCS / "architecture.md").read_text()
    block = text.split("```\n", 2)[1]
    named: set[str] = set()
    folders: list[str] = []
    for line in block.splitlines():
        match = re.match(r"( {0,8})([\w.]+/?)(  |$)", line)
        if not match:
            continue  # a description carried over to the next line
        depth = len(match[1]) // 2
        folders[depth:] = [match[2]] if match[2].endswith("/") else []
        named.add("".join(folders[:depth]) + match[2])
    return named


def test_every_module_is_named_in_the_architecture() -> None:
    modules = {
        str(path.relative_to(ROOT))
        for layer in ("app", "session_engine")
        for path in (ROOT / layer).rglob("*.py")
        if path.name != "__init__.py"
    }
    named = architecture_tree()
    assert sorted(modules - named) == [], "modules missing from docs/architecture.md"
    assert sorted(m for m in named if m.endswith(".py")) == sorted(modules), (
        "docs/architecture.md names modules that do not exist"
    )
