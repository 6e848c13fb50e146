"""The Dutch DPIA pack cannot cite a test that is gone: every `tests/…py::test_name` it names
must be a test function in that file, and every `tests/…py` it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "privacy-nl.md"

REFERENCE = re.compile(r"(tests/[\w/]+\.py)(?:::(test_\w+))?")


def references() -> list[tuple[str, str | None]]:
    return [(m[1], m[2]) for m in REFERENCE.finditer(DOC.read_text())]


def test_the_dpia_pack_cites_tests() -> None:
    assert len([name for _, name in references() if name]) >= 50


def test_every_test_the_dpia_pack_cites_exists() -> None:
    missing = []
    for path, name in references():
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
            continue
        if name and not re.search(rf"^\s*(?:async\s+)?def {name}\(", file.read_text(), re.M):
            missing.append(f"{path}::{name}")
    assert missing == [], "docs/privacy-nl.md cites tests that do not exist"
