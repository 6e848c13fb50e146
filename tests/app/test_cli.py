"""The command line: start-up refusals name what is wrong; create-session prints links."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from app.settings import Settings
from tests.conftest import ROOT, SCENARIOS


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_refuses_a_bad_content_file(tmp_path: Path) -> None:
    broken = tmp_path / "scenarios.yaml"
    broken.write_text(SCENARIOS.read_text().replace("key: leerloopbaan", "key: afstemming", 1))
    result = run_cli(
        "serve",
        "--port",
        "1",
        env={"SCENARIOS_FILE": str(broken), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
    )
    assert result.returncode == 2
    assert f"{broken}: entry scenarios.2.key: duplicate key 'afstemming'" in result.stderr


def test_serve_names_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "TIME_ZONE": "Europe/Zwolle"}
    result = run_cli("serve", "--port", "1", env=env)
    assert result.returncode == 2
    assert result.stderr == (
        "versnellingskamer: setting TIME_ZONE: unknown time zone 'Europe/Zwolle', "
        "e.g. Europe/Amsterdam\n"
    )


def test_serve_refuses_to_listen_beyond_localhost_without_organiser_token(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "ORGANISER_TOKEN": ""}
    result = run_cli("serve", "--host", "0.0.0.0", "--port", "1", env=env)
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 without ORGANISER_TOKEN" in result.stderr


def test_serve_says_in_one_line_that_the_database_is_read_only(tmp_path: Path) -> None:
    """A database the server may read but not write (a read-only file or mount; as root, only
    SQLite's read-only mode makes one) is refused at start-up, not at the first submission."""
    from session_engine.store.schema import migrate

    path = tmp_path / "x.db"
    migrate(f"sqlite:///{path}")
    env = {"DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"}
    result = run_cli("serve", "--port", "1", env=env)
    assert result.returncode == 2
    assert result.stderr == (
        f"versnellingskamer: cannot use the database {path}: attempt to write a readonly database\n"
    )


def test_serve_says_in_one_line_that_the_database_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the database's folder should be")
    path = tmp_path / "data" / "x.db"
    result = run_cli("serve", "--port", "1", env={"DATABASE_URL": f"sqlite:///{path}"})
    assert result.returncode == 2
    assert result.stderr == (
        f"versnellingskamer: cannot use the database {path}: "
        f"{tmp_path / 'data'} is a file, not a folder\n"
    )


def test_check_content_and_create_session(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    assert "are valid" in run_cli("check-content", env=env).stdout
    result = run_cli("create-session", "--title", "Zwolle", "--location", "Zwolle", env=env)
    assert result.returncode == 0, result.stderr
    assert "Facilitator:  http://127.0.0.1:8000/console/" in result.stdout
    assert "Participants: http://127.0.0.1:8000/join?code=" in result.stdout
    assert "/docs" not in result.stdout  # removed with the CSP: the link would be a 404


def test_init_content_writes_the_defaults_and_check_content_reads_them_from_content_dir(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "programme"
    result = run_cli("init-content", str(folder), env={})
    assert result.returncode == 0, result.stderr
    assert (folder / "scenarios.yaml").read_text() == SCENARIOS.read_text()
    assert (folder / "statements.yaml").read_text() == (ROOT / "statements.yaml").read_text()

    env = {"CONTENT_DIR": str(folder)}
    result = run_cli("check-content", env=env)
    assert result.stdout == (
        f"{folder / 'scenarios.yaml'} and {folder / 'statements.yaml'} are valid.\n"
    )
    scenarios = folder / "scenarios.yaml"
    scenarios.write_text(scenarios.read_text().replace("key: leerloopbaan", "key: afstemming", 1))
    result = run_cli("check-content", env=env)
    assert result.returncode == 2
    assert f"{scenarios}: entry scenarios.2.key: duplicate key 'afstemming'" in result.stderr


def test_init_content_overwrites_only_when_forced(tmp_path: Path) -> None:
    (tmp_path / "statements.yaml").write_text("mine")
    result = run_cli("init-content", str(tmp_path), env={})
    assert result.returncode == 2
    assert "not overwriting" in result.stderr and "--force" in result.stderr
    assert (tmp_path / "statements.yaml").read_text() == "mine"
    assert not (tmp_path / "scenarios.yaml").exists()

    assert run_cli("init-content", str(tmp_path), "--force", env={}).returncode == 0
    assert (tmp_path / "statements.yaml").read_text() == (ROOT / "statements.yaml").read_text()


def test_version_is_pyproject_s(tmp_path: Path) -> None:
    with (ROOT / "pyproject.toml").open("rb") as pyproject:
        expected = tomllib.load(pyproject)["project"]["version"]
    result = run_cli("--version", env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"versnellingskamer {expected}\n"


def test_a_content_file_set_on_its_own_wins_over_content_dir(tmp_path: Path) -> None:
    mine = tmp_path / "elsewhere.yaml"
    settings = Settings(content_dir=tmp_path / "programme", statements_file=mine)
    assert settings.scenarios_file == tmp_path / "programme" / "scenarios.yaml"
    assert settings.statements_file == mine
    assert Settings().scenarios_file.read_text() == SCENARIOS.read_text()
