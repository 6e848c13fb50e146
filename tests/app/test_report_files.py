"""The report files people forward and keep. The PDF of a programme the seed's size (three
sessions, 48 participants, 179 points) carries every point; only a list over 40 entries is
cut (to its first few, as a 2,000-item session's would be), and says so. Every format of the
same data is the same bytes, downloaded again later from a fresh server (a zip entry's time
has a resolution of two seconds, so the second round waits until the clock has moved past
the first round's stamp)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

import app.reports
from app.main import create_app
from app.report_formats import PDF_CUT, PDF_LIST, render_report, translator
from app.reports import Memo
from app.settings import Settings
from bench.seed_programme import build_seed_programme, seed_points
from session_engine.items import add_item
from session_engine.programmes import load_programme
from session_engine.reports.report import programme_report, session_report
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.fanout.memory import MemoryFanout
from tests.harness import ORGANISER, ORGANISER_TOKEN

FORMATS = ("html", "md", "docx", "pdf", "xlsx", "json")
SHEETS = ("items", "votes", "statements", "participants")


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory, databases: Any, content: Any) -> Iterator[Any]:
    """The seed-sized programme: (database url, programme id, session ids)."""
    url = databases.fresh(tmp_path_factory.mktemp("seed"))
    engine = create_db_engine(url)
    database = Database(engine, MemoryFanout())
    programme, _ = database.write_sync(load_programme, content=content)
    ids = build_seed_programme(database, programme.id)
    database.close()
    engine.dispose()
    yield url, programme.id, ids
    databases.drop(url)


def _client(url: str) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, organiser_token=ORGANISER_TOKEN)))


def pdf_text(body: bytes) -> str:
    """The PDF's text as a reader's program extracts it, page by page, spaces normalised."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(body)
    pages = [page.get_textpage().get_text_range() for page in document]
    return " ".join(" ".join(pages).split())


def test_the_programme_pdf_carries_every_point(seed: Any) -> None:
    url, programme_id, _ = seed
    with _client(url) as client:
        response = client.get(f"/api/programmes/{programme_id}/report.pdf", headers=ORGANISER)
    assert response.status_code == 200
    text = pdf_text(response.content)
    points = [" ".join(p.text.split()) for p in seed_points()]
    assert len(set(points)) == 179
    missing = [p for p in points if p not in text]
    assert not missing, f"{len(missing)} of 179 points not in the PDF, e.g. {missing[:3]}"
    assert "zie de spreadsheet-export" not in text  # nothing cut


def test_a_list_over_forty_is_cut_in_the_pdf_and_says_so(make_room: Any) -> None:
    """45 entries in one column, none supported more than another: all are "other"."""
    assert PDF_LIST == 40
    room = make_room()
    step = room.step_id("brainstorm", 0)
    from session_engine.agenda import activate_step

    room.do(activate_step, actor=room.facilitator, step_id=step)
    people = [room.join(sector="PO") for _ in range(20)]
    texts = [f"Voordeel nummer {n:02d}: de school en de opleiding werken samen" for n in range(45)]
    for n, text in enumerate(texts):
        room.do(
            add_item,
            actor=people[n % 20],
            client_id=f"many-{n}",
            step_id=step,
            category="voordelen",
            text=text,
        )
    report = room.database.read_sync(session_report, room.id, translator=translator)
    text = pdf_text(render_report(report, "pdf").body)
    shown = [t for t in texts if t in text]
    assert len(shown) == PDF_CUT["other"]
    assert f"… en nog {45 - PDF_CUT['other']} (zie de spreadsheet-export)" in text
    assert all(t in render_report(report, "html").body.decode() for t in texts)


def test_a_long_unbroken_link_wraps_within_the_pdfs_page(make_room: Any) -> None:
    """A contribution holding a 300-character link (no space to break at) is printed whole,
    wrapped inside the page's width, not cut off at its right edge."""
    import pypdfium2 as pdfium

    from session_engine.agenda import activate_step

    room = make_room()
    step = room.step_id("brainstorm", 0)
    room.do(activate_step, actor=room.facilitator, step_id=step)
    link = "https://www.voorbeeld.nl/" + "opleidingsschool" * 18 + "?x=" + "b" * 40
    room.do(
        add_item,
        actor=room.join(sector="PO"),
        client_id="link",
        step_id=step,
        category="voordelen",
        text=f"Zie {link}",
    )
    report = room.database.read_sync(session_report, room.id, translator=translator)
    document = pdfium.PdfDocument(render_report(report, "pdf").body)
    widest = 0.0
    for page in document:
        width = page.get_width()
        textpage = page.get_textpage()
        for n in range(textpage.count_chars()):
            left, _, right, _ = textpage.get_charbox(n)
            assert left >= 0, (left, n)
            widest = max(widest, right / width)
    assert widest <= 1.0, f"text runs {widest:.2f} of the page's width"
    text = "".join(pdf_text(render_report(report, "pdf").body).split())
    assert link in text.replace("-", "") or link in text


def test_a_statements_rows_per_session_over_forty_are_cut_in_the_pdf(seed: Any) -> None:
    """A programme of 45 sessions: each statement's rows per session (a row each) are cut in
    the PDF to the first few, with a line saying so; the web page keeps them all."""
    url, programme_id, _ = seed
    engine = create_db_engine(url)
    database = Database(engine, MemoryFanout())
    report = database.read_sync(programme_report, programme_id, translator=translator)
    database.close()
    engine.dispose()
    statement = report.statements[0]
    assert statement.per_session
    rows = [
        statement.per_session[0].model_copy(update={"session": f"Regio {n:02d}"}) for n in range(45)
    ]
    report.statements[0] = statement.model_copy(update={"per_session": rows})
    text = pdf_text(render_report(report, "pdf").body)
    shown = [row.session for row in rows if row.session in text]
    assert shown == [f"Regio {n:02d}" for n in range(PDF_CUT["sessions"])]
    assert f"… en nog {45 - PDF_CUT['sessions']} (zie de spreadsheet-export)" in text
    page = render_report(report, "html").body.decode()
    assert all(f">{row.session}<" in page for row in rows)


def _download_all(url: str, programme_id: int, session_id: str) -> dict[str, bytes]:
    """Every format of one session's report and of the programme's, from a fresh server with
    empty report caches (so nothing is served from the first round's memory)."""
    app.reports.CACHE = Memo(capacity=4)
    app.reports.RENDERED = Memo(capacity=app.reports.RENDERED_BYTES, weigh=lambda r: len(r.body))
    out = {}
    with _client(url) as client:
        for base in (
            f"/api/sessions/{session_id}/report",
            f"/api/programmes/{programme_id}/report",
        ):
            for fmt in FORMATS:
                out[f"{base}.{fmt}"] = _get(client, f"{base}.{fmt}")
            for sheet in SHEETS:
                out[f"{base}.csv?{sheet}"] = _get(client, f"{base}.csv?sheet={sheet}")
    return out


def _get(client: TestClient, path: str) -> bytes:
    response = client.get(path, headers=ORGANISER)
    assert response.status_code == 200, (path, response.text)
    return response.content


def _zip_stamp(when: datetime) -> tuple[int, ...]:
    return (*when.timetuple()[:5], when.second // 2)


def test_the_same_data_gives_the_same_bytes_in_every_format(
    seed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, programme_id, ids = seed
    monkeypatch.setattr(app.reports, "CACHE", app.reports.CACHE)
    monkeypatch.setattr(app.reports, "RENDERED", app.reports.RENDERED)
    started = datetime.now()
    first = _download_all(url, programme_id, ids[0])
    while _zip_stamp(datetime.now()) == _zip_stamp(started):
        pass  # the clock, not a fixed sleep: on until a zip entry would carry another time
    second = _download_all(url, programme_id, ids[0])
    assert first.keys() == second.keys() and len(first) == 2 * (len(FORMATS) + len(SHEETS))
    differ = [name for name in first if first[name] != second[name]]
    assert not differ
    for name in ("docx", "xlsx"):
        archive = zipfile.ZipFile(
            io.BytesIO(first[f"/api/programmes/{programme_id}/report.{name}"])
        )
        assert {entry.date_time for entry in archive.infolist()} == {(2016, 6, 21, 0, 0, 0)}
