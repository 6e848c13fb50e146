"""Every facilitator action is an event, checked, and refused when it should be."""

from __future__ import annotations

from datetime import timedelta

import pytest

from session_engine import agenda as agenda_ops
from session_engine import controls, curation, reactions, tables
from session_engine.agenda import activate_step
from session_engine.errors import Conflict, Forbidden, Invalid, NotFound
from session_engine.items import add_item, board
from session_engine.models import MeToo, Step
from session_engine.reports.report import session_report
from session_engine.sessions import agenda, create_session, get_step
from session_engine.store.events import events_after
from session_engine.views import Viewer, snapshot


@pytest.fixture
def room(make_room):
    room = make_room()
    room.brainstorm = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    return room


def last_event(room) -> tuple[str, dict]:
    event = room.database.read_sync(events_after, room.id, 0, 10_000)[-1]
    return event.type, event.data


def add(room, who, text: str, category: str = "voordelen", theme: str | None = None) -> int:
    added = room.do(
        add_item,
        actor=who,
        client_id=text,
        step_id=room.brainstorm,
        category=category,
        text=text,
        theme=theme,
    )
    return int(added.item.id)


def texts(room, step_id: int | None = None, **kwargs) -> dict[str, list[str]]:
    found = room.database.read_sync(
        board, session_id=room.id, step_id=step_id or room.brainstorm, **kwargs
    )
    return {k: [i.text for i in v] for k, v in found.columns.items()}


# Agenda ---------------------------------------------------------------------------------


def test_add_rename_reorder_skip_and_remove_steps(room) -> None:
    fac = room.facilitator
    step = room.do(
        agenda_ops.add_step,
        actor=fac,
        position=2,
        fields={"type": "converge", "scenario": "afstemming", "title": "Convergeren 1"},
    )
    assert last_event(room) == (
        "step_added",
        {
            "step_id": step.id,
            "type": "converge",
            "title": "Convergeren 1",
            "scenario": "afstemming",
            "position": 2,
            "skipped": False,
        },
    )
    titles = [s.title for s in room.database.read_sync(agenda, room.id)]
    assert titles[:3] == ["Welkom", "Scenario 1: Afstemming", "Convergeren 1"]
    room.do(agenda_ops.update_step, actor=fac, step_id=step.id, fields={"title": "Samenvoegen"})
    assert last_event(room)[1]["title"] == "Samenvoegen"
    ids = [s.id for s in room.database.read_sync(agenda, room.id)]
    room.do(agenda_ops.reorder_steps, actor=fac, step_ids=list(reversed(ids)))
    assert [s.id for s in room.database.read_sync(agenda, room.id)] == list(reversed(ids))
    assert last_event(room) == ("agenda_reordered", {"step_ids": list(reversed(ids))})
    room.do(agenda_ops.update_step, actor=fac, step_id=ids[0], fields={"skipped": True})
    assert last_event(room)[1]["skipped"] is True
    room.do(agenda_ops.remove_step, actor=fac, step_id=step.id)
    assert last_event(room) == ("step_removed", {"step_id": step.id})
    assert step.id not in [s.id for s in room.database.read_sync(agenda, room.id)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"type": "dance"}, "Unknown step type 'dance'"),
        ({"type": "brainstorm"}, "needs a scenario"),
        ({"type": "info", "scenario": "nope"}, "Unknown scenario 'nope'"),
        ({"type": "info", "timer_seconds": 0}, "timer_seconds"),
        ({"type": "info", "colour": "red"}, "Unknown step field"),
    ],
)
def test_bad_steps_are_refused(room, fields, message) -> None:
    before = room.database.read_sync(events_after, room.id, 0)
    with pytest.raises(Invalid, match=message):
        room.do(agenda_ops.add_step, actor=room.facilitator, fields=fields)
    assert room.database.read_sync(events_after, room.id, 0) == before


def test_agenda_refusals(room) -> None:
    fac, participant = room.facilitator, room.join()
    ids = [s.id for s in room.database.read_sync(agenda, room.id)]
    with pytest.raises(Invalid, match="every step"):
        room.do(agenda_ops.reorder_steps, actor=fac, step_ids=ids[:-1])
    with pytest.raises(Conflict, match="on the screens now"):
        room.do(agenda_ops.remove_step, actor=fac, step_id=room.brainstorm)
    add(room, participant, "Iets")
    room.do(activate_step, actor=fac, step_id=ids[0])
    with pytest.raises(Conflict, match="holds contributions"):
        room.do(agenda_ops.remove_step, actor=fac, step_id=room.brainstorm)
    with pytest.raises(Forbidden):
        room.do(agenda_ops.add_step, actor=participant, fields={"type": "info"})


def test_a_template_starts_a_new_session(room) -> None:
    fac = room.facilitator
    first = room.database.read_sync(agenda, room.id)[1]
    room.do(agenda_ops.update_step, actor=fac, step_id=first.id, fields={"skipped": True})
    template = room.do(agenda_ops.save_template, actor=fac, name="Kort")
    assert [s["title"] for s in template.steps][:4] == [
        "Welkom",
        "Scenario 1: bundelen",
        "Scenario 1: belangrijkste punten",
        "Scenario 2: Samenwerking",
    ]
    assert len(template.steps) == 12
    created = room.do(
        create_session,
        programme_id=room.created.session.programme_id,
        title="Eindhoven",
        template_id=template.id,
    )
    steps = room.database.read_sync(agenda, created.session.id)
    assert [s.title for s in steps] == [s["title"] for s in template.steps]


# Live controls --------------------------------------------------------------------------


def test_lock_keeps_items_off_the_board_and_unlock_reopens(room) -> None:
    participant = room.join()
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=True)
    assert last_event(room)[0] == "input_locked"
    add(room, participant, "Te laat")  # kept as late (tests/engine/test_late.py), not on the board
    assert last_event(room)[0] == "item_late"
    assert texts(room) == {}
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=False)
    assert last_event(room)[0] == "input_unlocked"
    add(room, participant, "Op tijd")
    assert texts(room) == {"voordelen": ["Op tijd"]}


def test_timer_runs_pauses_extends_and_locks_when_it_runs_out(room) -> None:
    fac, participant = room.facilitator, room.join()
    room.do(controls.start_timer, actor=fac, step_id=room.brainstorm, seconds=120)
    kind, data = last_event(room)
    assert kind == "timer_changed"
    assert data["timer"]["running"] and 118 <= data["timer"]["remaining"] <= 120
    room.do(controls.add_time, actor=fac, step_id=room.brainstorm, seconds=60)
    assert 178 <= last_event(room)[1]["timer"]["remaining"] <= 180
    room.do(controls.pause_timer, actor=fac, step_id=room.brainstorm)
    paused = last_event(room)[1]["timer"]
    assert (paused["running"], paused["ends_at"]) == (False, None)
    with pytest.raises(Conflict, match="not running"):
        room.do(controls.pause_timer, actor=fac, step_id=room.brainstorm)
    room.do(controls.start_timer, actor=fac, step_id=room.brainstorm)
    assert last_event(room)[1]["timer"]["remaining"] >= paused["remaining"] - 1

    def expire(db) -> None:  # the clock moves on: put the end in the past
        step = db.get(Step, room.brainstorm)
        step.timer_ends_at = step.timer_ends_at - timedelta(hours=1)

    room.do(expire)
    step = room.database.read_sync(get_step, room.id, room.brainstorm)
    assert controls.timer_state(step)["expired"] and not controls.input_open(step)
    add(room, participant, "Na de bel")
    assert last_event(room)[0] == "item_late"
    with pytest.raises(Conflict, match="run out"):  # a finished timer does not pause
        room.do(controls.pause_timer, actor=fac, step_id=room.brainstorm)
    # Unlocking reopens input as after a lock by hand; the finished timer goes away.
    room.do(controls.set_locked, actor=fac, step_id=room.brainstorm, locked=False)
    kind, data = last_event(room)
    assert (kind, data["locked"], data["timer"]["running"]) == ("input_unlocked", False, False)
    add(room, participant, "Weer open")
    assert last_event(room)[0] == "item_added"


def test_timer_refusals(room) -> None:
    with pytest.raises(Invalid, match="duration"):
        room.do(controls.start_timer, actor=room.facilitator, step_id=room.brainstorm)
    with pytest.raises(Conflict, match="Start the timer first"):
        room.do(controls.add_time, actor=room.facilitator, step_id=room.brainstorm, seconds=30)
    with pytest.raises(Forbidden):
        room.do(controls.start_timer, actor=room.join(), step_id=room.brainstorm, seconds=30)


def test_blind_round_shows_participants_only_their_own_items(room) -> None:
    alice, bob = room.join(), room.join()
    room.do(controls.set_blind, actor=room.facilitator, step_id=room.brainstorm, blind=True)
    add(room, alice, "Van Alice")
    add(room, bob, "Van Bob")
    assert last_event(room)[1]["hidden"] is True
    seen = room.database.read_sync(snapshot, room.id, Viewer("participant", alice.participant_id))
    assert [i.text for i in seen.board.items()] == ["Van Alice"]
    assert seen.hidden_count == 1
    projector = room.database.read_sync(snapshot, room.id, Viewer("projector"))
    assert (projector.board.items(), projector.hidden_count) == ([], 2)
    console = room.database.read_sync(snapshot, room.id, Viewer("console"))
    assert len(console.board.items()) == 2
    room.do(controls.set_blind, actor=room.facilitator, step_id=room.brainstorm, blind=False)
    assert last_event(room)[0] == "visibility_changed"
    seen = room.database.read_sync(snapshot, room.id, Viewer("participant", alice.participant_id))
    assert [i.text for i in seen.board.items()] == ["Van Alice", "Van Bob"]


# Item controls --------------------------------------------------------------------------


def test_edit_move_star_delete_restore(room) -> None:
    fac, participant = room.facilitator, room.join()
    item_id = add(room, participant, "Goed te organiseeren")
    room.do(curation.update_item, actor=fac, item_id=item_id, text="Goed te organiseren")
    assert last_event(room) == (
        "item_edited",
        {
            "item": {
                "id": item_id,
                "step_id": room.brainstorm,
                "table_id": None,
                "category": "voordelen",
                "theme": None,
                "text": "Goed te organiseren",
                "starred": False,
            }
        },
    )
    room.do(
        curation.update_item,
        actor=fac,
        item_id=item_id,
        category="voorwaarden",
        theme="organisatie",
    )
    assert texts(room) == {"voorwaarden": ["Goed te organiseren"]}
    room.do(curation.update_item, actor=fac, item_id=item_id, starred=True)
    assert last_event(room) == ("item_starred", {"item_id": item_id, "starred": True})
    room.do(curation.delete_item, actor=fac, item_id=item_id)
    assert texts(room) == {}
    with pytest.raises(Conflict, match="deleted"):
        room.do(curation.update_item, actor=fac, item_id=item_id, text="x")
    assert [i.id for i in room.database.read_sync(curation.deleted_items, room.id)] == [item_id]
    room.do(curation.restore_item, actor=fac, item_id=item_id)
    assert texts(room) == {"voorwaarden": ["Goed te organiseren"]}


def event_count(room) -> int:
    return len(room.database.read_sync(events_after, room.id, 0, 10_000))


def test_an_item_update_is_all_or_nothing(room) -> None:
    fac, participant = room.facilitator, room.join()
    item_id = add(room, participant, "Oud")
    before = event_count(room)
    with pytest.raises(Invalid, match="Unknown category"):
        room.do(curation.update_item, actor=fac, item_id=item_id, text="Nieuw", category="x")
    with pytest.raises(Invalid, match="Nothing to change"):
        room.do(curation.update_item, actor=fac, item_id=item_id)
    assert (texts(room), event_count(room)) == ({"voordelen": ["Oud"]}, before)


def test_an_item_update_of_several_fields_is_one_event(room) -> None:
    fac, participant = room.facilitator, room.join()
    item_id = add(room, participant, "Oud")
    before = event_count(room)
    room.do(curation.update_item, actor=fac, item_id=item_id, text="Nieuw", starred=True)
    assert (event_count(room), last_event(room)[0]) == (before + 1, "item_edited")
    assert last_event(room)[1]["item"]["starred"] is True
    room.do(
        curation.update_item,
        actor=fac,
        item_id=item_id,
        text="Verplaatst",
        category="voorwaarden",
        theme="visie",
        starred=False,
    )
    kind, data = last_event(room)
    assert (event_count(room), kind) == (before + 2, "item_moved")
    assert data["item"] | {"id": 0} == {
        "id": 0,
        "step_id": room.brainstorm,
        "table_id": None,
        "category": "voorwaarden",
        "theme": "visie",
        "text": "Verplaatst",
        "starred": False,
    }


def test_a_step_update_is_one_event_all_or_nothing(room) -> None:
    fac = room.facilitator
    before = event_count(room)
    fields = {"title": "Nieuw", "skipped": True}
    step = room.do(agenda_ops.update_step, actor=fac, step_id=room.brainstorm, fields=fields)
    assert (step.title, step.skipped, event_count(room)) == ("Nieuw", True, before + 1)
    assert last_event(room)[1]["title"] == "Nieuw" and last_event(room)[1]["skipped"] is True
    for bad in ({"title": "Anders", "skipped": False, "type": "bogus"}, {"scenario": None}, {}):
        with pytest.raises(Invalid):
            room.do(agenda_ops.update_step, actor=fac, step_id=room.brainstorm, fields=bad)
    step = room.database.read_sync(get_step, room.id, room.brainstorm)
    assert (step.title, step.skipped, event_count(room)) == ("Nieuw", True, before + 1)


def test_merge_keeps_members_and_counts_and_split_undoes_it(room) -> None:
    fac, participant = room.facilitator, room.join()
    a = add(room, participant, "Goed te organiseren, elke school kan instappen")
    b = add(room, participant, "Elke school kan meedoen")
    c = add(room, participant, "Makkelijk te organiseren")
    room.do(
        curation.merge_items, actor=fac, target_id=a, member_ids=[b, c], text="Goed te organiseren"
    )
    kind, data = last_event(room)
    assert kind == "items_merged" and data["member_ids"] == [b, c]
    assert (data["item"]["mentions"], data["item"]["members"]) == (
        3,
        ["Elke school kan meedoen", "Makkelijk te organiseren"],
    )
    [merged] = room.database.read_sync(board, session_id=room.id, step_id=room.brainstorm).items()
    assert (merged.id, merged.text, merged.mentions) == (a, "Goed te organiseren", 3)
    room.do(curation.split_item, actor=fac, item_id=a)
    assert last_event(room)[0] == "item_split"
    assert texts(room)["voordelen"] == [
        "Goed te organiseren",
        "Elke school kan meedoen",
        "Makkelijk te organiseren",
    ]


def test_merge_refusals(room, make_room) -> None:
    fac, participant = room.facilitator, room.join()
    a, b = add(room, participant, "A"), add(room, participant, "B")
    with pytest.raises(Invalid, match="itself"):
        room.do(curation.merge_items, actor=fac, target_id=a, member_ids=[a])
    other = make_room("Utrecht")
    with pytest.raises(NotFound):
        room.do(curation.merge_items, actor=fac, target_id=a, member_ids=[999_999])
    second = room.step_id("brainstorm", 1)
    room.do(activate_step, actor=fac, step_id=second)
    c = room.do(
        add_item, actor=participant, client_id="c", step_id=second, category="voordelen", text="C"
    )
    with pytest.raises(Conflict, match="same scenario"):
        room.do(curation.merge_items, actor=fac, target_id=a, member_ids=[c.item.id])
    room.do(curation.merge_items, actor=fac, target_id=a, member_ids=[b])
    with pytest.raises(Conflict, match="already part"):
        room.do(curation.merge_items, actor=fac, target_id=b, member_ids=[a])
    with pytest.raises(Forbidden):
        room.do(curation.merge_items, actor=participant, target_id=a, member_ids=[b])
    with pytest.raises(NotFound):  # another session's facilitator: these items are not theirs
        room.do(curation.merge_items, actor=other.facilitator, target_id=a, member_ids=[b])


def test_spotlight(room) -> None:
    item_id = add(room, room.join(), "Groot in beeld")
    room.do(curation.spotlight_item, actor=room.facilitator, item_id=item_id)
    assert (
        room.database.read_sync(snapshot, room.id, Viewer("projector")).spotlight.text
        == "Groot in beeld"
    )
    room.do(curation.spotlight_item, actor=room.facilitator, item_id=None)
    assert room.database.read_sync(snapshot, room.id, Viewer("projector")).spotlight is None


# Converge: me too and comments ------------------------------------------------------------


def test_metoo_counts_once_per_participant_and_can_be_withdrawn(room) -> None:
    alice, bob = room.join(), room.join()
    item_id = add(room, alice, "Samen verantwoordelijk")
    converge = room.do(
        agenda_ops.add_step,
        actor=room.facilitator,
        fields={"type": "converge", "scenario": "afstemming", "title": "Convergeren"},
    )
    room.do(activate_step, actor=room.facilitator, step_id=converge.id)
    assert texts(room, converge.id) == {"voordelen": ["Samen verantwoordelijk"]}
    carol = room.join()
    assert room.do(reactions.set_metoo, actor=bob, item_id=item_id, on=True) == 1
    assert room.do(reactions.set_metoo, actor=bob, item_id=item_id, on=True) == 1
    assert room.do(reactions.set_metoo, actor=carol, item_id=item_id, on=True) == 2
    assert last_event(room) == ("metoo_changed", {"item_id": item_id, "metoo": 2})
    assert room.do(reactions.set_metoo, actor=bob, item_id=item_id, on=False) == 1
    with pytest.raises(Forbidden):
        room.do(reactions.set_metoo, actor=room.facilitator, item_id=item_id, on=True)


def test_me_too_is_for_other_peoples_items(room) -> None:
    """The author of an item, or of an item merged into it, cannot press "me too" on it: the
    report would count one person's point as said twice. Refused, and nothing changes."""
    alice, bob, carol = room.join(), room.join(), room.join()
    lead = add(room, alice, "Samen verantwoordelijk")
    member = add(room, bob, "Gedeelde verantwoordelijkheid")
    room.do(curation.merge_items, actor=room.facilitator, target_id=lead, member_ids=[member])
    converge = room.do(
        agenda_ops.add_step,
        actor=room.facilitator,
        fields={"type": "converge", "scenario": "afstemming", "title": "Convergeren"},
    )
    room.do(activate_step, actor=room.facilitator, step_id=converge.id)
    before = last_event(room)
    for author in (alice, bob):
        with pytest.raises(Conflict, match="You wrote this item"):
            room.do(reactions.set_metoo, actor=author, item_id=lead, on=True)
    assert last_event(room) == before  # no event
    assert room.do(reactions.set_metoo, actor=carol, item_id=lead, on=True) == 1


def test_the_report_counts_each_me_too_once_and_never_the_authors(room) -> None:
    """A merged entry's "me too" count is the people who pressed it on the entry or on an
    item merged into it, once each, less whoever wrote one of them (an author's press stored
    before it was refused counts for nothing)."""
    alice, bob, carol, dave, eve = (room.join() for _ in range(5))
    lead = add(room, alice, "Samen verantwoordelijk")
    member = add(room, bob, "Gedeelde verantwoordelijkheid")
    for who in (carol, eve):
        room.do(reactions.set_metoo, actor=who, item_id=member, on=True)
    for item_id in (lead, member):
        room.do(reactions.set_metoo, actor=dave, item_id=item_id, on=True)

    def press_as_before(db) -> None:  # what the engine let an author do before 1 December
        db.add(MeToo(item_id=lead, participant_id=alice.participant_id))

    room.database.write_sync(press_as_before)
    room.do(curation.merge_items, actor=room.facilitator, target_id=lead, member_ids=[member])
    report = room.database.read_sync(session_report, room.id)
    [entry] = [
        e
        for s in report.scenarios
        for c in s.columns
        if c.key == "voordelen"
        for e in c.important + c.other
    ]
    assert (entry.text, entry.mentions, entry.metoo, entry.support) == (
        "Samen verantwoordelijk",
        2,
        3,  # carol, dave and eve, once each; not alice
        5,
    )


def test_comments_are_anonymous_and_idempotent(room) -> None:
    alice = room.join()
    item_id = add(room, alice, "Dure vorm van opleiden")
    first = room.do(
        reactions.add_comment, actor=alice, item_id=item_id, client_id="k1", text="Hoezo duur?"
    )
    again = room.do(
        reactions.add_comment, actor=alice, item_id=item_id, client_id="k1", text="Hoezo duur?"
    )
    assert (first.created, again.created, again.comment.id) == (True, False, first.comment.id)
    assert last_event(room) == (
        "comment_added",
        {
            "comment": {"id": first.comment.id, "item_id": item_id, "text": "Hoezo duur?"},
            "comments": 1,
        },
    )
    second = room.do(
        reactions.add_comment, actor=room.join(), item_id=item_id, client_id="k1", text="Ja"
    )
    assert last_event(room)[1]["comments"] == 2 and second.created  # every screen's count
    [item] = room.database.read_sync(board, session_id=room.id, step_id=room.brainstorm).items()
    assert item.comments == ["Hoezo duur?", "Ja"]


def test_reactions_only_on_items_on_screen(room) -> None:
    alice = room.join()
    item_id = add(room, alice, "Iets")
    room.do(activate_step, actor=room.facilitator, step_id=room.step_id("info"))
    with pytest.raises(Conflict, match="not on your screen"):
        room.do(reactions.set_metoo, actor=alice, item_id=item_id, on=True)


# Round tables ---------------------------------------------------------------------------


def test_tables_have_their_own_boards_and_pool_for_convergence(room) -> None:
    fac = room.facilitator
    one, two = room.do(tables.add_tables, actor=fac, names=["Tafel 1", "Tafel 2"])
    alice, bob, carol = room.join(), room.join(), room.join()  # seated at the emptiest table
    sizes = room.database.read_sync(tables.table_sizes, room.id)
    assert sizes == {one.id: 2, two.id: 1}
    add(room, alice, "Van tafel 1")
    add(room, bob, "Van tafel 2")
    assert texts(room, table_id=one.id) == {"voordelen": ["Van tafel 1"]}
    assert texts(room, table_id=two.id) == {"voordelen": ["Van tafel 2"]}
    room.do(tables.choose_table, actor=carol, table_id=two.id)
    assert last_event(room) == ("table_sizes", {"sizes": {str(one.id): 1, str(two.id): 2}})
    info = room.step_id("info")
    room.do(activate_step, actor=fac, step_id=info, table_id=one.id)
    assert (
        room.database.read_sync(
            snapshot, room.id, Viewer("participant", alice.participant_id, one.id)
        ).step.id
        == info
    )
    assert (
        room.database.read_sync(
            snapshot, room.id, Viewer("participant", bob.participant_id, two.id)
        ).step.id
        == room.brainstorm
    )
    converge = room.do(
        agenda_ops.add_step, actor=fac, fields={"type": "converge", "scenario": "afstemming"}
    )
    room.do(activate_step, actor=fac, step_id=converge.id)
    assert texts(room, converge.id, table_id=one.id) == {
        "voordelen": ["Van tafel 1", "Van tafel 2"]
    }


def test_table_refusals(room, make_room) -> None:
    fac = room.facilitator
    [table] = room.do(tables.add_tables, actor=fac, names=["Tafel 1"])
    with pytest.raises(Invalid, match="differ"):
        room.do(tables.add_tables, actor=fac, names=["tafel 1"])
    other = make_room("Utrecht")
    [foreign] = other.do(tables.add_tables, actor=other.facilitator, names=["Elders"])
    with pytest.raises(NotFound, match="No table"):
        room.do(activate_step, actor=fac, step_id=room.brainstorm, table_id=foreign.id)
    with pytest.raises(NotFound):
        room.do(tables.choose_table, actor=room.join(), table_id=foreign.id)
    with pytest.raises(Forbidden):
        room.do(tables.add_tables, actor=room.join(), names=["Mijn tafel"])
    assert table.name == "Tafel 1"


def test_a_step_added_with_an_empty_scenario_has_none(room) -> None:
    """The console's form sends "(geen)" as an empty scenario: that is no scenario."""
    step = room.do(
        agenda_ops.add_step,
        actor=room.facilitator,
        fields={"type": "glossary", "scenario": "", "title": "Begrippen"},
    )
    assert (step.type, step.scenario_key, step.title) == ("glossary", None, "Begrippen")
    renamed = room.do(
        agenda_ops.update_step,
        actor=room.facilitator,
        step_id=step.id,
        fields={"title": "Begrippenlijst", "scenario": ""},
    )
    assert (renamed.title, renamed.scenario_key) == ("Begrippenlijst", None)


def test_an_untitled_step_is_named_after_its_scenario(room) -> None:
    step = room.do(
        agenda_ops.add_step,
        actor=room.facilitator,
        fields={"type": "converge", "scenario": "samenwerking", "title": " "},
    )
    assert step.title == "Denken vanuit Samenwerking"


def test_an_untitled_step_is_named_after_its_type_in_the_language_given(room) -> None:
    """One rule, one explicit language: the session's when none is given."""
    catalogues = {"nl": {"Glossary": "Begrippenlijst"}, "en": {}}

    def translate(language: str, message: str) -> str:
        return catalogues[language].get(message, message)

    def add(**language: str) -> str:
        fields = {"type": "glossary", "title": ""}
        added = room.do(
            agenda_ops.add_step,
            actor=room.facilitator,
            fields=fields,
            translate=translate,
            **language,
        )
        return added.title

    assert add(language="en") == "Glossary"
    assert add() == "Begrippenlijst"  # the session's language: Dutch


def test_a_step_added_after_current_lands_right_after_the_step_on_the_screens(room) -> None:
    fac = room.facilitator
    step = room.do(
        agenda_ops.add_step,
        actor=fac,
        after_current=True,
        fields={"type": "converge", "scenario": "afstemming"},
    )
    titles = [s.title for s in room.database.read_sync(agenda, room.id)]
    assert titles[:4] == [
        "Welkom",
        "Scenario 1: Afstemming",
        step.title,
        "Scenario 1: bundelen",
    ]
    assert last_event(room)[1]["position"] == 2


def test_after_current_is_refused_with_a_position_or_without_a_step_on_the_screens(
    make_room,
) -> None:
    room = make_room()
    before = room.database.read_sync(events_after, room.id, 0)
    with pytest.raises(Conflict, match="No step is on the screens"):
        room.do(
            agenda_ops.add_step, actor=room.facilitator, after_current=True, fields={"type": "info"}
        )
    room.do(activate_step, actor=room.facilitator, step_id=room.step_id("info"))
    with pytest.raises(Invalid, match="not both"):
        room.do(
            agenda_ops.add_step,
            actor=room.facilitator,
            after_current=True,
            position=0,
            fields={"type": "info"},
        )
    assert len(room.database.read_sync(events_after, room.id, 0)) == len(before) + 1


def test_undo_of_one_merge_splits_off_only_its_members(room) -> None:
    fac, participant = room.facilitator, room.join()
    a = add(room, participant, "Goed te organiseren")
    b = add(room, participant, "Makkelijk te organiseren")
    c = add(room, participant, "Elke school kan instappen")
    room.do(curation.merge_items, actor=fac, target_id=a, member_ids=[b])
    room.do(curation.merge_items, actor=fac, target_id=a, member_ids=[c])
    split = room.do(curation.split_item, actor=fac, item_id=a, member_ids=[c])
    assert [m.id for m in split] == [c]
    assert last_event(room)[1]["member_ids"] == [c]
    assert texts(room)["voordelen"] == ["Goed te organiseren", "Elke school kan instappen"]
    for bad in ([a], [b, 999_999], []):
        with pytest.raises(Invalid, match="Name only items merged"):
            room.do(curation.split_item, actor=fac, item_id=a, member_ids=bad)
    merged, _ = room.database.read_sync(board, session_id=room.id, step_id=room.brainstorm).items()
    assert (merged.id, merged.members) == (a, ["Makkelijk te organiseren"])
