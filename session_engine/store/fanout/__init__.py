"""Fan-out of committed events to every server process: a small backend protocol chosen by
URL scheme (memory:// in-process, redis:// across processes)."""

from __future__ import annotations

from .base import Fanout
from .memory import MemoryFanout
from .redis import RedisFanout


def fanout_from_url(url: str) -> Fanout:
    """memory:// or redis://host:port/db (the redis library is imported only when used)."""
    scheme = url.split(":", 1)[0]
    if scheme == "memory":
        return MemoryFanout()
    if scheme in ("redis", "rediss"):
        redis_fanout: Fanout = RedisFanout(url)
        return redis_fanout
    raise ValueError(f"BROADCAST_URL: unknown scheme {scheme!r} (use memory:// or redis://)")
