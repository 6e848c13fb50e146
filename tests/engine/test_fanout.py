from __future__ import annotations

import asyncio

import pytest

from session_engine.store.fanout import fanout_from_url
from session_engine.store.fanout.memory import MemoryFanout


def test_memory_fanout_delivers_in_order_to_every_subscriber() -> None:
    async def scenario() -> tuple[list[str], list[str], list[str]]:
        fanout = fanout_from_url("memory://")
        await fanout.connect()
        first = await fanout.subscribe("a")
        second = await fanout.subscribe("a")
        elsewhere = await fanout.subscribe("b")
        for n in range(3):
            await fanout.publish("a", f"m{n}")
        got = [[await s.get() for _ in range(3)] for s in (first, second)]
        await fanout.unsubscribe(first)
        await fanout.publish("a", "late")
        return got[0], got[1], [await second.get(), (elsewhere.queue.qsize() and "x") or ""]

    first, second, rest = asyncio.run(scenario())
    assert first == second == ["m0", "m1", "m2"]
    assert rest == ["late", ""]


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scheme 'kafka'"):
        fanout_from_url("kafka://x")
    assert isinstance(fanout_from_url("memory://"), MemoryFanout)
