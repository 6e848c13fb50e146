"""The live renderer's own state stays bounded in a process that runs for months."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from app.fragments import CONTENT_CACHE_SIZE, PAGE_UPDATES, EventRenderer
from session_engine.payloads import EventType


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


def test_every_event_type_says_what_it_does_to_the_pages() -> None:
    """A new event type must be given its page update (or an explicit None) in one table."""
    assert set(PAGE_UPDATES) == set(EventType)


def test_frequent_participant_events_are_never_a_stage_redraw() -> None:
    frequent = (
        EventType.ITEM_ADDED,
        EventType.ITEM_LATE,
        EventType.METOO_CHANGED,
        EventType.COMMENT_ADDED,
        EventType.BALLOT_CAST,
        EventType.DEFINITION_PROPOSED,
        EventType.PARTICIPANT_JOINED,
    )
    assert [t for t in frequent if PAGE_UPDATES[t] is EventRenderer._redraw] == []
