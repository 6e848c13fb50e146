"""Report data: a seed-like session and a two-session programme, built through the engine,
read back as the report's plain data (what every format prints)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from session_engine.actors import ORGANISER
from session_engine.duplicates import near_duplicates
from session_engine.errors import Forbidden, Invalid, NotFound
from session_engine.programmes import get_programme
from session_engine.reports.report import programme_report, session_report, to_json
from session_engine.reports.texts import edit_programme_texts, edit_report_texts, programme_texts
from session_engine.sessions import get_session
from session_engine.similarity import similar_pairs
from session_engine.store.events import events_after
from tests.report_seed import FORMULA, SCRIPT, seed_programme


@pytest.fixture(scope="module")
def built(tmp_path_factory, databases, content):
    yield from seed_programme(tmp_path_factory, databases, content, closed=True)


@pytest.fixture
def seed(built):
    return built.zwolle


def report_of(seed):
    return seed.room.database.read_sync(session_report, seed.room.id)


def texts(items):
    return [i.text for i in items]


def scenario(report, key):
    return next(s for s in report.scenarios if s.key == key)


def column(report, scenario_key, column_key):
    return next(c for c in scenario(report, scenario_key).columns if c.key == column_key)


def test_participants_are_counted_by_sector_organisation_and_role(seed) -> None:
    people = report_of(seed).participants
    assert people.total == 12
    sector = {g.key: g.count for g in people.fields[0].groups}
    # One participant's sector is "other" or not given: beside 5 PO and 6 VO of 12 that one
    # would be the rest, so PO, the smaller group, is folded too (the one rule, for counts too).
    assert sector == {"VO": 6, "other": 6}
    role = {g.key: g.count for g in people.fields[2].groups}
    # Two schoolopleiders and one werkplekbegeleider are too few to show apart: "other".
    assert role == {"projectleider": 5, "instituutsopleider": 3, "other": 4}
    assert people.sentence.startswith("12 participants took part. Sector: 6 Voortgezet")


def test_scenarios_follow_the_agenda_and_a_skipped_one_is_noted(seed) -> None:
    report = report_of(seed)
    assert [s.key for s in report.scenarios] == ["afstemming", "samenwerking", "leerloopbaan"]
    skipped = scenario(report, "leerloopbaan")
    assert skipped.discussed is False
    assert skipped.notes == [
        "The brainstorm on Denken vanuit Leerloopbaan was skipped in this session."
    ]
    assert skipped.kenmerken[0].startswith("Samen leeractiviteiten ontwerpen")


def test_without_a_vote_the_best_supported_third_is_most_important(seed) -> None:
    voordelen = column(report_of(seed), "afstemming", "voordelen")
    assert voordelen.basis == "support"
    assert texts(voordelen.important) == [
        "Iedere partner heeft een duidelijk herkenbare rol",
        "Goed te organiseren",
    ]
    assert texts(voordelen.other) == [
        "Past bij veel van de huidige structuren",
        "Ruimte om te specialiseren los van de opleidingsschool",
    ]
    roles, merged = voordelen.important
    assert (roles.mentions, roles.metoo, roles.support, roles.often) == (1, 3, 4, True)
    assert merged.members == ["Goed te organiseren, elke school kan instappen"]
    assert (merged.mentions, merged.often) == (2, True)


def test_nothing_mentioned_twice_means_no_most_important_items(seed) -> None:
    nadelen = column(report_of(seed), "afstemming", "nadelen")
    assert nadelen.important == []
    assert texts(nadelen.other) == ["Voelt als een stap terug", FORMULA, SCRIPT]
    assert nadelen.other[0].comments == ["Geen gezamenlijke ambitie"]


def test_an_importance_vote_decides_the_split(seed) -> None:
    voordelen = column(report_of(seed), "samenwerking", "voordelen")
    assert voordelen.basis == "vote"
    assert [(i.text, i.score) for i in voordelen.important] == [
        ("Een geïntegreerd curriculum van theorie en praktijk", 6.0)
    ]
    assert texts(voordelen.other)[0] == "Alle betrokkenen leren van elkaar"


def test_conditions_are_grouped_per_theme_in_the_programme_order(seed) -> None:
    report = report_of(seed)
    themes = column(report, "afstemming", "voorwaarden").themes
    assert [(g.label, texts(g.items)) for g in themes] == [
        ("Organisatie", ["Duidelijke afspraken over verantwoordelijkheden"]),
        ("HR-beleid", ["Nascholing werkplekbegeleiders verplicht stellen"]),
        ("Visie", ["Elke partner heeft een eigen visie op opleiden"]),
    ]
    labels = [g.label for g in column(report, "samenwerking", "voorwaarden").themes]
    assert labels == ["Organisatie", "Leiderschap", "Onderzoek"]


def test_statements_per_segment_with_counted_arguments(seed) -> None:
    s1, s2 = report_of(seed).statements[:2]
    assert (s1.overall.n, s1.overall.mean, s1.overall.flag) == (
        11,
        3.36,
        "divergent",
    )
    sector = s1.segments["sector"].segments
    assert (sector["PO"].mean, sector["VO"].mean) == (5.0, 2.0)
    assert "sector" in s1.segments_differ
    assert [a.model_dump() for a in s1.arguments] == [
        {"text": "Elke school is anders", "count": 6},
        {"text": "Taal verbindt de partners", "count": 5},
    ]
    assert s2.overall.flag == "consensus"


def test_glossary_and_preference(seed) -> None:
    report = report_of(seed)
    [term] = report.glossary
    assert term.agreed == "Een samenwerkingsverband van scholen en lerarenopleidingen"
    assert [d.votes for d in term.definitions] == [5, 2]
    votes = {s.key: s.votes for s in report.preference.scenarios}
    assert votes == {"afstemming": 0, "samenwerking": 9, "leerloopbaan": 3}
    assert [r.model_dump() for r in report.preference.reasons] == [
        {"text": "Dit doen we eigenlijk al", "count": 1}
    ]


def test_key_points_say_what_they_rest_on(seed) -> None:
    points = report_of(seed).key_points
    assert [p.kind for p in points] == [
        "themes",
        "support",
        "support",
        "divergence",
        "divergence",
        "consensus",
        "preference",
    ]
    assert points[0].text == "Conditions on Organisatie came up in 2 scenarios (2 items)."
    assert points[1].text.startswith("“Iedere partner heeft een duidelijk herkenbare rol”")
    assert (
        "Primair onderwijs (PO) 5,0, Voortgezet onderwijs (VO) 2,0" in points[3].text
    )  # nl figures
    assert points[-1].text == "Most preferred: Denken vanuit Samenwerking (9 of 12 votes)."
    assert all(p.basis for p in points)


def test_the_report_holds_no_identity(seed) -> None:
    text = to_json(report_of(seed)).decode()
    for secret in [*seed.tokens, *seed.client_ids]:
        assert secret not in text
    for key in ("participant_id", "client_id", "token", "token_hash"):
        assert f'"{key}"' not in text
    votes = report_of(seed).votes
    assert votes == sorted(
        votes, key=lambda r: tuple(str(v or "") for v in r.model_dump().values())
    )


def test_json_writes_scenarios_columns_and_items_in_the_documented_order(seed) -> None:
    """docs/reports.md's schema is a contract: the typed parts keep its keys and their order."""
    report = json.loads(to_json(report_of(seed)))
    assert list(report) == [
        *("schema", "kind", "language", "title", "programme", "sessions", "texts"),
        *("principles", "labels", "participants", "scenarios", "statements", "glossary"),
        *("preference", "key_points", "notes", "votes", "profiles"),
    ]
    afstemming = report["scenarios"][0]
    assert list(afstemming) == [
        *("key", "number", "title", "short_title", "description", "kenmerken"),
        *("discussed", "notes", "columns"),
    ]
    voordelen, _, voorwaarden = afstemming["columns"]
    base = ["key", "label", "themed", "basis", "count", "placed"]
    assert list(voordelen) == [*base, "important", "other"]
    assert list(voorwaarden) == [*base, "themes"]
    assert list(voorwaarden["themes"][0]) == ["key", "label", "items"]
    assert list(voordelen["important"][0]) == [
        *("text", "theme", "mentions", "metoo", "support", "often", "members", "comments"),
        *("score", "important", "sessions", "votes"),
    ]
    assert list(report["key_points"][0]) == ["kind", "text", "basis"]


def test_same_data_gives_the_same_report(seed) -> None:
    assert report_of(seed) == report_of(seed)


def test_report_texts_are_edited_by_the_facilitator_only(make_room) -> None:
    room = make_room()
    seed = SimpleNamespace(room=room, actors=[room.join()])
    assert report_of(seed).texts.goal.startswith("De rondetafelgesprekken")
    room.do(edit_report_texts, actor=room.facilitator, changes={"conclusion": " Scenario 2. "})
    assert report_of(seed).texts.conclusion == "Scenario 2."
    [event] = room.database.read_sync(events_after, room.id, 0, 10_000)[-1:]
    assert (event.type, event.data) == (
        "report_text_edited",
        {"texts": {"conclusion": "Scenario 2."}},
    )
    room.do(edit_report_texts, actor=room.facilitator, changes={"conclusion": None})
    assert report_of(seed).texts.conclusion == ""
    with pytest.raises(Forbidden):
        room.do(edit_report_texts, actor=seed.actors[0], changes={"goal": "x"})
    with pytest.raises(Invalid, match="Unknown report text"):
        room.do(edit_report_texts, actor=room.facilitator, changes={"title": "x"})


def test_impression_and_key_points_are_a_sessions_texts_too(make_room) -> None:
    room = make_room()
    seed = SimpleNamespace(room=room, actors=[room.join()])
    assert report_of(seed).texts.impression == (
        "What follows is what was discussed at the tables, per scenario."
    )
    changes = {"impression": "Constructief.", "key_points": "- Leren van elkaar"}
    room.do(edit_report_texts, actor=room.facilitator, changes=changes)
    texts = report_of(seed).texts
    assert (texts.impression, texts.key_points) == ("Constructief.", "- Leren van elkaar")


def test_programme_texts_are_the_organisers_and_stored_with_their_time(make_room) -> None:
    room = make_room()
    room.join()
    programme_id = room.created.session.programme_id
    database = room.database

    def report():
        return database.read_sync(programme_report, programme_id)

    assert (report().title, report().texts.conclusion) == ("Toekomst van samen opleiden", "")
    with pytest.raises(Forbidden):
        room.do(
            edit_programme_texts,
            actor=room.facilitator,
            programme_id=programme_id,
            changes={"title": "x"},
        )
    changes = {"title": " Samenvatting ", "conclusion": "Scenario 2.", "goal": None}
    view = room.do(
        edit_programme_texts, actor=ORGANISER, programme_id=programme_id, changes=changes
    )
    assert (view.title, view.conclusion, view.updated_at is not None) == (
        "Samenvatting",
        "Scenario 2.",
        True,
    )
    assert (report().title, report().texts.conclusion) == ("Samenvatting", "Scenario 2.")
    stored = database.read_sync(get_programme, programme_id)
    assert stored.report_texts == {"title": "Samenvatting", "conclusion": "Scenario 2."}
    for bad in ({}, {"title": ""}, {"colour": "rood"}, {"intro": 3}, {"title": "x" * 201}):
        with pytest.raises(Invalid):
            room.do(edit_programme_texts, actor=ORGANISER, programme_id=programme_id, changes=bad)
    assert database.read_sync(get_programme, programme_id).report_texts == stored.report_texts
    with pytest.raises(NotFound):
        room.do(edit_programme_texts, actor=ORGANISER, programme_id=999, changes={"title": "x"})


def test_a_form_sent_back_unchanged_stores_nothing_and_line_ends_are_one_kind(make_room) -> None:
    """The organiser page's form sends every field, with the browser's CRLF line ends: a text
    left as the programme's own stays the programme's (and follows it), and a changed one is
    stored with plain line ends, so the report's bytes do not depend on the browser."""
    room = make_room()
    programme_id = room.created.session.programme_id
    database = room.database
    shown = database.read_sync(get_programme, programme_id)
    before = programme_texts(shown)
    assert "\n" in before["intro"]  # context and question, a blank line between them
    sent = {key: value.replace("\n", "\r\n") for key, value in before.items()}
    room.do(edit_programme_texts, actor=ORGANISER, programme_id=programme_id, changes=sent)
    stored = database.read_sync(get_programme, programme_id)
    assert stored.report_texts == {} and programme_texts(stored) == before
    sent["conclusion"] = "Eerste regel.\r\n\r\n- een punt\r\n- nog een"
    room.do(edit_programme_texts, actor=ORGANISER, programme_id=programme_id, changes=sent)
    stored = database.read_sync(get_programme, programme_id)
    assert stored.report_texts == {"conclusion": "Eerste regel.\n\n- een punt\n- nog een"}
    texts = {"goal": before["goal"].replace("\n", "\r\n") + "\r\n", "impression": "A\r\nB"}
    room.do(edit_report_texts, actor=room.facilitator, changes=texts)
    saved = database.read_sync(get_session, room.id).report_texts
    assert saved == {"impression": "A\nB"}


@pytest.fixture
def programme(built):
    report = built.database.read_sync(programme_report, built.programme_id)
    return built.zwolle, built.eindhoven, report


def test_programme_sums_participants_and_pools_items_across_sessions(programme) -> None:
    _, _, report = programme
    assert report.kind == "programme"
    assert [s.title for s in report.sessions] == ["Zwolle", "Eindhoven"]
    assert report.participants.total == 24
    voordelen = column(report, "afstemming", "voordelen")
    roles = voordelen.important[0]
    assert (roles.text, roles.sessions, roles.support) == (
        "Iedere partner heeft een duidelijk herkenbare rol",
        2,
        8,
    )
    only_zwolle = next(i for i in voordelen.other if i.text.startswith("Ruimte om"))
    assert only_zwolle.sessions == 1


def test_programme_does_not_join_near_duplicates_nobody_confirmed(programme) -> None:
    """Two wordings from different sessions are a suggestion for the organiser, never a join
    in the report (issue #12): each is said once, in one session."""
    _, _, report = programme
    voordelen = column(report, "samenwerking", "voordelen")
    all_items = voordelen.important + voordelen.other
    wij = [i for i in all_items if i.text.startswith("Geen wij-zij")]
    assert sorted(i.text for i in wij) == [
        "Geen wij-zij denken maar wij-samen",
        "Geen wij-zij denken meer, wij samen",
    ]
    assert [(i.sessions, i.support, i.often, i.members) for i in wij] == [(1, 1, False, [])] * 2


def test_programme_statements_per_session_and_pooled(programme) -> None:
    _, _, report = programme
    s1 = report.statements[0]
    assert s1.overall.n == 22
    assert [(s.session, s.overall.n) for s in s1.per_session] == [
        ("Zwolle", 11),
        ("Eindhoven", 11),
    ]
    assert {s.key: s.votes for s in report.preference.scenarios}["samenwerking"] == 18
    assert report.notes == [
        "The brainstorm on Denken vanuit Leerloopbaan was skipped in Zwolle.",
        "The brainstorm on Denken vanuit Leerloopbaan was skipped in Eindhoven.",
    ]


def test_unknown_session_or_programme(database) -> None:
    with pytest.raises(NotFound):
        database.read_sync(session_report, "nope")
    with pytest.raises(NotFound):
        database.read_sync(programme_report, 999)


def test_a_session_nobody_joined_is_left_out_of_the_programme(make_room) -> None:
    """A demo or cancelled session adds nothing: "in 1 sessie", not "in 2 sessies"."""
    empty, held = make_room("Demo"), make_room("Utrecht")
    held.join(sector="PO")
    programme_id = held.created.session.programme_id
    assert empty.created.session.programme_id == programme_id
    report = held.database.read_sync(programme_report, programme_id)
    assert [s.title for s in report.sessions] == ["Utrecht"]
    assert report.participants.total == 1


def test_a_programme_with_only_empty_sessions_has_no_report_yet(make_room) -> None:
    room = make_room("Demo")
    with pytest.raises(NotFound, match="no sessions with participants yet"):
        room.database.read_sync(programme_report, room.created.session.programme_id)


def test_near_duplicates_agree_with_the_duplicate_suggestions() -> None:
    texts_ = [
        "Goed te organiseren",
        "Goed organiseerbaar",
        "Iedere partner heeft een duidelijk herkenbare rol",
        "Elke partner heeft een herkenbare rol",
        "Het kan een dure manier van opleiden worden",
        "Voelt als een stap terug",
    ]
    groups = [0, 1, 0, 1, 0, 1]
    expected = {
        tuple(sorted((p.first, p.second)))
        for p in similar_pairs(list(enumerate(texts_)), limit=1000)
        if groups[p.first] != groups[p.second]
    }
    assert set(near_duplicates(texts_, groups)) == expected
    assert (2, 3) in expected
