"""The live renderer's own state stays bounded in a process that runs for months."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from app.fragments import CONTENT_CACHE_SIZE, EventRenderer


class CountingReads:
    """A database stand-in whose reads return a snapshot naming its session."""

    def __init__(self) -> None:
        self.reads = 0

    async def read(self, query: Any, session_id: str, *args: Any) -> Any:
        self.reads += 1
        return SimpleNamespace(content=f"content of {session_id}")


def test_the_content_cache_forgets_the_least_recently_used_session() -> None:
    database = CountingReads()
    renderer = EventRenderer(database, threshold=5)  # type: ignore[arg-type]

    async def contents(session_ids: list[str]) -> list[Any]:
        return [await renderer._content(s) for s in session_ids]

    first = asyncio.run(contents(["live", *(f"s{i}" for i in range(CONTENT_CACHE_SIZE - 1))]))
    assert first[0] == "content of live" and database.reads == CONTENT_CACHE_SIZE
    asyncio.run(contents(["live", *(f"t{i}" for i in range(CONTENT_CACHE_SIZE))]))
    assert len(renderer._contents) == CONTENT_CACHE_SIZE
    reads = database.reads
    asyncio.run(contents(["t0"]))  # still remembered
    assert database.reads == reads
    asyncio.run(contents(["live"]))  # used before the newest 256: forgotten, read again
    assert database.reads == reads + 1
