"""A small run of the benchmark (bench/): it works end to end and loses nothing. It never
asserts a time: timings on a shared CI machine mean nothing; `make bench` measures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.fanout import Plan, measure
from bench.programme import Plan as ProgrammePlan
from bench.programme import measure as measure_programme
from bench.programme_report import Result as ProgrammeResult
from bench.programme_report import spread as programme_spread
from bench.programme_report import table as programme_table
from bench.writes import locked_with_concurrent_writers, write_rate
from tests.databases import Databases

pytestmark = pytest.mark.bench


@pytest.mark.parametrize(
    ("target", "submit_over"), [("floor", ""), ("product", "http"), ("product", "socket")]
)
def test_every_submission_reaches_every_socket_once(
    target: str, submit_over: str, tmp_path: Path, databases: Databases
) -> None:
    url = databases.fresh(tmp_path) if target == "product" else ""
    plan = Plan(
        target,
        n=20,
        rate=20,
        duration=1.5,
        client_processes=2,
        database_url=url,
        submit_over=submit_over or "http",
    )
    try:
        result = asyncio.run(measure(plan, tmp_path / "server.log"))
    finally:
        if url:
            databases.drop(url)
    assert result.submitted == 30
    assert (result.delivered, result.lost, result.duplicates) == (30 * 20, 0, 0)
    assert result.out_of_order == 0


def test_write_benchmarks_commit_every_item(tmp_path: Path) -> None:
    rate = write_rate(f"sqlite:///{tmp_path / 'w.db'}", items=60)
    assert (rate.items, rate.errors) == (60, 0)
    locked = locked_with_concurrent_writers(f"sqlite:///{tmp_path / 'l.db'}", 4, per_writer=10)
    assert (locked.items, locked.errors) == (40, 0)


def test_two_processes_on_postgresql_and_redis_deliver_every_submission_once(
    tmp_path: Path,
) -> None:
    """The scale-out case of the benchmark: sockets and submitters spread over two servers
    sharing PostgreSQL and Redis; every socket gets every event once, seqs in order."""
    from bench.writes import fresh_database
    from tests.databases import POSTGRES_URL

    with fresh_database(POSTGRES_URL) as url:
        plan = Plan(
            "product",
            n=20,
            rate=20,
            duration=1.5,
            client_processes=2,
            database_url=url,
            server_processes=2,
            broadcast_url="redis://127.0.0.1:6379/0",
        )
        result = asyncio.run(measure(plan, tmp_path / "servers.log"))
    assert (result.delivered, result.lost, result.duplicates) == (30 * 20, 0, 0)
    assert result.out_of_order == 0


def test_programme_case_delivers_every_item_to_every_socket_of_its_session(
    tmp_path: Path, databases: Databases
) -> None:
    """The programme case (bench/programme.py): two sessions at once, each with its
    participants, console and projector, participants submitting over their own sockets, the
    organiser's dashboard open. Every item reaches every socket of its session and the
    dashboard once, in seq order; the report's figures are there."""
    url = databases.fresh(tmp_path)
    plan = ProgrammePlan(2, participants=5, period=2.0, duration=4.0, database_url=url)
    try:
        result = asyncio.run(measure_programme(plan, tmp_path / "server.log"))
    finally:
        databases.drop(url)
    assert_programme_complete(result)
    rows = programme_table([result]).splitlines()
    assert "load generator CPU %" in rows[0] and "dashboard p50/p99 ms" in rows[0]
    assert rows[2].startswith("| 1 process, SQLite | 2 | 15 | 20 |")
    over_runs = programme_spread([result, result]).splitlines()
    assert over_runs[2].startswith("| 1 | 2 | 2 |") and over_runs[2].endswith("| 0 |")


def test_programme_case_with_an_online_round_beside_its_sessions(
    tmp_path: Path, databases: Databases
) -> None:
    """One session and an online round of the same programme (joined by code, no step
    activated, no facilitator): the round's items reach its sockets and the dashboard like
    any session's, nothing refused as outside its window."""
    url = databases.fresh(tmp_path)
    plan = ProgrammePlan(
        1, participants=5, period=2.0, duration=4.0, database_url=url, online_round=True
    )
    try:
        result = asyncio.run(measure_programme(plan, tmp_path / "server.log"))
    finally:
        databases.drop(url)
    assert_programme_complete(result)
    rows = programme_table([result]).splitlines()
    assert rows[2].startswith("| 1 process, SQLite | 1 + online | 15 | 20 |")


def test_programme_case_on_two_processes_with_postgresql_and_redis(tmp_path: Path) -> None:
    """The same over two servers sharing PostgreSQL and Redis: each session's sockets and the
    dashboard on different processes than some of its submitters."""
    from bench.writes import fresh_database
    from tests.databases import POSTGRES_URL

    with fresh_database(POSTGRES_URL) as url:
        plan = ProgrammePlan(
            2,
            participants=5,
            period=2.0,
            duration=4.0,
            database_url=url,
            server_processes=2,
            broadcast_url="redis://127.0.0.1:6379/0",
        )
        result = asyncio.run(measure_programme(plan, tmp_path / "servers.log"))
    assert_programme_complete(result)


def assert_programme_complete(result: ProgrammeResult) -> None:
    """20 items (2 sessions x 5 participants x 2), each on the 7 sockets of its session
    (5 participants, console, projector) and on the dashboard: once each, in seq order."""
    assert (result.submitted, result.refused) == (20, 0)
    sockets = result.sockets
    assert (sockets.expected, sockets.delivered, sockets.duplicates) == (20 * 7, 20 * 7, 0)
    assert sockets.out_of_order == 0
    board = result.dashboard
    assert (board.expected, board.delivered, board.duplicates, board.out_of_order) == (20, 20, 0, 0)
    assert result.lost == 0
    assert result.server_cpu_s > 0 and result.client_cpu_s > 0 and result.span_s > 0
