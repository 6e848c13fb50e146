"""A small run of the benchmark (bench/): it works end to end and loses nothing. It never
asserts a time: timings on a shared CI machine mean nothing; `make bench` measures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.fanout import Plan, measure
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
