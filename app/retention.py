"""Runs retention (session_engine/retention.py) with the server's settings: once a day in
the server (a task of the app's lifespan) and on demand with `versnellingskamer purge`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from session_engine.models import utcnow
from session_engine.retention import (
    Policy,
    Purged,
    due_programmes,
    purge_programme,
)
from session_engine.store.database import Database

from .report_formats import translator
from .settings import Settings

log = logging.getLogger("versnellingskamer.retention")
DAY = 24 * 60 * 60.0


def policy_of(settings: Settings) -> Policy:
    return Policy(
        months=settings.retention_months,
        keep=settings.retention_keep,
        threshold=settings.segment_threshold,
        translator=translator,
    )


async def purge(database: Database, settings: Settings, now: datetime) -> list[Purged]:
    """Purge every programme past its retention, one transaction each: a server running
    alongside waits for one programme at most, never for the whole run."""
    policy = policy_of(settings)
    done: list[Purged] = []
    for programme_id in await database.read(due_programmes, now=now, months=policy.months):
        done += await database.write(
            purge_programme, programme_id=programme_id, now=now, policy=policy
        )
    if done:
        await database.checkpoint()
    return done


async def purge_daily(
    database: Database,
    settings: Settings,
    clock: Callable[[], datetime] = utcnow,
    every: float = DAY,
) -> None:
    """The server's retention: at start, then every `every` seconds (a day) until the
    server stops. A failed run is logged and tried again the next time; it never stops the
    server. Tests pass their own clock and interval."""
    while True:
        try:
            await purge(database, settings, clock())
        except Exception:
            log.exception("retention: the daily purge failed")
        await asyncio.sleep(every)
