"""Test databases: a migrated SQLite file or PostgreSQL database per test, cloned from one
migrated template (migrating is the slow part). `VK_TEST_DATABASE=postgres` picks PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from session_engine.store.schema import migrate

BACKEND = os.environ.get("VK_TEST_DATABASE", "sqlite")
# Any database on the server will do: it is only used to create and drop the test databases.
POSTGRES_URL = os.environ.get(
    "VK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PREFIX = "vk_test_"

if BACKEND not in ("sqlite", "postgres"):
    raise RuntimeError(f"VK_TEST_DATABASE={BACKEND!r}: use sqlite or postgres")


class SqliteDatabases:
    """Copies of one migrated SQLite file."""

    def __init__(self, folder: Path) -> None:
        self.template = folder / "template.db"
        migrate(f"sqlite:///{self.template}")

    def fresh(self, folder: Path) -> str:
        path = folder / f"vk-{uuid.uuid4().hex[:8]}.db"
        shutil.copy(self.template, path)
        return f"sqlite:///{path}"

    def empty(self, folder: Path) -> str:
        """A database with no tables at all (not migrated)."""
        return f"sqlite:///{folder / f'vk-empty-{uuid.uuid4().hex[:8]}.db'}"

    def drop(self, url: str) -> None:
        return None

    def close(self) -> None:
        return None


class PostgresDatabases:
    """Databases created from one migrated template database, dropped when done."""

    def __init__(self) -> None:
        self.admin: Engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        self.template = self._create(None)
        migrate(self.url(self.template))

    def url(self, name: str) -> str:
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def fresh(self, folder: Path) -> str:
        return self.url(self._create(self.template))

    def empty(self, folder: Path) -> str:
        """A database with no tables at all (not migrated)."""
        return self.url(self._create(None))

    def drop(self, url: str) -> None:
        name = make_url(url).database
        assert name is not None and name.startswith(PREFIX), name
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self.drop(self.url(self.template))
        self.admin.dispose()

    def _create(self, template: str | None) -> str:
        name = f"{PREFIX}{uuid.uuid4().hex[:16]}"
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return name


Databases = SqliteDatabases | PostgresDatabases


def make_databases(folder: Path) -> Databases:
    return PostgresDatabases() if BACKEND == "postgres" else SqliteDatabases(folder)
