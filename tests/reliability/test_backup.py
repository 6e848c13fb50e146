"""`versnellingskamer backup` copies a database that is being written to: the copy opens,
passes SQLite's integrity check and holds every session's log without gaps."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from tests.app.test_cli import run_cli
from tests.reliability.driver import brainstorm_room, own_server, post_until_acked


def test_backups_during_a_burst_of_writes_are_consistent(tmp_path: Path) -> None:
    server = own_server(tmp_path)
    room = brainstorm_room(server)
    tokens = [room.join_token() for _ in range(4)]
    deadline = time.monotonic() + 120

    def write(n: int) -> None:
        for i in range(60):
            post_until_acked(room, tokens[n], f"b{n}-{i}", deadline)

    writers = [threading.Thread(target=write, args=(n,), daemon=True) for n in range(4)]
    for thread in writers:
        thread.start()
    try:
        env = {"DATABASE_URL": server.env["DATABASE_URL"]}
        copies = []
        while any(t.is_alive() for t in writers) or not copies:
            copy = tmp_path / f"backup-{len(copies)}.db"
            result = run_cli("backup", "-o", str(copy), env=env)
            assert result.returncode == 0, result.stderr
            assert f"Backed up to {copy}:" in result.stdout
            copies.append(copy)
        for copy in copies:
            with sqlite3.connect(copy) as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                (last,) = db.execute("SELECT last_seq FROM session WHERE id = ?", (room.id,))
                seqs = [
                    s
                    for (s,) in db.execute(
                        "SELECT seq FROM event WHERE session_id = ? ORDER BY seq", (room.id,)
                    )
                ]
                assert seqs == list(range(1, last[0] + 1))
                (items,) = db.execute("SELECT COUNT(*) FROM item WHERE session_id = ?", (room.id,))
                (added,) = db.execute(
                    "SELECT COUNT(*) FROM event WHERE session_id = ? AND type = 'item_added'",
                    (room.id,),
                )
                assert items == added
        assert len(copies) >= 2
    finally:
        room.close()
        server.stop()


def test_backup_of_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "postgresql+psycopg://vk@127.0.0.1:5432/vk"}
    result = run_cli("backup", "-o", str(tmp_path / "x.db"), env=env)
    assert result.returncode == 2
    assert "no backup made: postgresql database: use its own tool" in result.stderr
    assert "pg_dump" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_backup_refuses_a_missing_file(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'nope.db'}"}
    result = run_cli("backup", "-o", str(tmp_path / "x.db"), env=env)
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.db'} does not exist" in result.stderr
