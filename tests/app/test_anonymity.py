"""The small-group rule through the results API and the report downloads: the subtraction
attacks of issue #17 give nobody's answer away."""

from __future__ import annotations

import csv
import io

from tests.app.conftest import ORGANISER

EVERYONE = {"1": 1, "2": 0, "3": 0, "4": 3, "5": 0}


def answer_s1(room, answers) -> int:
    """Each (sector, value) joins and answers statement s1, with an argument naming the session."""
    step = room.step_id("statements")
    room.activate(step)
    for sector, value in answers:
        body = {"answers": [{"subject": "s1", "value": value, "argument": f"In {room.id}"}]}
        url = f"/api/sessions/{room.id}/steps/{step}/ballot"
        response = room.client.put(url, json=body, headers=room.join(sector=sector))
        assert response.status_code == 200, response.text
    return step


def test_the_results_api_shows_no_segment_to_subtract_from_the_total(api_room, client) -> None:
    """3 PO and 1 VO: overall {1:1, 4:3} beside PO {4:3} would give the VO voter's 1."""
    room = api_room()
    step = answer_s1(room, [("PO", 4), ("PO", 4), ("PO", 4), ("VO", 1)])
    url = f"/api/sessions/{room.id}/steps/{step}/results"
    s1 = client.get(url, headers=room.facilitator).json()["statements"][0]
    assert s1["overall"]["counts"] == EVERYONE
    assert s1["segments"]["sector"]["segments"] == {"other": s1["overall"]}
    report = client.get(f"/api/sessions/{room.id}/report.json", headers=room.facilitator).json()
    assert report["statements"][0]["segments"]["sector"]["segments"] == {"other": s1["overall"]}


def rows(client, url: str, sheet: str) -> list[list[str]]:
    response = client.get(f"{url}.csv", params={"sheet": sheet}, headers=ORGANISER)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


def test_no_programme_download_shows_a_session_of_one(api_room, client) -> None:
    """Utrecht had one voter: no row, sheet or table of the programme report is Utrecht's, and
    Zwolle's row is not shown either (the total minus Zwolle would be Utrecht)."""
    zwolle, utrecht = api_room("Zwolle"), api_room("Utrecht")
    answer_s1(zwolle, [("PO", 4), ("PO", 4), ("PO", 4)])
    answer_s1(utrecht, [("VO", 1)])
    session = client.get(f"/api/sessions/{zwolle.id}", headers=zwolle.facilitator).json()
    url = f"/api/programmes/{session['programme_id']}/report"
    report = client.get(f"{url}.json", headers=ORGANISER).json()
    [s1] = [s for s in report["statements"] if s["key"] == "s1"]
    assert s1["overall"]["counts"] == EVERYONE
    assert [(r["session"], r["overall"]["counts"]) for r in s1["per_session"]] == [
        ("Overige sessies", EVERYONE)
    ]
    assert s1["segments"]["sector"]["segments"] == {"other": s1["overall"]}
    statement_groups = {row[2] for row in rows(client, url, "statements")}
    assert statement_groups.isdisjoint({"Zwolle", "Utrecht", "Primair onderwijs"})
    assert {row[0] for row in rows(client, url, "votes")} == {"Overige sessies"}
    markdown = client.get(f"{url}.md", headers=ORGANISER).text
    statements = markdown[markdown.index("## Stellingen") :]
    assert "| Utrecht |" not in statements and "| Overige sessies |" in statements
