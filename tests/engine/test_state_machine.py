"""Hypothesis drives the engine through random joins, steps, items and retries; after every
step the log is gap-free, the columns hold exactly the stored items, and no client id is
stored twice."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
)
from sqlalchemy import select

from session_engine.actors import Actor
from session_engine.agenda import activate_step
from session_engine.content import Content
from session_engine.errors import EngineError
from session_engine.items import add_item
from session_engine.joining import join_session
from session_engine.models import Item
from session_engine.programmes import load_programme
from session_engine.sessions import agenda, create_session, get_session
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.events import events_after
from session_engine.store.fanout.memory import MemoryFanout
from tests.databases import Databases

CATEGORIES = ("voordelen", "nadelen", "voorwaarden")


class EngineMachine(RuleBasedStateMachine):
    databases: Databases
    content: Content

    participants = Bundle("participants")
    submissions = Bundle("submissions")

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp()
        self.url = self.databases.fresh(Path(self.folder))
        self.engine = create_db_engine(self.url)
        self.database = Database(self.engine, MemoryFanout())
        self.stored: dict[tuple[int, str], dict[str, Any]] = {}
        self.counter = 0

    def do(self, command: Any, **kwargs: Any) -> Any:
        result, _ = self.database.write_sync(command, **kwargs)
        return result

    @initialize()
    def create(self) -> None:
        programme = self.do(load_programme, content=self.content)
        self.session_id = self.do(create_session, programme_id=programme.id, title="T").session.id
        self.steps = self.database.read_sync(agenda, self.session_id)
        self.facilitator = Actor("facilitator", self.session_id)

    @rule(target=participants)
    def join(self) -> Actor:
        code = self.database.read_sync(get_session, self.session_id).code
        joined = self.do(join_session, code=code, profile={})
        return Actor("participant", self.session_id, joined.participant_id)

    @rule(position=st.integers(0, 4))
    def activate(self, position: int) -> None:
        self.do(activate_step, actor=self.facilitator, step_id=self.steps[position].id)

    @rule(target=submissions, who=participants, category=st.sampled_from(CATEGORIES))
    def add(self, who: Actor, category: str) -> tuple[Actor, dict[str, Any]]:
        self.counter += 1
        fields = {
            "client_id": f"c{self.counter}",
            "step_id": self._active_step(),
            "category": category,
            "theme": "visie" if category == "voorwaarden" else None,
            "text": f"punt {self.counter}",
        }
        self._submit(who, fields)
        return who, fields

    @rule(submission=submissions)
    def retry(self, submission: tuple[Actor, dict[str, Any]]) -> None:
        """A retry of an earlier submission: stored once, answered with the same item."""
        self._submit(*submission)

    @rule(submission=consumes(submissions), other=participants)
    def same_client_id_by_another(
        self, submission: tuple[Actor, dict[str, Any]], other: Actor
    ) -> None:
        """Client ids are per participant: someone else's is a new item."""
        self._submit(other, {**submission[1], "step_id": self._active_step()})

    def _active_step(self) -> int:
        active = get_session_active(self.database, self.session_id)
        return active if active is not None else self.steps[1].id  # type: ignore[return-value]

    def _submit(self, who: Actor, fields: dict[str, Any]) -> None:
        assert who.participant_id is not None
        key = (who.participant_id, fields["client_id"])
        known = key in self.stored
        try:
            added = self.do(add_item, actor=who, **fields)
        except EngineError:
            assert key not in self.stored  # a refusal only for what was never stored
            return
        first = self.stored.setdefault(key, {"id": added.item.id, "seq": added.seq})
        assert added.created == (not known)
        assert (added.item.id, added.seq) == (first["id"], first["seq"])

    @invariant()
    def seqs_are_gap_free(self) -> None:
        if not hasattr(self, "session_id"):
            return
        events = self.database.read_sync(events_after, self.session_id, 0)
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[-1].seq == self.database.read_sync(get_session, self.session_id).last_seq

    @invariant()
    def columns_hold_exactly_the_stored_items(self) -> None:
        if not hasattr(self, "session_id"):
            return
        items = self.database.read_sync(all_items, self.session_id)
        assert len(items) == len(self.stored)
        assert not [
            k for k, n in Counter((i.participant_id, i.client_id) for i in items).items() if n > 1
        ]
        events = self.database.read_sync(events_after, self.session_id, 0)
        added = [e for e in events if e.type == "item_added"]
        late = [e for e in events if e.type == "item_late"]  # for a step no longer active
        stored = [e.data["item"]["id"] for e in added + late]
        assert sorted(stored) == sorted(i.id for i in items)
        assert sorted(e.data["item"]["id"] for e in late) == sorted(i.id for i in items if i.late)
        seen: Counter[tuple[int, str]] = Counter()
        for event in added:  # each column_count counts the items of its column so far
            item = event.data["item"]
            seen[(item["step_id"], item["category"])] += 1
            assert event.data["column_count"] == seen[(item["step_id"], item["category"])]

    def teardown(self) -> None:
        self.database.close()
        self.engine.dispose()
        self.databases.drop(self.url)
        shutil.rmtree(self.folder, ignore_errors=True)


def get_session_active(database: Database, session_id: str) -> int | None:
    return database.read_sync(get_session, session_id).active_step_id


def all_items(db: Any, session_id: str) -> list[Item]:
    return list(db.scalars(select(Item).where(Item.session_id == session_id)))


def test_engine_invariants_hold_under_random_commands(
    databases: Databases, content: Content
) -> None:
    EngineMachine.databases = databases
    EngineMachine.content = content
    machine = EngineMachine.TestCase
    machine.settings = settings(
        max_examples=40,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine().runTest()
