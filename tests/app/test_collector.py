"""The collector's pacing: what survives a full collection is frozen, so the next one walks
only what came since; a thaw gives everything back, so no garbage cycle among old objects
outlives it; stopping leaves the collector as it was."""

from __future__ import annotations

import gc
import weakref

from fastapi.testclient import TestClient

from app.collector import CollectorPacing
from app.main import create_app
from app.settings import Settings
from tests.harness import ORGANISER_TOKEN


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    """Two nodes referring to each other, reachable from nothing else once returned."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_survivors_of_a_full_collection_are_frozen_and_a_thaw_frees_their_cycles() -> None:
    clock = Clock()
    pacing = CollectorPacing(thaw_every=600, clock=clock)
    pacing.start()
    try:
        keep = [Node()]
        alive = keep[0]
        a, b = Node(), Node()
        a.other, b.other = b, a
        dead_later = weakref.ref(a)
        gc.collect()
        assert gc.get_freeze_count() > 0  # the survivors are out of the collector's sight
        del a, b  # the pair becomes a garbage cycle among frozen objects
        gc.collect()
        assert dead_later() is not None  # frozen: not walked, not freed
        assert alive is keep[0]

        clock.now = 599
        assert not pacing.thaw_if_due()
        clock.now = 600
        assert pacing.thaw_if_due()
        gc.collect()
        assert dead_later() is None  # the thaw gave it back; the full collection freed it
        assert gc.get_freeze_count() > 0  # and what survived is frozen again
    finally:
        pacing.stop()
    assert gc.get_freeze_count() == 0
    assert pacing._observe not in gc.callbacks


def test_what_is_alive_at_start_is_frozen_at_once() -> None:
    """The server's start-up (its modules, the text libraries) is never walked by a full
    collection under load: the first of those would hold a live room for tens of ms."""
    made_at_start_up = Node()
    pacing = CollectorPacing(thaw_every=600, clock=Clock())
    assert any(o is made_at_start_up for o in gc.get_objects())  # in the collector's sight
    pacing.start()
    try:
        assert gc.get_freeze_count() > 0
        assert not any(o is made_at_start_up for o in gc.get_objects())  # frozen
    finally:
        pacing.stop()


def test_new_garbage_cycles_are_still_collected_between_thaws() -> None:
    pacing = CollectorPacing(thaw_every=600, clock=Clock())
    pacing.start()
    try:
        gc.collect()
        fresh = cycle()  # made after the freeze: the collector sees it
        gc.collect()
        assert fresh() is None
    finally:
        pacing.stop()


def pacers() -> list[object]:
    return [c for c in gc.callbacks if isinstance(getattr(c, "__self__", None), CollectorPacing)]


def test_a_server_paces_the_collector_while_it_runs_and_not_after(database_url: str) -> None:
    before = list(gc.callbacks)
    settings = Settings(database_url=database_url, organiser_token=ORGANISER_TOKEN)
    with TestClient(create_app(settings)) as client:
        assert gc.get_freeze_count() > 0  # start-up frozen before the first request
        assert client.get("/").status_code == 200
        assert len(pacers()) == 1
    assert gc.callbacks == before
    assert gc.get_freeze_count() == 0
