"""Alembic environment: the URL comes from the caller (config attribute) or DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import session_engine.models  # noqa: F401  (registers the tables)
from session_engine.store.db import STARTUP_LOCK, create_db_engine

config = context.config
url = config.attributes.get("database_url") or os.environ.get(
    "DATABASE_URL", "sqlite:///./data/versnellingskamer.db"
)


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=SQLModel.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_db_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite changes a column by rebuilding its table: dropped while other tables' rows
            # point at it. Keys are checked once, after the migrations, instead (SQLite's own
            # advice; the pragma works only outside a transaction, and this connection is
            # disposed of below).
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            # One transaction for the whole upgrade, on SQLite too (Alembic would commit each
            # migration on its own there): a second server starting at once waits on the
            # write lock and then finds every migration done, not half of them.
            transactional_ddl=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Several servers starting at once on one database: one migrates, the
                # others wait here and then find it done (SQLite: its write lock does this).
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": STARTUP_LOCK}
                )
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
