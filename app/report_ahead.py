"""Report PDFs rendered ahead of time. A PDF costs WeasyPrint about a second of CPU (more on a
busy machine); the report's data changes rarely once a session is over. So after a change
(a session's event, the organiser's texts or pooling decisions) and a few quiet seconds, the
changed session's PDF and its programme's PDF are rendered in a worker process and kept by
the report's state, where a download finds them (`reports.RENDERED`). A download always reads
the state first: if the data changed after the prepared file, its key differs and it gets a
fresh render (or joins the one under way), never the older file (docs/reports.md)."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from typing import Any, Literal, Protocol

from fastapi import Request

from session_engine.errors import EngineError
from session_engine.reports.report import programme_report, session_report
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.events import PublishedEvent
from session_engine.store.fanout.memory import MemoryFanout

from .report_formats import Rendered, render_report, translator

log = logging.getLogger(__name__)
Kind = Literal["session", "programme"]
Format = Literal["pdf", "html"]
Target = tuple[Kind, str | int]
QUIET = 2.0  # seconds without a change before a report's PDF is rendered ahead
NICENESS = 10  # the worker yields the cores to the live rooms' server process
KeyOf = Callable[[Database, Kind, str | int, int], Awaitable[tuple[Any, ...] | None]]


class Kept(Protocol):
    """Where rendered files are kept by key (`reports.RENDERED`)."""

    async def get(self, key: Hashable, make: Callable[[], Awaitable[Rendered]]) -> Rendered: ...


class ReportsAhead:
    """Debounced renders of report PDFs, one at a time, in one worker process (its own GIL:
    the server's event loop and live rooms are not held up while WeasyPrint lays out)."""

    def __init__(
        self, database: Database, database_url: str, threshold: int, *, key: KeyOf, kept: Kept
    ) -> None:
        self.database = database
        self.key = key
        self.kept = kept
        self.database_url = database_url
        self.threshold = threshold
        self.quiet = QUIET
        self._due: dict[Target, float] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._pool: ProcessPoolExecutor | None = None

    def events_committed(self, events: list[PublishedEvent]) -> None:
        """A session changed: its report (and then its programme's) is due."""
        for session_id in {event.session_id for event in events}:
            self.touch(("session", session_id))

    def touch(self, target: Target, quiet: float | None = None) -> None:
        """`target`'s data changed: render its PDF once nothing changed for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        self._due[target] = loop.time() + (self.quiet if quiet is None else quiet)
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._due:
            target, due = min(self._due.items(), key=lambda entry: entry[1])
            if due > loop.time():
                self._wake.clear()
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), due - loop.time())
                continue  # a touch may have moved the due times
            del self._due[target]
            try:
                await self._prepare(*target)
            except EngineError as exc:  # e.g. a programme nobody has joined yet: no report
                log.info("no %s report %s to render ahead: %s", *target, exc)
            except Exception:
                log.exception("rendering the %s report %s ahead failed", *target)

    async def _prepare(self, kind: Kind, ident: str | int) -> None:
        key = await self.key(self.database, kind, ident, self.threshold)
        if key is None:
            return
        if kind == "session":  # its programme's report next, whatever becomes of this one
            for _, _, programme_id, _ in key[3][0]:
                self.touch(("programme", programme_id), quiet=0)
        await self.kept.get((*key, "pdf", ""), lambda: self._render(kind, ident))

    async def _render(self, kind: Kind, ident: str | int) -> Rendered:
        return await self.render(kind, ident, "pdf")

    async def render(self, kind: Kind, ident: str | int, format: Format) -> Rendered:
        """A report read and rendered in the worker process, off this process's GIL: the
        ahead-rendered PDFs, and the dashboard's report sections (HTML), whose building would
        otherwise hold up the live rooms' deliveries for as long as it takes."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._worker(), render_from_database, kind, ident, self.threshold, format
            )
        except BrokenProcessPool:
            self._pool = None  # the worker died (killed, out of memory): start another next time
            raise

    def _worker(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),  # no copy of server threads
                initializer=_start_worker,
                initargs=(self.database_url,),
            )
        return self._pool

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        if self._pool is not None:
            # A render under way is of no use to a server that stops: end the worker rather
            # than wait for a process at the lowest priority on a busy machine (or one still
            # starting up), which could hold the server's exit for many seconds.
            for process in list(self._pool._processes.values()):
                process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)


def ahead(request: Request) -> ReportsAhead:
    return request.app.state.reports_ahead  # type: ignore[no-any-return]


async def programme_changed(request: Request, programme_id: int) -> AsyncIterator[None]:
    """A dependency of the routes that change a programme's report without an event (the
    organiser's texts and pooling decisions): once the route succeeded, its PDF is due."""
    yield
    if request.method != "GET":
        ahead(request).touch(("programme", programme_id))


_WORKER: dict[str, Database] = {}


def _start_worker(database_url: str) -> None:
    os.nice(NICENESS)
    import weasyprint  # noqa: F401  (once, not in the first render)

    _WORKER["database"] = Database(create_db_engine(database_url), MemoryFanout())


def render_from_database(
    kind: Kind, ident: str | int, threshold: int, format: Format = "pdf"
) -> Rendered:
    """In the worker: the report's data read and written in `format`, as a download would."""
    database = _WORKER["database"]
    build = session_report if kind == "session" else programme_report
    report = database.read_sync(build, ident, translator=translator, threshold=threshold)  # type: ignore[arg-type]
    return render_report(report, format)
