"""Late items: what arrives after input closed is kept, readable by its author and the
facilitator only, off every board, vote and report, until the facilitator lets it in or
declines it (issue #13, finding 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from session_engine import controls, curation, reactions
from session_engine.actors import ORGANISER, Actor
from session_engine.agenda import activate_step, add_step
from session_engine.closing import close_session
from session_engine.errors import Conflict, Forbidden, NotFound
from session_engine.items import add_item, board
from session_engine.late import (
    admit_late_item,
    admit_late_items,
    decline_late_item,
    decline_late_items,
    late_items,
    visible_late_items,
)
from session_engine.models import Step
from session_engine.reports.report import session_report
from session_engine.store.events import events_after
from session_engine.views import Viewer, item_view, snapshot, vote_options
from session_engine.visibility import ROOM, Reader, event_for
from session_engine.votes import configure_step


@pytest.fixture
def room(make_room):
    room = make_room()
    room.brainstorm = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    return room


def add(room, who, text: str, category: str = "voordelen", step_id: int | None = None):
    return room.do(
        add_item,
        actor=who,
        client_id=text,
        step_id=step_id or room.brainstorm,
        category=category,
        text=text,
    )


def lock(room, locked: bool = True) -> None:
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=locked)


def texts(room, reader=ROOM) -> list[str]:
    found = room.database.read_sync(
        board, session_id=room.id, step_id=room.brainstorm, reader=reader
    )
    return [i.text for i in found.items()]


def events(room, after: int = 0):
    return room.database.read_sync(events_after, room.id, after, 10_000)


def test_an_item_after_the_lock_is_kept_late_not_refused(room) -> None:
    author, other = room.join(), room.join()
    add(room, other, "Op tijd")
    lock(room)
    late = add(room, author, "Te laat")
    assert late.created and late.late and late.item.late == "waiting"
    [event] = events(room, late.seq - 1)
    assert event.type == "item_late"
    assert event.data == {
        "item": {
            "id": late.item.id,
            "step_id": room.brainstorm,
            "table_id": None,
            "category": "voordelen",
            "theme": None,
            "text": "Te laat",
        },
        "waiting": 1,
        "hidden": True,
    }
    assert "participant" not in event.wire
    # Nobody but the facilitator gets the words from the event log.
    for reader in (Reader("participant", other.participant_id), ROOM):
        assert "Te laat" not in event_for(event, reader).wire
    assert "Te laat" not in event_for(event, Reader("participant", author.participant_id)).wire
    assert "Te laat" in event_for(event, Reader("facilitator")).wire
    # Off every board, the facilitator's too; the column count ignores it.
    assert texts(room) == texts(room, Reader("facilitator")) == ["Op tijd"]
    assert texts(room, Reader("participant", author.participant_id)) == ["Op tijd"]


def test_a_retry_of_a_late_item_stores_it_once(room) -> None:
    author = room.join()
    lock(room)
    first = add(room, author, "Twee keer")
    again = add(room, author, "Twee keer")
    assert (again.created, again.late, again.item.id, again.seq) == (
        False,
        True,
        first.item.id,
        first.seq,
    )
    assert len(room.database.read_sync(late_items, room.id)) == 1
    # Let in, a retry still answers the one stored item (now on the board).
    room.do(admit_late_item, actor=room.facilitator, item_id=first.item.id)
    third = add(room, author, "Twee keer")
    assert (third.created, third.late, third.item.id) == (False, False, first.item.id)
    assert texts(room) == ["Twee keer"]


def test_the_timer_running_out_or_the_step_moving_on_makes_an_item_late(room) -> None:
    author = room.join()
    room.do(controls.start_timer, actor=room.facilitator, step_id=room.brainstorm, seconds=60)

    def expire(db) -> None:
        step = db.get(Step, room.brainstorm)
        step.timer_ends_at = step.timer_ends_at - timedelta(hours=1)

    room.do(expire)
    assert add(room, author, "Na de bel").late
    second = room.step_id("brainstorm", 1)
    room.do(activate_step, actor=room.facilitator, step_id=second)
    moved_on = add(room, author, "Nog voor stap 1")
    assert moved_on.late and moved_on.item.step_id == room.brainstorm
    assert not add(room, author, "Voor stap 2", step_id=second).late
    # A step that takes no items, or a bad category, is still refused: nothing stored.
    before = events(room)
    with pytest.raises(Conflict, match="takes no items"):
        add(room, author, "x", step_id=room.step_id("info"))
    with pytest.raises(Exception, match="Unknown category"):
        add(room, author, "y", category="onzin")
    assert events(room) == before


def test_only_the_author_and_the_facilitator_read_a_late_item(room) -> None:
    author, other = room.join(), room.join()
    lock(room)
    late = add(room, author, "Alleen voor mij")
    mine = room.database.read_sync(visible_late_items, actor=author)
    assert [(i.text, i.visibility, i.step_title) for i in mine] == [
        ("Alleen voor mij", "late", "Scenario 1: Afstemming")
    ]
    assert room.database.read_sync(visible_late_items, actor=other) == []
    with pytest.raises(Forbidden):
        room.database.read_sync(visible_late_items, actor=Actor("projector", room.id))
    everything = room.database.read_sync(visible_late_items, actor=room.facilitator)
    assert [i.id for i in everything] == [late.item.id]
    item_id = late.item.id
    assert room.database.read_sync(item_view, room.id, item_id, ROOM) is None
    other_reader = Reader("participant", other.participant_id)
    assert room.database.read_sync(item_view, room.id, item_id, other_reader) is None

    # Screens: the author's stage and the console list it; the other's and the projector's not.
    def late_on(viewer: Viewer) -> list[str]:
        return [i.text for i in room.database.read_sync(snapshot, room.id, viewer).late]

    assert late_on(Viewer("participant", author.participant_id)) == ["Alleen voor mij"]
    assert late_on(Viewer("participant", other.participant_id)) == []
    assert late_on(Viewer("projector")) == []
    assert late_on(Viewer("console")) == ["Alleen voor mij"]


def test_a_late_item_is_in_no_vote_no_reveal_and_no_report(room) -> None:
    author = room.join()
    add(room, author, "Gewoon")
    room.do(controls.set_blind, actor=room.facilitator, step_id=room.brainstorm, blind=True)
    lock(room)
    add(room, author, "Laat en blind")
    room.do(controls.set_blind, actor=room.facilitator, step_id=room.brainstorm, blind=False)
    reveal = events(room)[-1]
    assert reveal.type == "visibility_changed"
    assert [i["text"] for i in reveal.data["items"]] == ["Gewoon"]
    fields = {"type": "vote", "title": "Stem", "scenario": "afstemming"}
    vote = room.do(add_step, actor=room.facilitator, fields=fields)
    room.do(
        configure_step, actor=room.facilitator, step_id=vote.id, config={"category": "voordelen"}
    )
    options = room.database.read_sync(vote_options, room.id, vote.id)
    assert [i.text for i in options["items"]] == ["Gewoon"]
    report = room.database.read_sync(session_report, room.id)
    assert "Laat en blind" not in report.model_dump_json()
    assert "Gewoon" in report.model_dump_json()


def test_a_late_item_cannot_be_curated_or_reacted_to(room) -> None:
    author = room.join()
    on_time = add(room, author, "Op tijd").item.id
    lock(room)
    late = add(room, author, "Te laat").item.id
    fac = room.facilitator
    with pytest.raises(Conflict, match="arrived late"):
        room.do(curation.update_item, actor=fac, item_id=late, text="Anders")
    with pytest.raises(Conflict, match="arrived late"):
        room.do(curation.merge_items, actor=fac, target_id=on_time, member_ids=[late])
    with pytest.raises(Conflict, match="arrived late"):
        room.do(curation.spotlight_item, actor=fac, item_id=late)
    with pytest.raises(Conflict, match="arrived late"):
        room.do(curation.delete_item, actor=fac, item_id=late)
    lock(room, False)
    with pytest.raises(NotFound):
        room.do(reactions.set_metoo, actor=author, item_id=late, on=True)


def test_admitting_puts_it_on_the_board_as_a_new_item(room) -> None:
    author = room.join()
    add(room, author, "Eerst")
    lock(room)
    late = add(room, author, "Later")
    admitted = room.do(admit_late_item, actor=room.facilitator, item_id=late.item.id)
    assert admitted.late is None
    event = events(room)[-1]
    assert (event.type, event.data) == (
        "late_items_admitted",
        {
            "items": [
                {
                    "id": late.item.id,
                    "step_id": room.brainstorm,
                    "table_id": None,
                    "category": "voordelen",
                    "theme": None,
                    "text": "Later",
                }
            ],
            "hidden_ids": [],
            "waiting": 0,
        },
    )
    assert texts(room) == ["Eerst", "Later"]
    assert room.database.read_sync(late_items, room.id) == []
    with pytest.raises(Conflict, match="not waiting"):
        room.do(admit_late_item, actor=room.facilitator, item_id=late.item.id)


def test_admitting_into_a_blind_round_keeps_the_words_hidden(room) -> None:
    author, other = room.join(), room.join()
    room.do(controls.set_blind, actor=room.facilitator, step_id=room.brainstorm, blind=True)
    lock(room)
    late = add(room, author, "Laat in het blinde")
    room.do(admit_late_items, actor=room.facilitator)
    event = events(room)[-1]
    assert event.data["hidden"] is True and event.data["hidden_ids"] == [late.item.id]
    other_reader = Reader("participant", other.participant_id)
    assert "Laat in het blinde" not in event_for(event, other_reader).wire
    assert texts(room, other_reader) == []
    assert texts(room, Reader("participant", author.participant_id)) == ["Laat in het blinde"]


def test_declining_keeps_it_with_its_author_and_it_can_still_be_let_in(room) -> None:
    author = room.join()
    lock(room)
    first = add(room, author, "Een").item.id
    add(room, author, "Twee")
    room.do(decline_late_item, actor=room.facilitator, item_id=first)
    event = events(room)[-1]
    assert (event.type, event.data) == ("late_items_declined", {"item_ids": [first], "waiting": 1})
    mine = room.database.read_sync(visible_late_items, actor=author)
    assert [(i.text, i.visibility) for i in mine] == [("Een", "declined"), ("Twee", "late")]
    assert texts(room) == []
    with pytest.raises(Conflict, match="not waiting"):
        room.do(decline_late_item, actor=room.facilitator, item_id=first)
    room.do(decline_late_items, actor=room.facilitator)  # every waiting one: "Twee"
    with pytest.raises(Conflict, match="No late contributions"):
        room.do(admit_late_items, actor=room.facilitator)
    room.do(admit_late_item, actor=room.facilitator, item_id=first)
    assert texts(room) == ["Een"]


def test_only_the_facilitator_decides_on_late_items(room, make_room) -> None:
    author = room.join()
    lock(room)
    late = add(room, author, "Mijn eigen").item.id
    before = events(room)
    for command in (admit_late_item, decline_late_item):
        with pytest.raises(Forbidden):
            room.do(command, actor=author, item_id=late)
    with pytest.raises(NotFound):
        room.do(admit_late_item, actor=room.facilitator, item_id=10**6)
    elsewhere = make_room("Utrecht")
    with pytest.raises(NotFound):
        room.do(admit_late_item, actor=elsewhere.facilitator, item_id=late)
    assert events(room) == before


def test_closing_the_session_declines_the_late_items_still_waiting(room) -> None:
    """Nobody can let them in once the session is closed: they are declined with it, in the
    log before the close, and stay out of the report like any declined item."""
    author, other = room.join(), room.join()
    add(room, other, "Op tijd")
    lock(room)
    waiting = [add(room, author, f"Wacht {n}").item for n in range(3)]
    room.do(decline_late_item, actor=room.facilitator, item_id=waiting[0].id)
    seen = events(room)[-1].seq
    room.do(close_session, session_id=room.id, actor=ORGANISER)
    found = room.database.read_sync(late_items, room.id)
    assert [(i.text, i.visibility) for i in found] == [(f"Wacht {n}", "declined") for n in range(3)]
    after = events(room, seen)
    assert [e.type for e in after] == ["late_items_declined", "session_closed"]
    assert after[0].data["item_ids"] == [waiting[1].id, waiting[2].id]
    assert after[0].data["waiting"] == 0
    assert "Wacht" not in room.database.read_sync(session_report, room.id).model_dump_json()
