"""Several writers at once, as several server threads or processes would be: seqs stay
gap-free and in commit order, counts in events are exact, retries store an item once."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest

from session_engine.actors import Actor
from session_engine.agenda import activate_step
from session_engine.items import add_item, board
from session_engine.joining import join_session
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.events import events_after
from session_engine.store.fanout.memory import MemoryFanout

PER_WRITER = 20


@pytest.fixture
def brainstorm(make_room):
    room = make_room()
    step_id = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step_id)
    return room, step_id


def submit_items(database_url: str, actor: Actor, step_id: int, tag: str) -> int:
    """One writer (its own engine, as its own process would have) adding items."""
    database = Database(create_db_engine(database_url), MemoryFanout())
    try:
        for n in range(PER_WRITER):
            database.write_sync(
                add_item,
                actor=actor,
                client_id=f"{tag}-{n}",
                step_id=step_id,
                category="voordelen",
                text=f"idee {tag}-{n}",
            )
    finally:
        database.close()
        database.engine.dispose()
    return PER_WRITER


def submit_from_threads(database_url: str, actor: Actor, step_id: int, tag: str) -> int:
    with ThreadPoolExecutor(2) as pool:
        done = pool.map(
            lambda t: submit_items(database_url, actor, step_id, f"{tag}.{t}"), range(2)
        )
        return sum(done)


def assert_log_is_exact(room: Any, step_id: int, expected: int) -> None:
    """Seqs 1..n with no gap; each item_added counts its column exactly once, in seq order."""
    events = room.database.read_sync(events_after, room.id, 0, 10_000)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    added = [e for e in events if e.type == "item_added"]
    assert [e.data["column_count"] for e in added] == list(range(1, expected + 1))
    assert (
        room.database.read_sync(board, session_id=room.id, step_id=step_id).count("voordelen")
        == expected
    )


def run_all(calls: list[Callable[[], int]]) -> int:
    with ThreadPoolExecutor(len(calls)) as pool:
        return sum(f.result() for f in [pool.submit(call) for call in calls])


def test_writers_on_several_threads_keep_seqs_gap_free(brainstorm, database_url) -> None:
    room, step_id = brainstorm
    authors = [room.join() for _ in range(6)]
    total = run_all(
        [
            lambda a=a, i=i: submit_items(database_url, a, step_id, str(i))
            for i, a in enumerate(authors)
        ]
    )
    assert_log_is_exact(room, step_id, total)


def test_writers_in_several_processes_keep_seqs_gap_free(brainstorm, database_url) -> None:
    room, step_id = brainstorm
    authors = [room.join() for _ in range(3)]
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(3, mp_context=spawn) as pool:
        futures = [
            pool.submit(submit_from_threads, database_url, a, step_id, f"p{i}")
            for i, a in enumerate(authors)
        ]
        total = sum(f.result(timeout=120) for f in futures)
    assert total == 3 * 2 * PER_WRITER
    assert_log_is_exact(room, step_id, total)


def test_concurrent_retries_of_one_submission_store_it_once(brainstorm, database_url) -> None:
    room, step_id = brainstorm
    author = room.join()
    writers = [Database(create_db_engine(database_url), MemoryFanout()) for _ in range(4)]
    start = threading.Barrier(len(writers))

    def retry(database: Database) -> tuple[int, bool]:
        start.wait()
        added, _ = database.write_sync(
            add_item,
            actor=author,
            client_id="same",
            step_id=step_id,
            category="voordelen",
            text="één keer",
        )
        return added.seq, added.created

    try:
        with ThreadPoolExecutor(len(writers)) as pool:
            results = list(pool.map(retry, writers))
    finally:
        for database in writers:
            database.close()
            database.engine.dispose()
    assert len({seq for seq, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert_log_is_exact(room, step_id, 1)


def test_concurrent_joins_count_every_participant_once(make_room, database_url) -> None:
    room = make_room()
    writers = [Database(create_db_engine(database_url), MemoryFanout()) for _ in range(4)]

    def join(database: Database) -> None:
        for _ in range(10):
            database.write_sync(join_session, code=room.created.session.code, profile={})

    try:
        with ThreadPoolExecutor(len(writers)) as pool:
            list(pool.map(join, writers))
    finally:
        for database in writers:
            database.close()
            database.engine.dispose()
    events = room.database.read_sync(events_after, room.id, 1, 10_000)
    assert [e.data["participants"] for e in events] == list(range(1, 41))
