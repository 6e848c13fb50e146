"""Hatch build hook: the files the server reads at run time (templates, static files,
translations, migrations, the default content) go into the wheel under
session_engine/_bundled/, where session_engine/installed.py finds them.

An editable install gets none of them: it reads them from the checkout, and copies in
site-packages would only go stale. (pyproject's force-include would copy them there too.)
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def bundled_names(root: Path) -> list[str]:
    """session_engine/installed.py's BUNDLED, the one list, read without importing it (the
    build runs without the project's dependencies)."""
    tree = ast.parse((root / "session_engine" / "installed.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "BUNDLED":
            return list(ast.literal_eval(node.value))
    raise RuntimeError("session_engine/installed.py has no BUNDLED")


class BundleHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        for name in bundled_names(Path(self.root)):
            build_data["force_include"][name] = f"session_engine/_bundled/{name}"
