"""The HTML pages as a browser gets them: join flow, cookies, roles, escaping, CSRF."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from fastapi.testclient import TestClient

from tests.harness import ORGANISER_TOKEN, bearer

XSS = '<script>alert(1)</script>" onmouseover="x" hx-get="/evil" {{ 7*7 }}'
ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt;&#34; onmouseover=&#34;x&#34; "
    "hx-get=&#34;/evil&#34; {{ 7*7 }}"
)


def join_in_browser(client: TestClient, code: str, **profile: str) -> str:
    """Fill in the join form; return the session page's path."""
    form = {"code": code, **{f"profile.{k}": v for k, v in profile.items()}}
    response = client.post("/join", data=form, follow_redirects=False)
    assert response.status_code == 303
    return str(response.headers["location"])


def console_headers(client: TestClient, room: Any) -> dict[str, str]:
    """Open the console with its link (the cookie), then the headers its own calls send."""
    client.get(f"/console/{room.id}?key={room.data['facilitator_key']}")
    token = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', client.get(f"/console/{room.id}").text)
    assert token
    return {"X-VK-View": "console", "X-CSRF-Token": token.group(1)}


def test_home_and_join_pages_are_dutch_by_default(client: TestClient, api_room) -> None:
    room = api_room()
    home = client.get("/")
    assert home.status_code == 200
    assert '<html lang="nl">' in home.text
    join = client.get("/join", params={"code": room.data["code"]})
    assert "Primair onderwijs (PO)" in join.text
    assert 'name="profile.sector"' in join.text
    english = client.get("/join", params={"code": room.data["code"], "lang": "en"})
    assert '<html lang="en">' in english.text
    assert "Join the session" in english.text


def test_unknown_code_gets_a_clear_message(client: TestClient) -> None:
    response = client.get("/join", params={"code": "ZZZZZZ"})
    assert response.status_code == 404
    assert "Check the code" in client.get("/join", params={"code": "ZZZZZZ", "lang": "en"}).text
    refused = client.post("/join", data={"code": "ZZZZZZ"})
    assert refused.status_code == 404
    assert 'role="alert"' in refused.text


def test_join_without_a_code_is_the_form_without_an_error(client: TestClient) -> None:
    """Someone who typed the address without the code gets the form to type it in."""
    for params in ({}, {"code": "  "}):
        response = client.get("/join", params=params)
        assert response.status_code == 200
        assert 'role="alert"' not in response.text and 'name="code"' in response.text


def test_join_refusal_shows_its_values_in_the_page_language(client: TestClient, api_room) -> None:
    room = api_room()
    form = {"code": room.data["code"], "profile.sector": "Mars"}
    dutch = client.post("/join", data=form)
    assert dutch.status_code == 422
    assert "Onbekend antwoord 'Mars' bij 'sector'; kies uit PO, VO, other." in unescape(dutch.text)
    english = client.post("/join?lang=en", data=form)
    assert "Unknown option 'Mars' for 'sector'; choose one of PO, VO, other." in unescape(
        english.text
    )


def test_console_refusal_with_a_value_follows_the_page_language(
    client: TestClient, api_room
) -> None:
    room = api_room()
    headers = console_headers(client, room)
    url = f"/api/sessions/{room.id}/steps/{room.step_id('brainstorm')}/timer"
    timer = {"action": "start", "seconds": -5}
    dutch = client.post(url, json=timer, headers=headers)
    assert (dutch.status_code, dutch.json()) == (
        422,
        {"detail": "Geef de timer een duur van 1 tot 14400 seconden."},
    )
    client.get(f"/console/{room.id}?lang=en")  # the language switch sets the vk_lang cookie
    english = client.post(url, json=timer, headers=headers)
    assert english.json() == {"detail": "Give the timer a duration between 1 and 14400 seconds."}


def test_joining_sets_an_httponly_cookie_and_shows_the_board(client: TestClient, api_room) -> None:
    room = api_room()
    room.activate(room.step_id("brainstorm"))
    path = join_in_browser(client, room.data["code"], sector="PO", role="schoolopleider")
    assert path == f"/s/{room.id}"
    cookie = client.cookies.get(f"vk_p_{room.id}")
    assert cookie
    board = client.get(path)
    assert board.status_code == 200
    assert "Denken vanuit Afstemming" in board.text
    assert 'id="item-form"' in board.text
    assert f'ws-connect="/live/{room.id}?view=participant' in board.text
    assert cookie not in board.text  # the token stays in the HttpOnly cookie


def test_the_join_link_followed_again_offers_to_carry_on(client: TestClient, api_room) -> None:
    """A participant who follows the join link again (from the mail, after closing the tab)
    is offered to carry on as themselves, so they do not join twice by accident (counted
    twice, their own items no longer theirs); someone else on the device can still join."""
    room = api_room()
    room.activate(room.step_id("brainstorm"))
    fresh = client.get(f"/join?code={room.data['code']}")
    assert "Ga verder waar je was" not in fresh.text
    path = join_in_browser(client, room.data["code"], sector="PO")
    again = client.get(f"/join?code={room.data['code']}")
    assert again.status_code == 200
    assert "Je doet op dit apparaat al mee aan deze sessie." in again.text
    assert f'href="{path}">Ga verder waar je was</a>' in again.text
    assert 'action="/join"' in again.text  # still the form, for someone else
    client.cookies.clear()
    assert "Ga verder waar je was" not in client.get(f"/join?code={room.data['code']}").text


def test_participant_page_without_cookie_goes_home(client: TestClient, api_room) -> None:
    room = api_room()
    response = client.get(f"/s/{room.id}", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/")


def test_secret_links_move_the_key_into_a_cookie(client: TestClient, api_room) -> None:
    room = api_room()
    link = f"/console/{room.id}?key={room.data['facilitator_key']}"
    response = client.get(link, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"http://testserver/console/{room.id}",
    )
    set_cookie = response.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
    console = client.get(f"/console/{room.id}")
    assert console.status_code == 200
    assert room.data["code"] in console.text
    assert "Scenario 2: Samenwerking" in console.text


def test_wrong_keys_get_403(client: TestClient, api_room) -> None:
    room = api_room()
    client.get(f"/console/{room.id}?key=wrong")
    assert client.get(f"/console/{room.id}").status_code == 403
    client.get(f"/projector/{room.id}?key={room.data['facilitator_key']}")
    assert (
        client.get(f"/projector/{room.id}").status_code == 403
    )  # a console key is no projector key


def test_a_link_with_someone_elses_token_asks_before_switching(
    client: TestClient, api_room
) -> None:
    """Login CSRF: a foreign site sends the browser to /s/S?key=<the sender's own token>. The
    page asks (in the session's language), keeping the current identity unless its holder
    chooses otherwise; no other site can answer the question."""
    room = api_room()
    join_in_browser(client, room.data["code"])
    name = f"vk_p_{room.id}"
    mine = client.cookies.get(name)
    theirs = room.join_token()
    asked = client.get(f"/s/{room.id}?key={theirs}", follow_redirects=False)
    assert asked.status_code == 200 and "set-cookie" not in asked.headers
    assert "Wisselen naar een andere identiteit?" in asked.text
    form_csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', asked.text)
    assert form_csrf
    action = f"/identity/participant/{room.id}"
    assert f'action="{action}"' in asked.text
    kept = client.post(action, data={"key": theirs, "csrf": form_csrf.group(1), "choice": "keep"})
    assert kept.url.path == f"/s/{room.id}" and client.cookies.get(name) == mine
    forged = client.post(action, data={"key": theirs, "csrf": "0" * 32, "choice": "switch"})
    assert forged.status_code == 403 and client.cookies.get(name) == mine
    switched = client.post(
        action, data={"key": theirs, "csrf": form_csrf.group(1), "choice": "switch"}
    )
    assert switched.status_code == 200 and client.cookies.get(name) == theirs


def test_an_invalid_secret_link_leaves_the_cookie_alone(client: TestClient, api_room) -> None:
    """A link's key is checked before it replaces anything: a wrong one gets a clear page."""
    room, other = api_room("Zwolle"), api_room("Utrecht")
    join_in_browser(client, room.data["code"])
    console_headers(client, room)
    client.get(f"/organiser?token={ORGANISER_TOKEN}")
    before = dict(client.cookies.items())
    foreign_token = other.join_token()
    links = [
        f"/s/{room.id}?key=wrong",
        f"/s/{room.id}?key={foreign_token}",  # another session's participant
        f"/s/{room.id}?key={room.data['facilitator_key']}",  # a key for another page
        f"/console/{room.id}?key=wrong",
        f"/console/{room.id}?key={room.data['projector_key']}",
        "/organiser?token=wrong",
    ]
    for link in links:
        refused = client.get(link, follow_redirects=False)
        assert refused.status_code == 403, link
        assert "set-cookie" not in refused.headers, link
    assert "Deze link is niet (meer) geldig" in client.get(f"/s/{room.id}?key=wrong").text
    assert dict(client.cookies.items()) == before
    for page in (f"/s/{room.id}", f"/console/{room.id}", "/organiser"):
        assert client.get(page).status_code == 200


def test_projector_shows_code_and_qr(client: TestClient, api_room) -> None:
    room = api_room()
    client.get(f"/projector/{room.id}?key={room.data['projector_key']}")
    page = client.get(f"/projector/{room.id}")
    assert page.status_code == 200
    assert f'<p class="join-code" id="join-code">{room.data["code"]}</p>' in page.text
    assert "<svg" in page.text
    assert f"http://testserver/join?code={room.data['code']}" in page.text


def test_typed_text_is_escaped_on_every_page(client: TestClient, api_room) -> None:
    room = api_room()
    author = room.join()
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    room.post_item(author, client_id="x", step_id=step_id, category="nadelen", text=XSS)
    client.get(f"/console/{room.id}?key={room.data['facilitator_key']}")
    client.get(f"/projector/{room.id}?key={room.data['projector_key']}")
    join_in_browser(client, room.data["code"])
    for path in (f"/console/{room.id}", f"/projector/{room.id}", f"/s/{room.id}"):
        text = client.get(path).text
        assert ESCAPED in text
        assert "<script>alert(1)" not in text
        assert "49" not in re.findall(r'class="text">([^<]*)<', text)


def test_browser_item_post_needs_the_csrf_header(client: TestClient, api_room) -> None:
    room = api_room()
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    path = join_in_browser(client, room.data["code"])
    page = client.get(path).text
    token = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', page)
    assert token
    item = {
        "client_id": "b-1",
        "step_id": step_id,
        "category": "voordelen",
        "text": "Vanuit de browser",
    }
    url = f"/api/sessions/{room.id}/items"
    refused = client.post(url, json=item, headers={"X-VK-View": "participant"})
    assert refused.status_code == 403  # in the page's language: Dutch unless asked otherwise
    assert refused.json()["detail"] == (
        "Het formulier is verlopen of kwam van een andere site: laad de pagina opnieuw."
    )
    english = {"X-VK-View": "participant", "X-VK-Lang": "en"}
    assert "reload the page" in client.post(url, json=item, headers=english).json()["detail"]
    assert client.post(url, json=item).status_code == 401  # no view, no bearer: no cookie used
    headers = {"X-VK-View": "participant", "X-CSRF-Token": token.group(1)}
    accepted = client.post(url, json=item, headers=headers)
    assert accepted.status_code == 201
    assert [e["data"]["item"]["text"] for e in room.events() if e["type"] == "item_added"] == [
        "Vanuit de browser"
    ]


def test_console_activates_steps_with_csrf(client: TestClient, api_room) -> None:
    room = api_room()
    client.get(f"/console/{room.id}?key={room.data['facilitator_key']}")
    page = client.get(f"/console/{room.id}").text
    token = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', page)
    assert token
    step_id = room.step_id("info")
    url = f"/api/sessions/{room.id}/steps/{step_id}/activate"
    assert client.post(url, headers={"X-VK-View": "console"}).status_code == 403
    headers = {"X-VK-View": "console", "X-CSRF-Token": token.group(1)}
    assert client.post(url, headers=headers).status_code == 200
    # A participant's cookie does not open the console's actions.
    join_in_browser(client, room.data["code"])
    participant = {"X-VK-View": "participant", "X-CSRF-Token": token.group(1)}
    assert client.post(url, headers=participant).status_code == 403
    activated = [e["data"]["step_id"] for e in room.events() if e["type"] == "step_activated"]
    assert activated == [step_id]


def test_organiser_page_creates_sessions(client: TestClient) -> None:
    assert client.get("/organiser").status_code == 403
    client.get("/organiser?token=test-organiser-token-0123456789")
    page = client.get("/organiser")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert csrf
    created = client.post(
        "/organiser/sessions",
        data={
            "title": "Utrecht",
            "location": "Utrecht",
            "date": "2016-06-21",
            "csrf": csrf.group(1),
        },
    )
    assert created.status_code == 200
    assert "/console/" in created.text and "?key=" in created.text
    assert "Utrecht" in client.get("/organiser").text


def test_organiser_starts_a_session_from_a_template(client: TestClient, api_room) -> None:
    room = api_room()
    first = room.steps()[1]["id"]
    room.client.patch(
        f"/api/sessions/{room.id}/steps/{first}", json={"skipped": True}, headers=room.facilitator
    )
    template = room.client.post(
        f"/api/sessions/{room.id}/templates",
        json={"name": "Zonder scenario 1"},
        headers=room.facilitator,
    ).json()
    client.get("/organiser?token=test-organiser-token-0123456789")
    page = client.get("/organiser").text
    assert "Zonder scenario 1" in page
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf
    created = client.post(
        "/organiser/sessions",
        data={"title": "Eindhoven", "template_id": str(template["id"]), "csrf": csrf.group(1)},
    )
    key = re.search(r"/console/([0-9a-f]+)\?key=([^\"<]+)", created.text)
    assert key
    steps = client.get(f"/api/sessions/{key.group(1)}", headers=bearer(key.group(2))).json()[
        "steps"
    ]
    kept = [s["title"] for s in room.steps() if s["id"] != first]
    assert [s["title"] for s in steps] == kept
    assert kept[:3] == ["Welkom", "Scenario 1: bundelen", "Scenario 1: belangrijkste punten"]


def test_a_new_comment_updates_the_comment_count_on_every_screen() -> None:
    """The comment fragment appends the text and swaps in the item's new count, so a folded
    "Reacties (n)" shows that something came in."""
    from app.templating import render

    html = render(
        "_comment_added.html",
        "nl",
        comment={"id": 7, "item_id": 3, "text": "Hoezo duur?"},
        comments=2,
    )
    assert '<ul id="comments-3" hx-swap-oob="beforeend"><li>Hoezo duur?</li></ul>' in html
    assert '<span id="comment-count-3" hx-swap-oob="true">2</span>' in html


def test_a_paused_timer_can_be_resumed_from_the_console(client: TestClient, api_room) -> None:
    """Paused, the console offers "Hervatten", which carries on from the time that was left
    (no duration sent), not from the minutes field."""
    room = api_room()
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    url = f"/api/sessions/{room.id}/steps/{step_id}/timer"
    client.post(url, json={"action": "start", "seconds": 600}, headers=room.facilitator)
    paused = client.post(url, json={"action": "pause"}, headers=room.facilitator).json()
    left = paused["timer"]["remaining"]
    client.get(f"/console/{room.id}?key={room.data['facilitator_key']}")
    page = client.get(f"/console/{room.id}").text
    resume = re.search(r"<button[^>]*data-resume[^>]*>([^<]*)</button>", page)
    assert resume and resume.group(1) == "Hervatten"
    assert 'hx-vals=\'{"action": "start"}\'' in resume.group(0)  # no seconds: resume
    resumed = client.post(url, json={"action": "start"}, headers=room.facilitator).json()
    assert resumed["timer"]["running"] and left - 2 <= resumed["timer"]["remaining"] <= left
    running_page = client.get(f"/console/{room.id}").text
    assert "data-resume" not in running_page and "Pauzeren" in running_page


def test_an_untitled_step_added_in_the_console_is_named_in_the_page_language(
    client: TestClient, api_room
) -> None:
    """Not "converge" in a Dutch console: the step type as the console names it."""
    room = api_room()
    headers = console_headers(client, room)
    url = f"/api/sessions/{room.id}/steps"
    untitled = {"type": "glossary", "title": "", "scenario": ""}
    added = client.post(url, json=untitled, headers=headers)
    assert (added.status_code, added.json()["title"]) == (201, "Begrippenlijst")
    english = {**headers, "X-VK-Lang": "en"}
    assert client.post(url, json={"type": "break"}, headers=english).json()["title"] == "Break"


def test_the_organiser_page_links_every_report(client: TestClient, api_room) -> None:
    """Each session's report, and the programme's, one click from the organiser's page; the
    organiser's cookie is what opens them."""
    room = api_room("Zwolle")
    room.join(sector="PO")  # a programme report needs a session someone joined
    client.get("/organiser?token=test-organiser-token-0123456789")
    page = client.get("/organiser").text
    links = set(re.findall(r'href="(/api/[^"]+)"', page))
    session_links = {f"/api/sessions/{room.id}/report.{f}" for f in ("html", "pdf", "docx", "xlsx")}
    assert session_links <= links
    programme = [link for link in links if link.startswith("/api/programmes/")]
    assert {link.rsplit(".", 1)[1] for link in programme} == {
        "html",
        "pdf",
        "docx",
        "md",
        "xlsx",
        "json",
    }
    assert "Verslag van het programma" in page
    for link in (f"/api/sessions/{room.id}/report.html", programme[0]):
        assert client.get(link).status_code == 200  # the cookie, no bearer header


def start_blind_brainstorm(client: TestClient, room: Any) -> None:
    """The first brainstorm on screen, as a blind round."""
    step_id = room.step_id("brainstorm")
    room.activate(step_id)
    url = f"/api/sessions/{room.id}/steps/{step_id}/blind"
    assert client.put(url, json={"value": True}, headers=room.facilitator).is_success


def projector_page(client: TestClient, room: Any) -> str:
    """The projector's page as its link opens it, entities unescaped."""
    client.get(f"/projector/{room.id}?key={room.data['projector_key']}")
    return unescape(client.get(f"/projector/{room.id}").text)


def test_a_blind_round_is_explained_to_the_room_on_the_projector(
    client: TestClient, api_room
) -> None:
    """The projector speaks to the room; "you see only your own" is for a participant."""
    room = api_room()
    start_blind_brainstorm(client, room)
    projector = projector_page(client, room)
    assert "Blinde ronde: iedereen schrijft voor zich" in projector
    assert "je ziet alleen je eigen bijdragen" not in projector
    participant = unescape(client.get(join_in_browser(client, room.data["code"])).text)
    assert "je ziet alleen je eigen bijdragen" in participant


def page_modules(client: TestClient, html: str) -> set[str]:
    """The scripts a page loads as ES modules and everything they import, as served."""
    module = r'<script type="module" src="/static/js/([a-z]+\.js)\?v=[0-9a-f]+"></script>'
    entries = re.findall(module, html)
    assert len(entries) == 1  # one entry module per page
    seen: set[str] = set()
    todo = list(entries)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        served = client.get(f"/static/js/{name}")
        assert served.status_code == 200
        assert served.headers["content-type"].startswith("text/javascript")
        seen.add(name)
        todo += re.findall(r'^import .* from "\./([a-z]+\.js)\?v=[0-9a-f]+";$', served.text, re.M)
    return seen


def test_each_page_loads_only_the_modules_it_uses(client: TestClient, api_room) -> None:
    room = api_room()
    client.get(f"/projector/{room.id}?key={room.data['projector_key']}")
    projector = page_modules(client, client.get(f"/projector/{room.id}").text)
    assert projector == {"projector.js", "call.js", "connection.js", "timer.js"}
    client.get(f"/console/{room.id}?key={room.data['facilitator_key']}")
    console = page_modules(client, client.get(f"/console/{room.id}").text)
    assert console == {
        "console.js",
        "call.js",
        "connection.js",
        "timer.js",
        "keyboard.js",
        "undo.js",
    }
    participant = page_modules(client, client.get(join_in_browser(client, room.data["code"])).text)
    assert {
        "participant.js",
        "outbox.js",
        "drafts.js",
        "ballots.js",
        "argumentdrafts.js",
        "reactions.js",
        "comments.js",
        "commentdrafts.js",
    } <= participant
    assert "console.js" not in participant and "board.js" not in participant


def test_the_organiser_link_keeps_its_language(client: TestClient) -> None:
    """The token moves into a cookie; the rest of the link (e.g. `lang=en`) stays."""
    response = client.get(f"/organiser?token={ORGANISER_TOKEN}&lang=en", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/organiser?lang=en")
    page = client.get(response.headers["location"])
    assert '<html lang="en"' in page.text and "Sessions" in page.text
    plain = client.get(f"/organiser?token={ORGANISER_TOKEN}", follow_redirects=False)
    assert plain.headers["location"] == "/organiser"
