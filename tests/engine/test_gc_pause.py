"""The cyclic collector is paused while a report is built, and always comes back."""

from __future__ import annotations

import gc

import pytest

from session_engine.reports.gc_pause import collector_paused


def test_paused_inside_and_back_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("report failed")
    assert gc.isenabled()


def test_leaves_a_pause_made_elsewhere_alone() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
