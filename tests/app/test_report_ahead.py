"""Report PDFs are rendered ahead, a few quiet seconds after a change, on a real server (a
worker process renders them): a download then finds the file ready. A download of data
newer than the prepared file never gets that file: it gets the current content. A prepared
file is the same bytes as a download rendered on demand."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from app.report_formats import render_report, translator
from app.settings import Settings
from session_engine.reports.report import programme_report, session_report
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.fanout.memory import MemoryFanout
from tests.app.test_report_files import pdf_text
from tests.harness import ORGANISER, LiveRoom, Server

PATIENCE = 120  # seconds a busy machine may take to render ahead; the test stops earlier


@pytest.fixture
def room(server: Server) -> Iterator[LiveRoom]:
    room = LiveRoom.on_server(server, title="Eindhoven", location="Eindhoven")
    room.activate(room.brainstorm)
    yield room
    room.close()


def programme_of(room: LiveRoom) -> int:
    response = room.http.get(f"/api/sessions/{room.id}", headers=room.facilitator)
    return int(response.json()["programme_id"])


def wait_until_ready(http: httpx.Client, report: str, headers: dict[str, str]) -> None:
    """Until the server says the report's PDF is rendered for its data as it is now."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        response = http.get(f"{report}/ready", headers=headers)
        assert response.status_code == 200, response.text
        if "pdf" in response.json()["formats"]:
            return
        time.sleep(0.1)  # polling for a condition, not waiting for an outcome
    raise AssertionError(f"{report}.pdf was not rendered ahead in {PATIENCE} s")


def rendered_here(server: Server, kind: str, ident: str | int) -> bytes:
    """The PDF rendered in this process from the server's database, as a download would."""
    engine = create_db_engine(server.env["DATABASE_URL"])
    database = Database(engine, MemoryFanout())
    try:
        threshold = Settings().segment_threshold
        if kind == "session":
            report = database.read_sync(
                session_report, str(ident), translator=translator, threshold=threshold
            )
        else:
            report = database.read_sync(
                programme_report, int(ident), translator=translator, threshold=threshold
            )
        return render_report(report, "pdf").body
    finally:
        database.close()
        engine.dispose()


def test_a_change_is_rendered_ahead_and_downloaded_as_it_is_now(
    server: Server, room: LiveRoom
) -> None:
    token = room.join_token(sector="PO")
    room.add(token, "ahead-1", "Studenten leren in de school van ervaren collega's")
    report = f"/api/sessions/{room.id}/report"

    wait_until_ready(room.http, report, ORGANISER)
    response = room.http.get(f"{report}.pdf", headers=room.facilitator)
    assert response.status_code == 200
    assert "Studenten leren in de school van ervaren collega's" in pdf_text(response.content)
    assert response.content == rendered_here(server, "session", room.id)

    programme = f"/api/programmes/{programme_of(room)}/report"
    wait_until_ready(room.http, programme, ORGANISER)  # the session's programme follows
    response = room.http.get(f"{programme}.pdf", headers=ORGANISER)
    assert "Studenten leren in de school van ervaren collega's" in pdf_text(response.content)


def test_a_download_right_after_a_change_gets_the_new_content(room: LiveRoom) -> None:
    token = room.join_token(sector="VO")
    room.add(token, "first", "Een gedeelde visie op samen opleiden")
    report = f"/api/sessions/{room.id}/report"
    wait_until_ready(room.http, report, room.facilitator)

    room.add(token, "second", "Tijd en geld om samen opleiden tot cultuur te maken")
    response = room.http.get(f"{report}.pdf", headers=room.facilitator)
    text = pdf_text(response.content)
    assert "Een gedeelde visie op samen opleiden" in text
    assert "Tijd en geld om samen opleiden tot cultuur te maken" in text


def test_the_organisers_conclusion_is_rendered_ahead(server: Server, room: LiveRoom) -> None:
    programme_id = programme_of(room)
    programme = f"/api/programmes/{programme_id}/report"
    conclusion = "Samen opleiden vraagt een gedeelde taal van school en instituut."
    edit = room.http.put(f"{programme}/texts", json={"conclusion": conclusion}, headers=ORGANISER)
    assert edit.status_code == 200, edit.text

    wait_until_ready(room.http, programme, ORGANISER)
    response = room.http.get(f"{programme}.pdf", headers=ORGANISER)
    assert conclusion in pdf_text(response.content)
    assert response.content == rendered_here(server, "programme", programme_id)


def test_only_readers_learn_what_is_ready(room: LiveRoom) -> None:
    participant = room.join()
    refused = room.http.get(f"/api/sessions/{room.id}/report/ready", headers=participant)
    assert refused.status_code in (401, 403)
    programme = f"/api/programmes/{programme_of(room)}/report/ready"
    assert room.http.get(programme, headers=room.facilitator).status_code in (401, 403)
    missing = room.http.get("/api/sessions/nope/report/ready", headers=ORGANISER)
    assert missing.status_code == 404
