"""The small-group rule through the results API and the report downloads: the subtraction
attacks of issue #17 give nobody's answer away."""

from __future__ import annotations

import csv
import io

from tests.harness import ORGANISER

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


def close(room) -> None:
    """Sessie afsluiten: only a closed session's reports break results down by profile."""
    response = room.client.post(f"/api/sessions/{room.id}/close", headers=room.facilitator)
    assert response.status_code == 200, response.text


def test_the_results_api_shows_no_segment_to_subtract_from_the_total(api_room, client) -> None:
    """3 PO and 1 VO: overall {1:1, 4:3} beside PO {4:3} would give the VO voter's 1."""
    room = api_room()
    step = answer_s1(room, [("PO", 4), ("PO", 4), ("PO", 4), ("VO", 1)])
    url = f"/api/sessions/{room.id}/steps/{step}/results"
    s1 = client.get(url, headers=room.facilitator).json()["statements"][0]
    assert s1["overall"]["counts"] == EVERYONE
    assert s1["segments"]["sector"]["segments"] == {"other": s1["overall"]}
    close(room)
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
    close(zwolle)
    close(utrecht)
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


def vote_and_define(room, voters: int, chosen: str, definition: str) -> None:
    """`voters` join; each votes item `chosen` most important and agrees with `definition`."""
    client, f = room.client, room.facilitator
    people = [room.join() for _ in range(voters)]
    brainstorm = room.step_id("brainstorm")
    room.activate(brainstorm)
    items = [
        room.post_item(
            people[0], client_id=f"c-{n}", step_id=brainstorm, category="voordelen", text=text
        ).json()["item"]["id"]
        for n, text in enumerate([chosen, f"{chosen}? Nee, dit niet"])
    ]
    steps = f"/api/sessions/{room.id}/steps"

    def step(fields: dict, config: dict) -> int:
        step_id = client.post(steps, json=fields, headers=f).json()["id"]
        assert client.put(
            f"{steps}/{step_id}/config", json={"config": config}, headers=f
        ).is_success
        room.activate(step_id)
        return int(step_id)

    vote = step({"type": "vote", "scenario": "afstemming"}, {"method": "topk", "k": 1, "cut": 1})
    for who in people:
        ballot = {"answers": [{"subject": str(items[0])}]}
        assert client.put(f"{steps}/{vote}/ballot", json=ballot, headers=who).is_success
    glossary = step({"type": "glossary"}, {"terms": ["Opleidingsschool"]})
    body = {"term": "Opleidingsschool", "text": definition}
    proposed = client.post(f"{steps}/{glossary}/definitions", json=body, headers=people[0])
    choice = {"subject": "term:Opleidingsschool", "choice": str(proposed.json()["id"])}
    for who in people:
        response = client.put(f"{steps}/{glossary}/ballot", json={"answers": [choice]}, headers=who)
        assert response.is_success, response.text


def test_no_programme_download_shows_the_glossary_or_vote_of_a_session_of_one(
    api_room, client
) -> None:
    """Zwolle had 4 voters, Utrecht 1: Utrecht's definition choice and importance vote cannot be
    read in any download, nor worked out from Zwolle's (which is therefore not counted either)."""
    zwolle, utrecht = api_room("Zwolle"), api_room("Utrecht")
    vote_and_define(zwolle, 4, "Herkenbare rollen voor iedereen", "Een netwerk van scholen")
    vote_and_define(utrecht, 1, "Minder regels en formulieren", "Een school die opleidt")
    session = client.get(f"/api/sessions/{zwolle.id}", headers=zwolle.facilitator).json()
    url = f"/api/programmes/{session['programme_id']}/report"
    report = client.get(f"{url}.json", headers=ORGANISER).json()
    assert report["glossary"] == [
        {
            "term": "Opleidingsschool",
            "agreed": None,
            "definitions": [
                {"text": "Een netwerk van scholen", "votes": None},
                {"text": "Een school die opleidt", "votes": None},
            ],
            "session": "Overige sessies",
            "counted": False,
        }
    ]
    scenario = next(s for s in report["scenarios"] if s["key"] == "afstemming")
    voordelen = next(c for c in scenario["columns"] if c["key"] == "voordelen")
    assert (voordelen["basis"], voordelen["important"]) == ("support", [])
    assert rows(client, url, "votes") == []  # no ballot of either session's own items or terms
    assert {row[3] for row in rows(client, url, "items")} == {"andere"}
    from openpyxl import load_workbook

    xlsx = client.get(f"{url}.xlsx", headers=ORGANISER).content
    book = load_workbook(io.BytesIO(xlsx))
    assert [r for r in book["Stemmen"].iter_rows(values_only=True)][1:] == []
    markdown = client.get(f"{url}.md", headers=ORGANISER).text
    glossary = markdown[markdown.index("## Begrippen") :]
    assert "Opleidingsschool (Overige sessies)" in glossary
    assert "Te weinig stemmers in deze sessies om hun stemmen te tonen." in glossary
    assert "(1)" not in glossary and "(4)" not in glossary
    assert "Afgesproken definitie" not in glossary
    html = client.get(f"{url}.html", headers=ORGANISER).text
    assert "Te weinig stemmers in deze sessies om hun stemmen te tonen." in html
    assert "Een school die opleidt (1)" not in html
    assert client.get(f"{url}.docx", headers=ORGANISER).status_code == 200
