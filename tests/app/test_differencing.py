"""Differencing attacks (issue #15, part 4) through the organiser's real downloads: the JSON
report, the XLSX workbook, the CSV sheets and the Markdown report. Sessions of 20, the group
to protect a segment of 1 or 2 werkplekbegeleiders; tests/engine/test_differencing.py has
the same attacks on the engine, per-table steps included."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.harness import ORGANISER

THRESHOLD = 3
SMALL = "werkplekbegeleider"
ROLES = ["projectleider", "schoolopleider", "instituutsopleider"]
ORGANISATIONS = ["school", "lerarenopleiding", "other"]


def join_and_answer(room: Any, step: int, role: str, n: int) -> None:
    profile = {"role": role, "sector": ("PO", "VO")[n % 2], "organisation": ORGANISATIONS[n % 3]}
    who = room.join(**profile)
    value = 1 if role == SMALL else 4 + n % 2
    body = {"answers": [{"subject": "s1", "value": value}]}
    response = room.client.put(
        f"/api/sessions/{room.id}/steps/{step}/ballot", json=body, headers=who
    )
    assert response.status_code == 200, response.text


def session_of(api_room: Any, title: str, small: int) -> Any:
    """20 participants, `small` of them werkplekbegeleiders, all answering statement s1."""
    room = api_room(title)
    room.statements = room.step_id("statements")
    room.activate(room.statements)
    for n, role in enumerate([SMALL] * small + [ROLES[n % 3] for n in range(20 - small)]):
        join_and_answer(room, room.statements, role, n)
    return room


def close(room: Any) -> None:
    response = room.client.post(f"/api/sessions/{room.id}/close", headers=room.facilitator)
    assert response.status_code == 200, response.text


def session_url(room: Any) -> str:
    return f"/api/sessions/{room.id}/report"


def programme_url(client: Any, room: Any) -> str:
    session = client.get(f"/api/sessions/{room.id}", headers=room.facilitator).json()
    return f"/api/programmes/{session['programme_id']}/report"


def download(client: Any, url: str, fmt: str, **params: str) -> Any:
    response = client.get(f"{url}.{fmt}", params=params, headers=ORGANISER)
    assert response.status_code == 200, response.text
    return response


def role_groups(report: dict[str, Any]) -> dict[str, Counter[str]]:
    """Per role group the JSON report shows for s1: how many gave each answer."""
    [s1] = [s for s in report["statements"] if s["key"] == "s1"]
    segments = s1["segments"]["role"]["segments"]
    return {g: Counter(d["counts"]) for g, d in segments.items() if g != "other"}


def leftovers(whole: dict[str, Counter[str]], parts: list[dict[str, Counter[str]]]) -> dict:
    found = {}
    for group, counts in whole.items():
        shown_in = [part[group] for part in parts if group in part]
        if shown_in:
            found[group] = sum((counts - sum(shown_in, Counter())).values())
    return {g: n for g, n in found.items() if 0 < n < THRESHOLD}


def csv_rows(client: Any, url: str, sheet: str) -> list[list[str]]:
    body = download(client, url, "csv", sheet=sheet).content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))[1:]


def xlsx_rows(client: Any, url: str, sheet: str) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(download(client, url, "xlsx").content))
    return list(book[sheet].iter_rows(values_only=True))[1:]


@pytest.mark.parametrize("small", [1, 2])
def test_programme_minus_two_sessions_in_every_download(api_room, client, small: int) -> None:
    """Zwolle 3, Eindhoven 4 and Utrecht `small` werkplekbegeleiders, all closed: no group the
    programme's JSON shows, minus Zwolle's and Eindhoven's, leaves one or two people, and no
    werkplekbegeleider row is in the programme's statements sheet or Markdown tables."""
    rooms = [
        session_of(api_room, "Zwolle", 3),
        session_of(api_room, "Eindhoven", 4),
        session_of(api_room, "Utrecht", small),
    ]
    for room in rooms:
        close(room)
    url = programme_url(client, rooms[0])
    whole = role_groups(download(client, url, "json").json())
    parts = [role_groups(download(client, session_url(r), "json").json()) for r in rooms[:2]]
    assert all(SMALL in part for part in parts)
    assert leftovers(whole, parts) == {}
    assert SMALL not in whole
    groups = {row[2] for row in csv_rows(client, url, "statements") if row[1] == "Rol"}
    assert "Werkplekbegeleider" not in groups
    markdown = download(client, url, "md").text
    statements = markdown[markdown.index("## Stellingen") :]
    assert "| Werkplekbegeleider |" not in statements and "| Schoolopleider |" in statements


@pytest.mark.parametrize("late", [1, 2])
def test_downloads_before_and_after_late_joiners(api_room, client, late: int) -> None:
    """A JSON and an XLSX are taken while the session runs; `late` werkplekbegeleiders join and
    vote; then again, and again once closed. No pair of them subtracts to the late ones."""
    room = session_of(api_room, "Zwolle", 3)
    url = session_url(room)
    taken = [download(client, url, "json").json()]
    open_rows = xlsx_rows(client, url, "Deelnemers")
    for n in range(late):
        join_and_answer(room, room.statements, SMALL, n)
    taken.append(download(client, url, "json").json())
    close(room)
    taken.append(download(client, url, "json").json())
    for first in taken:
        for second in taken:
            assert leftovers(role_groups(first), [role_groups(second)]) == {}
    assert [role_groups(report) for report in taken[:2]] == [{}, {}]
    assert role_groups(taken[2])[SMALL]["1"] == 3 + late
    assert open_rows == [] and taken[1]["profiles"] == []
    assert taken[1]["participants"]["fields"][0]["groups"] == []
    assert "zodra die is afgesloten" in taken[1]["participants"]["sentence"]


def test_no_raw_download_holds_a_rare_combination(api_room, client) -> None:
    """Three closed sessions of 20 with profiles spread over every sector, organisation and
    role: in the participants sheet (CSV and XLSX) and the JSON report's profiles, of each
    session and of the programme, every combination occurs at least 3 times."""
    rooms = [session_of(api_room, title, small) for title, small in [("A", 1), ("B", 2), ("C", 3)]]
    for room in rooms:
        close(room)
    urls = [session_url(room) for room in rooms] + [programme_url(client, rooms[0])]
    for url in urls:
        downloads = [
            [tuple(row) for row in csv_rows(client, url, "participants")],
            [tuple(row) for row in xlsx_rows(client, url, "Deelnemers")],
            [tuple(p.values()) for p in download(client, url, "json").json()["profiles"]],
        ]
        for rows in downloads:
            assert rows, url
            assert min(Counter(rows).values()) >= THRESHOLD, (url, Counter(rows))
