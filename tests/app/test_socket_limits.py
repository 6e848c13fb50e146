"""One credential holds at most SOCKETS_PER_CREDENTIAL (8) sockets per process: one
participant opened 2,000 `/live` sockets, each with its own send queue."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

from tests.harness import LiveRoom

CAP = 8


def browser(live: LiveRoom, token: str) -> ClientConnection:
    return live.browser_socket("participant", token)


def refusal(ws: ClientConnection) -> tuple[int, str]:
    """The close code and reason of a socket the server closes at once."""
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


def test_one_participant_holds_at_most_eight_browser_sockets(live: LiveRoom) -> None:
    alice, bob = live.join_token(), live.join_token()
    with ExitStack() as stack:
        sockets = [stack.enter_context(browser(live, alice)) for _ in range(CAP)]
        for ws in sockets:
            assert "stage" in ws.recv(timeout=10)  # each got its page's first fragment
        with browser(live, alice) as extra:
            assert refusal(extra) == (
                1008,
                "too many open sockets for this credential: at most 8",
            )
        with browser(live, bob) as other:  # someone else is not held back
            assert "stage" in other.recv(timeout=10)
        sockets[0].close()
        # Its slot is free once the server has seen it go; a new socket then gets a stage.
        for _ in range(50):
            with browser(live, alice) as again:
                try:
                    if "stage" in again.recv(timeout=10):
                        break
                except ConnectionClosed:
                    continue
        else:
            pytest.fail("a closed socket's slot was never given back")


def test_the_cap_counts_json_and_browser_sockets_of_one_token_together(live: LiveRoom) -> None:
    alice = live.join_token()
    with ExitStack() as stack:
        for _ in range(CAP // 2):
            stack.enter_context(live.socket(alice))
            assert "stage" in stack.enter_context(browser(live, alice)).recv(timeout=10)
        with live.socket(alice) as extra:
            code, reason = refusal(extra)
    assert (code, reason) == (1008, "too many open sockets for this credential: at most 8")
