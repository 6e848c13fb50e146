"""Python's cyclic garbage collector, paced for a server that holds thousands of sockets.

Every open socket keeps a few hundred objects alive for as long as it is open (its tasks,
coroutines, queues, buffers): 3,000 sockets are about half a million. Python's full
(generation-2) collection walks every one of them, every few seconds under a brainstorm's
load, and each walk holds the event loop for 30–700 ms of CPU: the stalls that set the p99 of
a large programme (docs/performance.md, "Collector stalls").

So what survived a full collection is *frozen* (`gc.freeze()`): moved out of the collector's
sight, so the next full collection walks only what arrived since. Frozen objects are still
freed as soon as nothing refers to them; only a reference cycle among them that becomes
garbage later (a closed socket's task and coroutine) waits until the next *thaw*, every
THAW_EVERY seconds, which gives everything back to the collector: its next full collection
walks all of it once, frees such cycles, and the survivors are frozen again. One long pause
every ten minutes instead of one every few seconds, and no garbage kept longer than that."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
THAW_EVERY = 600.0  # seconds between thaws: the longest a dead cycle among old objects waits


class CollectorPacing:
    """Freezes the survivors of each full collection; thaws every `thaw_every` seconds.

    Process-wide (there is one collector): the first `start()` installs it, the last
    `stop()` removes it and gives every frozen object back, so an app started and stopped
    in a test run leaves the collector as it found it."""

    _users = 0

    def __init__(self, thaw_every: float = THAW_EVERY, clock: Callable[[], float] = time.monotonic):
        self.thaw_every = thaw_every
        self.clock = clock
        self.thawed_at = clock()

    def start(self) -> None:
        """Install; what is alive now (the server's start-up: modules, the text libraries)
        is frozen at once, so the first full collection under load does not walk it."""
        CollectorPacing._users += 1
        gc.callbacks.append(self._observe)
        gc.collect()  # a full collection: `_observe` freezes its survivors

    def stop(self) -> None:
        if self._observe in gc.callbacks:
            gc.callbacks.remove(self._observe)
        CollectorPacing._users -= 1
        if CollectorPacing._users == 0:
            gc.unfreeze()

    def _observe(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2:
            gc.freeze()  # the survivors: what is still alive after a full collection lives long

    def thaw_if_due(self) -> bool:
        """Give the frozen objects back to the collector once every `thaw_every` seconds."""
        now = self.clock()
        if now - self.thawed_at < self.thaw_every:
            return False
        self.thawed_at = now
        frozen = gc.get_freeze_count()
        gc.unfreeze()
        log.debug("collector thawed %d objects", frozen)
        return True

    async def run(self, tick: float = 5.0) -> None:
        """The server's lifespan task, once started; stops it when cancelled."""
        try:
            while True:
                await asyncio.sleep(tick)
                self.thaw_if_due()
        finally:
            self.stop()
