"""The Database: every engine command and query runs through it, off the event loop. The one
way in for writes: a command runs in a transaction on a write thread, its events get their
seqs in that transaction, and they are published only after it has committed. (Datasette's
`Database` with `execute_fn` / `execute_write_fn`; here `read` / `write`.)"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine

from ..plain_text import check_arguments
from .db import Db, checkpoint_wal, make_session_factory
from .events import PublishedEvent, programme_of, take_pending
from .fanout.base import Fanout, programme_channel, session_channel

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


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

    def write_sync(
        self, command: Callable[Concatenate[Db, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[T, list[PublishedEvent]]:
        """Run a command in one transaction; return its result and its committed events.
        Text holding a control character is refused before anything runs (plain_text)."""
        check_arguments(args, kwargs)
        with self._write_factory() as db, db.begin():
            result = command(db, *args, **kwargs)
            db.flush()
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
        result, events = await loop.run_in_executor(
            self._writes, lambda: self.write_sync(command, *args, **kwargs)
        )
        await self.publish(events)
        return result

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
