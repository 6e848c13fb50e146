"""SQLite's write-ahead log is copied into the database file by a thread of its own
(`WalCheckpointer`), never by a commit: the write that took the log past 1,000 pages used to
wait for that copy and the disk sync after it, and so did every write queued behind it. The log
must still stay bounded while writes go on, and be in the database file when the server stops."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from session_engine.store.db import WalCheckpointer, create_db_engine

PAGE = 4096
ROW = "x" * 3 * PAGE  # a row over three pages: the log grows by about four pages a row


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "vk.db"


def make_engine(path: Path, background: bool) -> Engine:
    engine = create_db_engine(f"sqlite:///{path}", background_checkpoints=background)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS rows (body TEXT)"))
    return engine


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def write(engine: Engine, rows: int) -> None:
    """`rows` commits of one row each, as the write thread commits a room's items."""
    for _ in range(rows):
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO rows (body) VALUES (:body)"), {"body": ROW})


def log_pages(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size // PAGE if wal.exists() else 0


def test_no_commit_checkpoints_on_a_server_engine(
    path: Path, tmp_path: Path, engines: list[Engine]
) -> None:
    """Past SQLite's 1,000 pages a commit of the default engine copies the log (so the log
    file stops growing there); on the server's engine no commit does."""
    default = make_engine(tmp_path / "default.db", background=False)
    server = make_engine(path, background=True)
    engines += [default, server]
    write(default, 600)
    write(server, 600)
    assert log_pages(tmp_path / "default.db") < 1_100
    assert log_pages(path) > 2_000


def test_the_checkpointer_keeps_the_log_bounded_and_leaves_it_in_the_file(
    path: Path, engines: list[Engine]
) -> None:
    engine = make_engine(path, background=True)
    engines.append(engine)
    checkpointer = WalCheckpointer(engine, every=0.01)
    checkpointer.start()
    try:
        for _ in range(8):  # 8 × 150 rows: about 4,800 pages written in all
            write(engine, 150)
            checkpointer.wait_for_pass()  # one that may have started before the last write
            checkpointer.wait_for_pass()  # and one that started after it
        assert log_pages(path) < 1_500  # the log is written over again, not grown
    finally:
        checkpointer.stop()
    with sqlite3.connect(path) as connection:
        busy, frames, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert (busy, copied) == (0, frames)  # every frame of the log is in the database file
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM rows").fetchone() == (1_200,)
