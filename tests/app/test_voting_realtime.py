"""Thirty participants modelled on the seed (17 PO, 13 VO) vote on two statements against a
real server; the per-segment results and the divergence flag match a hand computation."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
from websockets.sync.client import connect

from tests.harness import LiveRoom, bearer, receive_until

# s1: PO 10×5 + 7×4, VO 8×2 + 5×1. s2: all 30 answer 4.
PO_S1 = [5] * 10 + [4] * 7
VO_S1 = [2] * 8 + [1] * 5


def test_thirty_participants_statements_per_sector(live: LiveRoom) -> None:
    people = [("PO", v) for v in PO_S1] + [("VO", v) for v in VO_S1]
    tokens = [live.join_token(sector=sector) for sector, _ in people]
    steps = live.http.get(f"/api/sessions/{live.id}", headers=bearer(live.facilitator_key)).json()[
        "steps"
    ]
    statements = next(s["id"] for s in steps if s["type"] == "statements")
    live.http.post(
        f"/api/sessions/{live.id}/steps/{statements}/activate", headers=bearer(live.facilitator_key)
    )
    with connect(live.socket_url(live.facilitator_key).removesuffix("&after=0")) as ws:
        receive_until(ws, "step_activated")

        def vote(index: int) -> int:
            answers = [
                {"subject": "s1", "value": people[index][1]},
                {
                    "subject": "s2",
                    "value": 4,
                    "argument": f"argument {index}" if index < 2 else None,
                },
            ]
            with httpx.Client(base_url=live.server.url, timeout=20) as http:
                response = http.put(
                    f"/api/sessions/{live.id}/steps/{statements}/ballot",
                    json={"answers": answers},
                    headers=bearer(tokens[index]),
                )
            return response.status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(vote, range(30))) == {200}
        counts = [json.loads(ws.recv(timeout=10))["data"]["voters"] for _ in range(30)]
        assert sorted(counts) == list(range(1, 31))  # one ballot_cast per voter, none lost

    hidden = live.http.get(
        f"/api/sessions/{live.id}/steps/{statements}/results", headers=bearer(tokens[0])
    )
    assert hidden.status_code == 403
    live.http.put(
        f"/api/sessions/{live.id}/steps/{statements}/revealed",
        json={"value": True},
        headers=bearer(live.facilitator_key),
    )
    results = live.http.get(
        f"/api/sessions/{live.id}/steps/{statements}/results", headers=bearer(tokens[0])
    ).json()
    assert results["voters"] == 30
    s1, s2 = results["statements"][0], results["statements"][1]
    # Overall s1: mean 99/30 = 3.3; variance 72.3/30 = 2.41, sd 1.55, spread 0.78: divided.
    assert (s1["overall"]["n"], s1["overall"]["mean"], s1["overall"]["sd"]) == (30, 3.3, 1.55)
    assert (s1["overall"]["spread"], s1["overall"]["flag"]) == (0.78, "divergent")
    sector = s1["segments"]["sector"]["segments"]
    # PO: mean 78/17 = 4.59, sd 0.49 (spread 0.25: mixed); VO: 21/13 = 1.62, sd 0.49 (0.24).
    assert (sector["PO"]["mean"], sector["PO"]["sd"], sector["PO"]["flag"]) == (4.59, 0.49, "mixed")
    assert (sector["VO"]["mean"], sector["VO"]["sd"], sector["VO"]["flag"]) == (1.62, 0.49, "mixed")
    assert sector["PO"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 7, "5": 10}
    assert s1["segments_differ"] == ["sector"]
    # s2: everyone 4: no spread, consensus, sectors alike.
    assert (s2["overall"]["mean"], s2["overall"]["spread"], s2["overall"]["flag"]) == (
        4.0,
        0.0,
        "consensus",
    )
    assert s2["segments_differ"] == []
    assert sorted(s2["arguments"]) == ["argument 0", "argument 1"]
    # Profiles without an answer for organisation and role fold away: never a group of < 3.
    for statement in (s1, s2):
        for segment_result in statement["segments"].values():
            assert all(d["n"] >= 3 for d in segment_result["segments"].values())


def test_a_proposed_definition_is_appended_not_a_redrawn_stage(live: LiveRoom) -> None:
    """A definition reaches each screen as a small out-of-band fragment appended to its term's
    list: a room of phones is not sent every definition again with each new one."""
    key = bearer(live.facilitator_key)
    base = f"/api/sessions/{live.id}"
    glossary = live.http.post(f"{base}/steps", json={"type": "glossary"}, headers=key).json()["id"]
    config = {"config": {"terms": ["schoolopleider", "werkplek"]}}
    assert live.http.put(f"{base}/steps/{glossary}/config", json=config, headers=key).is_success
    live.activate(glossary)
    alice = live.join_token()
    for n in range(5):
        earlier = {"term": "werkplek", "text": f"{n} " + "Een plek om te leren. " * 45}
        answer = live.http.post(
            f"{base}/steps/{glossary}/definitions", json=earlier, headers=bearer(alice)
        )
        assert answer.status_code == 201
    screens = {"participant": alice, "console": live.facilitator_key}
    text = "Degene die op school de student begeleidt & beoordeelt. " * 16
    received: dict[str, tuple[str, str]] = {}
    with ExitStack() as stack:
        sockets = {
            view: stack.enter_context(live.browser_socket(view, secret))
            for view, secret in screens.items()
        }
        stages = {view: ws.recv(timeout=10) for view, ws in sockets.items()}
        proposed = live.http.post(
            f"{base}/steps/{glossary}/definitions",
            json={"term": "werkplek", "text": text},
            headers=bearer(alice),
        )
        assert proposed.status_code == 201
        for view, ws in sockets.items():
            received[view] = (str(stages[view]), str(ws.recv(timeout=10)))
    escaped = text.strip().replace("&", "&amp;")
    for view, (stage, fragment) in received.items():
        assert stage.startswith('<section id="stage"')
        assert not fragment.startswith('<section id="stage"'), view
        assert escaped in fragment
        assert len(fragment.encode()) < 2 * len(text) + 1500 < len(stage.encode()) / 2, view
    # the results list only where results are shown: the console, not a phone before reveal
    result = f'id="term-result-{glossary}-2" hx-swap-oob="beforeend"'
    assert result in received["console"][1]
    assert "term-result-" not in received["participant"][1]
    participant = received["participant"][1]
    assert f'id="definitions-{glossary}-2" hx-swap-oob="beforeend"' in participant
    assert 'data-subject="term:werkplek" data-field="choice"' in participant
    assert "definitions-" not in received["console"][1]


def test_a_ballot_sends_the_results_block_not_a_redrawn_stage(live: LiveRoom) -> None:
    """After a ballot the console (and, once revealed, the projector) gets the step's results
    block alone, out of band; before the reveal the projector and every participant get only
    the number of voters."""
    key = bearer(live.facilitator_key)
    base = f"/api/sessions/{live.id}"
    steps = live.http.get(base, headers=key).json()["steps"]
    statements = next(s["id"] for s in steps if s["type"] == "statements")
    live.activate(statements)
    alice, bob, carol = (live.join_token(sector="PO") for _ in range(3))

    def vote(token: str) -> None:
        ballot = {"answers": [{"subject": "s1", "value": 5, "argument": "Goed & nodig"}]}
        answer = live.http.put(
            f"{base}/steps/{statements}/ballot", json=ballot, headers=bearer(token)
        )
        assert answer.status_code == 200

    vote(alice)
    screens = {
        "participant": bob,
        "console": live.facilitator_key,
        "projector": live.data["projector_key"],
    }
    with ExitStack() as stack:
        sockets = {
            view: stack.enter_context(live.browser_socket(view, secret, query="&lang=en"))
            for view, secret in screens.items()
        }
        stages = {view: str(ws.recv(timeout=10)) for view, ws in sockets.items()}
        vote(bob)
        hidden = {view: str(ws.recv(timeout=10)) for view, ws in sockets.items()}
        revealed = live.http.put(
            f"{base}/steps/{statements}/revealed", json={"value": True}, headers=key
        )
        assert revealed.status_code == 200
        redrawn = {view: str(ws.recv(timeout=10)) for view, ws in sockets.items()}
        vote(carol)
        shown = {view: str(ws.recv(timeout=10)) for view, ws in sockets.items()}

    count = f'<span id="voters-{statements}" hx-swap-oob="true">'
    assert (
        hidden["participant"] == hidden["projector"] == f"{count}2 participants have voted</span>"
    )
    assert shown["participant"] == f"{count}3 participants have voted</span>"
    for n, view, fragment, stage in (
        (2, "console", hidden["console"], stages["console"]),
        (3, "console", shown["console"], redrawn["console"]),
        (3, "projector", shown["projector"], redrawn["projector"]),
    ):
        assert stage.startswith('<section id="stage"') and f'id="results-{statements}"' in stage
        assert '<section id="stage"' not in fragment, view
        assert fragment.startswith(
            f'<section class="results" id="results-{statements}" hx-swap-oob="true"'
        )
        assert f"Results · {n} voters" in fragment
        assert f"Everyone: 1: 0, 2: 0, 3: 0, 4: 0, 5: {n}" in fragment
        # The console's stage holds agenda, settings and panels besides (4.5 of 21 KB here);
        # on the projector the results are nearly all of it, the saving is the stage's read.
        assert len(fragment.encode()) < len(stage.encode()) / (4 if view == "console" else 1)
    assert "Goed &amp; nodig" in shown["console"]
    assert "Goed" not in shown["projector"]  # arguments are not put on the wall


def test_a_redrawn_vote_step_shows_each_participant_only_their_own_answers(
    live: LiveRoom,
) -> None:
    """A stage redraw of a statements step (here the reveal) is not shared among participants:
    each one's form holds their own answers, never another's."""
    key = bearer(live.facilitator_key)
    base = f"/api/sessions/{live.id}"
    statements = live.step_id("statements")
    live.activate(statements)
    tokens = [live.join_token(sector="PO") for _ in range(4)]
    words = {0: "ARGUMENTNUL", 2: "ARGUMENTTWEE"}
    for n, word in words.items():
        ballot = {"answers": [{"subject": "s1", "value": n + 1, "argument": word}]}
        put = live.http.put(
            f"{base}/steps/{statements}/ballot", json=ballot, headers=bearer(tokens[n])
        )
        assert put.status_code == 200
    with ExitStack() as stack:
        pages = [stack.enter_context(live.browser_socket("participant", t)) for t in tokens]
        for ws in pages:
            assert str(ws.recv(timeout=10)).startswith('<section id="stage"')
        revealed = live.http.put(
            f"{base}/steps/{statements}/revealed", json={"value": True}, headers=key
        )
        assert revealed.status_code == 200
        stages = [str(ws.recv(timeout=10)) for ws in pages]
    for n, stage in enumerate(stages):
        in_form = {w for w in words.values() if f'data-field="argument">{w}<' in stage}
        assert in_form == ({words[n]} if n in words else set()), f"participant {n}: {in_form}"
