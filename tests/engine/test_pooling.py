"""A programme's report joins only what people confirmed (issue #12): items said in the same
words, merged by a facilitator or pooled by the organiser. Near-duplicates are suggestions for
the organiser, whose decisions (accept, reject, split, merge, attach, lead, side) the report
follows, also after a session is added."""

from __future__ import annotations

import pytest

from app.report_formats import render_report
from session_engine import reactions
from session_engine.actors import ORGANISER
from session_engine.duplicates import near_duplicates, scored_near_duplicates
from session_engine.errors import Conflict, Invalid, NotFound
from session_engine.programmes import load_programme
from session_engine.reports.curating import curation_view, entry_page, proposal_page
from session_engine.reports.decisions import (
    accept_pools,
    attach_item,
    choose_lead,
    merge_entries,
    place_entry,
    reject_pool,
    split_item,
)
from session_engine.reports.points import column_items
from session_engine.reports.pooling import (
    Decision,
    KnownItem,
    partition,
    same_words,
    scored_pairs,
)
from session_engine.reports.report import programme_report
from session_engine.sessions import create_session
from tests.conftest import Room
from tests.pooling_seed import PER_COLUMN, SESSIONS, add, build, reopen


@pytest.fixture
def built(database, content):
    programme, _ = database.write_sync(load_programme, content=content)
    return build(database, programme.id, Room)


def report(built):
    return built.rooms[0].database.read_sync(programme_report, built.programme_id)


def columns(report_, scenario="afstemming"):
    found = next(s for s in report_.scenarios if s.key == scenario)
    return {c.key: c for c in found.columns}


def everything(report_):
    return [i for c in columns(report_).values() for i in column_items(c)]


def decide(built, command, **kwargs):
    return built.rooms[0].do(command, actor=ORGANISER, programme_id=built.programme_id, **kwargs)


def view(built):
    return built.rooms[0].database.read_sync(curation_view, built.programme_id)


def test_distinct_points_are_not_pooled_and_votes_keep_their_side(built) -> None:
    texts = [t for session in built.items for column in session.values() for _, t in column]
    groups = [n for n, s in enumerate(built.items) for c in s.values() for _ in c]
    assert near_duplicates(texts, groups), "today's measure finds look-alikes among them"
    report_ = report(built)
    entries = everything(report_)
    assert len(entries) == len(SESSIONS) * 3 * PER_COLUMN
    assert [(i.sessions, i.members, i.often) for i in entries] == [(1, [], False)] * len(entries)
    assert not [p for p in report_.key_points if p.kind == "support"]
    voordelen = columns(report_)["voordelen"]
    voted = sorted(text for session in built.voted for _, text in session)
    assert sorted(i.text for i in voordelen.important) == voted


def test_the_same_words_are_pooled_and_counted_once_per_saying(built) -> None:
    said = [
        "Te weinig tijd voor begeleiding!",
        "te weinig tijd  voor begeleiding",
        "Té weinig tijd",
    ]
    for room in built.rooms:
        reopen(room)
    for room, text in zip(built.rooms, said, strict=True):
        add(room, room.join(sector="PO"), "nadelen", text)
    paraphrases = ["Niet haalbaar voor het po", "Voor het primair onderwijs onhaalbaar"]
    for room, text in zip(built.rooms, paraphrases, strict=False):
        add(room, room.join(sector="VO"), "nadelen", text)
    nadelen = column_items(columns(report(built))["nadelen"])
    [pooled] = [i for i in nadelen if i.text == said[0]]
    assert (pooled.mentions, pooled.support, pooled.sessions, pooled.often) == (2, 2, 2, True)
    assert pooled.members == []  # the same words: counted, not listed as another wording
    assert [i.sessions for i in nadelen if i.text in (said[2], *paraphrases)] == [1, 1, 1]
    assert same_words("Niet  haalbaar!") == "niet haalbaar" != same_words("haalbaar")
    assert same_words("Een geïntegreerd CURRICULUM, café") == "een geintegreerd curriculum cafe"


def test_one_persons_me_toos_on_a_pooled_entry_count_once_and_an_authors_never(built) -> None:
    """Two people say it in the same words in one session; a third presses "ik ook" on both,
    and the second on the first's: three people, so 3×, not 2 sayings + 3 presses."""
    room = built.rooms[2]
    reopen(room)
    first, second, third = (room.join(sector="PO") for _ in range(3))
    a = add(room, first, "nadelen", "Meer tijd voor intervisie")
    b = add(room, second, "nadelen", "Meer tijd voor intervisie.")
    for who, item in ((third, a), (third, b), (second, a)):
        room.do(reactions.set_metoo, actor=who, item_id=item, on=True)
    [pooled] = [i for i in everything(report(built)) if i.text.startswith("Meer tijd voor int")]
    assert (pooled.mentions, pooled.support, pooled.sessions) == (2, 3, 1)
    # a third saying in another session, with its own "ik ook": other people, all counted
    other = built.rooms[0]
    reopen(other)
    c = add(other, other.join(sector="VO"), "nadelen", "meer tijd voor intervisie")
    other.do(reactions.set_metoo, actor=other.join(sector="VO"), item_id=c, on=True)
    [pooled] = [i for i in everything(report(built)) if i.text.startswith("Meer tijd voor int")]
    assert (pooled.mentions, pooled.support, pooled.sessions) == (3, 5, 2)


@pytest.mark.parametrize(
    ("said", "opposite"),
    [
        ("Klassen > 30 leerlingen", "Klassen < 30 leerlingen"),
        ("Kans op uitval ↑", "Kans op uitval ↓"),
        ("Salaris: +", "Salaris: -"),
        ("Werkdruk -10%", "Werkdruk 10%"),
        ("Budget € 5.000 per student", "Budget $ 5.000 per student"),
        ("Begeleiding = beoordeling", "Begeleiding ≠ beoordeling"),
    ],
)
def test_symbols_that_carry_meaning_keep_texts_apart(built, said: str, opposite: str) -> None:
    """Punctuation goes, symbols stay: "> 30" and "< 30" are not the same words."""
    assert same_words(said) != same_words(opposite)
    for room in built.rooms[:2]:
        reopen(room)
    for room, text in zip(built.rooms, [said, opposite], strict=False):
        add(room, room.join(sector="PO"), "nadelen", text)
    nadelen = column_items(columns(report(built))["nadelen"])
    shown = [(i.text, i.sessions, i.members) for i in nadelen if i.text in (said, opposite)]
    assert sorted(shown) == sorted([(said, 1, []), (opposite, 1, [])])


def test_punctuation_and_hyphens_between_words_are_not_symbols() -> None:
    assert same_words("ICT-coördinator: nodig!") == same_words("ICT coördinator nodig")
    assert same_words("Meer tijd (voor intervisie).") == same_words("meer tijd voor intervisie")
    assert same_words("Po/vo samen - ook later") == same_words("po vo samen, ook later")
    assert same_words("Salaris -") != same_words("Salaris")


def test_proposals_are_suggestions_never_chains(built) -> None:
    found = view(built)
    assert found.proposals and len(found.entries) == len(SESSIONS) * 3 * PER_COLUMN
    seen: set[int] = set()
    for proposal in found.proposals:
        ids = [proposal.lead.entry_id, *(m.entry_id for m in proposal.members)]
        assert not seen & set(ids), "an entry is in one proposal at most"
        seen.update(ids)
        assert all(set(m.sessions).isdisjoint(proposal.lead.sessions) for m in proposal.members)
    scores = [p.score for p in found.proposals]
    assert scores == sorted(scores, reverse=True)
    page = proposal_page(found, scenario="afstemming", category="nadelen", offset=1, limit=2)
    assert page.total == len([p for p in found.proposals if p.category == "nadelen"])
    assert [p.category for p in page.proposals] == ["nadelen"] * 2
    assert entry_page(found, category="voorwaarden", limit=5).total == len(SESSIONS) * PER_COLUMN
    assert report(built) == report(built), "nothing is joined by listing suggestions"


def _first(found, category="voordelen"):
    return next(p for p in found.proposals if p.category == category)


def test_accept_joins_and_reject_is_not_proposed_again(built) -> None:
    found = view(built)
    proposal = _first(found)
    members = [m.entry_id for m in proposal.members]
    done = decide(built, accept_pools, pools=[(proposal.lead.entry_id, members)])
    assert [(d.action, d.decided_by) for d in done.decisions] == [("accept", "organiser")]
    voordelen = column_items(columns(report(built))["voordelen"])
    [joined] = [i for i in voordelen if i.sessions > 1]
    assert joined.mentions == 1 + len(members)
    after = view(built)
    other = _first(after, "nadelen")
    decide(
        built,
        reject_pool,
        lead_id=other.lead.entry_id,
        member_ids=[m.entry_id for m in other.members],
    )
    again = view(built)
    assert other not in again.proposals
    assert all(p.lead.entry_id != other.lead.entry_id for p in again.proposals)
    with pytest.raises(Conflict):
        decide(
            built,
            reject_pool,
            lead_id=other.lead.entry_id,
            member_ids=[m.entry_id for m in other.members],
        )


def test_an_undone_rejection_is_suggested_again_unless_a_split_keeps_it_apart() -> None:
    column = ("afstemming", "voordelen")
    items = [KnownItem(i, f"s{i}", column, f"punt {i}") for i in (1, 2, 3)]
    rejected = Decision(1, "reject", 1, (2, 3))
    found = partition(items, [rejected])
    assert found.blocked({1}, {2, 3}) and found.rejections == {1: (1, (2, 3))}
    found = partition(items, [rejected, Decision(2, "unreject", 1, (2, 3))])
    assert not found.blocked({1}, {2}) and not found.blocked({1}, {3})
    assert found.rejections == {}
    # kept apart twice (rejected, then pooled by hand and split): undoing one is not enough
    twice = [
        Decision(1, "reject", 1, (2,)),
        Decision(2, "merge", 1, (2,)),
        Decision(3, "split", 2, ()),
        Decision(4, "unreject", 1, (2,)),
    ]
    found = partition(items, twice)
    assert found.blocked({1}, {2}) and found.entry(2) == {2}


def test_a_split_or_moved_item_leaves_its_entrys_lead_and_place_behind() -> None:
    """A lead or a place is chosen for an entry: an item split off stands alone unplaced, and
    one attached elsewhere takes neither into the entry it joins."""
    column = ("afstemming", "nadelen")
    items = [KnownItem(i, f"s{i}", column, f"punt {i}") for i in range(1, 6)]
    split = [
        Decision(1, "merge", 1, (2,)),
        Decision(2, "side", 1, (), "other"),
        Decision(3, "lead", 2, ()),
        Decision(4, "split", 2, ()),
    ]
    found = partition(items, split)
    assert (found.chosen_lead({2}), found.chosen_side({2})) == (None, None)
    assert (found.chosen_lead({1}), found.chosen_side({1})) == (None, "other")
    moved = [
        *split,
        Decision(5, "merge", 3, (4,)),
        Decision(6, "lead", 4, ()),
        Decision(7, "side", 3, (), "important"),
        Decision(8, "merge", 1, (5,)),
        Decision(9, "lead", 1, ()),  # chosen later than 4 was, for the entry it leaves
        Decision(10, "attach", 1, (4,)),
    ]
    found = partition(items, moved)
    assert found.entry(4) == {1, 3, 4}
    assert (found.chosen_lead({1, 3, 4}), found.chosen_side({1, 3, 4})) == (4, "important")
    assert (found.chosen_lead({5}), found.chosen_side({5})) == (None, None)


def test_a_voted_item_leads_its_pool_unless_the_organiser_chooses(built) -> None:
    (plain, plain_text), (voted, voted_text) = built.items[0]["voordelen"][0], built.voted[1][0]
    reopen(built.rooms[0])
    for who in built.people[0][1:5]:
        built.rooms[0].do(reactions.set_metoo, actor=who, item_id=plain, on=True)
    decide(built, merge_entries, item_id=plain, other_id=voted)
    voordelen = columns(report(built))["voordelen"]
    [entry] = [i for i in voordelen.important if i.sessions == 2]
    assert (entry.text, entry.members, entry.support) == (voted_text, [plain_text], 6)
    decide(built, choose_lead, item_id=plain)
    assert columns(report(built))["voordelen"].placed == 0
    decide(built, place_entry, item_id=voted, side="other")
    voordelen = columns(report(built))["voordelen"]
    [entry] = [i for i in voordelen.other if i.sessions == 2]
    assert entry.text == plain_text
    # The column's basis line says the organiser placed one of its entries by hand.
    assert voordelen.placed == 1
    markdown = render_report(report(built), "md").body.decode()
    assert "Door de organisator met de hand geplaatst: 1." in markdown
    decide(built, place_entry, item_id=plain, side=None)
    assert columns(report(built))["voordelen"].placed == 0
    assert [i.text for i in columns(report(built))["voordelen"].important if i.sessions == 2] == [
        plain_text
    ]
    with pytest.raises(Conflict):
        decide(built, choose_lead, item_id=plain)


def test_split_attach_and_a_new_session(built, database) -> None:
    (a, a_text), (b, b_text), (c, _) = (built.items[n]["nadelen"][0] for n in range(3))
    decide(built, merge_entries, item_id=a, other_id=b)
    decide(built, attach_item, item_id=c, entry_id=a)
    [entry] = [i for i in column_items(columns(report(built))["nadelen"]) if i.sessions > 1]
    assert entry.sessions == 3
    decide(built, split_item, item_id=b)
    [entry] = [i for i in column_items(columns(report(built))["nadelen"]) if i.sessions > 1]
    assert entry.mentions == 2 and b_text not in [entry.text, *entry.members]
    created, _ = database.write_sync(
        create_session, programme_id=built.programme_id, title="Groningen"
    )
    newer = Room(database, created)
    who = newer.join(sector="PO")
    reopen(newer)
    add(newer, who, "nadelen", a_text.upper())
    add(newer, who, "nadelen", "Een punt dat niemand anders maakte")
    after = column_items(columns(report(built))["nadelen"])
    [entry] = [i for i in after if i.sessions > 1]
    assert (entry.mentions, entry.sessions) == (3, 3)
    assert b_text not in [entry.text, *entry.members]
    assert len(after) == len(SESSIONS) * PER_COLUMN - 1 + 1


def test_bad_decisions_are_refused_and_change_nothing(built) -> None:
    a = built.items[0]["nadelen"][0][0]
    b = built.items[1]["nadelen"][0][0]
    other_column = built.items[1]["voordelen"][0][0]
    before = report(built)
    with pytest.raises(NotFound):
        decide(built, merge_entries, item_id=a, other_id=10**9)
    with pytest.raises(Invalid):
        decide(built, merge_entries, item_id=a, other_id=other_column)
    with pytest.raises(Invalid):
        decide(built, accept_pools, pools=[(a, [])])
    with pytest.raises(Invalid):
        decide(built, accept_pools, pools=[(a, [b, b])])
    with pytest.raises(Conflict):
        decide(built, split_item, item_id=a)
    with pytest.raises(Conflict):
        decide(built, choose_lead, item_id=a)
    with pytest.raises(Conflict):  # the second pool of the page fails: none is stored
        decide(built, accept_pools, pools=[(a, [b]), (b, [a])])
    with pytest.raises(NotFound):
        built.rooms[0].do(merge_entries, actor=ORGANISER, programme_id=999, item_id=a, other_id=b)
    assert report(built) == before


def test_scored_near_duplicates_rank_pairs_of_different_groups() -> None:
    texts = ["Goed te organiseren", "Goed organiseerbaar", "Goed te organiseren!", "Iets anders"]
    scored = scored_near_duplicates(texts, [0, 1, 0, 1])
    assert {(i, j) for i, j, _ in scored} == set(near_duplicates(texts, [0, 1, 0, 1]))
    assert [s for *_, s in scored] == sorted((s for *_, s in scored), reverse=True)
    assert scored and all(0 < s <= 1 for *_, s in scored)


def test_suggestions_are_remembered_per_column_and_the_report_needs_none(built) -> None:
    """A finished session's columns do not change: listing the suggestions again scores no
    column twice, and building the report scores none at all."""
    scored_pairs.cache_clear()
    report(built)
    assert scored_pairs.cache_info().misses == 0
    first = view(built)
    scored = scored_pairs.cache_info().misses
    assert scored >= 3  # the first scenario's three columns
    assert view(built) == first
    assert scored_pairs.cache_info().misses == scored


def test_an_item_split_joined_and_split_again_leaves_the_others_as_they_were(built) -> None:
    (a, a_text), (b, b_text), (c, c_text) = (built.items[n]["nadelen"][0] for n in range(3))
    decide(built, merge_entries, item_id=a, other_id=b)
    decide(built, split_item, item_id=a)
    decide(built, merge_entries, item_id=a, other_id=c)
    decide(built, merge_entries, item_id=b, other_id=built.items[2]["nadelen"][1][0])
    decide(built, split_item, item_id=a)
    nadelen = column_items(columns(report(built))["nadelen"])
    pooled = {i.text: i.members for i in nadelen if i.members}
    assert pooled == {b_text: [built.items[2]["nadelen"][1][1]]}
    assert [i.mentions for i in nadelen if i.text in (a_text, c_text)] == [1, 1]
    assert sum(i.mentions for i in nadelen) == len(SESSIONS) * PER_COLUMN
