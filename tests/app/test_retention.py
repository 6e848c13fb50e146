"""Retention as the organiser meets it: every report format downloads byte for byte the same
after the purge (or answers 410 when nothing is kept), `versnellingskamer purge` deletes
and says how much, idempotently, the server purges by itself at start, and the organiser
page shows the period."""

from __future__ import annotations

import asyncio
import io
import re
import time
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.main import create_app
from app.retention import purge, purge_daily
from app.settings import Settings
from session_engine.agenda import activate_step
from session_engine.items import add_item
from session_engine.models import Event, Session
from session_engine.programmes import get_programme
from session_engine.retention import deletes_after
from session_engine.sessions import create_session, get_session
from tests.app.test_cli import run_cli
from tests.conftest import Room
from tests.harness import ORGANISER, ORGANISER_TOKEN
from tests.report_seed import seed_programme

FORMATS = ("html", "md", "docx", "pdf", "xlsx", "json")
SHEETS = ("items", "votes", "statements", "participants")
LONG_AGO = datetime(2020, 3, 1, tzinfo=UTC)


@pytest.fixture
def built(tmp_path_factory, databases, content):
    found = seed_programme(tmp_path_factory, databases, content)
    yield next(found)
    next(found, None)


def settings_of(url: str, **extra) -> Settings:
    return Settings(database_url=url, organiser_token=ORGANISER_TOKEN, **extra)


def addresses(built) -> list[str]:
    sessions = [built.zwolle.room.id, built.eindhoven.room.id]
    bases = [f"/api/sessions/{sid}/report" for sid in sessions]
    bases.append(f"/api/programmes/{built.programme_id}/report")
    found = [f"{base}.{fmt}" for base in bases for fmt in FORMATS]
    return found + [f"{base}.csv?sheet={sheet}" for base in bases for sheet in SHEETS]


def download_all(client: TestClient, built) -> dict[str, bytes]:
    out = {}
    for address in addresses(built):
        response = client.get(address, headers=ORGANISER)
        assert response.status_code == 200, (address, response.text)
        out[address] = response.content
    return out


STAMP = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\1>")


def written(address: str, body: bytes) -> object:
    """A download as its reader sees it: DOCX and XLSX are zip archives whose entries carry
    the time they were written (and XLSX a creation time), which differ between any two
    downloads, purge or no purge; everything else compared byte for byte."""
    if not address.endswith((".docx", ".xlsx")):
        return body
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {n: STAMP.sub(b"", archive.read(n)) for n in sorted(archive.namelist())}


def end_of(built) -> datetime:
    database = built.database
    end = database.read_sync(
        lambda db: deletes_after(db, get_programme(db, built.programme_id), 12)
    )
    assert end is not None
    return end


def test_every_report_downloads_the_same_bytes_after_the_purge(built) -> None:
    settings = settings_of(built.database_url)
    with TestClient(create_app(settings)) as client:
        before = download_all(client, built)
        done = asyncio.run(purge(built.database, settings, end_of(built) + timedelta(seconds=1)))
        assert len(done) == 2 and all(p.report_kept for p in done)
        assert client.get(f"/api/sessions/{built.zwolle.room.id}/events?after=0").status_code
        after = download_all(client, built)
    assert after.keys() == before.keys()
    changed = [a for a in before if written(a, before[a]) != written(a, after[a])]
    assert changed == []


def test_configured_to_keep_nothing_a_report_answers_410(built) -> None:
    settings = settings_of(built.database_url, retention_keep="nothing")
    with TestClient(create_app(settings)) as client:
        asyncio.run(purge(built.database, settings, end_of(built) + timedelta(seconds=1)))
        for address in addresses(built)[:: len(FORMATS)]:
            response = client.get(address, headers=ORGANISER)
            assert response.status_code == 410, address
            assert "retention period" in response.json()["detail"]


def later_session(built) -> str:
    """A session added to the programme after its purge, with three participants' items."""
    created, _ = built.database.write_sync(
        create_session, programme_id=built.programme_id, title="Later", date="2017-06-14"
    )
    room = Room(built.database, created)
    step = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step)
    for n in range(3):
        room.do(
            add_item,
            actor=room.join(),
            client_id=f"later-{n}",
            step_id=step,
            category="voordelen",
            text=f"Na de purge bedacht {n}",
        )
    return room.id


def test_a_kept_programme_report_stays_the_same_in_every_format_after_a_later_session(
    built,
) -> None:
    """The programme report retention kept is final: a session added later, and its own
    purge, leave every format of it byte for byte as it was; the later session's words are
    in its own report, before and after its purge."""
    settings = settings_of(built.database_url)
    programme = [a for a in addresses(built) if "/programmes/" in a]
    with TestClient(create_app(settings)) as client:
        before = download_all(client, built)
        asyncio.run(purge(built.database, settings, end_of(built) + timedelta(seconds=1)))
        later = later_session(built)
        own = f"/api/sessions/{later}/report.md"
        seen = [download_all(client, built)]
        assert "Na de purge bedacht 0" in client.get(own, headers=ORGANISER).text
        done = asyncio.run(purge(built.database, settings, end_of(built) + timedelta(seconds=1)))
        assert [p.session_id for p in done] == [later]
        seen.append(download_all(client, built))
        assert "Na de purge bedacht 0" in client.get(own, headers=ORGANISER).text
        client.get(f"/organiser?token={ORGANISER_TOKEN}")
        client.cookies.set("vk_lang", "en")
        page = client.get("/organiser").text
    for after in seen:
        changed = [a for a in programme if written(a, before[a]) != written(a, after[a])]
        assert changed == []
    assert "Na de purge" not in before[programme[0]].decode()
    assert "The programme report was kept when retention deleted" in page


def age(database, session_id: str) -> None:
    """Make a session look as if it last changed long ago (its creation and its log)."""
    with database.engine.begin() as connection:
        connection.execute(
            update(Event).where(Event.session_id == session_id).values(created_at=LONG_AGO)
        )
        connection.execute(
            update(Session).where(Session.id == session_id).values(created_at=LONG_AGO)
        )


def old_session(make_room) -> tuple[object, str]:
    room = make_room("Lang geleden")
    who = room.join(sector="PO")
    step = room.step_id("brainstorm")
    room.do(activate_step, actor=room.facilitator, step_id=step)
    for n in range(3):
        room.do(
            add_item,
            actor=who,
            client_id=f"old-{n}",
            step_id=step,
            category="voordelen",
            text=f"Geheime gedachte {n}",
        )
    age(room.database, room.id)
    return room, room.id


def test_the_purge_command_deletes_once_and_logs_counts_not_words(make_room, database_url) -> None:
    room, session_id = old_session(make_room)
    env = {"DATABASE_URL": database_url}
    first = run_cli("purge", env=env)
    assert first.returncode == 0, first.stderr
    assert "Purged 1 sessions: 3 items, 1 participants deleted." in first.stdout
    assert f"purged session {session_id}" in first.stderr and "items 3" in first.stderr
    assert "Geheime" not in first.stdout + first.stderr
    assert room.database.read_sync(get_session, session_id).purged_at is not None
    again = run_cli("purge", env=env)
    assert again.returncode == 0, again.stderr
    assert "Purged 0 sessions: 0 items, 0 participants deleted." in again.stdout


def test_the_server_purges_by_itself_when_it_starts(make_room, database_url) -> None:
    room, session_id = old_session(make_room)
    with TestClient(create_app(settings_of(database_url))) as client:
        deadline = time.monotonic() + 30
        while room.database.read_sync(get_session, session_id).purged_at is None:
            assert time.monotonic() < deadline, "the server did not purge at start"
            time.sleep(0.05)
        page = client.get(f"/api/sessions/{session_id}/report.md", headers=ORGANISER)
        assert page.status_code == 200 and "Geheime gedachte 0" in page.text


def test_the_recurring_purge_deletes_once_the_clock_passes_the_end(built) -> None:
    """The daily task keeps running: with a clock the test moves and a short interval, the
    runs before the end delete nothing, and the first run after it deletes."""
    settings = settings_of(built.database_url)
    end = end_of(built)
    now, runs = [end - timedelta(seconds=1)], [0]

    def clock() -> datetime:
        runs[0] += 1
        return now[0]

    async def purged() -> bool:
        session = await built.database.read(get_session, built.zwolle.room.id)
        return session.purged_at is not None

    async def until(condition, what: str) -> None:
        deadline = time.monotonic() + 30
        while not await condition():
            assert time.monotonic() < deadline, what
            await asyncio.sleep(0.02)

    async def scenario() -> None:
        task = asyncio.create_task(purge_daily(built.database, settings, clock, 0.01))

        async def ran_three_times() -> bool:
            return runs[0] >= 3

        await until(ran_three_times, "the purge did not run again")
        assert not await purged()
        now[0] = end + timedelta(seconds=1)
        await until(purged, "the recurring purge did not delete")
        task.cancel()

    asyncio.run(scenario())


def test_the_organiser_page_shows_the_retention(client: TestClient, api_room) -> None:
    api_room("Zwolle")
    client.get(f"/organiser?token={ORGANISER_TOKEN}")
    client.cookies.set("vk_lang", "en")
    english = client.get("/organiser").text
    assert "Retention period: 12 months after the programme's last session." in english
    assert "The reports are stored first and can still be downloaded." in english
    client.cookies.set("vk_lang", "nl")
    dutch = client.get("/organiser").text
    assert "Bewaartermijn: 12 maanden na de laatste sessie van het programma." in dutch
