"""Differencing attacks (issue #15, part 4): subtracting one download from another gives no
group smaller than the threshold. At real size: sessions of 20 participants at tables of 6
and 7; the group to protect is a segment of 1 or of 2 (werkplekbegeleiders, who all answer 1
where everyone else answers 4 or 5). The attacker's arithmetic is `leftovers`: per group two
downloads both show, the first's answers minus the second's (or minus the sum of several).
Also the raw profiles (participants sheet, JSON): no combination rarer than the threshold."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

import pytest

from session_engine import agenda as agenda_ops
from session_engine.actors import ORGANISER
from session_engine.agenda import activate_step
from session_engine.anonymity import OTHER, fold_levels, generalise
from session_engine.closing import close_session
from session_engine.reports.report import programme_report, session_report
from session_engine.results import step_results
from session_engine.tables import add_tables, choose_table
from session_engine.votes import Answer, cast_ballot

THRESHOLD = 3
SMALL = "werkplekbegeleider"
ROLES = ["projectleider", "schoolopleider", "instituutsopleider"]
Groups = dict[str, Counter[str]]  # per shown group: how many gave each answer


def roles(small: int, total: int = 20) -> list[str]:
    """`small` werkplekbegeleiders among `total`, the rest spread over the other roles."""
    return [SMALL] * small + [ROLES[n % 3] for n in range(total - small)]


def value_of(role: str, n: int) -> int:
    return 1 if role == SMALL else 4 + n % 2


def seat(room: Any, tables: list[Any], n: int) -> Any:
    """Table of 7, 7 and 6 for 20 participants, in join order."""
    return tables[min(n // 7, len(tables) - 1)]


def statements_step(room: Any, table: Any = None) -> int:
    f = room.facilitator
    step = room.do(agenda_ops.add_step, actor=f, fields={"type": "statements"})
    room.do(activate_step, actor=f, step_id=step.id, table_id=table.id if table else None)
    return int(step.id)


def answer(room: Any, table: Any, step_id: int, role: str, n: int) -> None:
    who = room.join(role=role, sector=("PO", "VO")[n % 2])
    room.do(choose_table, actor=who, table_id=table.id)
    room.do(cast_ballot, actor=who, step_id=step_id, answers=[Answer("s1", value_of(role, n))])


def session_of(make_room: Any, title: str, small: int) -> Any:
    """A session of 20 at three tables, everyone answering s1; still open."""
    room = make_room(title)
    tables = room.do(add_tables, actor=room.facilitator, names=["Tafel 1", "Tafel 2", "Tafel 3"])
    step = statements_step(room)
    for n, role in enumerate(roles(small)):
        answer(room, seat(room, tables, n), step, role, n)
    room.tables = tables
    room.statements = step
    return room


def close(room: Any) -> None:
    room.do(close_session, session_id=room.id, actor=ORGANISER)


def report_groups(report: Any, field: str = "role") -> Groups:
    segments = report.statements[0].segments.get(field)
    if segments is None:
        return {}
    return {g: Counter(d.counts) for g, d in segments.segments.items() if g != OTHER}


def result_groups(room: Any, step_id: int, field: str = "role") -> Groups:
    results = room.database.read_sync(step_results, room.id, step_id)["statements"]
    [s1] = [s for s in results if s["key"] == "s1"]
    segments = s1["segments"][field]["segments"]
    return {g: Counter(d["counts"]) for g, d in segments.items() if g != OTHER}


def composition(report: Any, field: str = "role") -> Groups:
    [entry] = [f for f in report.participants.fields if f.key == field]
    return {g.key: Counter({"people": g.count}) for g in entry.groups if g.key != OTHER}


def leftovers(whole: Groups, parts: list[Groups]) -> dict[str, int]:
    """What an attacker learns: per group the whole shows, its answers minus those of every
    part that shows that group too. Keeps only the groups where something was subtracted."""
    found = {}
    for group, counts in whole.items():
        shown_in = [part[group] for part in parts if group in part]
        if shown_in:
            rest = counts - sum(shown_in, Counter())
            found[group] = sum(rest.values())
    return found


def assert_nobody_small(found: dict[str, int]) -> None:
    small = {g: n for g, n in found.items() if 0 < n < THRESHOLD}
    assert not small, f"subtraction gives away a group of {small}"


def report(room: Any) -> Any:
    return room.database.read_sync(session_report, room.id)


def programme(room: Any) -> Any:
    return room.database.read_sync(programme_report, room.created.session.programme_id)


# Programme minus two sessions -------------------------------------------------------------


@pytest.mark.parametrize("small", [1, 2])
def test_programme_minus_two_sessions_gives_no_small_group(make_room: Any, small: int) -> None:
    """Zwolle 3 and Eindhoven 4 werkplekbegeleiders (each session's report shows them),
    Utrecht `small`: the programme's figure minus Zwolle's and Eindhoven's would be
    Utrecht's werkplekbegeleiders' answers. So the programme does not show that group."""
    rooms = [
        session_of(make_room, "Zwolle", 3),
        session_of(make_room, "Eindhoven", 4),
        session_of(make_room, "Utrecht", small),
    ]
    for room in rooms:
        close(room)
    whole = programme(rooms[0])
    zwolle, eindhoven = report(rooms[0]), report(rooms[1])
    assert SMALL in report_groups(zwolle) and SMALL in report_groups(eindhoven)
    parts = [report_groups(zwolle), report_groups(eindhoven)]
    assert_nobody_small(leftovers(report_groups(whole), parts))
    assert_nobody_small(
        leftovers(composition(whole), [composition(zwolle), composition(eindhoven)])
    )
    assert SMALL not in report_groups(whole)
    assert whole.statements[0].overall.n == 60  # the totals are all there


def preference_session(make_room: Any, title: str, small: int) -> Any:
    """20 participants choose a scenario: the werkplekbegeleiders "leerloopbaan", the others
    "samenwerking"; closed."""
    room = make_room(title)
    f = room.facilitator
    step = room.do(agenda_ops.add_step, actor=f, fields={"type": "preference"})
    room.do(activate_step, actor=f, step_id=step.id)
    for role in roles(small):
        choice = "leerloopbaan" if role == SMALL else "samenwerking"
        who = room.join(role=role)
        room.do(
            cast_ballot, actor=who, step_id=step.id, answers=[Answer("preference", choice=choice)]
        )
    close(room)
    return room


def preference_groups(report: Any) -> Groups:
    segments = report.preference.segments["role"]
    return {g: Counter(votes) for g, votes in segments.items() if g != OTHER}


@pytest.mark.parametrize("small", [1, 2])
def test_programme_minus_two_sessions_gives_no_small_groups_vote(
    make_room: Any, small: int
) -> None:
    """The same attack on the preference's votes per group: the programme's werkplekbegeleider
    votes minus Zwolle's and Eindhoven's would be Utrecht's one or two choices."""
    rooms = [
        preference_session(make_room, "Zwolle", 3),
        preference_session(make_room, "Eindhoven", 4),
        preference_session(make_room, "Utrecht", small),
    ]
    parts = [preference_groups(report(room)) for room in rooms[:2]]
    assert all(SMALL in part for part in parts)
    assert_nobody_small(leftovers(preference_groups(programme(rooms[0])), parts))


def test_a_group_every_session_shows_is_shown_in_the_programme(make_room: Any) -> None:
    """The price is only paid where a session hides a group: 3 and 4 werkplekbegeleiders in
    two sessions, both shown, are 7 in the programme, with their answers."""
    rooms = [session_of(make_room, "Zwolle", 3), session_of(make_room, "Eindhoven", 4)]
    for room in rooms:
        close(room)
    shown = report_groups(programme(rooms[0]))
    assert shown[SMALL] == Counter({"1": 7, "2": 0, "3": 0, "4": 0, "5": 0})


def test_a_programme_before_and_after_a_session_closes_gives_no_small_group(
    make_room: Any,
) -> None:
    """The programme's report as its sessions close one by one (Zwolle, then Eindhoven, then
    Utrecht with one werkplekbegeleider): a later version minus an earlier one is what the
    newly closed session adds, and that is only ever groups that session shows itself."""
    rooms = [
        session_of(make_room, "Zwolle", 3),
        session_of(make_room, "Eindhoven", 4),
        session_of(make_room, "Utrecht", 1),
    ]
    versions = []
    for room in rooms:
        close(room)
        versions.append(programme(rooms[0]))
    for before, after in itertools.pairwise(versions):
        assert_nobody_small(leftovers(report_groups(after), [report_groups(before)]))
        assert_nobody_small(leftovers(composition(after), [composition(before)]))


# All tables minus the others --------------------------------------------------------------


@pytest.mark.parametrize("small", [1, 2])
def test_all_tables_minus_the_others_gives_no_small_group(make_room: Any, small: int) -> None:
    """Tables 1 and 2 answer the statements in one step (3 werkplekbegeleiders: its results
    show them), table 3 alone in a step of its own (`small` of them: hidden there). The
    session's report minus tables 1 and 2's results would be table 3's werkplekbegeleiders."""
    room = make_room("Zwolle")
    tables = room.do(add_tables, actor=room.facilitator, names=["Tafel 1", "Tafel 2", "Tafel 3"])
    together = statements_step(room)
    alone = statements_step(room, table=tables[2])
    people = [SMALL] * 3 + [ROLES[n % 3] for n in range(11)]
    for n, role in enumerate(people):
        answer(room, tables[n % 2], together, role, n)
    for n, role in enumerate([SMALL] * small + [ROLES[n % 3] for n in range(6 - small)]):
        answer(room, tables[2], alone, role, n)
    close(room)
    per_table = [result_groups(room, together), result_groups(room, alone)]
    assert SMALL in per_table[0] and SMALL not in per_table[1]
    assert_nobody_small(leftovers(report_groups(report(room)), per_table))
    assert report(room).statements[0].overall.n == 20


# Before and after one late joiner ---------------------------------------------------------


@pytest.mark.parametrize("late", [1, 2])
def test_a_report_before_and_after_late_joiners_gives_no_small_group(
    make_room: Any, late: int
) -> None:
    """20 voted (3 werkplekbegeleiders), a report is taken; `late` more werkplekbegeleiders
    join and vote. Before minus after would be the late joiners' profile and answers: per
    group figures wait until the session is closed, so no two of these reports subtract."""
    room = session_of(make_room, "Zwolle", 3)
    before = report(room)
    for n in range(late):
        answer(room, room.tables[2], room.statements, SMALL, n)
    after = report(room)
    close(room)
    final = report(room)
    downloads = [before, after, final]
    for first in downloads:
        for second in downloads:
            if first is not second:
                assert_nobody_small(leftovers(report_groups(first), [report_groups(second)]))
                assert_nobody_small(leftovers(composition(first), [composition(second)]))
                rows = Counter(map(str, first.profiles)) - Counter(map(str, second.profiles))
                assert sum(rows.values()) == 0 or sum(rows.values()) >= THRESHOLD
    assert report_groups(final)[SMALL]["1"] == 3 + late  # once final, the group is shown
    assert (before.statements[0].overall.n, after.statements[0].overall.n) == (20, 20 + late)
    assert not any(f.segments for f in before.statements[0].segments.values())
    assert before.profiles == []


# Raw data --------------------------------------------------------------------------------

PROFILES = [
    {"sector": sector, "organisation": organisation, "role": role}
    for sector in ("PO", "VO", "")
    for organisation in ("school", "lerarenopleiding", "other")
    for role in (*ROLES, SMALL, "other", "")
]


def joined_with_profiles(make_room: Any, title: str, count: int, offset: int) -> Any:
    room = make_room(title)
    for n in range(count):
        room.join(**{k: v for k, v in PROFILES[(offset + n * 7) % len(PROFILES)].items() if v})
    close(room)
    return room


def test_no_combination_of_profile_answers_in_the_raw_data_is_rarer_than_the_threshold(
    make_room: Any,
) -> None:
    """Three sessions of 22, 20 and 2 participants with 54 different profiles between them
    (sector, organisation, role; some skipped): in the participants rows of every session's
    report and of the programme's, each combination, session included, occurs at least 3
    times."""
    rooms = [
        joined_with_profiles(make_room, "Zwolle", 22, 0),
        joined_with_profiles(make_room, "Eindhoven", 20, 5),
        joined_with_profiles(make_room, "Utrecht", 2, 11),
    ]
    for download in [*(report(room) for room in rooms), programme(rooms[0])]:
        combinations = Counter(tuple(row.values()) for row in download.profiles)
        assert all(n >= THRESHOLD for n in combinations.values()), combinations
    assert len(programme(rooms[0]).profiles) >= 40  # most rows are kept, generalised
    assert report(rooms[2]).profiles == []  # two participants: no combination is common enough


# The rule itself -------------------------------------------------------------------------


def test_the_rule_across_levels_shows_a_group_only_where_every_part_does() -> None:
    zwolle = {"a": [1] * 3, "b": [2] * 4}
    utrecht = {"a": [1], "b": [2] * 5, "c": [3] * 3}
    assert fold_levels([zwolle], 3) == {"a": [1] * 3, "b": [2] * 4}
    # Utrecht hides its one "a", and so "c" (complementary): the programme shows only "b".
    assert fold_levels([zwolle, utrecht], 3) == {"b": [2] * 9, OTHER: [1] * 4 + [3] * 3}
    steps = [[{"a": [1] * 3}, {"a": [1]}], [{"a": [1] * 3}]]  # a session over its steps
    assert fold_levels(steps, 3) == {OTHER: [1] * 7}


def test_generalising_takes_the_rarest_answer_first_and_is_deterministic() -> None:
    rows = [("Z", "PO", "x")] * 3 + [("Z", "PO", "y")] * 2 + [("Z", "VO", "x")] * 2
    rows += [("Z", "VO", OTHER)] * 2
    # (Z, PO, y): "y" is its rarest answer (2 rows) and becomes "other"; still 2 rows, "PO"
    # goes next. (Z, VO, other) and (Z, VO, x) lose "VO", then "x": all four join them. Z is
    # in every row (a session's own report): never generalised. Nothing is left out.
    kept = generalise(rows, 3)
    assert Counter(kept) == Counter({("Z", "PO", "x"): 3, ("Z", OTHER, OTHER): 6})
    assert sorted(generalise(list(reversed(rows)), 3)) == sorted(kept)
    assert generalise([("Z", "PO")] * 2, 3) == []  # two rows in all: both left out
