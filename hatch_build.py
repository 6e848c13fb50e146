"""Hatch build hook: the files the server reads at run time (templates, static files,
translations, migrations, the default content) go into the wheel under
session_engine/_bundled/, where session_engine/installed.py finds them.

An editable install gets none of them: it reads them from the checkout, and copies in
site-packages would only go stale. (pyproject's force-include would copy them there too.)
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# The same names as session_engine.installed.BUNDLED (tests/deploy/test_wheel.py checks).
BUNDLED = ("templates", "static", "locale", "migrations", "scenarios.yaml", "statements.yaml")


class BundleHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        for name in BUNDLED:
            build_data["force_include"][name] = f"session_engine/_bundled/{name}"
