"""Features built apart, tried together: taking back, late items, closing, retention, pooling
decisions, vote columns and blind rounds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col

from session_engine import closing, controls, curation, reactions
from session_engine import late as late_ops
from session_engine.actors import ORGANISER
from session_engine.agenda import activate_step
from session_engine.closing import close_session
from session_engine.errors import Conflict, Forbidden
from session_engine.items import add_item, board
from session_engine.models import Session
from session_engine.programmes import get_programme
from session_engine.reports.data import english
from session_engine.reports.decisions import current_partition
from session_engine.reports.decisions import split_item as split_pool_item
from session_engine.reports.report import programme_report, session_report
from session_engine.results import step_results
from session_engine.retention import Policy, deletes_after, purge_programme
from session_engine.sessions import create_session, get_session
from session_engine.takeback import edit_own_item, withdraw_ballot, withdraw_item
from session_engine.visibility import ROOM
from session_engine.vote_start import start_importance_vote
from session_engine.votes import Answer, cast_ballot, reveal_results
from tests.conftest import Room
from tests.engine.test_facilitation import add
from tests.engine.test_takeback import log, log_text


@pytest.fixture
def room(make_room):
    room = make_room()
    room.brainstorm = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    room.author = room.join()
    room.other = room.join()
    return room


def test_a_withdrawn_item_once_merged_and_split_leaves_no_words_in_the_log(room) -> None:
    lead = add(room, room.other, "Het rooster klopt niet")
    mine = add(room, room.author, "Mijn geheime zorg over roosters")
    room.do(curation.merge_items, actor=room.facilitator, target_id=lead, member_ids=[mine])
    room.do(curation.split_item, actor=room.facilitator, item_id=lead)
    room.do(withdraw_item, actor=room.author, item_id=mine)
    assert "Mijn geheime zorg" not in log_text(room)
    assert all(e.payload() for e in log(room))  # every event still reads as its model


def test_comments_deleted_with_a_withdrawn_item_leave_no_words_in_the_log(room) -> None:
    mine = add(room, room.author, "Mijn item")
    room.do(
        reactions.add_comment,
        actor=room.other,
        item_id=mine,
        client_id="c1",
        text="Een opmerking bij dit item",
    )
    room.do(withdraw_item, actor=room.author, item_id=mine)
    assert "Een opmerking bij dit item" not in log_text(room)
    assert all(e.payload() for e in log(room))


def _deadline(room, months: int = 12):
    def read(db):
        session = get_session(db, room.id)
        return deletes_after(db, get_programme(db, session.programme_id), months)

    return room.database.read_sync(read)


def test_closing_a_session_does_not_move_its_retention_deadline_back(room) -> None:
    """Closing coarsens the log's times to the session's first day; retention counts from
    the last thing that happened, so a session closed weeks after it began keeps its
    deadline (and is not purged early)."""
    weeks_ago = datetime.now(UTC) - timedelta(days=30)

    def backdate(db):
        db.execute(update(Session).where(col(Session.id) == room.id).values(created_at=weeks_ago))

    room.database.write_sync(backdate)
    add(room, room.author, "Iets van vandaag")
    before = _deadline(room)
    room.do(close_session, session_id=room.id, actor=ORGANISER)
    after = _deadline(room)
    assert after >= before


def test_a_late_item_is_no_part_of_the_programme_pooling(room) -> None:
    """A declined late item never reaches a report: the organiser's pooling must not count it
    in an entry (it said the same words as a board item)."""
    on_board = add(room, room.other, "Meer tijd voor begeleiding")
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=True)
    late = room.do(
        add_item,
        actor=room.author,
        client_id="late-1",
        step_id=room.brainstorm,
        category="voordelen",
        text="Meer tijd voor begeleiding",
    ).item
    room.do(late_ops.decline_late_item, actor=room.facilitator, item_id=late.id)

    def programme_id(db):
        return get_session(db, room.id).programme_id

    pid = room.database.read_sync(programme_id)
    found = room.database.read_sync(current_partition, pid)
    assert late.id not in found.group
    assert found.entry(on_board) == {on_board}
    with pytest.raises(Conflict):  # it stands alone on the report
        room.database.write_sync(
            split_pool_item, actor=ORGANISER, programme_id=pid, item_id=on_board
        )


def _purge(room, now):
    def programme_id(db):
        return get_session(db, room.id).programme_id

    pid = room.database.read_sync(programme_id)
    policy = Policy(months=12, keep="reports", threshold=3, translator=lambda _: english)
    return room.database.write_sync(purge_programme, programme_id=pid, now=now, policy=policy)[0]


def test_a_purged_session_takes_no_new_contributions(room) -> None:
    """Retention deleted the session's contributions and keeps its report: nobody joins it
    again to write what no purge would delete (it is purged once) and no report shows."""
    add(room, room.author, "Voor de purge")
    assert len(_purge(room, datetime.now(UTC) + timedelta(days=800))) == 1
    with pytest.raises(Forbidden):
        room.join()


def test_a_programme_report_kept_by_retention_survives_a_session_added_later(room) -> None:
    """Retention kept the programme's report with the words of its purged session; it is
    final: a session added later neither takes those words out of it nor, once purged in
    turn, stores a poorer report over it (docs/privacy.md, "Retention")."""
    add(room, room.author, "Voor de purge bedacht")
    _purge(room, datetime.now(UTC) + timedelta(days=800))

    def programme_id(db):
        return get_session(db, room.id).programme_id

    pid = room.database.read_sync(programme_id)
    created, _ = room.database.write_sync(create_session, programme_id=pid, title="Later")
    later = Room(room.database, created)
    later.brainstorm = later.step_id("brainstorm")
    later.do(activate_step, actor=later.facilitator, step_id=later.brainstorm)
    add(later, later.join(), "Na de purge bedacht")
    kept = room.database.read_sync(programme_report, pid).model_dump_json()
    assert "Voor de purge bedacht" in kept and "Na de purge bedacht" not in kept
    own = room.database.read_sync(session_report, later.id).model_dump_json()
    assert "Na de purge bedacht" in own
    policy = Policy(months=12, keep="reports", threshold=3, translator=lambda _: english)
    again = datetime.now(UTC) + timedelta(days=2000)
    done, _ = room.database.write_sync(purge_programme, programme_id=pid, now=again, policy=policy)
    assert [p.session_id for p in done] == [later.id]
    assert room.database.read_sync(programme_report, pid).model_dump_json() == kept
    assert room.database.read_sync(session_report, later.id).model_dump_json() == own


def test_a_ballot_withdrawn_in_a_vote_over_columns_then_the_session_closed_mid_vote(room) -> None:
    pros = [add(room, room.author, t) for t in ("Voordeel een", "Voordeel twee")]
    cons = [add(room, room.other, t, category="nadelen") for t in ("Nadeel een", "Nadeel twee")]
    third = room.join()
    vote = room.do(start_importance_vote, actor=room.facilitator, step_id=room.brainstorm, k=1)
    for who, pick in ((room.author, 0), (room.other, 1), (third, 1)):
        answers = [Answer(str(pros[pick])), Answer(str(cons[pick]))]
        room.do(cast_ballot, actor=who, step_id=vote.id, answers=answers)
    assert room.do(withdraw_ballot, actor=room.other, step_id=vote.id) == 2
    before = room.database.read_sync(step_results, room.id, vote.id)
    assert before["voters"] == 2
    room.do(close_session, session_id=room.id, actor=ORGANISER)  # the vote still open
    after = room.database.read_sync(step_results, room.id, vote.id)
    assert after == before


def test_a_late_item_of_a_blind_round_let_in_after_the_reveal_is_readable(room) -> None:
    room.do(controls.set_blind, actor=room.facilitator, step_id=room.brainstorm, blind=True)
    add(room, room.other, "Op tijd")
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=True)
    late = room.do(
        add_item,
        actor=room.author,
        client_id="late-blind",
        step_id=room.brainstorm,
        category="voordelen",
        text="Te laat in de blinde ronde",
    ).item
    room.do(controls.set_blind, actor=room.facilitator, step_id=room.brainstorm, blind=False)
    room.do(late_ops.admit_late_item, actor=room.facilitator, item_id=late.id)
    seen = room.database.read_sync(board, session_id=room.id, step_id=room.brainstorm, reader=ROOM)
    texts = [i.text for column in seen.columns.values() for i in column]
    assert "Te laat in de blinde ronde" in texts
    reveal = [e for e in log(room) if e.type == "visibility_changed"][-1]
    assert "Te laat" not in json.dumps(reveal.data)  # the reveal did not carry it
    room.do(close_session, session_id=room.id, actor=ORGANISER)
    report = room.database.read_sync(session_report, room.id)
    assert "Te laat in de blinde ronde" in report.model_dump_json()


def test_reports_with_late_items_are_the_same_after_close_and_after_the_purge(room) -> None:
    add(room, room.other, "Op tijd gezegd")
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=True)
    for n, who in enumerate((room.author, room.other)):
        room.do(
            add_item,
            actor=who,
            client_id=f"late-{n}",
            step_id=room.brainstorm,
            category="nadelen",
            text=f"Te laat nummer {n}",
        )
    room.do(late_ops.decline_late_items, actor=room.facilitator, item_ids=None)
    room.do(
        add_item,
        actor=room.author,
        client_id="late-2",
        step_id=room.brainstorm,
        category="voordelen",
        text="Wacht nog steeds",
    )

    def programme_id(db):
        return get_session(db, room.id).programme_id

    pid = room.database.read_sync(programme_id)

    def reports():
        session = room.database.read_sync(session_report, room.id).model_dump_json()
        programme = room.database.read_sync(programme_report, pid).model_dump_json()
        return session, programme

    # Closing makes the participants final, and only then do reports break down by profile
    # (docs/results.md, "Across reports"): compare from there, before and after the unlink.
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(closing, "unlink", lambda db, session: None)
        room.do(close_session, session_id=room.id, actor=ORGANISER)
    before = reports()
    assert "Te laat" not in "".join(before) and "Wacht nog" not in "".join(before)
    room.do(lambda db: closing.unlink(db, get_session(db, room.id)))
    assert reports() == before
    assert [i.text for i in room.database.read_sync(late_ops.late_items, room.id)] == [
        "Te laat nummer 0",
        "Te laat nummer 1",
        "Wacht nog steeds",
    ]
    waiting = room.database.read_sync(late_ops.late_items, room.id)[-1]
    assert waiting.visibility == "declined"  # closing declined the one still waiting
    with pytest.raises(Forbidden):  # closed: it is not let in any more
        room.do(late_ops.admit_late_items, actor=room.facilitator, item_ids=[waiting.id])
    _purge(room, datetime.now(UTC) + timedelta(days=800))
    assert reports() == before
    assert room.database.read_sync(late_ops.late_items, room.id) == []


def test_a_late_item_let_in_then_withdrawn_leaves_no_words_in_the_log(room) -> None:
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=True)
    late = room.do(
        add_item,
        actor=room.author,
        client_id="late-1",
        step_id=room.brainstorm,
        category="voordelen",
        text="Laat en toch ingetrokken",
    ).item
    room.do(late_ops.admit_late_item, actor=room.facilitator, item_id=late.id)
    room.do(controls.set_locked, actor=room.facilitator, step_id=room.brainstorm, locked=False)
    room.do(edit_own_item, actor=room.author, item_id=late.id, text="Laat, anders gezegd")
    room.do(withdraw_item, actor=room.author, item_id=late.id)
    assert "Laat en toch" not in log_text(room)
    assert "anders gezegd" not in log_text(room)


def test_a_vote_step_reused_after_every_ballot_was_withdrawn_starts_hidden(room) -> None:
    """Results stay hidden until the facilitator reveals them: a vote step whose ballots were
    all withdrawn is "unused" and started again, and must not show the new votes at once."""
    items = [add(room, room.other, t) for t in ("Een", "Twee")]
    vote = room.do(start_importance_vote, actor=room.facilitator, step_id=room.brainstorm)
    room.do(cast_ballot, actor=room.author, step_id=vote.id, answers=[Answer(str(items[0]))])
    room.do(reveal_results, actor=room.facilitator, step_id=vote.id, revealed=True)
    room.do(withdraw_ballot, actor=room.author, step_id=vote.id)
    room.do(activate_step, actor=room.facilitator, step_id=room.brainstorm)
    again = room.do(start_importance_vote, actor=room.facilitator, step_id=room.brainstorm)
    assert again.id == vote.id
    assert not again.revealed
