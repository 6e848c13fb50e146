"""A server is ready when it answers: its text libraries (scikit-learn, the Dutch
dictionary) are loaded before its first request, never while a room is live. Loading them
in the background held the interpreter lock for up to a quarter of a second at a time, and
that stall was the worst 1 % of a room's deliveries in its first seconds (docs/performance.md,
"Start-up work in a live room")."""

from __future__ import annotations

from pathlib import Path

from tests.harness import Server


def test_the_text_libraries_are_loaded_before_the_first_request(server: Server) -> None:
    # `server` has just answered its first request (the harness's readiness check).
    loaded = Path(f"/proc/{server.process.pid}/maps").read_text()
    assert "/sklearn/" in loaded  # scikit-learn's compiled modules are mapped
