"""Creating a programme's sessions in bulk: a CSV (as Excel saves it) or JSON rows, all or
nothing, each bad line named; the facilitators' links as JSON, a mail-merge CSV and a sheet."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.harness import ORGANISER, ORGANISER_TOKEN

PLACES = [
    "Zwolle", "Eindhoven", "Utrecht", "Groningen", "Maastricht", "Leeuwarden", "Arnhem",
    "Den Haag", "Rotterdam", "Amsterdam",
]  # fmt: skip

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def bulk_url(client: TestClient, fmt: str = "json") -> str:
    programme_id = client.app.state.programme_id  # type: ignore[attr-defined]
    return f"/api/programmes/{programme_id}/sessions/bulk?format={fmt}"


def post_csv(client: TestClient, text: str | bytes, fmt: str = "json") -> object:
    body = text.encode() if isinstance(text, str) else text
    headers = {**ORGANISER, "Content-Type": "text/csv"}
    return client.post(bulk_url(client, fmt), content=body, headers=headers)


def fifty_rows(separator: str = ",") -> str:
    lines = [separator.join(["locatie", "datum", "begeleider"])]
    for n in range(50):
        place = f"{PLACES[n % 10]} {n // 10 + 1}"
        lines.append(separator.join([place, f"{n % 28 + 1}-6-2026", f"Begeleider {n}"]))
    return "\r\n".join(lines) + "\r\n"


def count_sessions(client: TestClient) -> int:
    page = organiser_page(client)
    return page.count('class="mono"')


def organiser_page(client: TestClient) -> str:
    client.get(f"/organiser?token={ORGANISER_TOKEN}")
    return client.get("/organiser").text


def test_fifty_rows_make_fifty_sessions_each_with_working_links(client: TestClient) -> None:
    answer = post_csv(client, fifty_rows())
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "no-store"
    sessions = answer.json()["sessions"]
    assert len(sessions) == 50
    assert [s["location"] for s in sessions[:3]] == ["Zwolle 1", "Eindhoven 1", "Utrecht 1"]
    assert sessions[0]["date"] == "2026-06-01" and sessions[0]["facilitator"] == "Begeleider 0"
    assert len({s["code"] for s in sessions}) == 50
    console = sessions[7]["links"]["facilitator"]
    assert console.endswith(f"/console/{sessions[7]['id']}?key={sessions[7]['facilitator_key']}")
    key = {"Authorization": f"Bearer {sessions[7]['facilitator_key']}"}
    assert client.get(f"/api/sessions/{sessions[7]['id']}", headers=key).status_code == 200
    assert count_sessions(client) == 50


def test_json_rows_and_english_headers_work_too(client: TestClient) -> None:
    rows = [
        {"location": "Utrecht", "date": "2026-06-14", "facilitator": "An", "language": "en"},
        {"location": "Zwolle", "date": "15/06/2026", "title": "Regiosessie Zwolle"},
    ]
    answer = client.post(bulk_url(client), json={"rows": rows}, headers=ORGANISER)
    assert answer.status_code == 201, answer.text
    first, second = answer.json()["sessions"]
    assert (first["language"], first["facilitator"], first["title"]) == ("en", "An", first["title"])
    assert second["title"] == "Regiosessie Zwolle" and second["date"] == "2026-06-15"
    text = "location\tdate\tfacilitator\nArnhem\t2026-06-16\tBo\n"
    answer = client.post(bulk_url(client), json={"csv": text}, headers=ORGANISER)
    assert answer.status_code == 201 and answer.json()["sessions"][0]["facilitator"] == "Bo"
    for body in ({}, {"rows": "Zwolle"}, {"rows": None, "csv": None}):
        refused = client.post(bulk_url(client), json=body, headers=ORGANISER)
        assert refused.status_code == 422, body
        assert refused.json() == {
            "detail": "Send a CSV file (text/csv) or JSON with `rows` or `csv`."
        }


def test_excel_files_are_read_as_excel_writes_them(client: TestClient) -> None:
    """Dutch Excel: `;` between cells, a byte-order mark, or Windows-1252 for é."""
    with_bom = "\ufeff" + fifty_rows(";").replace("Begeleider 0", "Renée de Vries")
    answer = post_csv(client, with_bom.encode("utf-8"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["sessions"][0]["facilitator"] == "Renée de Vries"
    cp1252 = "Locatie;Datum;Begeleider\r\nEnschede;1-7-2026;José Smit\r\n".encode("cp1252")
    answer = post_csv(client, cp1252)
    assert answer.status_code == 201, answer.text
    assert answer.json()["sessions"][0]["facilitator"] == "José Smit"
    utf16 = "locatie\tdatum\nVenlo\t2-7-2026\n".encode("utf-16")
    assert post_csv(client, utf16).json()["sessions"][0]["location"] == "Venlo"


def test_bad_rows_are_each_named_and_nothing_is_created(client: TestClient) -> None:
    text = (
        "locatie;datum;begeleider\n"
        "Zwolle;14-6-2026;An\n"
        ";15-6-2026;Bo\n"  # line 3: no location
        "Utrecht;31-2-2026;Cas\n"  # line 4: no such day
        f"{'L' * 201};16-6-2026;Dirk\n"  # line 5: too long
        "Arnhem;morgen;Eva\n"  # line 6: not a date
        f"Delft;17-6-2026;{'F' * 121}\n"  # line 7: name too long
        "Zwolle;2026-06-14;Gijs\n"  # line 8: repeats line 2
        "Breda;18-6-2026;Hans;extra\n"  # line 9: more cells than columns
        "Hoorn;19-6-2026;Ilse;;\n"  # line 10: empty cells beyond the header are fine
        "Ede;20-6-2026;Jan\x07\n"  # line 11: a control character
        "Epe;21-6-2026;Kim\n"
    )
    text = text.replace("Epe;21-6-2026;Kim", 'Epe;21-6-2026;"Kim\nLijn"')  # line 12: line break
    answer = post_csv(client, text)
    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"] == "Problems in the table: 9; no session was created."
    lines = [(p["line"], p["message"]) for p in body["problems"]]
    assert lines == [
        (3, "Line 3: The location is empty."),
        (4, "Line 4: “31-2-2026” is not a date: write it as 2026-06-14 or 14-6-2026."),
        (5, "Line 5: The location is longer than 200 characters."),
        (6, "Line 6: “morgen” is not a date: write it as 2026-06-14 or 14-6-2026."),
        (7, "Line 7: The facilitator is longer than 120 characters."),
        (8, "Line 8: The same location, date and title as line 2."),
        (9, "Line 9: " + EXTRA),
        (11, "Line 11: The facilitator holds a control character or a line break."),
        (12, "Line 12: The facilitator holds a control character or a line break."),
    ]
    assert count_sessions(client) == 0


EXTRA = "More cells than the header has columns: put a value holding the separator between quotes."


def test_the_refusal_is_in_dutch_for_the_organiser_page(client: TestClient) -> None:
    headers = {**ORGANISER, "Content-Type": "text/csv", "X-VK-View": "organiser", "X-VK-Lang": "nl"}
    answer = client.post(bulk_url(client), content=b"locatie;datum\n;1-6-2026\n", headers=headers)
    assert answer.status_code == 422
    assert answer.json()["problems"] == [{"line": 2, "message": "Regel 2: De locatie is leeg."}]
    # The columns a header misses are named in the page's language too
    body = b"plaatsnaam;dag\nZwolle;1-6-2026\n"
    answer = client.post(bulk_url(client), content=body, headers=headers)
    message = answer.json()["problems"][0]["message"]
    assert message.startswith("Regel 1: De kopregel moet de kolommen locatie, datum noemen")


def test_a_table_without_the_columns_or_rows_or_too_long_is_refused(client: TestClient) -> None:
    answer = post_csv(client, "plaatsnaam,dag\nZwolle,1-6-2026\n")
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["line"] == 1
    assert "location, date" in answer.json()["problems"][0]["message"]
    assert post_csv(client, "locatie;datum\n\n;\n").json()["problems"][0]["message"] == (
        "Line 1: The table holds no sessions: only a header, or nothing."
    )
    assert post_csv(client, b"").status_code == 422
    many = "locatie,datum\n" + "".join(f"Plaats {n},1-6-2026\n" for n in range(201))
    answer = post_csv(client, many)
    assert answer.status_code == 422
    assert answer.json()["problems"] == [
        {"line": 202, "message": "Line 202: At most 200 sessions at a time; the table has 201."}
    ]
    assert count_sessions(client) == 0


def test_sending_the_same_table_again_creates_nothing_twice(client: TestClient) -> None:
    text = "locatie,datum,begeleider\nZwolle,14-6-2026,An\nUtrecht,15-6-2026,Bo\n"
    assert post_csv(client, text).status_code == 201
    again = post_csv(client, text + "Arnhem,16-6-2026,Cas\n")
    assert again.status_code == 422
    assert [p["line"] for p in again.json()["problems"]] == [2, 3]
    assert "already has this session" in again.json()["problems"][0]["message"]
    assert count_sessions(client) == 2
    other_title = "locatie,datum,titel\nZwolle,14-6-2026,Middag\n"
    assert post_csv(client, other_title).status_code == 201


def test_formulas_stay_text_and_are_neutralised_in_the_mail_merge_csv(
    client: TestClient,
) -> None:
    text = (
        "locatie,datum,begeleider\n"
        '"=HYPERLINK(""http://evil.example"",""klik"")",14-6-2026,+31 6 1234\n'
        "@SUM(A1),15-6-2026,-Piet\n"
    )
    answer = post_csv(client, text, fmt="csv")
    assert answer.status_code == 201, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Locatie",
        "Datum",
        "Titel",
        "Facilitator",
        "Link voor de facilitator",
        "Deelnamecode",
        "Link voor deelnemers",
        "Link voor de projector",
    ]  # fmt: skip  (the organiser's language: Dutch unless asked otherwise)
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","klik")'
    assert rows[1][1] == "14 juni 2026" and rows[1][3] == "'+31 6 1234"
    assert (rows[2][0], rows[2][3]) == ("'@SUM(A1)", "'-Piet")
    assert re.fullmatch(r"http://testserver/console/[0-9a-f]+\?key=\S+", rows[1][4])
    page = organiser_page(client)
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in page  # as text, escaped


def test_the_links_come_as_a_workbook_that_excel_opens_in_any_language(
    client: TestClient,
) -> None:
    """Excel set to Dutch splits CSV cells on ";", so a comma CSV opens as one column: the
    workbook has the same cells as the CSV, formulas neutralised, in any Excel."""
    text = "locatie;datum;begeleider\nZwolle;14-6-2026;=cmd|' /C calc'!A0\n" + "".join(
        f"{place};15-6-2026;Begeleider {n}\n" for n, place in enumerate(PLACES[1:])
    )
    answer = post_csv(client, text, fmt="xlsx")
    assert answer.status_code == 201, answer.text
    assert answer.headers["content-type"] == XLSX
    assert answer.headers["cache-control"] == "no-store"
    assert 'filename="links.xlsx"' in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Locatie", "Datum", "Titel"] and len(rows) == 11
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert rows[1][:4] == ["Zwolle", "14 juni 2026", rows[1][2], "'=cmd|' /C calc'!A0"]
    assert [row[0] for row in rows[1:]] == PLACES
    assert re.fullmatch(r"http://testserver/console/[0-9a-f]+\?key=\S+", rows[1][4])
    same = client.get(rows[1][4].removeprefix("http://testserver"), follow_redirects=True)
    assert same.status_code == 200 and "Zwolle" in same.text
    english = client.post(
        bulk_url(client, "xlsx"),
        content=b"location,date,facilitator\nAssen,16-6-2026,Cas\n",
        headers={**ORGANISER, "Content-Type": "text/csv", "X-VK-Lang": "en"},
    )
    head = next(load_workbook(io.BytesIO(english.content)).active.iter_rows(values_only=True))
    assert head[:3] == ("Location", "Date", "Title")


def test_the_printable_sheet_names_each_session_with_its_qr_code(client: TestClient) -> None:
    text = "locatie,datum,begeleider\nZwolle,14-6-2026,Renée <b>de</b> Vries\nUtrecht,15-6-2026,\n"
    answer = post_csv(client, text, fmt="html")
    assert answer.status_code == 201
    sheet = answer.text
    assert sheet.count('class="sheet-entry"') == 2
    assert sheet.count("<svg") == 2
    assert "Renée &lt;b&gt;de&lt;/b&gt; Vries" in sheet
    assert "14 juni 2026" in sheet  # the organiser's language: Dutch by default
    assert re.search(r'href="http://testserver/console/[0-9a-f]+\?key=', sheet)
    assert 'href="data:text/csv;charset=utf-8;base64,' in sheet
    assert f'href="data:{XLSX};base64,' in sheet
    assert "@media print" in client.get("/static/app.css").text


def test_the_facilitator_name_is_never_shown_to_participants(client: TestClient) -> None:
    text = "locatie,datum,begeleider\nZwolle,14-6-2026,Geheime Naam\n"
    created = post_csv(client, text).json()["sessions"][0]
    joined = client.post("/api/join", json={"code": created["code"]}).json()
    token = {"Authorization": f"Bearer {joined['token']}"}
    session_id = created["id"]
    assert "Geheime Naam" not in client.get(f"/api/sessions/{session_id}", headers=token).text
    events = client.get(f"/api/sessions/{session_id}/events", headers=token).text
    assert "Geheime Naam" not in events
    client.cookies.clear()
    page = client.post("/join", data={"code": created["code"]})
    assert page.status_code == 200 and f"/s/{session_id}" in str(page.url)
    assert "Geheime Naam" not in page.text
    report = client.get(f"/api/sessions/{session_id}/report.json", headers=ORGANISER)
    assert report.status_code == 200 and "Geheime Naam" not in report.text
    assert "Geheime Naam" in organiser_page(client)


def test_only_the_organiser_creates_sessions_in_bulk(client: TestClient) -> None:
    text = b"locatie,datum\nZwolle,1-6-2026\n"
    answer = client.post(bulk_url(client), content=text, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 403
    assert count_sessions(client) == 0
    headers = {**ORGANISER, "Content-Type": "text/csv"}
    missing = client.post("/api/programmes/999/sessions/bulk", content=text, headers=headers)
    assert missing.status_code == 404


def test_the_largest_table_allowed_fits_the_body_limit(client: TestClient) -> None:
    """200 rows, every cell as long as allowed: more than the 64 KiB of other bodies, within
    the 8 times the bulk route may take (bodylimit.py)."""
    lines = ["locatie;datum;begeleider;titel"]
    for n in range(200):
        place = f"{n:03d} " + "L" * 196
        lines.append(f"{place};14-6-2026;{'F' * 120};{'T' * 200}")
    body = "\n".join(lines).encode()
    assert 64 * 1024 < len(body) < 8 * 64 * 1024
    answer = post_csv(client, body)
    assert answer.status_code == 201, answer.text[:200]
    assert len(answer.json()["sessions"]) == 200
    too_large = post_csv(client, b"locatie;datum\n" + b"x;1-6-2026\n" * 50_000)
    assert too_large.status_code == 413
