"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL with
VK_TEST_DATABASE=postgres), factories for sessions and participants, and a real uvicorn
server in a subprocess for the realtime tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from session_engine.actors import Actor
from session_engine.content import Content, load_content
from session_engine.joining import Joined, join_session
from session_engine.programmes import load_programme
from session_engine.sessions import CreatedSession, create_session
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.fanout.memory import MemoryFanout
from tests.databases import Databases, make_databases

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios.yaml"
STATEMENTS = ROOT / "statements.yaml"


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(SCENARIOS, STATEMENTS)


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """Makes fresh migrated databases of the backend under test."""
    made = make_databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.close()


@pytest.fixture
def database_url(tmp_path: Path, databases: Databases) -> Iterator[str]:
    url = databases.fresh(tmp_path)
    yield url
    databases.drop(url)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    engine = create_db_engine(database_url)
    database = Database(engine, MemoryFanout())
    yield database
    database.close()
    engine.dispose()


@dataclass
class Room:
    """A session made through the engine, with helpers to act in it."""

    database: Database
    created: CreatedSession

    @property
    def id(self) -> str:
        return self.created.session.id

    @property
    def facilitator(self) -> Actor:
        return Actor("facilitator", self.id)

    def join(self, **profile: str) -> Actor:
        joined: Joined
        joined, _ = self.database.write_sync(
            join_session, code=self.created.session.code, profile=profile
        )
        return Actor("participant", self.id, joined.participant_id)

    def step_id(self, type_: str, nth: int = 0) -> int:
        from session_engine.sessions import agenda

        steps = self.database.read_sync(agenda, self.id)
        step_id = [s.id for s in steps if s.type == type_][nth]
        assert step_id is not None
        return step_id

    def do(self, command: Any, **kwargs: Any) -> Any:
        result, _ = self.database.write_sync(command, **kwargs)
        return result


@pytest.fixture
def make_room(database: Database, content: Content) -> Any:
    def make(title: str = "Zwolle") -> Room:
        programme, _ = database.write_sync(load_programme, content=content)
        created, _ = database.write_sync(
            create_session, programme_id=programme.id, title=title, location=title
        )
        return Room(database, created)

    return make


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A real `versnellingskamer serve` process on a free port."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    port: int

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def start_server(env_overrides: dict[str, str], log: Path, port: int | None = None) -> Server:
    port = port or free_port()
    env = {**os.environ, **env_overrides}
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, process, log)
    return Server(url, process, env_overrides, port)


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # polling for readiness, not waiting for an outcome
    raise RuntimeError(f"server at {url} did not come up in {timeout} s")


ORGANISER_TOKEN = "test-organiser-token-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Server]:
    """One real server per test module; each test makes its own sessions on it."""
    tmp_path = tmp_path_factory.mktemp("server")
    url = databases.fresh(tmp_path)
    server = start_server(
        {"DATABASE_URL": url, "ORGANISER_TOKEN": ORGANISER_TOKEN}, tmp_path / "server.log"
    )
    yield server
    server.stop()
    databases.drop(url)
