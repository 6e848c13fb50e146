"""Database engines: SQLite (WAL, immediate transactions) by default, PostgreSQL by URL."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as Db
from sqlalchemy.orm import sessionmaker

BUSY_TIMEOUT_MS = 10_000
# How often the background checkpointer copies SQLite's write-ahead log into the database file.
CHECKPOINT_EVERY = 1.0

log = logging.getLogger(__name__)
MAX_INTEGER = 2**31 - 1  # the largest id both SQLite and PostgreSQL (integer columns) store


def storable_id(value: int) -> bool:
    """An id a database can hold: anything else names nothing (and must not reach a query)."""
    return 0 < value <= MAX_INTEGER


READONLY = "vk_readonly"
# PostgreSQL advisory lock taken by whatever several server processes starting at once would
# otherwise race on: migrations, storing the programme. Any constant; this one spells "VKst".
STARTUP_LOCK = 0x564B7374

__all__ = [
    "Db",
    "WalCheckpointer",
    "check_writable",
    "create_db_engine",
    "database_name",
    "make_session_factory",
]


def create_db_engine(url: str, *, background_checkpoints: bool = False) -> Engine:
    """Create an engine for `url`; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE.
    Statement parameters never appear in errors or logs: they hold what people typed and
    whose it is (an item's text next to its participant id).

    `background_checkpoints` (SQLite, the server): no connection checkpoints the write-ahead
    log when it commits; a `WalCheckpointer` thread does, so no write waits for it."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
        )
    pool: dict[str, int] = {}
    if parsed.database and parsed.database != ":memory:":
        Path(sqlite_file(url)).parent.mkdir(parents=True, exist_ok=True)
        # As many pooled connections as the Database has threads (1 write + 8 read): one beyond
        # the pool is closed after use, and reopening it repeats the PRAGMAs below.
        pool = {"pool_size": 10, "max_overflow": 10}
    engine = create_engine(
        url,
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        **pool,
    )
    _configure_sqlite(engine, autocheckpoint=0 if background_checkpoints else 1000)
    return engine


def sqlite_file(url: str) -> str:
    """The file of a SQLite URL, also when given as a SQLite URI (`file:…?mode=ro&uri=true`)."""
    parsed = make_url(url)
    database = parsed.database or ""
    return database.removeprefix("file:") if parsed.query.get("uri") == "true" else database


def database_name(url: str) -> str:
    """The database for a message: a SQLite file, or the URL without its password."""
    if make_url(url).get_backend_name() == "sqlite":
        return sqlite_file(url)
    return make_url(url).render_as_string(hide_password=True)


def check_writable(url: str) -> None:
    """Raise the driver's error if the database cannot be written (a read-only file, folder,
    mount or server): better said at start-up than at the first participant's submission.
    Needs a migrated database; changes nothing."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection, connection.begin() as transaction:
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            transaction.rollback()
    finally:
        engine.dispose()


def _configure_sqlite(engine: Engine, autocheckpoint: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA wal_autocheckpoint={autocheckpoint}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the lock up front: no "database is locked" on a read-to-write upgrade.
        readonly = connection.get_execution_options().get(READONLY, False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class WalCheckpointer:
    """Copies SQLite's write-ahead log into the database file every `every` seconds, in a
    thread of its own, on a connection of its own.

    SQLite's default is that the commit which takes the log past 1,000 pages copies it then
    and there, syncing the database file to disk: that write, and every write queued behind it
    on the one write thread, waited 5–40 ms for the disk about every few hundred submissions,
    which was most of the worst 1 % of deliveries in a busy room. A passive checkpoint here
    runs beside the writer (which goes on appending to the log) and never waits for a lock,
    and the driver lets go of the interpreter lock while SQLite syncs. The engine must be made
    with `background_checkpoints=True`, so that commits no longer checkpoint themselves."""

    def __init__(self, engine: Engine, every: float = CHECKPOINT_EVERY) -> None:
        self.engine = engine
        self.every = every
        self.checkpoints = 0  # completed passes
        self._passed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="vk-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop, after one last pass: the log is in the database file when the server ends."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def wait_for_pass(self, timeout: float = 10) -> None:
        """Wait until the pass after this moment has finished."""
        with self._passed:
            seen = self.checkpoints
            if not self._passed.wait_for(lambda: self.checkpoints > seen, timeout):
                raise TimeoutError("no checkpoint pass finished")

    def _run(self) -> None:
        connection = self.engine.raw_connection()
        try:
            while True:
                stopping = self._stop.wait(self.every)
                try:
                    cursor = connection.cursor()
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    cursor.close()
                except Exception:  # a busy or failing disk: the log waits for the next pass
                    log.exception("checkpoint of the write-ahead log failed")
                with self._passed:
                    self.checkpoints += 1
                    self._passed.notify_all()
                if stopping:
                    return
        finally:
            connection.close()


def checkpoint_wal(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database file and empty it, so rows that were
    just rewritten (closing.py) are no longer readable from the log. Outside any transaction,
    on the driver's own connection; nothing to do on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        connection.close()


def hold_startup_lock(db: Db) -> None:
    """Until this transaction ends, be the only process doing start-up work (PostgreSQL;
    on SQLite, BEGIN IMMEDIATE already makes databases take turns)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STARTUP_LOCK})


def make_session_factory(engine: Engine, *, readonly: bool = False) -> sessionmaker[Db]:
    """Sessions for writing, or (readonly) for reading without taking SQLite's write lock."""
    bind = engine.execution_options(**{READONLY: True}) if readonly else engine
    return sessionmaker(bind, expire_on_commit=False)
