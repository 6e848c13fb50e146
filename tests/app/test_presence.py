"""Presence across processes: each process reports its facilitator sockets and refused
submissions; a dashboard sums the live reports and forgets a process that went quiet."""

from __future__ import annotations

import json

from app.presence import BEAT, FORGET_AFTER, REFUSAL_WINDOW, Deployment, LocalPresence
from session_engine.dashboard import Presence


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_process_reports_what_it_has_and_once_that_it_has_nothing_left() -> None:
    clock = Clock()
    local = LocalPresence(clock)
    assert local.report() is None  # nothing to say
    local.facilitator_joined("s1")
    local.refused("s2")
    report = json.loads(local.report() or "")
    assert (report["facilitators"], report["refused"]) == ({"s1": 1}, {"s2": 1})
    local.facilitator_left("s1")
    clock.now += REFUSAL_WINDOW + 1  # the refusal falls out of the window
    assert json.loads(local.report() or "")["facilitators"] == {}
    assert local.report() is None  # said once; silent after


def test_a_dashboard_sums_live_processes_and_forgets_a_quiet_one() -> None:
    clock = Clock()
    deployment = Deployment(clock)
    assert deployment.of("s1") is None  # too early to tell
    clock.now += BEAT * 2
    for process, count in (("a", 1), ("b", 2)):
        deployment.heard(
            {"process": process, "facilitators": {"s1": count}, "refused": {"s1": count}}
        )
    assert deployment.of("s1") == Presence(facilitators=3, refused=3)
    clock.now += FORGET_AFTER / 2
    deployment.heard({"process": "b", "facilitators": {}, "refused": {}})
    clock.now += FORGET_AFTER / 2 + 0.1  # a has not been heard of since
    assert deployment.of("s1") == Presence(facilitators=0, refused=0)
