"""Online rounds (issue #16, part 2): a session of the programme that participants go through
at their own pace, without a facilitator, open only during its window (a clock the test
controls), with the organiser's hold for review, pooled in the programme report and shown
there as "online"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from session_engine.actors import ORGANISER, Actor
from session_engine.agenda import activate_step
from session_engine.closing import close_session
from session_engine.errors import Conflict, Forbidden, Invalid
from session_engine.items import add_item, board
from session_engine.joining import join_session
from session_engine.moderation import approve_items, decline_items, review_items
from session_engine.online import open_online_round, set_hold_for_review
from session_engine.reactions import add_comment, set_metoo
from session_engine.reports.report import programme_report
from session_engine.sessions import agenda, get_step
from session_engine.shapes import ItemVisibility
from session_engine.store.events import events_after
from session_engine.takeback import withdraw_item
from session_engine.views import Viewer, snapshot, steps_concerned
from session_engine.visibility import ROOM, Reader
from session_engine.votes import Answer, cast_ballot, own_answers, vote_items
from tests.conftest import Room

OPENS = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=7)
DURING = OPENS + timedelta(hours=1)
PROFILES = [{"sector": s} for s in ["PO", "VO"] * 10]  # 20 participants


@pytest.fixture
def live(make_room) -> Room:
    return make_room("Zwolle")


@pytest.fixture
def online(live: Room) -> Room:
    created = live.do(
        open_online_round,
        actor=ORGANISER,
        programme_id=live.created.session.programme_id,
        title="Online ronde",
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    return Room(live.database, created)


def join(room: Room, now: datetime = DURING, **profile: str) -> Actor:
    code = room.created.session.code
    joined = room.do(join_session, code=code, profile=profile, now=now)
    return Actor("participant", room.id, joined.participant_id)


def add(room: Room, who: Actor, text: str, step_id: int, now: datetime = DURING) -> object:
    return room.do(
        add_item,
        actor=who,
        client_id=text,
        step_id=step_id,
        category="voordelen",
        text=text,
        now=now,
    )


def room_texts(room: Room, step_id: int, reader: Reader = ROOM) -> list[str]:
    found = room.database.read_sync(board, session_id=room.id, step_id=step_id, reader=reader)
    return [i.text for i in found.items()]


def test_joining_is_open_only_during_the_window(online: Room) -> None:
    for moment, refusal in [
        (OPENS - timedelta(seconds=1), "This online round is not open yet."),
        (CLOSES, "This online round has closed."),
    ]:
        with pytest.raises(Forbidden) as refused:
            join(online, now=moment)
        assert str(refused.value) == refusal
    join(online, now=OPENS)
    join(online, now=CLOSES - timedelta(seconds=1))


def test_participants_go_through_the_steps_at_their_own_pace(online: Room) -> None:
    """No step is ever activated: each participant adds to any brainstorm and answers any
    vote step while the round is open, the board showing everyone's items."""
    first, second = online.step_id("brainstorm", 0), online.step_id("brainstorm", 2)
    people = [join(online, **p) for p in PROFILES]
    for n, who in enumerate(people):  # 60 items on the first scenario's board, at real size
        for k in range(3):
            add(online, who, f"Idee {n}.{k} bij scenario 1", first)
        if n % 2:
            add(online, who, f"Idee {n} bij scenario 3", second)
    assert len(room_texts(online, first)) == 60
    assert len(room_texts(online, second)) == 10
    statements = online.step_id("statements")
    for who in people[:3]:
        online.do(cast_ballot, actor=who, step_id=statements, answers=[Answer("s1", 4)], now=DURING)
    preference = online.step_id("preference")
    online.do(
        cast_ballot,
        actor=people[0],
        step_id=preference,
        answers=[Answer("preference", choice="samenwerking")],
        now=DURING,
    )
    mine = online.database.read_sync(own_answers, actor=people[0], step_id=statements)
    assert [(b.subject, b.value) for b in mine] == [("s1", 4)]
    # The importance vote is over what is on the board by the time of voting.
    vote = online.step_id("vote")
    options = online.database.read_sync(
        vote_items, online.database.read_sync(get_step, online.id, vote)
    )
    assert len(options) == 60
    chosen = [Answer(str(options[0].id))]
    online.do(cast_ballot, actor=people[1], step_id=vote, answers=chosen, now=DURING)
    mine = online.database.read_sync(own_answers, actor=people[1], step_id=vote)
    assert [b.subject for b in mine] == [str(options[0].id)]


def test_each_participant_page_shows_the_step_they_asked_for(online: Room) -> None:
    who = join(online)
    steps = online.database.read_sync(agenda, online.id)
    statements = online.step_id("statements")

    def shown(step_id: int | None) -> str | None:
        viewer = Viewer("participant", who.participant_id, None, step_id=step_id)
        snap = online.database.read_sync(snapshot, online.id, viewer)
        return snap.step.title if snap.step else None

    assert shown(statements) == "Stellingen"
    assert shown(None) == steps[0].title  # a first visit starts at the beginning
    assert shown(987654) == steps[0].title  # a step of another session is not shown


def test_after_the_window_input_is_kept_as_late_and_votes_refused(online: Room) -> None:
    who = join(online)
    step_id = online.step_id("brainstorm")
    added = add(online, who, "Te laat, maar niet kwijt", step_id, now=CLOSES)
    assert added.late  # type: ignore[attr-defined]
    assert room_texts(online, step_id) == []
    assert room_texts(online, step_id, Reader("participant", who.participant_id)) == []
    [kept] = online.database.read_sync(review_items, actor=ORGANISER, session_id=online.id)
    assert (kept.text, kept.visibility) == ("Te laat, maar niet kwijt", ItemVisibility.LATE)
    with pytest.raises(Forbidden):
        online.do(
            cast_ballot,
            actor=who,
            step_id=online.step_id("statements"),
            answers=[Answer("s1", 4)],
            now=CLOSES,
        )


def test_held_items_show_to_others_only_once_the_organiser_approves(online: Room) -> None:
    step_id = online.step_id("brainstorm")
    online.do(set_hold_for_review, actor=ORGANISER, session_id=online.id, hold=True)
    author, other = join(online), join(online)
    add(online, author, "Goed idee", step_id)
    add(online, author, "Onzin", step_id)
    assert room_texts(online, step_id) == []
    assert room_texts(online, step_id, Reader("participant", other.participant_id)) == []
    held = online.database.read_sync(review_items, actor=ORGANISER, session_id=online.id)
    assert [(i.text, i.visibility) for i in held] == [
        ("Goed idee", ItemVisibility.HELD),
        ("Onzin", ItemVisibility.HELD),
    ]
    ids = {i.text: i.id for i in held}
    online.do(approve_items, actor=ORGANISER, session_id=online.id, item_ids=[ids["Goed idee"]])
    online.do(decline_items, actor=ORGANISER, session_id=online.id, item_ids=[ids["Onzin"]])
    assert room_texts(online, step_id) == ["Goed idee"]
    left = online.database.read_sync(review_items, actor=ORGANISER, session_id=online.id)
    assert [(i.text, i.visibility) for i in left] == [("Onzin", ItemVisibility.DECLINED)]
    online.do(set_hold_for_review, actor=ORGANISER, session_id=online.id, hold=False)
    add(online, other, "Meteen zichtbaar", step_id)
    assert room_texts(online, step_id) == ["Goed idee", "Meteen zichtbaar"]


def test_moderation_is_the_organisers_and_for_online_rounds_only(online: Room, live: Room) -> None:
    facilitator = Actor("facilitator", online.id)
    with pytest.raises(Forbidden):
        online.do(set_hold_for_review, actor=facilitator, session_id=online.id, hold=True)
    with pytest.raises(Forbidden):
        online.database.read_sync(review_items, actor=facilitator, session_id=online.id)
    with pytest.raises(Conflict):
        live.do(set_hold_for_review, actor=ORGANISER, session_id=live.id, hold=True)
    with pytest.raises(Invalid):
        live.do(
            open_online_round,
            actor=ORGANISER,
            programme_id=live.created.session.programme_id,
            title="Verkeerd om",
            opens_at=CLOSES,
            closes_at=OPENS,
        )


def test_the_programme_report_pools_the_online_round_and_labels_it(
    live: Room, online: Room
) -> None:
    live_step = live.step_id("brainstorm")
    live.do(activate_step, actor=live.facilitator, step_id=live_step)
    for _ in range(3):
        add(live, live.join(sector="PO"), "Iedere partner een duidelijke rol", live_step)
    for _ in range(3):
        who = join(online, sector="VO")
        add(online, who, "Iedere partner een duidelijke rol", online.step_id("brainstorm"))
    for room in (live, online):
        room.do(close_session, actor=ORGANISER, session_id=room.id)
    programme_id = live.created.session.programme_id
    report = live.database.read_sync(programme_report, programme_id)
    assert [(s.title, s.location) for s in report.sessions] == [
        ("Zwolle", "Zwolle"),
        ("Online ronde", "online"),
    ]
    assert report.participants.total == 6
    assert "(Zwolle and Online ronde (online))" in report.participants.sentence
    [scenario] = [s for s in report.scenarios if s.key == "afstemming"]
    [column] = [c for c in scenario.columns if c.key == "voordelen"]
    [pooled] = [i for i in column.important + column.other if i.text.startswith("Iedere")]
    assert (pooled.sessions, pooled.support) == (2, 6)


def test_reactions_and_taking_back_work_on_any_step_while_the_round_is_open(
    live: Room,
) -> None:
    """Me too, comments and taking back read the server's clock (no `now` of their own)."""
    now = datetime.now(UTC)
    created = live.do(
        open_online_round,
        actor=ORGANISER,
        programme_id=live.created.session.programme_id,
        title="Nu open",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
    )
    online = Room(live.database, created)
    step_id = online.step_id("brainstorm", 1)
    author, other = join(online, now), join(online, now)
    added = add(online, author, "Samen roosteren", step_id, now)
    item_id = added.item.id  # type: ignore[attr-defined]
    assert online.do(set_metoo, actor=other, item_id=item_id, on=True) == 1
    online.do(add_comment, actor=other, item_id=item_id, client_id="c1", text="Eens")
    mine = add(online, author, "Toch niet", step_id, now)
    online.do(withdraw_item, actor=author, item_id=mine.item.id)  # type: ignore[attr-defined]
    assert room_texts(online, step_id) == ["Samen roosteren"]


def test_an_event_concerns_the_pages_of_its_step_and_of_a_converge_step_pooling_it(
    live: Room,
) -> None:
    """Self-paced participants hear only of their own step (app/fragments.py): an item's
    events concern its brainstorm and the converge step pooling it; the agenda every step;
    the room's active step none."""
    now = datetime.now(UTC)
    created = live.do(
        open_online_round,
        actor=ORGANISER,
        programme_id=live.created.session.programme_id,
        title="Nu open",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
    )
    online = Room(live.database, created)
    first, second = online.step_id("brainstorm", 0), online.step_id("brainstorm", 1)
    pooling, elsewhere = online.step_id("converge", 0), online.step_id("converge", 1)
    shown = [first, second, pooling, elsewhere]
    author, other = join(online, now), join(online, now)
    added = add(online, author, "Samen roosteren", first, now)
    item_id = added.item.id  # type: ignore[attr-defined]
    online.do(set_metoo, actor=other, item_id=item_id, on=True)
    online.do(add_comment, actor=other, item_id=item_id, client_id="c1", text="Eens")
    online.do(activate_step, actor=Actor("facilitator", online.id), step_id=second)
    events = online.database.read_sync(events_after, online.id, 0)

    def concerned(type_: str) -> frozenset[int]:
        event = next(e for e in events if e.type == type_)
        read = online.database.read_sync
        return frozenset(read(steps_concerned, online.id, event.type, event.data, shown))

    for type_ in ("item_added", "metoo_changed", "comment_added"):
        assert concerned(type_) == {first, pooling}, type_
    assert concerned("step_activated") == frozenset()
    assert concerned("online_round_changed") == set(shown)
