"""The programme dashboard on a real server: three sessions changing at once reach the
dashboard socket in order per session, a dropped socket resumes with nothing missed and
nothing twice, rows and alerts follow, and only the organiser may watch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.databases import Databases
from tests.harness import ORGANISER, ORGANISER_TOKEN, LiveRoom, Server, bearer, start_server

PARTICIPANTS = 20
ITEMS = 60  # per session
REFUSAL_LIMIT = 5


@pytest.fixture(scope="module")
def dashboard_server(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[Server]:
    tmp_path: Path = tmp_path_factory.mktemp("dashboard")
    url = databases.fresh(tmp_path)
    env = {
        "DATABASE_URL": url,
        "ORGANISER_TOKEN": ORGANISER_TOKEN,
        "DASHBOARD_REFUSAL_LIMIT": str(REFUSAL_LIMIT),
        "DASHBOARD_REPORT_SECONDS": "1",
    }
    server = start_server(env, tmp_path / "server.log")
    yield server
    server.stop()
    databases.drop(url)


class Region:
    """A session of the programme with its participants, driven over HTTP."""

    def __init__(self, server: Server, name: str, participants: int = PARTICIPANTS) -> None:
        self.room = LiveRoom.on_server(server, title=f"Regio {name}", location=name)
        self.tokens = [self.room.join_token() for _ in range(participants)]
        self.posted = 0

    @property
    def id(self) -> str:
        return self.room.id

    @property
    def programme_id(self) -> int:
        session = self.room.http.get(f"/api/sessions/{self.id}", headers=self.room.facilitator)
        return int(session.json()["programme_id"])

    def start(self) -> None:
        self.room.activate(self.room.brainstorm)

    def post(self, count: int) -> None:
        for _ in range(count):
            n = self.posted
            category = ("voordelen", "nadelen")[n % 2]
            self.room.add(self.tokens[n % len(self.tokens)], f"c{n}", f"punt {n}", category)
            self.posted += 1


def open_dashboard(
    server: Server, programme_id: int, after: dict[str, int] | None = None, **kwargs: Any
) -> ClientConnection:
    points = ",".join(f"{sid}:{seq}" for sid, seq in (after or {}).items())
    url = f"{server.ws_url}/api/programmes/{programme_id}/ws?after={points}"
    ws: ClientConnection = connect(url, open_timeout=10, additional_headers=ORGANISER, **kwargs)
    return ws


def read_until(ws: ClientConnection, done: Any) -> list[dict[str, Any]]:
    """Messages up to the first after which `done(messages)` holds."""
    messages: list[dict[str, Any]] = []
    while not messages or not done(messages):
        messages.append(json.loads(ws.recv(timeout=30)))
    return messages


def events_of(messages: list[dict[str, Any]], session_id: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["kind"] == "event" and m["session_id"] == session_id]


def reached(regions: list[Region], last: dict[str, int]) -> Any:
    def done(messages: list[dict[str, Any]]) -> bool:
        return all(any(e["seq"] == last[r.id] for e in events_of(messages, r.id)) for r in regions)

    return done


def rows_at(
    ws: ClientConnection, messages: list[dict[str, Any]], seqs: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """Read until each session's row shows its state at `seqs`; those rows."""
    latest: dict[str, dict[str, Any]] = {}

    def done(more: list[dict[str, Any]]) -> bool:
        for m in messages + more:
            rows = m["sessions"] if m["kind"] == "snapshot" else [m.get("row")]
            latest.update({r["session_id"]: r for r in rows if r and r["session_id"] in seqs})
        return all(latest.get(sid, {}).get("seq") == seq for sid, seq in seqs.items())

    if not done([]):
        read_until(ws, done)
    return latest


def assert_stream(messages: list[dict[str, Any]], region: Region, after: int, upto: int) -> None:
    """Every event of the session after `after` up to `upto`, once each, in order, as the
    session's own log has them."""
    got = events_of(messages, region.id)
    log = [e for e in region.room.all_events() if after < e["seq"] <= upto]
    assert [e["seq"] for e in got] == list(range(after + 1, upto + 1))
    assert [e["type"] for e in got] == [e["type"] for e in log]
    assert all("text" not in json.dumps(e["summary"]) for e in got)  # no item's words


def test_three_sessions_reach_the_dashboard_in_order_and_resume_after_a_drop(
    dashboard_server: Server,
) -> None:
    regions = [Region(dashboard_server, name) for name in ("Noord", "Oost", "Zuid")]
    programme_id = regions[0].programme_id
    with open_dashboard(dashboard_server, programme_id) as ws:
        snapshot = json.loads(ws.recv(timeout=30))
        assert snapshot["kind"] == "snapshot"
        rows = {row["session_id"]: row for row in snapshot["sessions"]}
        start = {r.id: rows[r.id]["seq"] for r in regions}
        assert [rows[r.id]["headcount"] for r in regions] == [PARTICIPANTS] * 3
        assert {rows[r.id]["state"] for r in regions} == {"not_started"}
        assert "html" not in snapshot  # an API client (no `lang`) gets JSON only

        for region in regions:
            region.start()
        for _ in range(ITEMS // 10):  # the three sessions' items interleaved
            for region in regions:
                region.post(10)
        last = {r.id: r.room.last_seq() for r in regions}
        messages = read_until(ws, reached(regions, last))
        for region in regions:
            assert_stream(messages, region, start[region.id], last[region.id])

    for region in regions:  # while the dashboard is away
        region.post(7)
    region = regions[1]
    locked = region.room.http.put(
        f"/api/sessions/{region.id}/steps/{region.room.brainstorm}/locked",
        json={"value": True},
        headers=region.room.facilitator,
    )
    assert locked.status_code == 200, locked.text
    after = {r.id: r.room.last_seq() for r in regions}
    with open_dashboard(dashboard_server, programme_id, after=last) as resumed:
        for region in regions[::2]:
            region.post(3)  # and while it catches up
        final = {r.id: r.room.last_seq() for r in regions}
        assert all(final[r.id] > after[r.id] > last[r.id] for r in regions[::2])
        messages = read_until(resumed, reached(regions, final))
        assert messages[0]["kind"] == "snapshot"
        for region in regions:
            assert_stream(messages, region, last[region.id], final[region.id])
        latest = rows_at(resumed, messages, final)
    assert [sum(c["count"] for c in latest[r.id]["columns"]) for r in regions] == [70, 67, 70]
    assert [latest[r.id]["headcount"] for r in regions] == [PARTICIPANTS] * 3
    assert [latest[r.id]["state"] for r in regions] == ["running"] * 3
    assert [latest[r.id]["step_open"] for r in regions] == [True, False, True]
    for region in regions:
        region.room.close()


def test_pings_are_answered_and_a_resume_point_beyond_the_last_event_is_refused(
    dashboard_server: Server,
) -> None:
    region = Region(dashboard_server, "West", participants=1)
    with open_dashboard(dashboard_server, region.programme_id) as ws:
        ws.send("hello")
        ws.send(json.dumps({"type": "ping"}))
        answers = read_until(ws, lambda ms: ms[-1]["kind"] == "pong")
        assert [m["kind"] for m in answers if m["kind"] in ("error", "pong")] == ["error", "pong"]
    with open_dashboard(dashboard_server, region.programme_id, after={region.id: 999}) as ws:
        assert "beyond" in json.loads(ws.recv(timeout=10))["message"]
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    region.room.close()


@pytest.mark.parametrize(
    "headers", [{}, bearer("wrong-token"), {**ORGANISER, "Origin": "https://evil.example"}]
)
def test_only_the_organiser_may_watch(dashboard_server: Server, headers: dict[str, str]) -> None:
    url = f"{dashboard_server.ws_url}/api/programmes/1/ws"
    # Closed before it is accepted: the handshake fails with 403.
    with pytest.raises(InvalidStatus) as refused, connect(url, additional_headers=headers):
        pass
    assert refused.value.response.status_code == 403


def alerts_until(ws: ClientConnection, session_id: str, kinds: set[str]) -> None:
    """Read until the session's alerts are exactly `kinds`."""

    def done(messages: list[dict[str, Any]]) -> bool:
        last = next(
            (m["alerts"] for m in reversed(messages) if m["kind"] in ("alerts", "snapshot")), []
        )
        return {a["kind"] for a in last if a["session_id"] == session_id} == kinds

    read_until(ws, done)


def test_alerts_follow_the_facilitator_and_refused_submissions(dashboard_server: Server) -> None:
    region = Region(dashboard_server, "Midden", participants=1)
    programme_id = region.programme_id
    region.start()
    with open_dashboard(dashboard_server, programme_id) as ws:
        alerts_until(ws, region.id, {"facilitator_away"})
        with region.room.browser_socket("console", region.room.facilitator_key):
            alerts_until(ws, region.id, set())
            for n in range(REFUSAL_LIMIT):  # a column that does not exist: refused
                response = region.room.post_item(
                    bearer(region.tokens[0]),
                    client_id=f"bad{n}",
                    step_id=region.room.brainstorm,
                    category="bestaat-niet",
                    text="x",
                )
                assert 400 <= response.status_code < 500
            alerts_until(ws, region.id, {"refusals"})
        alerts_until(ws, region.id, {"refusals", "facilitator_away"})
    region.room.close()


def test_the_page_and_its_report_sections_need_the_organiser(dashboard_server: Server) -> None:
    with httpx.Client(base_url=dashboard_server.url, timeout=10) as http:
        assert http.get("/organiser/dashboard").status_code == 403
        http.cookies.set("vk_organiser", ORGANISER_TOKEN)
        page = http.get("/organiser/dashboard?lang=en")
        assert page.status_code == 200
        assert "Programme dashboard" in page.text
        assert 'href="/organiser/dashboard"' in http.get("/organiser").text


def test_the_page_s_socket_gets_html_and_the_report_redrawn_far_less_than_per_event(
    dashboard_server: Server,
) -> None:
    region = Region(dashboard_server, "Drenthe", participants=3)
    region.start()
    url = f"{dashboard_server.ws_url}/api/programmes/{region.programme_id}/ws?lang=en"
    with connect(url, open_timeout=10, additional_headers=ORGANISER) as ws:
        snapshot = json.loads(ws.recv(timeout=30))
        assert f'id="session-{region.id}"' in snapshot["html"]
        assert 'id="dashboard-totals"' in snapshot["totals_html"]
        before = region.room.last_seq()
        region.post(30)
        last = region.room.last_seq()
        messages = read_until(
            ws,
            lambda ms: (
                any(
                    m["kind"] == "row"
                    and m["row"]["session_id"] == region.id
                    and m["row"]["seq"] == last
                    for m in ms
                )
                and any(m["kind"] == "report" for m in ms)
            ),
        )
    assert len(events_of(messages, region.id)) == last - before
    final = [m for m in messages if m["kind"] == "row" and m["row"]["seq"] == last][-1]
    assert "Step 2 of" in final["html"] and "Nadelen: 15" in final["html"]
    reports = [m for m in messages if m["kind"] == "report"]
    assert 'id="participants"' in reports[-1]["html"] and "<main" not in reports[-1]["html"]
    assert len(reports) < (last - before) / 3  # coalesced: never once per event
    region.room.close()


def test_a_page_that_connects_later_gets_the_report_sections_drawn_before(
    dashboard_server: Server,
) -> None:
    region = Region(dashboard_server, "Flevoland", participants=1)
    url = f"{dashboard_server.ws_url}/api/programmes/{region.programme_id}/ws?lang=nl"
    with connect(url, open_timeout=10, additional_headers=ORGANISER) as first:
        read_until(first, lambda ms: ms[-1]["kind"] == "report")
        with connect(url, open_timeout=10, additional_headers=ORGANISER) as second:
            kinds = [json.loads(second.recv(timeout=10))["kind"] for _ in range(2)]
    assert kinds == ["snapshot", "report"]
    region.room.close()


def test_an_alert_names_the_place_when_the_title_does_not() -> None:
    """Sessions created in bulk share the programme's title: their alerts name the place."""
    from app.dashboard import names_of
    from session_engine.dashboard import SessionRow

    rows = [
        SessionRow.model_construct(session_id="a", title="Samen opleiden", location="Zwolle"),
        SessionRow.model_construct(session_id="b", title="Samen opleiden", location="Breda"),
        SessionRow.model_construct(session_id="c", title="Zwolle, ochtend", location="zwolle"),
        SessionRow.model_construct(session_id="d", title="Online ronde", location=""),
    ]
    assert names_of(rows) == {
        "a": "Samen opleiden · Zwolle",
        "b": "Samen opleiden · Breda",
        "c": "Zwolle, ochtend",
        "d": "Online ronde",
    }
