"""The organiser's texts of the programme report: by the JSON API and on the organiser page;
only the organiser may change them, bad input changes nothing, and every format prints them."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient

from tests.harness import ORGANISER, ORGANISER_TOKEN, bearer

TEXTS = {
    "title": "Samenvatting regiobijeenkomsten toekomst van samen opleiden",
    "intro": "Drie toekomstsessies in juni 2016.",
    "impression": "In een constructieve sfeer zijn de gesprekken gevoerd.",
    "conclusion": "De meeste affiniteit lijken de deelnemers te hebben met scenario 2.",
    "key_points": "- Leren van elkaar\n- In leergemeenschappen werken",
}


def programme_with_a_session(api_room) -> tuple[int, object]:
    room = api_room("Zwolle")
    room.join(sector="PO")  # a programme report needs a session someone joined
    session = room.client.get(f"/api/sessions/{room.id}", headers=room.facilitator).json()
    return int(session["programme_id"]), room


def test_the_organiser_sets_the_texts_and_every_format_prints_them(
    client: TestClient, api_room
) -> None:
    programme_id, url, before = texts_before(client, api_room)
    assert before["title"] == "Toekomst van samen opleiden" and before["updated_at"] is None
    assert before["impression"] == "" and before["goal"].startswith("De rondetafelgesprekken")
    md_before = client.get(f"/api/programmes/{programme_id}/report.md", headers=ORGANISER).text

    response = client.put(url, json=TEXTS, headers=ORGANISER)
    assert response.status_code == 200, response.text
    saved = response.json()
    assert {key: saved[key] for key in TEXTS} == TEXTS and saved["updated_at"] is not None
    assert saved["goal"] == before["goal"]  # left out: kept
    assert client.get(url, headers=ORGANISER).json() == saved

    base = f"/api/programmes/{programme_id}/report"
    md = client.get(f"{base}.md", headers=ORGANISER).text
    assert md != md_before  # the cached report is not served again
    assert md.startswith(f"# {TEXTS['title']}\n")
    assert f"## Algemene indruk\n\n{TEXTS['impression']}\n" in md
    assert f"## Conclusie\n\n{TEXTS['conclusion']}\n" in md
    assert "### Belangrijke punten\n\n- Leren van elkaar\n- In leergemeenschappen werken\n" in md

    report = client.get(f"{base}.json", headers=ORGANISER).json()
    assert report["title"] == TEXTS["title"]
    assert {key: report["texts"][key] for key in TEXTS if key != "title"} == {
        key: value for key, value in TEXTS.items() if key != "title"
    }

    html = client.get(f"{base}.html", headers=ORGANISER).text
    assert f'<h1 id="title">{TEXTS["title"]}</h1>' in html
    assert f'<section id="impression"><h2>Algemene indruk</h2><p>{TEXTS["impression"]}</p>' in html
    assert '<h3>Belangrijke punten</h3><ul class="text-list"><li>Leren van elkaar</li>' in html

    from docx import Document

    docx = client.get(f"{base}.docx", headers=ORGANISER).content
    paragraphs = [(p.style.name, p.text) for p in Document(io.BytesIO(docx)).paragraphs]
    assert paragraphs[0] == ("Title", TEXTS["title"])
    start = paragraphs.index(("Heading 1", "Algemene indruk"))
    assert paragraphs[start + 1] == ("Normal", TEXTS["impression"])
    start = paragraphs.index(("Heading 2", "Belangrijke punten"))
    assert paragraphs[start + 1 : start + 3] == [
        ("List Bullet", "Leren van elkaar"),
        ("List Bullet", "In leergemeenschappen werken"),
    ]

    # null brings back the programme's own text; the impression its sentence from the data
    reset = client.put(url, json={"title": None, "impression": None}, headers=ORGANISER).json()
    assert reset["title"] == "Toekomst van samen opleiden" and reset["impression"] == ""
    md = client.get(f"{base}.md", headers=ORGANISER).text
    assert md.startswith("# Toekomst van samen opleiden\n")
    assert (
        "## Algemene indruk\n\nHieronder volgt een weergave van wat aan de tafels is besproken "
        "per scenario.\n"
    ) in md


def test_only_the_organiser_may_change_or_read_them(client: TestClient, api_room) -> None:
    programme_id, room = programme_with_a_session(api_room)
    url = f"/api/programmes/{programme_id}/report/texts"
    participant = room.join(sector="VO")
    for headers in (room.facilitator, participant, {}, bearer("wrong-secret")):
        assert client.put(url, json={"title": "x"}, headers=headers).status_code == 403
        assert client.get(url, headers=headers).status_code == 403
    # the organiser page's cookie without its CSRF header: refused too
    client.get(f"/organiser?token={ORGANISER_TOKEN}")
    assert client.put(url, json={"title": "x"}).status_code == 403
    assert client.get(url).json()["title"] == "Toekomst van samen opleiden"
    missing = client.put("/api/programmes/999/report/texts", json={"title": "x"}, headers=ORGANISER)
    assert missing.status_code == 404


def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    client: TestClient, api_room
) -> None:
    _, url, before = texts_before(client, api_room)
    for body in (
        {},
        {"title": ""},
        {"title": "Twee\nregels"},
        {"title": "x" * 201},
        {"title": 5},
        {"conclusion": "x" * 20_001},
        {"goal": "Nieuw doel", "colour": "rood"},
        {"intro": ["a list"]},
    ):
        response = client.put(url, json=body, headers=ORGANISER)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"], body
    assert client.get(url, headers=ORGANISER).json() == before


def texts_before(client: TestClient, api_room) -> tuple[int, str, dict]:
    """A programme with a joined session: its id, its texts' address and its texts now."""
    programme_id, _ = programme_with_a_session(api_room)
    url = f"/api/programmes/{programme_id}/report/texts"
    return programme_id, url, client.get(url, headers=ORGANISER).json()


def organiser_page(client: TestClient) -> tuple[str, str]:
    client.get(f"/organiser?token={ORGANISER_TOKEN}")
    page = client.get("/organiser").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf
    return page, csrf.group(1)


def test_the_organiser_page_edits_the_texts(client: TestClient, api_room) -> None:
    programme_id, _ = programme_with_a_session(api_room)
    page, csrf = organiser_page(client)
    form = page[page.index('action="/organiser/report-texts"') :].split("</form>")[0]
    assert 'name="title"' in form and 'value="Toekomst van samen opleiden"' in form
    for key in ("intro", "goal", "method", "impression", "conclusion", "key_points"):
        assert f'name="{key}"' in form
    assert '<label for="programme-text-impression">Algemene indruk</label>' in form

    fields = {"title": "Samenvatting", "intro": "", "goal": "", "method": "", "conclusion": ""}
    fields |= {"impression": "Constructief.", "key_points": "- Leren van elkaar"}
    saved = client.post("/organiser/report-texts", data={**fields, "csrf": csrf})
    assert saved.status_code == 200
    assert "Opgeslagen: de volgende download van het programmaverslag" in saved.text
    assert 'value="Samenvatting"' in saved.text
    texts = client.get(f"/api/programmes/{programme_id}/report/texts", headers=ORGANISER).json()
    assert (texts["title"], texts["impression"]) == ("Samenvatting", "Constructief.")
    assert texts["goal"].startswith("De rondetafelgesprekken")  # empty: the programme's own
    md = client.get(f"/api/programmes/{programme_id}/report.md", headers=ORGANISER).text
    assert md.startswith("# Samenvatting\n") and "- Leren van elkaar" in md


def test_the_organiser_page_refuses_a_foreign_form_and_bad_input(
    client: TestClient, api_room
) -> None:
    programme_id, _ = programme_with_a_session(api_room)
    _, csrf = organiser_page(client)
    url = f"/api/programmes/{programme_id}/report/texts"
    before = client.get(url, headers=ORGANISER).json()
    foreign = client.post("/organiser/report-texts", data={"title": "Gekaapt", "csrf": "0" * 32})
    assert foreign.status_code == 403
    bad = client.post(
        "/organiser/report-texts", data={"title": "Twee\nregels", "impression": "Zo", "csrf": csrf}
    )
    assert bad.status_code == 422
    assert re.search(r'role="alert">title moet op één regel', bad.text)
    assert "Zo</textarea>" in bad.text  # what was typed is kept
    assert client.get(url, headers=ORGANISER).json() == before
