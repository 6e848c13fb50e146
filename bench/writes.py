"""Committed writes through the engine: items/s on SQLite and PostgreSQL, and how often
SQLite says "database is locked" when many writers (own connections each) write at once."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bench.targets import ROOT
from session_engine.actors import Actor
from session_engine.agenda import activate_step
from session_engine.content import load_content
from session_engine.items import add_item
from session_engine.joining import join_session
from session_engine.programmes import load_programme
from session_engine.sessions import agenda, create_session
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.fanout.memory import MemoryFanout
from session_engine.store.schema import migrate

CONCURRENT = 20  # submitters at once, as many participants pressing "add" together


@dataclass(frozen=True)
class WriteResult:
    database: str
    writers: int
    items: int
    per_second: float
    errors: int  # "database is locked" (SQLite) or any other failed write


def prepare_room(database: Database, participants: int) -> tuple[list[Actor], int]:
    content = load_content(ROOT / "scenarios.yaml", ROOT / "statements.yaml")
    programme, _ = database.write_sync(load_programme, content=content)
    created, _ = database.write_sync(create_session, programme_id=programme.id, title="Bench")
    sid = created.session.id
    step = next(s.id for s in database.read_sync(agenda, sid) if s.type == "brainstorm")
    database.write_sync(activate_step, actor=Actor("facilitator", sid), step_id=step)
    actors = []
    for _ in range(participants):
        joined, _ = database.write_sync(join_session, code=created.session.code, profile={})
        actors.append(Actor("participant", sid, joined.participant_id))
    return actors, step


def item(actor: Actor, step: int, number: int) -> dict[str, object]:
    return {
        "actor": actor,
        "client_id": f"w-{number}",
        "step_id": step,
        "category": "voordelen",
        "text": f"bench #{number}# idee",
    }


async def _submit_all(database: Database, actors: list[Actor], step: int, items: int) -> None:
    queue = iter(range(items))

    async def submitter(actor: Actor) -> None:
        for number in queue:
            await database.write(add_item, **item(actor, step, number))  # type: ignore[arg-type]

    await asyncio.gather(*(submitter(a) for a in actors))


def write_rate(url: str, items: int) -> WriteResult:
    """`items` submissions through Database.write by CONCURRENT submitters: committed items/s."""
    with fresh_database(url) as database_url:
        database = Database(create_db_engine(database_url), MemoryFanout())
        try:
            actors, step = prepare_room(database, CONCURRENT)
            began = time.monotonic()
            asyncio.run(_submit_all(database, actors, step, items))
            elapsed = time.monotonic() - began
        finally:
            database.close()
            database.engine.dispose()
    name = make_url(url).get_backend_name()
    return WriteResult(f"{name} (Database.write)", CONCURRENT, items, items / elapsed, 0)


def locked_with_concurrent_writers(url: str, writers: int, per_writer: int = 100) -> WriteResult:
    """Each writer its own engine and thread, as separate processes would be."""
    with fresh_database(url) as database_url:
        setup = Database(create_db_engine(database_url), MemoryFanout())
        actors, step = prepare_room(setup, writers)
        engines = [Database(create_db_engine(database_url), MemoryFanout()) for _ in range(writers)]

        def run(index: int) -> tuple[int, int]:
            done = locked = 0
            for n in range(per_writer):
                try:
                    engines[index].write_sync(
                        add_item, **item(actors[index], step, index * per_writer + n)
                    )  # type: ignore[arg-type]
                    done += 1
                except OperationalError as exc:
                    locked += "database is locked" in str(exc)
            return done, locked

        began = time.monotonic()
        with ThreadPoolExecutor(writers) as pool:
            outcomes = list(pool.map(run, range(writers)))
        elapsed = time.monotonic() - began
        for w in [setup, *engines]:
            w.close()
            w.engine.dispose()
    done = sum(d for d, _ in outcomes)
    name = make_url(url).get_backend_name()
    return WriteResult(
        f"{name} ({writers} own connections)",
        writers,
        done,
        done / elapsed,
        sum(locked for _, locked in outcomes),
    )


@contextlib.contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """SQLite: the file as given. PostgreSQL: a new database on that server, dropped after."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        migrate(url)
        yield url
        return
    name = f"vk_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        fresh = parsed.set(database=name).render_as_string(hide_password=False)
        migrate(fresh)
        yield fresh
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
