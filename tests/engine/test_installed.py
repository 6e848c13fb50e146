"""The resolver of shipped files, in a checkout: each shipped name is found at the top level
of the repository, never in the current directory, and an unshipped name is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from session_engine.installed import BUNDLED, bundled
from tests.harness import ROOT


def test_every_shipped_name_is_found_in_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in BUNDLED:
        assert bundled(name) == ROOT / name


def test_a_name_that_is_not_shipped_is_refused() -> None:
    with pytest.raises(ValueError, match=r"README\.md is not shipped"):
        bundled("README.md")
