"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL with
VK_TEST_DATABASE=postgres), the engine-level `Room` factory, and a real uvicorn server in a
subprocess for the realtime tests (the harness for driving it is tests/harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from session_engine.actors import Actor
from session_engine.content import Content, load_content
from session_engine.joining import Joined, join_session
from session_engine.programmes import load_programme
from session_engine.sessions import CreatedSession, create_session
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.fanout.memory import MemoryFanout
from tests.databases import BACKEND, Databases, make_databases
from tests.harness import ORGANISER_TOKEN, ROOT, Server, start_server

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
    """A session made through the engine, with helpers to act in it.

    The engine layer: commands run on the `Database` directly, no HTTP and no sockets. Tests
    that drive a session as a client does use `tests.harness.LiveRoom` instead."""

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


# App tests whose outcome depends on the database: SQL that differs between the backends
# (locks, NUL bytes, integer ranges, time zones, JSON, deletes), catch-up from the database,
# several processes on one database. The PostgreSQL run takes these, everything under
# tests/engine, tests/reliability and tests/deploy that uses a test database; the other app
# tests (pages, headers, access rules, fuzzing, file formats) check code that runs the same on
# either backend above the engine and already ran in the SQLite run.
POSTGRES_APP_MODULES = frozenset(
    {
        "test_api.py",
        "test_blind.py",
        "test_bulk.py",
        "test_closing.py",
        "test_control_characters.py",
        "test_curation.py",
        "test_dashboard_hub.py",
        "test_facilitation_api.py",
        "test_hardening.py",
        "test_late.py",
        "test_online.py",
        "test_publishing.py",
        "test_realtime.py",
        "test_reports.py",
        "test_retention.py",
        "test_scaleout.py",
        "test_takeback.py",
        "test_voting_api.py",
    }
)


def runs_on_postgres(item: pytest.Item) -> bool:
    if "databases" not in getattr(item, "fixturenames", ()):
        return False
    path = item.path
    return path.parent.name != "app" or path.name in POSTGRES_APP_MODULES


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests whose outcome depends on the database
    (`runs_on_postgres`): the others do the same on either backend and already ran in the
    SQLite pass of `make test`."""
    if BACKEND != "postgres":
        return
    kept: list[pytest.Item] = []
    other: list[pytest.Item] = []
    for item in items:
        (kept if runs_on_postgres(item) else other).append(item)
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = kept
