"""What ships with the code, found the same way in a checkout and in an installed wheel.

The repository keeps templates/, static/, locale/, migrations/ and the default content at its
top level; the wheel carries them under `session_engine/_bundled/` (hatch_build.py puts them
there). `bundled()` is the one place that knows both layouts, so no module looks in the
current directory or counts parent folders. `version()` reads the one version there is, pyproject's.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as distribution_version
from importlib.resources import files
from pathlib import Path

DISTRIBUTION = "versnellingskamer"
# Everything `bundled()` may be asked for: hatch_build.py puts these in the wheel.
BUNDLED = ("templates", "static", "locale", "migrations", "scenarios.yaml", "statements.yaml")
DEFAULT_CONTENT = ("scenarios.yaml", "statements.yaml")


def package_dir() -> Path:
    """session_engine's folder (a wheel is installed unpacked, so it is a real folder)."""
    return Path(str(files(__package__ or "session_engine")))


def bundled(name: str) -> Path:
    """The shipped file or folder `name`: inside the installed package, else in the checkout
    that holds the package (an editable install, or PYTHONPATH)."""
    if name not in BUNDLED:  # it would be found in a checkout but missing from the wheel
        raise ValueError(f"{name} is not shipped: add it to BUNDLED")
    installed = package_dir() / "_bundled" / name
    if installed.exists():
        return installed
    checkout = package_dir().parent / name
    if checkout.exists():
        return checkout
    raise FileNotFoundError(f"{name} is neither at {installed} nor at {checkout}")


def version() -> str:
    """The installed distribution's version; from a bare checkout (no install), pyproject's."""
    try:
        return distribution_version(DISTRIBUTION)
    except PackageNotFoundError:
        pyproject = package_dir().parent / "pyproject.toml"
        with pyproject.open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
