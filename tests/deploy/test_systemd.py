"""The shipped systemd units are valid: `systemd-analyze verify` finds nothing to say about
them (an unknown or misspelt key, a bad value, a missing binary), pointed at a real
`versnellingskamer` command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import ROOT

INSTALLED = "/opt/versnellingskamer/bin/versnellingskamer"


@pytest.mark.parametrize(
    ("unit", "instance"),
    [("versnellingskamer.service", None), ("versnellingskamer@.service", "8001")],
)
def test_the_unit_verifies_cleanly(unit: str, instance: str | None, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is not installed (apt-get install systemd)")
    text = (ROOT / "deploy" / unit).read_text()
    assert INSTALLED in text and "EnvironmentFile=/etc/versnellingskamer/env" in text
    command = Path(sys.executable).parent / "versnellingskamer"
    text = text.replace(INSTALLED, str(command))
    text = text.replace("EnvironmentFile=/etc/", f"EnvironmentFile=-{tmp_path}/")
    (tmp_path / unit).write_text(text)
    name = unit.replace("@", f"@{instance}") if instance else unit
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / name)], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")
    for hardening in ("DynamicUser=yes", "ProtectSystem=strict", "PrivateTmp=yes"):
        assert hardening in text
