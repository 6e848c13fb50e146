"""Group commit on SQLite: commands that queue up for the write thread share one COMMIT, each
in a savepoint. A command that fails is rolled back alone and gets its own error; the others
are stored with gap-free seqs, and nobody hears of their command before the COMMIT."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from session_engine.actors import Actor
from session_engine.agenda import activate_step
from session_engine.errors import Invalid
from session_engine.items import AddedItem, add_item, board
from session_engine.store.database import Database
from session_engine.store.db import Db
from session_engine.store.events import events_after
from session_engine.store.fanout.base import session_channel

AUTHORS = 20


class Refused(Exception):
    """What the failing command raises, after it has recorded its event."""


def add_then_fail(db: Db, **item: Any) -> None:
    """Adds an item (taking a seq, recording an event), then fails."""
    add_item(db, **item)
    raise Refused("refused after adding")


class Commits:
    """Counts the database's COMMITs of writes; `hold` keeps the next one waiting until released, or
    `fail` makes it raise."""

    def __init__(self, database: Database) -> None:
        self.count = 0
        self.hold = False
        self.fail = False
        self.reached = threading.Event()
        self.release = threading.Event()
        event.listen(database.engine, "commit", self._on_commit)

    def _on_commit(self, _connection: Any) -> None:
        if not threading.current_thread().name.startswith("vk-write"):
            return  # a read's transaction (e.g. publishing looks up a session's programme)
        self.count += 1
        if self.fail:
            raise OSError("disk full")
        if self.hold:
            self.reached.set()
            assert self.release.wait(60), "the test never released the COMMIT"


@pytest.fixture
def room(make_room: Any, database: Database) -> Any:
    if not database.groups_commits:
        pytest.skip("group commit is SQLite's write path; PostgreSQL commits in parallel")
    room = make_room()
    room.do(activate_step, actor=room.facilitator, step_id=room.step_id("brainstorm"))
    return room


@pytest.fixture
def commits(room: Any) -> Iterator[Commits]:
    commits = Commits(room.database)
    yield commits
    event.remove(room.database.engine, "commit", commits._on_commit)


def item_of(author: Actor, step_id: int, n: int) -> dict[str, Any]:
    return {
        "actor": author,
        "client_id": f"c{n}",
        "step_id": step_id,
        "category": "voordelen",
        "text": f"idee {n}",
    }


def seqs_of(room: Any) -> list[int]:
    return [e.seq for e in room.database.read_sync(events_after, room.id, 0, 10_000)]


def test_a_failing_command_in_a_group_is_rolled_back_alone(room: Any, commits: Commits) -> None:
    step_id = room.step_id("brainstorm")
    authors = [room.join() for _ in range(AUTHORS)]
    before = seqs_of(room)
    middle = AUTHORS // 4  # in the middle of the first group: an idle writer takes half
    database: Database = room.database
    commits.hold = True
    commits.count = 0

    async def scenario() -> tuple[list[Any], list[bool], list[str]]:
        subscription = await database.fanout.subscribe(session_channel(room.id))
        # Created before any runs: all are queued when the write thread takes its group.
        tasks = [
            asyncio.create_task(
                database.write(
                    add_then_fail if n == middle else add_item, **item_of(author, step_id, n)
                )
            )
            for n, author in enumerate(authors)
        ]
        loop = asyncio.get_running_loop()
        assert await loop.run_in_executor(None, commits.reached.wait, 60)
        done_during_commit = [task.done() for task in tasks]
        published_during_commit = subscription.queue.qsize()
        commits.release.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        published = [subscription.queue.get_nowait() for _ in range(subscription.queue.qsize())]
        assert published_during_commit == 0
        return results, done_during_commit, published

    results, done_during_commit, published = asyncio.run(scenario())

    assert done_during_commit == [False] * AUTHORS  # nobody answered before the COMMIT
    assert commits.count == 2  # two groups of ten, one COMMIT each
    assert isinstance(results[middle], Refused)
    added: list[AddedItem] = [r for n, r in enumerate(results) if n != middle]
    last = before[-1]
    assert [a.seq for a in added] == list(range(last + 1, last + AUTHORS))
    assert seqs_of(room) == [*before, *range(last + 1, last + AUTHORS)]  # no gap
    assert [json.loads(m)["seq"] for m in published] == list(range(last + 1, last + AUTHORS))
    shown = room.database.read_sync(board, session_id=room.id, step_id=step_id)
    texts = [item.text for item in shown.items()]
    assert sorted(texts) == sorted(f"idee {n}" for n in range(AUTHORS) if n != middle)


def test_a_refused_command_in_a_group_gets_its_own_error(room: Any, commits: Commits) -> None:
    step_id = room.step_id("brainstorm")
    author = room.join()
    before = seqs_of(room)
    database: Database = room.database
    commits.count = 0
    items = [item_of(author, step_id, n) for n in range(3)]
    items[1]["category"] = "geen-kolom"  # no such column: the engine refuses it
    items[2]["text"] = "regel\x00einde"  # a control character: refused before it runs

    async def scenario() -> list[Any]:
        tasks = [asyncio.create_task(database.write(add_item, **item)) for item in items]
        return await asyncio.gather(*tasks, return_exceptions=True)

    first, unknown, control = asyncio.run(scenario())

    assert commits.count == 1  # the third, refused before it ran, began no transaction
    assert isinstance(unknown, Invalid) and isinstance(control, Invalid)
    assert first.seq == before[-1] + 1
    assert seqs_of(room) == [*before, before[-1] + 1]


def test_a_failed_commit_fails_every_command_of_its_group(room: Any, commits: Commits) -> None:
    step_id = room.step_id("brainstorm")
    authors = [room.join() for _ in range(AUTHORS)]
    before = seqs_of(room)
    database: Database = room.database
    commits.fail = True

    async def scenario() -> tuple[list[Any], int]:
        subscription = await database.fanout.subscribe(session_channel(room.id))
        tasks = [
            asyncio.create_task(database.write(add_item, **item_of(author, step_id, n)))
            for n, author in enumerate(authors)
        ]
        results = await asyncio.gather(*tasks, return_exceptions=True)
        return results, subscription.queue.qsize()

    results, published = asyncio.run(scenario())
    commits.fail = False

    assert all(isinstance(result, OSError) for result in results)
    assert published == 0
    assert seqs_of(room) == before  # nothing of the group was stored
    assert room.database.read_sync(board, session_id=room.id, step_id=step_id).items() == []
    # The writer carries on: the next command commits with the next seq.
    again = asyncio.run(database.write(add_item, **item_of(authors[0], step_id, 0)))
    assert again.seq == before[-1] + 1


def test_a_command_alone_that_fails_leaves_nothing(room: Any, commits: Commits) -> None:
    """A group of one runs without a savepoint: its own transaction is rolled back with it."""
    step_id = room.step_id("brainstorm")
    author = room.join()
    before = seqs_of(room)
    database: Database = room.database
    commits.count = 0

    async def scenario() -> tuple[Any, int, AddedItem]:
        subscription = await database.fanout.subscribe(session_channel(room.id))
        failed = await asyncio.gather(
            database.write(add_then_fail, **item_of(author, step_id, 0)), return_exceptions=True
        )
        published = subscription.queue.qsize()
        return failed[0], published, await database.write(add_item, **item_of(author, step_id, 1))

    failed, published, added = asyncio.run(scenario())

    assert isinstance(failed, Refused) and published == 0
    assert commits.count == 1  # only the second command's
    assert added.seq == before[-1] + 1
    assert seqs_of(room) == [*before, before[-1] + 1]
    shown = room.database.read_sync(board, session_id=room.id, step_id=step_id)
    assert [item.text for item in shown.items()] == ["idee 1"]
