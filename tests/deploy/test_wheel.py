"""Installed like a user installs it: the built wheel in a fresh virtualenv outside the
repository, `versnellingskamer serve` started from an empty folder. Nothing of the checkout
is on the path, so a file left out of the wheel shows up here as a failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from session_engine.installed import BUNDLED
from tests.harness import ORGANISER, ORGANISER_TOKEN, ROOT, bearer, free_port, wait_until_up

pytestmark = pytest.mark.install
PREFIX = "session_engine/_bundled/"


def pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as pyproject:
        return str(tomllib.load(pyproject)["project"]["version"])


def outside_env(**extra: str) -> dict[str, str]:
    """The environment without anything pointing into the checkout or its virtualenv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, **extra}


@dataclass
class Built:
    wheel: Path
    sdist: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sdist, and the wheel built from it, as a release would be made."""
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return Built(next(out.glob("*.whl")), next(out.glob("*.tar.gz")))


def shipped_files() -> set[str]:
    """Every file of the checkout that the server reads at run time, as repository paths."""
    found: set[str] = set()
    for name in BUNDLED:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        found |= {str(f.relative_to(ROOT)) for f in files if "__pycache__" not in f.parts}
    return found


def test_the_wheel_and_sdist_hold_every_template_static_file_migration_and_content(
    built: Built,
) -> None:
    in_wheel = set(zipfile.ZipFile(built.wheel).namelist())
    shipped = shipped_files()
    for kind in ("templates/", "static/vendor/htmx-", "locale/nl/", "migrations/versions/"):
        assert any(name.startswith(kind) for name in shipped), kind
    assert {"scenarios.yaml", "statements.yaml", "migrations/env.py"} <= shipped
    assert sorted(f"{PREFIX}{name}" for name in shipped if f"{PREFIX}{name}" not in in_wheel) == []
    modules = {
        str(p.relative_to(ROOT))
        for pkg in ("app", "session_engine")
        for p in (ROOT / pkg).rglob("*.py")
    }
    assert sorted(modules - in_wheel) == []
    assert not [name for name in in_wheel if "__pycache__" in name]
    with tarfile.open(built.sdist) as sdist:
        top = f"versnellingskamer-{pyproject_version()}/"
        in_sdist = {name.removeprefix(top) for name in sdist.getnames()}
    assert sorted((shipped | modules | {"hatch_build.py"}) - in_sdist) == []


@dataclass
class Venv:
    path: Path

    def bin(self, name: str) -> str:
        return str(self.path / "bin" / name)

    def run(self, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
        command = [self.bin("versnellingskamer"), *args]
        return subprocess.run(
            command, cwd=cwd, env=outside_env(**env), capture_output=True, text=True, timeout=120
        )


@pytest.fixture(scope="module")
def venv(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A fresh virtualenv with the wheel and its dependencies from the package index (pip's
    cache makes the second time quick; not compiling every dependency's .pyc saves the most)."""
    made = Venv(tmp_path_factory.mktemp("venv") / "venv")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(made.path)], check=True, timeout=120)
    install = [made.bin("python"), "-m", "pip", "install", "--quiet", "--no-compile"]
    install.append(str(built.wheel))
    result = subprocess.run(install, env=outside_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return made


@pytest.fixture(scope="module")
def served(venv: Venv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`versnellingskamer serve` from an empty folder, with every default: its URL and folder."""
    folder = tmp_path_factory.mktemp("empty")
    port = free_port()
    log = folder.parent / "serve.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [venv.bin("versnellingskamer"), "serve", "--port", str(port)],
            cwd=folder,
            env=outside_env(ORGANISER_TOKEN=ORGANISER_TOKEN),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log, timeout=60)
        yield url, folder
    finally:
        process.terminate()
        process.wait(10)


def test_the_installed_package_reads_its_files_from_site_packages(
    venv: Venv, tmp_path: Path
) -> None:
    code = "from session_engine.installed import bundled; print(bundled('templates'))"
    result = subprocess.run(
        [venv.bin("python"), "-c", code], cwd=tmp_path, env=outside_env(), capture_output=True
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.decode().strip()).is_relative_to(venv.path)
    version = venv.run("--version", cwd=tmp_path)
    assert version.stdout == f"versnellingskamer {pyproject_version()}\n"


def test_a_session_runs_on_the_installed_server(served: tuple[str, Path]) -> None:
    url, folder = served
    assert (folder / "data" / "versnellingskamer.db").is_file()  # the default, in the folder
    with httpx.Client(base_url=url, timeout=30) as http:
        join_page = http.get("/join")
        assert join_page.status_code == 200
        assert f"Versnellingskamer {pyproject_version()}" in join_page.text
        assert "Naar de inhoud" in join_page.text  # the Dutch catalogue is there
        assert "Skip to content" in http.get("/join?lang=en").text
        htmx = next((ROOT / "static" / "vendor").glob("htmx-2*.min.js"))
        static = http.get(f"/static/vendor/{htmx.name}")
        assert static.status_code == 200 and static.content == htmx.read_bytes()
        assert http.get("/api/version").json() == {"version": pyproject_version()}

        created = http.post("/api/sessions", json={"title": "Zwolle"}, headers=ORGANISER)
        assert created.status_code == 201, created.text
        sid, facilitator = created.json()["id"], bearer(created.json()["facilitator_key"])
        joined = http.post("/api/join", json={"code": created.json()["code"]})
        assert joined.status_code == 201, joined.text
        token = joined.json()["token"]
        steps = http.get(f"/api/sessions/{sid}", headers=facilitator).json()["steps"]
        step = next(s["id"] for s in steps if s["type"] == "brainstorm")
        ws_url = url.replace("http://", "ws://")
        with connect(f"{ws_url}/api/sessions/{sid}/ws?token={token}") as ws:
            activated = http.post(f"/api/sessions/{sid}/steps/{step}/activate", headers=facilitator)
            assert activated.status_code == 200
            item = {"client_id": "c1", "step_id": step, "category": "nadelen", "text": "te duur"}
            assert (
                http.post(
                    f"/api/sessions/{sid}/items", json=item, headers=bearer(token)
                ).status_code
                == 201
            )
            texts = receive_item_texts(ws, 1)
        assert texts == ["te duur"]

        for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
            report = http.get(f"/api/sessions/{sid}/report.{fmt}", headers=facilitator)
            assert report.status_code == 200, report.text
            assert report.content.startswith(magic)
        assert "te duur" in http.get(f"/api/sessions/{sid}/report.md", headers=facilitator).text


def receive_item_texts(ws: ClientConnection, count: int) -> list[str]:
    """The texts of the next `count` item_added events (other events pass by)."""
    texts: list[str] = []
    while len(texts) < count:
        event = json.loads(ws.recv(timeout=30))
        if event.get("type") == "item_added":
            texts.append(event["data"]["item"]["text"])
    return texts


def test_check_content_validates_an_organisers_content_dir(venv: Venv, tmp_path: Path) -> None:
    folder = tmp_path / "programme"
    written = venv.run("init-content", str(folder), cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (folder / "scenarios.yaml").read_text() == (ROOT / "scenarios.yaml").read_text()

    checked = venv.run("check-content", cwd=tmp_path, CONTENT_DIR=str(folder))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == (
        f"{folder / 'scenarios.yaml'} and {folder / 'statements.yaml'} are valid.\n"
    )
    scenarios = folder / "scenarios.yaml"
    scenarios.write_text(scenarios.read_text().replace("key: leerloopbaan", "key: afstemming", 1))
    refused = venv.run("check-content", cwd=tmp_path, CONTENT_DIR=str(folder))
    assert refused.returncode == 2
    assert f"{scenarios}: entry scenarios.2.key: duplicate key 'afstemming'" in refused.stderr
