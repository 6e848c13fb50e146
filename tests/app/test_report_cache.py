"""Rendered reports are kept by the data's version: ten people downloading one PDF at once
rendered it ten times (27 s of CPU on a 6,000-item session). Now one render per report
state, format and sheet, shared by everyone asking meanwhile, and a new one after a change."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

import app.reports
from app.reports import Memo

AT_ONCE = 4


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Counts renders; the first waits until AT_ONCE downloads have read the report's state,
    so they all ask while it is still rendering."""
    seen = {"renders": 0, "arrivals": 0, "all_here": threading.Event()}
    render, state = app.reports.render_report, app.reports.report_state

    def render_counted(*args: Any, **kwargs: Any) -> Any:
        seen["renders"] += 1
        seen["all_here"].wait(timeout=10)
        return render(*args, **kwargs)

    def state_counted(*args: Any, **kwargs: Any) -> Any:
        result = state(*args, **kwargs)
        seen["arrivals"] += 1
        if seen["arrivals"] >= AT_ONCE:
            seen["all_here"].set()
        return result

    monkeypatch.setattr(app.reports, "render_report", render_counted)
    monkeypatch.setattr(app.reports, "report_state", state_counted)
    return seen


def test_a_report_asked_for_at_once_is_rendered_once(
    client: TestClient, api_room: Any, counted: dict[str, Any]
) -> None:
    room = api_room()
    participant = room.join()
    brainstorm = room.step_id("brainstorm")
    room.activate(brainstorm)
    fields = {"step_id": brainstorm, "category": "voordelen"}
    room.post_item(participant, client_id="a", text="Samen opleiden", **fields)
    url = f"/api/sessions/{room.id}/report.md"

    with ThreadPoolExecutor(AT_ONCE) as pool:
        responses = list(pool.map(lambda _: client.get(url, headers=room.facilitator), range(4)))
    assert [r.status_code for r in responses] == [200] * AT_ONCE
    assert len({r.content for r in responses}) == 1
    assert counted["renders"] == 1

    again = client.get(url, headers=room.facilitator)
    assert again.content == responses[0].content
    assert counted["renders"] == 1  # nothing changed: the same file

    room.post_item(participant, client_id="b", text="Leren van elkaar", **fields)
    changed = client.get(url, headers=room.facilitator)
    assert "Leren van elkaar" in changed.text
    assert counted["renders"] == 2


def test_the_cache_drops_the_least_recently_used_past_its_bytes() -> None:
    memo: Memo[bytes] = Memo(capacity=10, weigh=len)

    async def fill() -> list[bytes]:
        async def make(value: bytes) -> bytes:
            return value

        for key in ("a", "b", "c"):
            await memo.get(key, lambda key=key: make(key.encode() * 4))
        return [await memo.get("a", lambda: make(b"new"))]

    assert asyncio.run(fill()) == [b"new"]  # "a" was dropped for "c"
    assert memo.weight <= 10


def test_a_failed_render_is_not_remembered() -> None:
    memo: Memo[bytes] = Memo(capacity=10, weigh=len)
    attempts = []

    async def flaky() -> bytes:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("disk full")
        return b"ok"

    async def twice() -> bytes:
        with pytest.raises(RuntimeError):
            await memo.get("k", flaky)
        return await memo.get("k", flaky)

    assert asyncio.run(twice()) == b"ok"
