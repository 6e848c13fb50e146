"""Tallies on hand-computed cases."""

from __future__ import annotations

import pytest

from session_engine.anonymity import fold
from session_engine.tally import by_segment, default_cut, distribution, rank_items


def test_distribution_of_a_split_room() -> None:
    # 2×1, 2×5: mean 3, sd 2 (every answer is 2 away), spread 2/2 = 1: divergent.
    result = distribution([1, 1, 5, 5, None])
    assert result.counts == {1: 2, 2: 0, 3: 0, 4: 0, 5: 2}
    assert (result.n, result.no_opinion, result.mean, result.sd, result.spread) == (
        4,
        1,
        3.0,
        2.0,
        1.0,
    )
    assert result.flag == "divergent"


def test_distribution_of_a_room_in_agreement() -> None:
    # 4,4,4,5: mean 4.25; deviations .25,.25,.25,.75 → variance (3×.0625+.5625)/4 = .1875,
    # sd .433, spread .22: mixed (between .2 and .3).
    result = distribution([4, 4, 4, 5])
    assert (result.mean, result.sd, result.spread, result.flag) == (4.25, 0.43, 0.22, "mixed")
    assert distribution([4, 4, 4, 4]).flag == "consensus"
    assert distribution([]).mean is None


def test_small_segments_fold_into_other_and_a_small_other_is_not_shown() -> None:
    groups = {"PO": [1, 2, 3], "VO": [1, 2], "other": [5]}
    assert fold(groups, 3) == {"PO": [1, 2, 3], "other": [1, 2, 5]}
    # PO on its own would give VO away by subtraction from the total: folded as well.
    assert fold({"PO": [1, 2, 3], "VO": [4]}, 3) == {"other": [1, 2, 3, 4]}


def test_segments_that_disagree_are_flagged() -> None:
    answers = [({"sector": "PO"}, v) for v in (4, 5, 4, 5)] + [
        ({"sector": "VO"}, v) for v in (2, 2, 3)
    ]
    result = by_segment(answers, "sector")
    assert result.segments["PO"].mean == 4.5 and result.segments["VO"].mean == 2.33
    assert result.differ
    close = [({"sector": "PO"}, 4)] * 3 + [({"sector": "VO"}, 4)] * 3
    assert not by_segment(close, "sector").differ


@pytest.mark.parametrize(
    ("method", "ballots", "order", "scores"),
    [
        ("topk", [(1, None), (2, None), (2, None), (3, None)], [2, 1, 3], [2, 1, 1]),
        ("rating", [(1, 2), (1, 4), (2, 5), (3, 1)], [2, 1, 3], [5.0, 3.0, 1.0]),
        ("points", [(1, 6), (2, 1), (3, 3), (1, 1)], [1, 3, 2], [7, 3, 1]),
    ],
)
def test_rank_items(method, ballots, order, scores) -> None:
    ranked = rank_items(method, ballots, [1, 2, 3])
    assert [r.item_id for r in ranked] == order
    assert [r.score for r in ranked] == scores
    assert [r.important for r in ranked] == [True, False, False]  # a third of 3 is 1


def test_cut_defaults_to_a_third_and_can_be_set() -> None:
    assert [default_cut(n) for n in (0, 1, 3, 4, 10)] == [0, 1, 1, 2, 4]
    ranked = rank_items("topk", [(1, None), (2, None)], [1, 2, 3], cut=2)
    assert [r.important for r in ranked] == [True, True, False]


def test_a_tie_at_the_cut_is_never_split() -> None:
    """Two items with 3 votes each and a cut of 2: both are "belangrijkste", not one of them
    by the accident of board order."""
    ballots = [(1, None)] * 4 + [(2, None)] * 3 + [(3, None)] * 3 + [(4, None)]
    ranked = rank_items("topk", ballots, [1, 2, 3, 4], cut=2)
    assert [(r.item_id, r.score, r.important) for r in ranked] == [
        (1, 4.0, True),
        (2, 3.0, True),
        (3, 3.0, True),
        (4, 1.0, False),
    ]
    nobody = rank_items("topk", [], [1, 2, 3], cut=1)
    assert not any(r.important for r in nobody)  # no votes, nothing important


@pytest.mark.parametrize(
    ("answers", "flag"),
    [
        # Spread over 3-5, nobody disagrees: wide (spread .41) but not divided.
        ([3, 3, 3, 4, 4, 5, 5, 5], "mixed"),
        ([3, 5, 3, 5, 3, 5], "mixed"),
        # Sizeable shares on both sides of the middle: divided.
        ([1, 1, 2, 4, 5, 5, 3, 3], "divergent"),
        ([1, 2, 4, 5], "divergent"),
        # Exactly a quarter on the smaller side is enough; less is not.
        ([1, 4, 4, 5], "divergent"),
        ([2, 3, 3, 4, 4, 4, 5, 5, 5], "mixed"),
        # The middle counts in the total but on neither side.
        ([1, 3, 3, 3, 3, 3, 3, 5], "mixed"),
        ([1, 1, 3, 3, 3, 3, 5, 5], "divergent"),
        # "No opinion" is not an answer on either side.
        ([2, 4, None, None, None], "divergent"),
        ([4, 4, 4, 4, None], "consensus"),
    ],
)
def test_divided_means_disagreement_on_both_sides_of_the_middle(
    answers: list[int | None], flag: str
) -> None:
    assert distribution(answers).flag == flag
