"""The programme hub keeps each session's stream gap-free when the fan-out loses messages: a
gap is filled from the database, and after a RESYNC every session (a new one too) is read
again, each event delivered once and in order."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

from app.dashboard import ReportSections
from app.dashboard_hub import ProgrammeHub, Rules
from app.report_ahead import ReportsAhead
from app.reports import RENDERED, report_key
from session_engine.agenda import activate_step
from session_engine.items import add_item
from session_engine.sessions import get_session
from session_engine.store.database import Database
from session_engine.store.fanout.base import RESYNC


class Recorder:
    """Stands in for a dashboard socket: what the hub offered it, per session."""

    language = ""

    def __init__(self) -> None:
        self.seqs: dict[str, list[int]] = {}

    def offer(self, text: str, session_id: str = "", seq: int = 0) -> None:
        if seq:
            assert json.loads(text)["seq"] == seq
            self.seqs.setdefault(session_id, []).append(seq)


class NoViews:
    def row(self, *args: Any) -> str:
        return ""

    totals = alerts = row


def add(room: Any, who: Any, n: int) -> None:
    step = room.step_id("brainstorm")
    room.do(add_item, actor=who, client_id=f"c{n}", step_id=step, category="nadelen", text="x")


def test_gaps_and_lost_messages_are_filled_from_the_database(
    database: Database, make_room: Any
) -> None:
    room = make_room("Zwolle")
    programme_id = database.read_sync(get_session, room.id).programme_id
    people = [room.join() for _ in range(3)]
    room.do(activate_step, actor=room.facilitator, step_id=room.step_id("brainstorm"))
    start = database.read_sync(get_session, room.id).last_seq

    async def scenario() -> dict[str, list[int]]:
        rules = Rules(stuck_after=timedelta(minutes=10), refusal_limit=0, report_seconds=60)
        hub = ProgrammeHub(programme_id, database, NoViews(), rules)
        await hub.start()
        recorder = Recorder()
        hub.connections.add(recorder)  # type: ignore[arg-type]
        for n in range(3):  # committed, never published: lost on the way
            add(room, people[n], n)
        step = room.step_id("brainstorm")
        await database.write(  # published: the hub sees the gap before it
            add_item, actor=people[0], client_id="c3", step_id=step, category="nadelen", text="y"
        )
        through_gap = int(database.read_sync(get_session, room.id).last_seq)

        async def gap_filled() -> None:
            while recorder.seqs.get(room.id, [0])[-1] < through_gap:
                await asyncio.sleep(0.01)  # polling for the hub's catch-up

        await asyncio.wait_for(gap_filled(), 10)
        assert recorder.seqs[room.id] == list(range(start + 1, through_gap + 1))
        newcomer = make_room("Breda")  # created and changed while messages were lost
        newcomer.join()
        add(room, people[1], 4)
        hub._subscriptions[0].queue.put_nowait(RESYNC)

        async def caught_up() -> None:
            while len(recorder.seqs.get(newcomer.id, [])) < newcomer_last(newcomer):
                await asyncio.sleep(0.01)  # polling for the hub's catch-up

        await asyncio.wait_for(caught_up(), 10)
        await hub.stop()
        return recorder.seqs

    def newcomer_last(newcomer: Any) -> int:
        return int(database.read_sync(get_session, newcomer.id).last_seq)

    seqs = asyncio.run(scenario())
    last = database.read_sync(get_session, room.id).last_seq
    assert seqs[room.id] == list(range(start + 1, last + 1))
    assert len(seqs) == 2 and seqs[next(s for s in seqs if s != room.id)][0] == 1


def test_report_sections_are_built_in_the_worker_and_empty_before_anyone_joined(
    make_room: Any, database: Database, database_url: str
) -> None:
    """A dashboard opened before anyone joined shows no report sections, and its tick does not
    fail (the programme report itself answers "no sessions with participants yet", from the
    report worker process); once people joined and added items, the sections come from the
    worker, and again only after something changed."""
    room = make_room()
    programme_id = database.read_sync(get_session, room.id).programme_id

    async def sections() -> list[str | None]:
        ahead = ReportsAhead(database, database_url, 3, key=report_key, kept=RENDERED)
        draw = ReportSections(database, programme_id, 3, ahead.render)
        try:
            drawn = [await draw()]
            people = [room.join() for _ in range(3)]
            step = room.step_id("brainstorm")
            room.do(activate_step, actor=room.facilitator, step_id=step)
            for n, person in enumerate(people):
                room.do(
                    add_item,
                    actor=person,
                    step_id=step,
                    category="voordelen",
                    text=f"Uit de werker {n}",
                    client_id=f"w{n}",
                )
            drawn += [await draw(), await draw()]
        finally:
            await ahead.close()
        return drawn

    empty, first, unchanged = asyncio.run(sections())
    assert empty == ""
    assert first is not None and "Uit de werker 2" in first and "<main" not in first
    assert unchanged is None


class Page(Recorder):
    """A dashboard page's socket: it shows the report (a language)."""

    language = "nl"


def test_only_a_dashboard_page_costs_a_report_build(database: Database, make_room: Any) -> None:
    """The organiser page's socket (JSON only, for its review lists) never makes the hub build
    the programme report; the report is built once a dashboard page is there to show it."""
    room = make_room("Zwolle")
    programme_id = database.read_sync(get_session, room.id).programme_id
    person = room.join()
    room.do(activate_step, actor=room.facilitator, step_id=room.step_id("brainstorm"))

    async def scenario() -> list[list[str]]:
        rules = Rules(stuck_after=timedelta(minutes=10), refusal_limit=0, report_seconds=0)
        hub = ProgrammeHub(programme_id, database, NoViews(), rules)
        builds: list[list[str]] = []

        async def report() -> str:
            builds.append([c.language for c in hub.connections])
            return "<section>verslag</section>"

        hub.report = report
        json_only, page = Recorder(), Page()
        hub.connections.add(json_only)  # type: ignore[arg-type]
        await hub.start()
        step = room.step_id("brainstorm")
        for n in range(2):  # two ticks with changes, each after the other: the report was due
            await database.write(  # published, so the hub delivers it
                add_item,
                actor=person,
                client_id=f"p{n}",
                step_id=step,
                category="nadelen",
                text="x",
            )
            last = int(database.read_sync(get_session, room.id).last_seq)
            while json_only.seqs.get(room.id, [0])[-1] < last or room.id in hub._dirty:
                await asyncio.sleep(0.01)  # polling for the hub's delivery and its tick
        hub.connections.add(page)  # type: ignore[arg-type]
        while not builds:
            await asyncio.sleep(0.01)  # polling for the next tick
        await hub.stop()
        return builds

    builds = asyncio.run(scenario())
    assert len(builds) == 1 and sorted(builds[0]) == ["", "nl"]


def test_messages_that_cross_on_the_way_are_put_in_order_without_reading_the_database(
    database: Database, make_room: Any
) -> None:
    """With several processes a session's events come from whichever process took each write,
    so seq n + 1 often arrives just before seq n. The hub waits briefly for n instead of
    reading the database for every crossing (at 50 sessions those reads, one at a time, put the
    dashboard tens of seconds behind); a seq that does not come is still read."""
    from session_engine.store.events import events_after

    room = make_room("Zwolle")
    programme_id = database.read_sync(get_session, room.id).programme_id
    people = [room.join() for _ in range(2)]
    room.do(activate_step, actor=room.facilitator, step_id=room.step_id("brainstorm"))
    start = database.read_sync(get_session, room.id).last_seq
    reads: list[str] = []

    async def scenario() -> list[int]:
        rules = Rules(stuck_after=timedelta(minutes=10), refusal_limit=0, report_seconds=60)
        hub = ProgrammeHub(programme_id, database, NoViews(), rules)
        await hub.start()
        recorder = Recorder()
        hub.connections.add(recorder)  # type: ignore[arg-type]
        for n in range(4):  # committed, not published: the test delivers them itself
            add(room, people[n % 2], n)
        found = database.read_sync(events_after, room.id, start)
        wires = {event.seq: event.summary_wire() for event in found}
        reading = database.read

        async def counted(query: Any, *args: Any, **kwargs: Any) -> Any:
            reads.append(query.__name__)
            return await reading(query, *args, **kwargs)

        database.read = counted  # type: ignore[method-assign]
        queue = hub._subscriptions[0].queue
        try:
            queue.put_nowait(wires[start + 2])  # crossed on the way
            queue.put_nowait(wires[start + 1])

            async def seen(count: int) -> None:
                while len(recorder.seqs.get(room.id, [])) < count:
                    await asyncio.sleep(0.01)  # polling for the hub's delivery

            await asyncio.wait_for(seen(2), 10)
            assert "events_after" not in reads
            queue.put_nowait(wires[start + 4])  # start + 3 never comes by the fan-out
            await asyncio.wait_for(seen(4), 10)
            assert "events_after" in reads
        finally:
            database.read = reading  # type: ignore[method-assign]
            await hub.stop()
        return recorder.seqs[room.id]

    assert asyncio.run(scenario()) == [start + 1, start + 2, start + 3, start + 4]
