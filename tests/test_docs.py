"""Docs cannot drift: every setting, every event type and every module is documented."""

from __future__ import annotations

import re
from pathlib import Path

from app.settings import Settings
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
