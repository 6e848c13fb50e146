"""The wall clock of this app: online rounds open and close by it (tests pass their own)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from session_engine.models import utcnow


def now_of(connection: HTTPConnection) -> datetime:
    """The time now by the app's clock (`create_app(now=…)`)."""
    clock: Callable[[], datetime] = getattr(connection.app.state, "now", utcnow)
    return clock()


async def wall_clock(connection: HTTPConnection) -> datetime:  # async: no worker thread
    return now_of(connection)


NowDep = Annotated[datetime, Depends(wall_clock)]
