"""How the screens word things: counts agree with their nouns, one contribution is named in
the singular, dates are written as the language writes them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.app.test_pages import join_in_browser, projector_page, start_blind_brainstorm
from tests.harness import ORGANISER_TOKEN, LiveRoom


def labels_of_kinds(html: str) -> list[str]:
    """The kinds of contribution a participant's form offers, as shown."""
    form = html[html.index('<fieldset class="categories">') :]
    form = form[: form.index("</fieldset>")]
    return [
        label.strip() for label in re.findall(r"<input [^>]*name=\"category\"[^>]*>([^<]+)", form)
    ]


def test_the_form_names_one_contribution_in_the_singular(client: TestClient, api_room) -> None:
    room = api_room()
    room.activate(room.step_id("brainstorm"))
    page = client.get(join_in_browser(client, room.data["code"])).text
    assert labels_of_kinds(page) == ["voordeel", "nadeel", "voorwaarde"]
    assert "Voordelen" in page  # the board's columns hold many


def test_the_projector_counts_one_hidden_contribution_in_the_singular(
    client: TestClient, api_room
) -> None:
    room = api_room()
    start_blind_brainstorm(client, room)
    room.add(room.join_token(), "one", "Goed te organiseren")
    projector = projector_page(client, room)
    assert "Tot nu toe 1 bijdrage, verborgen tot ze wordt getoond." in projector
    assert re.search(
        r'id="participant-count">1</span> <span id="participant-noun"[^>]*>deelnemer<', projector
    )
    room.add(room.join_token(), "two", "Elke school kan instappen")
    projector = projector_page(client, room)
    assert "Tot nu toe 2 bijdragen, verborgen tot ze worden getoond." in projector
    assert re.search(r'id="participant-noun"[^>]*>deelnemers<', projector)


def test_a_session_date_is_written_as_the_language_writes_it(client: TestClient) -> None:
    room = LiveRoom.create(client, title="Zwolle", location="Zwolle", date="2016-06-14")
    join = client.get("/join", params={"code": room.data["code"]}).text
    assert "Zwolle · 14 juni 2016" in join
    client.get(f"/organiser?token={ORGANISER_TOKEN}")
    assert "<td>14 juni 2016</td>" in client.get("/organiser").text
    english = client.get("/join", params={"code": room.data["code"], "lang": "en"}).text
    assert "Zwolle · 14 June 2016" in english
    assert "<td>14 June 2016</td>" in client.get("/organiser").text  # the language is kept
    report = client.get(f"/api/sessions/{room.id}/report.md", headers=room.facilitator).text
    assert "14 juni 2016" in report and "2016-06-14" not in report
    as_json = client.get(f"/api/sessions/{room.id}/report.json", headers=room.facilitator)
    assert as_json.json()["sessions"][0]["date"] == "14 juni 2016"


def test_a_date_typed_as_free_text_is_shown_as_typed(client: TestClient) -> None:
    room = LiveRoom.create(client, title="Utrecht", location="Utrecht", date="juni 2016")
    join = client.get("/join", params={"code": room.data["code"], "lang": "en"}).text
    assert "Utrecht · juni 2016" in join
