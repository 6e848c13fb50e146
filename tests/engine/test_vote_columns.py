"""One importance vote over several columns: its config (`categories`, with `category` still
working), k and points per column, results per column, the report's most important items per
column, and the one command that starts a scenario's vote from its brainstorm."""

from __future__ import annotations

import pytest

from session_engine import agenda as agenda_ops
from session_engine.agenda import activate_step
from session_engine.errors import Invalid
from session_engine.items import add_item
from session_engine.models import Step
from session_engine.reports.report import session_report
from session_engine.results import step_results
from session_engine.sessions import agenda, get_session
from session_engine.store.events import events_after
from session_engine.templates import template_steps
from session_engine.vote_start import start_importance_vote
from session_engine.votes import Answer, cast_ballot, configure_step, step_config

COLUMNS = ["voordelen", "nadelen", "voorwaarden"]
TEXTS = {
    "voordelen": ["Herkenbare rollen", "Goed te organiseren", "Past bij huidige structuren"],
    "nadelen": ["Weinig samenhang", "Dubbel werk", "Student moet zelf schakelen"],
    "voorwaarden": ["Heldere afspraken", "Tijd voor overleg", "Gedeelde visie"],
}


def fill_board(room) -> dict[str, list[int]]:
    """The first scenario's brainstorm with three items in each column, on the screens."""
    room.brainstorm = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    author = room.join()
    return {
        column: [
            room.do(
                add_item,
                actor=author,
                client_id=f"{column}-{n}",
                step_id=room.brainstorm,
                category=column,
                theme="visie" if column == "voorwaarden" else None,
                text=text,
            ).item.id
            for n, text in enumerate(texts)
        ]
        for column, texts in TEXTS.items()
    }


@pytest.fixture
def room(make_room):
    room = make_room()
    room.items = fill_board(room)
    return room


def vote_step(room, **config) -> int:
    step = room.do(
        agenda_ops.add_step,
        actor=room.facilitator,
        fields={"type": "vote", "scenario": "afstemming"},
    )
    if config:
        room.do(configure_step, actor=room.facilitator, step_id=step.id, config=config)
    room.do(activate_step, actor=room.facilitator, step_id=step.id)
    return step.id


def config_of(room, step_id: int) -> dict:
    return room.database.read_sync(lambda db: step_config(db, db.get(Step, step_id)))


def vote(room, who, step_id, *subjects: int, value: int | None = None) -> int:
    answers = [Answer(str(s), value) for s in subjects]
    return room.do(cast_ballot, actor=who, step_id=step_id, answers=answers)


def test_categories_are_stored_with_category_as_the_first(room) -> None:
    step_id = vote_step(room, categories=["nadelen", "voordelen"])
    config = config_of(room, step_id)
    assert (config["categories"], config["category"]) == (["nadelen", "voordelen"], "nadelen")


def test_an_old_client_setting_only_category_gets_that_one_column(room) -> None:
    step_id = vote_step(room, categories=COLUMNS)
    room.do(configure_step, actor=room.facilitator, step_id=step_id, config={"category": "nadelen"})
    config = config_of(room, step_id)
    assert (config["categories"], config["category"]) == (["nadelen"], "nadelen")
    # an old client sends back the whole config it read, with only `category` changed
    config["category"] = "voorwaarden"
    room.do(configure_step, actor=room.facilitator, step_id=step_id, config=config)
    assert config_of(room, step_id)["categories"] == ["voorwaarden"]


def test_a_config_stored_before_columns_reads_as_its_one_column(room) -> None:
    step_id = vote_step(room)

    def store_old(db) -> None:
        step = db.get(Step, step_id)
        step.config = {"method": "topk", "k": 3, "budget": 10, "category": "nadelen", "cut": None}
        db.add(step)

    room.database.write_sync(store_old)
    config = config_of(room, step_id)
    assert (config["categories"], config["category"]) == (["nadelen"], "nadelen")
    options = [TEXTS["nadelen"]]
    got = room.database.read_sync(step_results, room.id, step_id)
    assert [[r["item"].text for r in c["items"]] for c in got["columns"]] == options


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"categories": ["voordelen", "zorgen"]}, "Unknown category 'zorgen'"),
        ({"categories": ["nadelen", "nadelen"]}, "names a column twice"),
        ({"categories": []}, "at least one column"),
        ({"categories": "nadelen"}, "at least one column"),
        ({"categories": [3]}, "Unknown category 3"),
        ({"category": "zorgen"}, "Unknown category 'zorgen'"),
        ({"categories": ["nadelen", "voordelen"], "category": "voorwaarden"}, "first of"),
    ],
)
def test_bad_columns_are_refused_and_change_nothing(room, config, message) -> None:
    step_id = vote_step(room, categories=COLUMNS)
    before = room.database.read_sync(events_after, room.id, 0, 10_000)
    with pytest.raises(Invalid, match=message):
        room.do(configure_step, actor=room.facilitator, step_id=step_id, config=config)
    assert room.database.read_sync(events_after, room.id, 0, 10_000) == before
    assert config_of(room, step_id)["categories"] == COLUMNS


def test_the_options_are_grouped_by_column_in_the_order_of_categories(room) -> None:
    step_id = vote_step(room, categories=["voorwaarden", "voordelen"])
    got = room.database.read_sync(step_results, room.id, step_id)
    assert [c["category"] for c in got["columns"]] == ["voorwaarden", "voordelen"]
    assert [r["item"].text for r in got["items"]] == TEXTS["voorwaarden"] + TEXTS["voordelen"]


def test_k_holds_per_column(room) -> None:
    step_id = vote_step(room, method="topk", k=2, categories=COLUMNS)
    pros, cons, conditions = (room.items[c] for c in COLUMNS)
    voter = room.join()
    assert vote(room, voter, step_id, *pros[:2], *cons[:2], *conditions[:2]) == 1
    with pytest.raises(Invalid, match="Pick at most 2 items in Nadelen"):
        vote(room, voter, step_id, pros[0], *cons)


def test_points_and_a_single_choice_hold_per_column(room) -> None:
    step_id = vote_step(room, method="points", budget=5, categories=COLUMNS)
    pros, cons, _ = (room.items[c] for c in COLUMNS)
    voter = room.join()
    vote(room, voter, step_id, pros[0], cons[0], value=5)
    with pytest.raises(Invalid, match="5 points to give in Voordelen"):
        vote(room, voter, step_id, *pros[:2], value=3)
    room.do(configure_step, actor=room.facilitator, step_id=step_id, config={"method": "single"})
    vote(room, voter, step_id, pros[0], cons[1])
    with pytest.raises(Invalid, match="Pick one item in Nadelen"):
        vote(room, voter, step_id, *cons[:2])


def test_results_rank_each_column_on_its_own(room) -> None:
    step_id = vote_step(room, method="topk", k=1, cut=1, categories=COLUMNS)
    pros, cons, conditions = (room.items[c] for c in COLUMNS)
    for picks in [(pros[2], cons[1]), (pros[2], cons[1], conditions[0]), (pros[0],)]:
        vote(room, room.join(), step_id, *picks)
    got = room.database.read_sync(step_results, room.id, step_id)
    tops = [(c["category"], c["items"][0]["item"].id, c["cut"]) for c in got["columns"]]
    assert tops == [
        ("voordelen", pros[2], 1),
        ("nadelen", cons[1], 1),
        ("voorwaarden", conditions[0], 1),
    ]
    assert (got["cut"], got["category"], got["categories"]) == (3, "voordelen", COLUMNS)
    assert [r["important"] for r in got["items"]].count(True) == 3


BALLOTS = [  # per voter, per column: the indexes of the items picked
    {"voordelen": [0, 2], "nadelen": [1], "voorwaarden": [2, 1]},
    {"voordelen": [2], "nadelen": [1, 0], "voorwaarden": [2]},
    {"voordelen": [2, 1], "nadelen": [], "voorwaarden": [0, 2]},
    {"voordelen": [0], "nadelen": [2, 1], "voorwaarden": [1]},
]


def _cast_all(room, voters, step_of: dict[str, int]) -> None:
    """Every voter's picks, in the step that holds each column (one step, or one per column)."""
    for step_id in dict.fromkeys(step_of.values()):
        room.do(activate_step, actor=room.facilitator, step_id=step_id)
        for voter, picks in zip(voters, BALLOTS, strict=True):
            chosen = [
                room.items[column][i]
                for column, indexes in picks.items()
                if step_of[column] == step_id
                for i in indexes
            ]
            vote(room, voter, step_id, *chosen)


def test_a_three_column_vote_gives_the_report_of_three_one_column_votes(make_room) -> None:
    reports = []
    for split in (False, True):
        room = make_room()
        room.items = fill_board(room)
        voters = [room.join(sector=s) for s in ("PO", "VO", "PO", "VO")]
        if split:
            step_of = {c: vote_step(room, k=2, cut=1, categories=[c]) for c in COLUMNS}
        else:
            one = vote_step(room, k=2, cut=1, categories=COLUMNS)
            step_of = dict.fromkeys(COLUMNS, one)
        _cast_all(room, voters, step_of)
        reports.append(room.database.read_sync(session_report, room.id))
    multi, single = reports
    assert multi.scenarios == single.scenarios
    assert multi.key_points == single.key_points
    columns = next(s for s in multi.scenarios if s.key == "afstemming").columns
    assert [c.basis for c in columns] == ["vote"] * 3
    marked = [
        [i.text for i in c.important]
        if not c.themed
        else [i.text for g in c.themes for i in g.items if i.important]
        for c in columns
    ]
    assert marked == [["Past bij huidige structuren"], ["Dubbel werk"], ["Gedeelde visie"]]


def test_start_vote_reuses_the_scenarios_vote_step_and_puts_it_on_the_screens(room) -> None:
    planned = next(
        s for s in room.database.read_sync(agenda, room.id) if s.type == "vote"
    )  # the default agenda's "Scenario 1: belangrijkste punten"
    before = len(room.database.read_sync(events_after, room.id, 0, 10_000))
    step = room.do(start_importance_vote, actor=room.facilitator, step_id=room.brainstorm, k=2)
    assert step.id == planned.id
    assert room.database.read_sync(get_session, room.id).active_step_id == step.id
    config = config_of(room, step.id)
    assert (config["categories"], config["k"]) == (COLUMNS, 2)
    events = room.database.read_sync(events_after, room.id, 0, 10_000)[before:]
    assert [e.type for e in events] == ["step_configured", "step_activated"]


def test_start_vote_adds_a_step_right_after_the_brainstorm_when_none_is_unused(room) -> None:
    first = room.do(start_importance_vote, actor=room.facilitator, step_id=room.brainstorm)
    vote(room, room.join(), first.id, room.items["nadelen"][0])
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    second = room.do(start_importance_vote, actor=room.facilitator, step_id=room.brainstorm)
    steps = room.database.read_sync(agenda, room.id)
    ids = [s.id for s in steps]
    assert second.id not in (first.id, None)
    assert ids.index(second.id) == ids.index(room.brainstorm) + 1
    assert (second.title, second.type, second.scenario_key) == (
        "Scenario 1: most important points",
        "vote",
        "afstemming",
    )
    assert config_of(room, second.id)["categories"] == COLUMNS


def test_start_vote_only_from_a_brainstorm_or_converge(room) -> None:
    info = room.step_id("info")
    before = room.database.read_sync(events_after, room.id, 0, 10_000)
    with pytest.raises(Invalid, match="starts from a brainstorm"):
        room.do(start_importance_vote, actor=room.facilitator, step_id=info)
    with pytest.raises(Invalid, match="k must be"):
        room.do(start_importance_vote, actor=room.facilitator, step_id=room.brainstorm, k=0)
    assert room.database.read_sync(events_after, room.id, 0, 10_000) == before


def test_a_template_keeps_a_votes_columns(room) -> None:
    steps = room.database.read_sync(agenda, room.id)
    kept = [s for s in template_steps(steps) if s["type"] == "vote"]
    assert [s["categories"] for s in kept] == [COLUMNS] * 3
