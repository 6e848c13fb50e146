"""The organiser curates a programme's report through the JSON API (issue #12): suggested pools
listed best first, accepted or rejected; entries split, merged, attached, led and moved. Each
decision shows in the Markdown, DOCX, JSON and HTML downloads, holds when a session is added,
and a bad request is refused with a 4xx and changes nothing."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from session_engine.programmes import load_programme
from tests.conftest import Room
from tests.harness import ORGANISER, ORGANISER_TOKEN, bearer
from tests.pooling_seed import add, build, reopen


@pytest.fixture
def built(database, content):
    programme, _ = database.write_sync(load_programme, content=content)
    return build(database, programme.id, Room)


@pytest.fixture
def client(built, database_url):
    settings = Settings(database_url=database_url, organiser_token=ORGANISER_TOKEN)
    with TestClient(create_app(settings)) as client:
        yield client


class Downloads:
    """The programme report in md, docx, json and html, read back as a reader would."""

    def __init__(self, client: TestClient, programme_id: int) -> None:
        from docx import Document

        base = f"/api/programmes/{programme_id}/report"
        get = {fmt: client.get(f"{base}.{fmt}", headers=ORGANISER) for fmt in FORMATS}
        assert all(r.status_code == 200 for r in get.values())
        self.md = get["md"].text.splitlines()
        self.json = get["json"].json()
        self.html = get["html"].text
        self.docx = [p.text for p in Document(io.BytesIO(get["docx"].content)).paragraphs]

    def entry(self, text: str) -> dict:
        """The JSON entry printed under this wording (the first scenario's columns)."""
        for column in self.json["scenarios"][0]["columns"]:
            groups = column.get("themes") or [
                {"items": column["important"]},
                {"items": column["other"]},
            ]
            for group in groups:
                for item in group["items"]:
                    if item["text"] == text:
                        return item | {"side": "important" if item["important"] else "other"}
        raise AssertionError(f"{text!r} is not an entry")

    def shows(self, lead: str, members: list[str], side: str) -> None:
        """Every format prints `lead` as one entry with `members` under it, on `side`."""
        entry = self.entry(lead)
        assert (sorted(entry["members"]), entry["side"]) == (sorted(members), side)
        [line] = [n for n, text in enumerate(self.md) if text.startswith(f"- {lead}")]
        heading = [text for text in self.md[:line] if text.startswith("#")][-1]
        assert ("Andere" not in heading) == (side == "important"), heading
        [para] = [n for n, text in enumerate(self.docx) if text.startswith(lead)]
        block = self.html.split(f">{lead}", 1)[1].split("</li>\n", 1)[0]
        for member in members:
            assert member in self.md[line + 1]
            assert member in self.docx[para + 1]
            assert member in block
        if not members:
            assert "members" not in block

    def alone(self, text: str) -> None:
        assert self.entry(text)["members"] == []
        assert any(line.startswith(f"- {text}") for line in self.md)


FORMATS = ("md", "docx", "json", "html")


def api(client: TestClient, built, path: str, body: dict | None = None, headers=ORGANISER):
    url = f"/api/programmes/{built.programme_id}/{path}"
    if body is None:
        return client.get(url, headers=headers)
    return client.post(url, json=body, headers=headers)


def texts_of(built) -> dict[int, str]:
    return {i: t for s in built.items for c in s.values() for i, t in c}


def test_accept_reject_and_accept_a_page(client, built) -> None:
    page = api(client, built, "pools?scenario=afstemming&category=voordelen&limit=5").json()
    assert page["total"] >= 3 and len(page["proposals"]) == min(5, page["total"])
    scores = [p["score"] for p in page["proposals"]]
    assert scores == sorted(scores, reverse=True)
    first, second, *rest = page["proposals"]
    before = Downloads(client, built.programme_id)
    before.alone(first["lead"]["text"])
    body = {"lead_id": first["lead"]["entry_id"], "member_ids": ids(first["members"])}
    done = api(client, built, "pools/accept", body)
    assert done.status_code == 200, done.text
    [decision] = done.json()["decisions"]
    assert (decision["action"], decision["decided_by"]) == ("accept", "organiser")
    after = Downloads(client, built.programme_id)
    lead = after_lead(after, first)
    after.shows(lead, [m for m in texts(first) if m != lead], after.entry(lead)["side"])
    assert after.entry(lead)["mentions"] == 1 + len(first["members"])
    rejected = {"lead_id": second["lead"]["entry_id"], "member_ids": ids(second["members"])}
    assert api(client, built, "pools/reject", rejected).status_code == 200
    listed = api(client, built, "pools?limit=200").json()["proposals"]
    assert second["lead"]["entry_id"] not in [p["lead"]["entry_id"] for p in listed]
    Downloads(client, built.programme_id).alone(second["lead"]["text"])
    pools = [{"lead_id": p["lead"]["entry_id"], "member_ids": ids(p["members"])} for p in rest]
    accepted = api(client, built, "pools/accept-page", {"pools": pools})
    assert len(accepted.json()["decisions"]) == len(rest)
    pooled = api(client, built, "entries?pooled=true&category=voordelen").json()
    assert pooled["total"] == 1 + len(rest)


def test_a_rejected_suggestion_can_be_undone(client, built) -> None:
    where = "scenario=afstemming&category=voordelen"
    proposals = api(client, built, f"pools?{where}&limit=200").json()["proposals"]
    first = proposals[0]
    body = {"lead_id": first["lead"]["entry_id"], "member_ids": ids(first["members"])}
    assert api(client, built, "pools/reject", body).status_code == 200
    page = api(client, built, f"pools/rejected?{where}").json()
    assert page["total"] == 1
    [kept_apart] = page["rejected"]
    assert kept_apart["lead"]["text"] == first["lead"]["text"]
    assert [m["text"] for m in kept_apart["members"]] == [m["text"] for m in first["members"]]
    assert (kept_apart["scenario"], kept_apart["category"]) == ("afstemming", "voordelen")
    assert kept_apart["decided_by"] == "organiser" and kept_apart["decided_at"]
    assert api(client, built, "pools/rejected?category=nadelen").json()["total"] == 0
    before = client.get(f"/api/programmes/{built.programme_id}/report.json", headers=ORGANISER)

    url = f"/api/programmes/{built.programme_id}/pools/rejected/{kept_apart['decision_id']}"
    undone = client.delete(url, headers=ORGANISER)
    assert undone.status_code == 200, undone.text
    [decision] = undone.json()["decisions"]
    assert (decision["action"], decision["item_id"], decision["other_ids"]) == (
        "unreject",
        body["lead_id"],
        body["member_ids"],
    )
    assert decision["decided_by"] == "organiser" and decision["decided_at"]
    assert api(client, built, "pools/rejected").json()["total"] == 0
    again = api(client, built, f"pools?{where}&limit=200").json()["proposals"]
    assert first in again  # back among the suggestions to review, not joined in the report
    Downloads(client, built.programme_id).alone(first["lead"]["text"])
    after = client.get(f"/api/programmes/{built.programme_id}/report.json", headers=ORGANISER)
    assert after.content == before.content

    refused = client.delete(url, headers=ORGANISER)
    assert refused.status_code == 409 and refused.json()["detail"]
    accepted = api(client, built, "pools/accept", body).json()["decisions"][0]["id"]
    for decision_id in (accepted, 999_999, 0, 2**70):
        response = client.delete(
            f"/api/programmes/{built.programme_id}/pools/rejected/{decision_id}", headers=ORGANISER
        )
        assert response.status_code in (404, 422), (decision_id, response.text)
    other = client.delete(f"/api/programmes/999/pools/rejected/{accepted}", headers=ORGANISER)
    assert other.status_code == 404
    facilitator = bearer(built.rooms[0].created.facilitator_key)
    assert client.delete(url, headers=facilitator).status_code in (401, 403)


def ids(members: list[dict]) -> list[int]:
    return [m["entry_id"] for m in members]


def texts(proposal: dict) -> list[str]:
    return [proposal["lead"]["text"], *(m["text"] for m in proposal["members"])]


def after_lead(downloads: Downloads, proposal: dict) -> str:
    """The wording the report prints an accepted pool under (a voted one, if any)."""
    for text in texts(proposal):
        try:
            if downloads.entry(text)["members"]:
                return text
        except AssertionError:
            continue
    raise AssertionError("the pool is not printed")


def test_split_merge_attach_lead_and_move_show_in_every_format(client, built) -> None:
    words = texts_of(built)
    (a, a_text), (b, b_text), (c, c_text) = (built.items[n]["nadelen"][0] for n in range(3))
    assert api(client, built, "entries/merge", {"item_id": a, "other_id": b}).status_code == 200
    # said twice, the only such point of the column: among the most important by support
    Downloads(client, built.programme_id).shows(a_text, [b_text], "important")
    assert api(client, built, "entries/attach", {"item_id": c, "entry_id": a}).is_success
    Downloads(client, built.programme_id).shows(a_text, [b_text, c_text], "important")
    assert api(client, built, "entries/lead", {"item_id": c}).is_success
    Downloads(client, built.programme_id).shows(c_text, [a_text, b_text], "important")
    assert api(client, built, "entries/side", {"item_id": a, "side": "other"}).is_success
    Downloads(client, built.programme_id).shows(c_text, [a_text, b_text], "other")
    assert api(client, built, "entries/split", {"item_id": b}).is_success
    downloads = Downloads(client, built.programme_id)
    downloads.shows(c_text, [a_text], "other")
    downloads.alone(b_text)
    entries = api(client, built, "entries?pooled=true").json()["entries"]
    assert [(e["id"], e["lead_chosen"], e["side"]) for e in entries] == [(c, True, "other")]
    assert {i["item_id"]: i["session"] for i in entries[0]["items"]} == {
        a: "Zwolle",
        c: "Utrecht",
    }
    assert words[c] == c_text
    voted_id, voted_text = built.voted[0][0]
    assert api(client, built, "entries/side", {"item_id": voted_id, "side": "other"}).is_success
    assert Downloads(client, built.programme_id).entry(voted_text)["side"] == "other"


def test_decisions_hold_when_a_session_is_added(client, built, database) -> None:
    from session_engine.sessions import create_session

    (a, a_text), (b, b_text) = (built.items[n]["nadelen"][0] for n in range(2))
    assert api(client, built, "entries/merge", {"item_id": a, "other_id": b}).is_success
    created, _ = database.write_sync(
        create_session, programme_id=built.programme_id, title="Groningen"
    )
    room = Room(database, created)
    who = room.join(sector="PO")
    reopen(room)
    add(room, who, "nadelen", "Een punt uit Groningen")
    downloads = Downloads(client, built.programme_id)
    downloads.shows(a_text, [b_text], "important")
    downloads.alone("Een punt uit Groningen")
    assert downloads.json["participants"]["total"] == 61


def test_bad_requests_are_refused_and_change_nothing(client, built) -> None:
    (a, _), (b, _) = (built.items[n]["nadelen"][0] for n in range(2))
    other_column = built.items[1]["voordelen"][0][0]
    before = client.get(f"/api/programmes/{built.programme_id}/report.json", headers=ORGANISER)
    refused = {
        "entries/merge": [
            ({"item_id": a, "other_id": other_column}, 422),
            ({"item_id": a, "other_id": 2_000_000}, 404),
            ({"item_id": a, "other_id": a}, 422),
            ({"item_id": a}, 422),
        ],
        "entries/split": [({"item_id": a}, 409), ({"item_id": 0}, 422)],
        "entries/lead": [({"item_id": a}, 409)],
        "entries/side": [({"item_id": a, "side": "top"}, 422)],
        "pools/accept": [({"lead_id": a, "member_ids": []}, 422)],
        "pools/accept-page": [
            ({"pools": [{"lead_id": a, "member_ids": [b]}, {"lead_id": b, "member_ids": [a]}]}, 409)
        ],
    }
    for path, cases in refused.items():
        for body, status in cases:
            response = api(client, built, path, body)
            assert response.status_code == status, (path, body, response.text)
            assert response.json()["detail"]
    unknown = client.post(
        "/api/programmes/999/entries/merge", json={"item_id": a, "other_id": b}, headers=ORGANISER
    )
    assert unknown.status_code == 404
    after = client.get(f"/api/programmes/{built.programme_id}/report.json", headers=ORGANISER)
    assert after.content == before.content
    assert api(client, built, "entries?pooled=true").json()["total"] == 0


def test_only_the_organiser_curates(client, built) -> None:
    (a, _), (b, _) = (built.items[n]["nadelen"][0] for n in range(2))
    room = built.rooms[0]
    facilitator = bearer(room.created.facilitator_key)
    body = {"item_id": a, "other_id": b}
    for headers in (facilitator, {}, bearer("not-the-token")):
        assert api(client, built, "entries/merge", body, headers=headers).status_code in (401, 403)
        assert api(client, built, "pools", headers=headers).status_code in (401, 403)
    client.cookies.set("vk_organiser", ORGANISER_TOKEN)
    no_csrf = client.post(f"/api/programmes/{built.programme_id}/entries/merge", json=body)
    assert no_csrf.status_code == 403
    client.cookies.clear()
    assert api(client, built, "entries?pooled=true").json()["total"] == 0


def test_the_organiser_page_lists_a_page_of_suggestions_and_entries(client, built) -> None:
    (a, a_text), (b, b_text) = (built.items[n]["nadelen"][0] for n in range(2))
    assert api(client, built, "entries/merge", {"item_id": a, "other_id": b}).is_success
    client.get(f"/organiser?token={ORGANISER_TOKEN}")
    page = client.get("/organiser?scenario=afstemming&category=nadelen").text
    section = page[page.index('id="curation"') :]
    total = api(client, built, "pools?scenario=afstemming&category=nadelen").json()["total"]
    assert f"Suggesties om te beoordelen ({total})" in section
    assert section.count('class="primary" data-pool-action="pools/accept"') == min(total, 20)
    assert 'data-pool-action="pools/accept-page"' in section
    entries = section[section.index('class="programme-entries"') :]
    assert a_text in entries and b_text in entries
    assert entries.count('class="programme-entry"') == 1
    assert 'data-pool-action="entries/split"' in entries
    english = client.get("/organiser?lang=en").text
    assert "Suggestions to review" in english
    everything = client.get("/organiser?all=1&entries=1").text
    assert "Pagina 2 van" in everything or "Page 2 of" in everything
