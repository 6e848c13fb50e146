"""Retention: a programme's contributions are deleted once its period has passed since its
last session, at the boundary and not a second before, with its reports kept (or not); the
clock is the `now` each purge is given."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from session_engine.agenda import activate_step
from session_engine.items import add_item
from session_engine.joining import join_session
from session_engine.models import Event
from session_engine.programmes import get_programme, load_programme
from session_engine.reactions import add_comment, set_metoo
from session_engine.reports.data import english
from session_engine.reports.report import programme_report, session_report, to_json
from session_engine.reports.stored import Gone
from session_engine.retention import (
    Policy,
    add_months,
    deletes_after,
    due_programmes,
    purge_programme,
    retention_view,
)
from session_engine.sessions import create_session
from session_engine.store.db import checkpoint_wal, sqlite_file
from tests.conftest import Room
from tests.report_seed import seed_programme

RAW_TABLES = ("participant", "item", "comment", "metoo", "ballot", "definition", "event")
PROFILE = {"sector": "PO", "organisation": "school", "role": "projectleider"}


def policy(keep: str = "reports", months: int = 12) -> Policy:
    return Policy(months=months, keep=keep, threshold=3, translator=lambda _: english)


@pytest.fixture
def built(tmp_path_factory, databases, content):
    """The two seed sessions (votes, statements, glossary, preference, me-toos, comments)
    and a third of 24 participants and 60 items, all in one programme."""
    found = seed_programme(tmp_path_factory, databases, content)
    seeded = next(found)
    seeded.large = large_session(seeded.database, seeded.programme_id)
    yield seeded
    next(found, None)


def large_session(database, programme_id: int) -> Room:
    created, _ = database.write_sync(
        create_session, programme_id=programme_id, title="Utrecht", location="Utrecht"
    )
    room = Room(database, created)
    people = [room.join(**PROFILE) for _ in range(24)]
    step = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step)
    items = [
        room.do(
            add_item,
            actor=people[n % 24],
            client_id=f"large-{n}",
            step_id=step,
            category="voordelen",
            text=f"Groot idee nummer {n}",
        ).item
        for n in range(60)
    ]
    for n, who in enumerate(people[:10]):
        room.do(set_metoo, actor=who, item_id=items[n + 1].id, on=True)
        room.do(add_comment, actor=who, item_id=items[n].id, client_id=f"c{n}", text=f"Noot {n}")
    return room


def deadline(built, months: int = 12) -> datetime:
    def read(db):
        return deletes_after(db, get_programme(db, built.programme_id), months)

    end = built.database.read_sync(read)
    assert end is not None
    return end


def purge(built, now: datetime, keep: str = "reports"):
    return built.database.write_sync(
        purge_programme, programme_id=built.programme_id, now=now, policy=policy(keep)
    )[0]


def session_ids(built) -> list[str]:
    return [built.zwolle.room.id, built.eindhoven.room.id, built.large.id]


def raw_rows(built) -> dict[str, int]:
    """Rows of every table that holds contributions, for the programme's sessions (SQL)."""
    ids = ", ".join(f"'{sid}'" for sid in session_ids(built))
    with built.database.engine.connect() as connection:
        count = {
            table: connection.execute(
                text(
                    f"SELECT count(*) FROM {table} WHERE "
                    + (
                        f"item_id IN (SELECT id FROM item WHERE session_id IN ({ids}))"
                        if table == "metoo"
                        else f"session_id IN ({ids})"
                    )
                )
            ).scalar_one()
            for table in RAW_TABLES
        }
        count["pool_decision"] = connection.execute(
            text("SELECT count(*) FROM pool_decision")
        ).scalar_one()
    return count


def reports(built) -> list[bytes]:
    database = built.database
    found = [to_json(database.read_sync(session_report, sid)) for sid in session_ids(built)]
    return [*found, to_json(database.read_sync(programme_report, built.programme_id))]


def test_one_second_before_the_end_of_retention_keeps_everything(built) -> None:
    end = deadline(built)
    before = raw_rows(built)
    assert before["item"] > 90 and before["participant"] == 48 and before["ballot"] > 0
    assert purge(built, end - timedelta(seconds=1)) == []
    assert purge(built, end) == []  # at the boundary itself: still kept
    assert raw_rows(built) == before


def test_a_second_after_the_end_everything_people_contributed_is_deleted(built) -> None:
    end = deadline(built)
    assert end == add_months(built.database.read_sync(last_event_time, session_ids(built)), 12)
    purged = purge(built, end + timedelta(seconds=1))
    assert sorted(p.session_id for p in purged) == sorted(session_ids(built))
    assert set(raw_rows(built).values()) == {0}
    large = next(p for p in purged if p.session_id == built.large.id)
    assert (large.participants, large.items, large.comments, large.metoos) == (24, 60, 10, 10)


def last_event_time(db, ids: list[str]) -> datetime:
    found = db.scalar(select(func.max(Event.created_at)).where(Event.session_id.in_(ids)))
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def test_the_reports_download_the_same_after_the_purge(built) -> None:
    before = reports(built)
    purge(built, deadline(built) + timedelta(seconds=1))
    assert reports(built) == before


def test_purging_again_deletes_nothing_and_keeps_the_reports(built) -> None:
    end = deadline(built) + timedelta(seconds=1)
    purge(built, end)
    kept = reports(built)
    assert purge(built, end + timedelta(days=400)) == []
    assert built.database.read_sync(due_programmes, now=end + timedelta(days=400), months=12) == []
    assert reports(built) == kept


def test_configured_to_keep_nothing_the_reports_are_gone_too(built) -> None:
    purge(built, deadline(built) + timedelta(seconds=1), keep="nothing")
    with pytest.raises(Gone):
        built.database.read_sync(session_report, built.large.id)
    with pytest.raises(Gone):
        built.database.read_sync(programme_report, built.programme_id)
    with built.database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM stored_report")).scalar_one() == 0


def test_no_deleted_word_is_left_in_the_sqlite_files(built) -> None:
    """Not only no row: no byte. Deleted pages are overwritten (secure_delete) and the WAL,
    which holds earlier versions of pages, is emptied (checkpoint)."""
    if not built.database_url.startswith("sqlite"):
        pytest.skip("SQLite's files; PostgreSQL reclaims deleted rows with VACUUM")
    path = Path(sqlite_file(built.database_url))
    words = [b"Groot idee nummer", b"Noot 3", b"Goed te organiseren"]
    assert any(w in path.read_bytes() + wal(path) for w in words)
    purge(built, deadline(built) + timedelta(seconds=1), keep="nothing")
    checkpoint_wal(built.database.engine)
    found = path.read_bytes() + wal(path)
    assert [w for w in words if w in found] == []


def wal(path: Path) -> bytes:
    log = path.with_name(path.name + "-wal")
    return log.read_bytes() if log.exists() else b""


def test_the_log_counts_and_never_quotes(built, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="versnellingskamer.retention"):
        purge(built, deadline(built) + timedelta(seconds=1))
    logged = caplog.text
    assert f"purged session {built.large.id}" in logged and "items 60" in logged
    assert "Groot idee" not in logged and "Noot" not in logged


def test_a_new_event_postpones_the_end(built) -> None:
    end = deadline(built)
    room = built.large
    room.join(**PROFILE)  # a change later on: the period counts from the newest event
    later = deadline(built)
    assert later > end
    assert purge(built, end + (later - end) / 2) == []
    assert len(purge(built, later + timedelta(seconds=1))) == 3


def test_a_programme_sets_its_own_period(database, content) -> None:
    data = content.model_dump()
    data["scenarios_file"]["programme"]["retention_months"] = 1
    own = type(content).model_validate(data)
    programme, _ = database.write_sync(load_programme, content=own)
    created, _ = database.write_sync(create_session, programme_id=programme.id, title="Kort")
    database.write_sync(join_session, code=created.session.code, profile=PROFILE)
    view = database.read_sync(retention_view, programme.id, months=12, keep="reports")
    assert (view.months, view.own, view.purged_sessions) == (1, True, 0)
    assert view.deletes_after is not None
    assert view.deletes_after < datetime.now(UTC) + timedelta(days=32)
    later = view.deletes_after + timedelta(seconds=1)
    assert database.read_sync(due_programmes, now=later, months=12) == [programme.id]


def test_a_session_nobody_joined_is_purged_with_its_report_kept(database, content) -> None:
    programme, _ = database.write_sync(load_programme, content=content)
    created, _ = database.write_sync(create_session, programme_id=programme.id, title="Leeg")
    before = to_json(database.read_sync(session_report, created.session.id))
    end = database.read_sync(lambda db: deletes_after(db, get_programme(db, programme.id), 12))
    done, _ = database.write_sync(
        purge_programme, programme_id=programme.id, now=end + timedelta(seconds=1), policy=policy()
    )
    assert [(p.session_id, p.participants, p.report_kept) for p in done] == [
        (created.session.id, 0, True)
    ]
    assert to_json(database.read_sync(session_report, created.session.id)) == before


def test_zero_months_keeps_forever(database, content) -> None:
    programme, _ = database.write_sync(load_programme, content=content)
    database.write_sync(create_session, programme_id=programme.id, title="Altijd")
    far = datetime.now(UTC) + timedelta(days=365 * 100)
    assert database.read_sync(due_programmes, now=far, months=0) == []
    view = database.read_sync(retention_view, programme.id, months=0, keep="reports")
    assert (view.months, view.deletes_after) == (0, None)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime(2025, 1, 31, 12, tzinfo=UTC), 1, datetime(2025, 2, 28, 12, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), 12, datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2025, 11, 30, 9, 5, tzinfo=UTC), 14, datetime(2027, 1, 30, 9, 5, tzinfo=UTC)),
    ],
)
def test_months_are_calendar_months(start, months, end) -> None:
    assert add_months(start, months) == end
