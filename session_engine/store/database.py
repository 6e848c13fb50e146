"""The Database: every engine command and query runs through it, off the event loop. The one
way in for writes: a command runs in a transaction on a write thread, its events get their
seqs in that transaction, and they are published only after it has committed. (Datasette's
`Database` with `execute_fn` / `execute_write_fn`; here `read` / `write`.)

On SQLite, commands that queue up while the write thread is busy run as one group: one
transaction with a savepoint per command, one COMMIT for all (docs/architecture.md)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine

from ..plain_text import check_arguments
from .db import Db, checkpoint_wal, make_session_factory
from .events import PublishedEvent, pending_events, programme_of, take_pending
from .fanout.base import Fanout, programme_channel, session_channel

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
# The most commands one COMMIT covers: enough to absorb a burst, few enough that the first in
# a group is not kept waiting long for the last.
GROUP_LIMIT = 32
GROUPS_AHEAD = 2  # the group running on the write thread, and the next one waiting for it


@dataclass(eq=False)
class QueuedWrite:
    """A command waiting for the write thread, and what came of it once its group ran."""

    run: Callable[[Db], Any]
    arguments: tuple[tuple[Any, ...], dict[str, Any]]
    future: asyncio.Future[Any]
    result: Any = None
    events: list[PublishedEvent] = field(default_factory=list)
    error: BaseException | None = None


class Database:
    """Runs engine commands (writes) and queries (reads) off the event loop."""

    def __init__(self, engine: Engine, fanout: Fanout) -> None:
        self.engine = engine
        self.fanout = fanout
        self._write_factory = make_session_factory(engine)
        self._read_factory = make_session_factory(engine, readonly=True)
        # SQLite has one writer at a time anyway: one thread serialises writes without
        # lock contention. PostgreSQL takes several; the session row lock orders seqs.
        workers = 1 if engine.dialect.name == "sqlite" else 8
        self._writes = ThreadPoolExecutor(workers, thread_name_prefix="vk-write")
        self._reads = ThreadPoolExecutor(8, thread_name_prefix="vk-read")
        self._programmes: dict[str, int | None] = {}  # session id → programme id (fixed)
        # Told of every command's committed events once they are published (on the event
        # loop): e.g. reports rendered ahead (app/report_ahead.py). They must not block.
        self.observers: list[Callable[[list[PublishedEvent]], None]] = []
        # PostgreSQL commits in parallel on its 8 threads; one SQLite writer groups instead.
        self.groups_commits = engine.dialect.name == "sqlite"
        self._queued: list[QueuedWrite] = []
        self._groups: set[asyncio.Task[None]] = set()  # handed to the write thread
        self._start_scheduled = False
        self._loop: asyncio.AbstractEventLoop | None = None

    def write_sync(
        self, command: Callable[Concatenate[Db, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[T, list[PublishedEvent]]:
        """Run a command in one transaction; return its result and its committed events.
        Text holding a control character is refused before anything runs (plain_text)."""
        check_arguments(args, kwargs)
        with self._write_factory() as db, db.begin():
            result = command(db, *args, **kwargs)
            db.flush()
            self._learn_programmes(db)
        return result, take_pending(db)

    def read_sync(
        self, query: Callable[Concatenate[Db, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        check_arguments(args, kwargs)  # e.g. a join code looked up: PostgreSQL refuses NUL
        with self._read_factory() as db, db.begin():
            return query(db, *args, **kwargs)

    async def write(
        self, command: Callable[Concatenate[Db, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a command on a write thread, then publish its events.

        Shielded: once a command runs, a caller that goes away (a dropped socket, a closed
        request) cannot stop its committed events from being published."""
        return await asyncio.shield(self._write_and_publish(command, *args, **kwargs))

    async def _write_and_publish(
        self, command: Callable[Concatenate[Db, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        loop = asyncio.get_running_loop()
        if self.groups_commits:
            if loop is not self._loop:  # a new loop (tests run several): nothing carries over
                self._loop, self._queued, self._groups = loop, [], set()
                self._start_scheduled = False
            queued = QueuedWrite(
                lambda db: command(db, *args, **kwargs), (args, kwargs), loop.create_future()
            )
            self._queued.append(queued)
            if not self._start_scheduled:  # after this turn of the loop: what comes at once
                self._start_scheduled = True  # goes in one group
                loop.call_soon(self._start_groups)
            result: T = await queued.future
            return result
        result, events = await loop.run_in_executor(
            self._writes, lambda: self.write_sync(command, *args, **kwargs)
        )
        await self._announce(events)
        return result

    async def _announce(self, events: list[PublishedEvent]) -> None:
        """Publish a command's committed events, then tell the observers."""
        await self.publish(events)
        if events:
            for observe in self.observers:
                observe(events)

    def _start_groups(self) -> None:
        """Hand what has queued up to the write thread, a group at a time, keeping one group
        waiting behind the one running so the thread never idles while the loop answers."""
        self._start_scheduled = False
        while self._queued and len(self._groups) < GROUPS_AHEAD:
            # An idle thread takes half of what waits, so the other half can queue behind it.
            size = GROUP_LIMIT if self._groups else min(GROUP_LIMIT, (len(self._queued) + 1) // 2)
            group = self._queued[:size]
            del self._queued[:size]
            task = asyncio.get_running_loop().create_task(self._commit_group(group))
            self._groups.add(task)

    async def _commit_group(self, group: list[QueuedWrite]) -> None:
        """Each caller hears of its command (and its events are published) only after the
        group's COMMIT."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._writes, self.write_group_sync, group)
        except Exception as exc:  # the COMMIT (or a rollback) failed: nothing was stored
            for queued in group:
                queued.error, queued.events = queued.error or exc, []
        finally:
            self._groups.discard(asyncio.current_task())
        self._start_groups()  # not when cancelled: the loop is closing
        for queued in group:
            await self._announce(queued.events)
            if queued.future.done():  # cancelled: the loop is closing
                continue
            if queued.error is not None:
                queued.future.set_exception(queued.error)
            else:
                queued.future.set_result(queued.result)

    def write_group_sync(self, group: list[QueuedWrite]) -> None:
        """Run commands in one transaction, each in a savepoint: one that fails is rolled
        back alone (its events never take a seq) and keeps its error; one COMMIT for all.
        Each command starts from an empty identity map, as in a transaction of its own. A
        command alone needs no savepoint: its transaction is rolled back with it."""
        if len(group) == 1:
            self._write_alone_sync(group[0])
            return
        with self._write_factory() as db, db.begin():
            for queued in group:
                try:
                    check_arguments(*queued.arguments)
                    with db.begin_nested():
                        queued.result = queued.run(db)
                        db.flush()
                        self._learn_programmes(db)
                except Exception as exc:
                    queued.error = exc
                    take_pending(db)  # recorded before the failure, rolled back with it
                else:
                    queued.events = take_pending(db)
                db.expunge_all()

    def _write_alone_sync(self, queued: QueuedWrite) -> None:
        """One command in a transaction of its own (no SAVEPOINT and RELEASE round trips)."""
        try:
            check_arguments(*queued.arguments)
            queued.result, queued.events = self.write_sync(queued.run)
        except Exception as exc:
            queued.error = exc

    async def checkpoint(self) -> None:
        """Empty SQLite's write-ahead log into the database file, on the write thread so it
        follows the write it is for (closing.py)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._writes, checkpoint_wal, self.engine)

    async def read(
        self, query: Callable[Concatenate[Db, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._reads, lambda: self.read_sync(query, *args, **kwargs)
        )

    async def publish(self, events: list[PublishedEvent]) -> None:
        """Tell every process; if the fan-out is down the events are still committed, and
        hubs catch up from the database when it is back (RESYNC) or at the next event."""
        for event in events:
            try:
                await self.fanout.publish(session_channel(event.session_id), event.wire)
                programme_id = await self._programme_of(event.session_id)
                if programme_id is not None:
                    channel = programme_channel(programme_id)
                    await self.fanout.publish(channel, event.summary_wire())
            except Exception:
                log.exception("publishing event %s of %s failed", event.seq, event.session_id)

    def _learn_programmes(self, db: Db) -> None:
        """Learn the programme of the sessions this transaction recorded events for, in the
        transaction itself (on the write thread), so publishing them never waits for a read:
        a publish that waited could let a later command's events out first."""
        sessions = {event.session_id for event in pending_events(db)}
        for session_id in sessions - self._programmes.keys():
            if len(self._programmes) > 100_000:
                self._programmes.clear()
            self._programmes[session_id] = programme_of(db, session_id)

    async def _programme_of(self, session_id: str) -> int | None:
        """Read once per session and process: a session's programme never changes."""
        if session_id not in self._programmes:
            if len(self._programmes) > 100_000:
                self._programmes.clear()
            self._programmes[session_id] = await self.read(programme_of, session_id)
        return self._programmes[session_id]

    def close(self) -> None:
        self._writes.shutdown(wait=True)
        self._reads.shutdown(wait=True)
