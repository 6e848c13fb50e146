"""The voting API and its refusals: each a clear 4xx that changes nothing."""

from __future__ import annotations

import pytest


@pytest.fixture
def room(api_room):
    room = api_room()
    room.brainstorm = room.step_id("brainstorm")
    room.activate(room.brainstorm)
    author = room.join()
    room.items = []
    for text in ("Herkenbare rollen", "Goed te organiseren", "Past bij huidige structuren"):
        response = room.post_item(
            author, client_id=text, step_id=room.brainstorm, category="voordelen", text=text
        )
        room.items.append(response.json()["item"]["id"])
    return room


def call(room, method, path, who=None, **kwargs):
    return room.client.request(
        method, f"/api/sessions/{room.id}{path}", headers=who or room.facilitator, **kwargs
    )


def vote_step(room, config):
    step = call(room, "POST", "/steps", json={"type": "vote", "scenario": "afstemming"}).json()[
        "id"
    ]
    assert call(room, "PUT", f"/steps/{step}/config", json={"config": config}).status_code == 200
    room.activate(step)
    return step


def ballot(room, who, step, answers):
    return call(room, "PUT", f"/steps/{step}/ballot", who=who, json={"answers": answers})


def test_importance_vote_round_trip(room) -> None:
    step = vote_step(room, {"method": "points", "budget": 10, "cut": 1})
    voter = room.join()
    a, b, c = room.items
    assert ballot(
        room, voter, step, [{"subject": str(a), "value": 7}, {"subject": str(b), "value": 3}]
    ).json() == {"voters": 1}
    assert (
        ballot(room, voter, step, [{"subject": str(c), "value": 10}]).status_code == 200
    )  # replaces
    own = call(room, "GET", f"/steps/{step}/ballot", who=voter).json()
    assert own == [{"subject": str(c), "value": 10, "choice": None, "argument": None}]
    results = call(room, "GET", f"/steps/{step}/results").json()
    assert [(r["item"]["id"], r["score"], r["important"]) for r in results["items"]] == [
        (c, 10.0, True),
        (a, 0.0, False),
        (b, 0.0, False),
    ]
    options = call(room, "GET", f"/steps/{step}/options", who=voter).json()
    assert options["config"]["method"] == "points" and len(options["items"]) == 3
    assert set(options) == {"type", "config", "subjects", "items"}


def test_typed_answers_keep_their_keys(room) -> None:
    """The JSON API is a contract: typing the answers kept every key, added none but these."""
    step = room.step_id("statements")
    room.activate(step)
    voter = room.join()
    options = call(room, "GET", f"/steps/{step}/options", who=voter).json()
    assert set(options) == {"type", "config", "subjects"}  # no items, no definitions
    ballot(room, voter, step, [{"subject": "s1", "value": 4, "argument": "Helder"}])
    assert call(room, "PUT", f"/steps/{step}/revealed", json={"value": True}).json() == {
        "step_id": step,
        "revealed": True,
    }
    results = call(room, "GET", f"/steps/{step}/results", who=voter).json()
    assert set(results) == {"step_id", "type", "title", "revealed", "voters", "statements"}
    first = results["statements"][0]
    assert set(first) == {"key", "text", "overall", "segments", "segments_differ", "arguments"}
    assert first["overall"]["counts"]["4"] == 1 and first["arguments"] == ["Helder"]
    assert set(first["overall"]) == {"counts", "n", "no_opinion", "mean", "sd", "spread", "flag"}
    locked = call(room, "PUT", f"/steps/{step}/locked", json={"value": True}).json()
    assert set(locked) == {"step_id", "locked", "blind", "timer"}
    assert set(locked["timer"]) == {"running", "ends_at", "remaining", "autolock", "expired"}
    tables = call(room, "POST", "/tables", json={"names": ["Tafel 1"]}).json()
    assert [set(t) for t in tables] == [{"id", "name", "active_step_id"}]
    listed = call(room, "GET", "/tables").json()
    assert [set(t) for t in listed] == [{"id", "name", "active_step_id", "participants"}]


@pytest.mark.parametrize(
    ("config", "answers", "status", "detail"),
    [
        (
            {"method": "topk", "k": 2},
            [{"subject": "{a}"}, {"subject": "{b}"}, {"subject": "{c}"}],
            422,
            "at most 2",
        ),
        ({"method": "points", "budget": 5}, [{"subject": "{a}", "value": 6}], 422, "5 points"),
        ({"method": "rating"}, [{"subject": "{a}", "value": 9}], 422, "from 1 to 5"),
        ({"method": "topk"}, [{"subject": "12345"}], 422, "not part of this vote"),
    ],
)
def test_bad_ballots(room, config, answers, status, detail) -> None:
    step = vote_step(room, config)
    a, b, c = room.items
    filled = [{**x, "subject": x["subject"].format(a=a, b=b, c=c)} for x in answers]
    before = room.events()
    response = ballot(room, room.join(), step, filled)
    assert response.status_code == status and detail in response.json()["detail"]
    assert [e for e in room.events() if e["type"] == "ballot_cast"] == [
        e for e in before if e["type"] == "ballot_cast"
    ]


@pytest.mark.parametrize(
    ("config", "answers", "dutch", "english"),
    [
        (
            {"method": "topk", "k": 2},
            [{"subject": "{a}"}, {"subject": "{b}"}, {"subject": "{c}"}],
            "Kies maximaal 2 bijdragen.",
            "Pick at most 2 items.",
        ),
        (
            {"method": "points", "budget": 5},
            [{"subject": "{a}", "value": 6}],
            "Je hebt 5 punten te verdelen, niet meer.",
            "You have 5 points to give, not more.",
        ),
        (
            {"method": "topk"},
            [{"subject": "12345"}],
            "'12345' hoort niet bij deze stemming.",
            "'12345' is not part of this vote.",
        ),
    ],
)
def test_ballot_refusals_reach_the_page_in_its_language(room, config, answers, dutch, english):
    step = vote_step(room, config)
    a, b, c = room.items
    filled = [{**x, "subject": x["subject"].format(a=a, b=b, c=c)} for x in answers]
    voter = room.join()
    page = {**voter, "X-VK-View": "participant"}
    assert ballot(room, page, step, filled).json() == {"detail": dutch}
    assert ballot(room, {**page, "X-VK-Lang": "nl"}, step, filled).json() == {"detail": dutch}
    assert ballot(room, {**page, "X-VK-Lang": "en"}, step, filled).json() == {"detail": english}
    assert ballot(room, voter, step, filled).json() == {"detail": english}  # API clients


def test_statement_refusals(room) -> None:
    step = room.step_id("statements")
    room.activate(step)
    voter = room.join()
    assert ballot(room, voter, step, [{"subject": "s1", "value": 6}]).status_code == 422
    assert ballot(room, voter, step, [{"subject": "s42", "value": 3}]).status_code == 422
    call(room, "PUT", f"/steps/{step}/locked", json={"value": True})
    closed = ballot(room, voter, step, [{"subject": "s1", "value": 3}])
    assert (closed.status_code, closed.json()["detail"]) == (409, "This vote is closed.")


def test_results_hidden_until_revealed_and_facilitator_only_controls(room) -> None:
    step = room.step_id("statements")
    room.activate(step)
    voter = room.join()
    ballot(room, voter, step, [{"subject": "s1", "value": 4}])
    hidden = call(room, "GET", f"/steps/{step}/results", who=voter)
    assert (hidden.status_code, hidden.json()["detail"]) == (
        403,
        "The results are hidden until the facilitator reveals them.",
    )
    assert (
        call(room, "PUT", f"/steps/{step}/revealed", who=voter, json={"value": True}).status_code
        == 403
    )
    assert (
        call(
            room, "PUT", f"/steps/{step}/config", who=voter, json={"config": {"mode": "one"}}
        ).status_code
        == 403
    )
    assert call(room, "PUT", f"/steps/{step}/revealed", json={"value": True}).status_code == 200
    assert (
        call(room, "GET", f"/steps/{step}/results", who=voter).json()["statements"][0]["overall"][
            "n"
        ]
        == 1
    )


def test_bad_configs(room) -> None:
    step = room.step_id("statements")
    assert (
        call(room, "PUT", f"/steps/{step}/config", json={"config": {"mode": "some"}}).status_code
        == 422
    )
    assert (
        call(room, "PUT", f"/steps/{step}/config", json={"config": {"current": "s99"}}).status_code
        == 422
    )
    vote = call(room, "POST", "/steps", json={"type": "vote", "scenario": "afstemming"}).json()[
        "id"
    ]
    assert (
        call(room, "PUT", f"/steps/{vote}/config", json={"config": {"method": "dice"}}).status_code
        == 422
    )
    assert (
        call(room, "PUT", f"/steps/{room.brainstorm}/config", json={"config": {}}).status_code
        == 422
    )


def test_all_statements_in_one_request_and_one_at_a_time(room) -> None:
    """The participant's screen sends every statement's answer in one PUT (stored together);
    a client that sends one statement replaces only that one."""
    step = room.step_id("statements")
    room.activate(step)
    voter = room.join()
    keys = [f"s{n}" for n in range(1, 8)]
    answers = [{"subject": key, "value": n % 5 + 1} for n, key in enumerate(keys)]
    assert ballot(room, voter, step, answers).json() == {"voters": 1}
    changed = [{"subject": "s3", "value": None, "argument": "Weet ik niet"}]
    assert ballot(room, voter, step, changed).status_code == 200
    own = {a["subject"]: a for a in call(room, "GET", f"/steps/{step}/ballot", who=voter).json()}
    assert sorted(own) == keys
    assert (own["s1"]["value"], own["s3"]["value"], own["s3"]["argument"]) == (
        1,
        None,
        "Weet ik niet",
    )


def test_answers_spread_over_3_to_5_are_not_shown_as_divided(room) -> None:
    """The one rule for "divided" (tally.divided) on the results and in the report."""
    step = room.step_id("statements")
    room.activate(step)
    for value in (3, 3, 4, 5, 5, 5):
        assert ballot(room, room.join(), step, [{"subject": "s1", "value": value}]).is_success
    for value in (1, 1, 5, 5):
        assert ballot(room, room.join(), step, [{"subject": "s2", "value": value}]).is_success
    results = call(room, "GET", f"/steps/{step}/results").json()
    flags = {s["key"]: s["overall"]["flag"] for s in results["statements"]}
    assert (flags["s1"], flags["s2"]) == ("mixed", "divergent")
    report = call(room, "GET", "/report.json").json()
    reported = {s["key"]: s["overall"]["flag"] for s in report["statements"]}
    assert (reported["s1"], reported["s2"]) == ("mixed", "divergent")
