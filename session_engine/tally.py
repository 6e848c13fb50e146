"""Counting votes: distributions, consensus and divergence, results per segment with small
segments folded away, and rankings for importance votes. Pure functions, no database.

The measures (documented for users in docs/results.md):
- spread = standard deviation / its largest possible value on the scale (half the range),
  so 0 is full agreement and 1 is a room split between the two ends. On a 1-5 scale the
  largest standard deviation is 2.
- consensus: spread < 0.2. divergent (divided): at least a quarter of the answers on each
  side of the middle of the scale (disagree and agree; the middle counts for neither side),
  so a room spread over 3-5 where nobody disagrees is not divided. Otherwise: mixed.
- segments differ: two segments' means are at least 1 point apart (on a 1-5 scale).
- which segments are shown: the one small-group rule of anonymity.py (small segments
  folded into "other", and complementary groups folded too so none can be subtracted out).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .anonymity import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD  # re-exported for callers
from .anonymity import OTHER, UNKNOWN, fold

CONSENSUS_BELOW = 0.2
DIVIDED_SHARE = 0.25  # the share of the answers each side of the middle needs for "divided"
SEGMENT_GAP = 1.0


@dataclass(frozen=True, slots=True)
class Distribution:
    """How a group answered one question on a scale (no-opinion answers counted apart)."""

    counts: dict[int, int]
    n: int
    no_opinion: int
    mean: float | None
    sd: float | None
    spread: float | None
    flag: str | None  # consensus | mixed | divergent

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": {str(k): v for k, v in self.counts.items()},
            "n": self.n,
            "no_opinion": self.no_opinion,
            "mean": self.mean,
            "sd": self.sd,
            "spread": self.spread,
            "flag": self.flag,
        }


def flag_for(spread: float | None, counts: dict[int, int], low: int, high: int) -> str | None:
    """Consensus by spread; divided only when the room disagrees (see `divided`)."""
    if spread is None:
        return None
    if spread < CONSENSUS_BELOW:
        return "consensus"
    if divided(counts, low, high):
        return "divergent"
    return "mixed"


def divided(counts: dict[int, int], low: int = 1, high: int = 5) -> bool:
    """The one rule for "divided" (verdeeld): at least `DIVIDED_SHARE` of the answers below
    the middle of the scale and at least as much above it. Answers in the middle count in
    the total but on neither side, so a spread over 3-5 with nobody disagreeing is not divided
    however wide it is."""
    total = sum(counts.values())
    if not total:
        return False
    middle = (low + high) / 2
    below = sum(n for value, n in counts.items() if value < middle)
    above = sum(n for value, n in counts.items() if value > middle)
    return min(below, above) >= DIVIDED_SHARE * total


def distribution(values: Iterable[int | None], low: int = 1, high: int = 5) -> Distribution:
    """Counts, mean, population standard deviation and spread; None is "no opinion"."""
    all_values = list(values)
    answered = [v for v in all_values if v is not None]
    counts = {v: 0 for v in range(low, high + 1)}
    counts.update(Counter(answered))
    n = len(answered)
    if not n:
        return Distribution(counts, 0, len(all_values), None, None, None, None)
    mean = sum(answered) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in answered) / n)
    spread = sd / ((high - low) / 2)
    return Distribution(
        counts,
        n,
        len(all_values) - n,
        round(mean, 2),
        round(sd, 2),
        round(spread, 2),
        flag_for(spread, counts, low, high),
    )


def segment_of(profile: dict[str, str], field_key: str) -> str:
    return profile.get(field_key) or UNKNOWN


@dataclass(slots=True)
class SegmentResult:
    """One question's distribution per segment of one profile field."""

    field_key: str
    segments: dict[str, Distribution] = field(default_factory=dict)
    differ: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field_key,
            "segments": {k: v.as_dict() for k, v in self.segments.items()},
            "differ": self.differ,
        }


def segments_differ(segments: dict[str, Distribution], gap: float = SEGMENT_GAP) -> bool:
    means = [d.mean for d in segments.values() if d.mean is not None]
    return len(means) >= 2 and max(means) - min(means) >= gap


def by_segment(
    answers: list[tuple[dict[str, str], int | None]],
    field_key: str,
    threshold: int = DEFAULT_THRESHOLD,
    low: int = 1,
    high: int = 5,
) -> SegmentResult:
    """Distributions per segment of `field_key`, as the small-group rule allows."""
    groups: dict[str, list[int | None]] = defaultdict(list)
    for profile, value in answers:
        groups[segment_of(profile, field_key)].append(value)
    return segment_result(field_key, fold(groups, threshold), low, high)


def segment_result(
    field_key: str, folded: dict[str, list[int | None]], low: int = 1, high: int = 5
) -> SegmentResult:
    """Distributions per segment of a breakdown already folded by the small-group rule."""
    result = SegmentResult(field_key)
    for segment in sorted(folded, key=lambda s: (s == OTHER, s)):
        result.segments[segment] = distribution(folded[segment], low, high)
    result.differ = segments_differ(result.segments)
    return result


@dataclass(frozen=True, slots=True)
class Ranked:
    """An item's place in an importance vote."""

    item_id: int
    score: float
    voters: int
    important: bool


def default_cut(count: int) -> int:
    """How many items count as "belangrijkste" when the facilitator sets nothing: a third."""
    return math.ceil(count / 3) if count else 0


def rank_items(
    method: str, ballots: list[tuple[int, int | None]], item_ids: list[int], cut: int | None = None
) -> list[Ranked]:
    """Rank items by their votes. `ballots` are (item_id, value) rows: a pick (top k, single
    choice), a 1-5 rating, or points. Score: picks or points summed; ratings averaged.
    Ties keep board order; the first `cut` items are the most important ones, and so is any
    item with as many votes as the last of them: a tie at the cut is never split."""
    values: dict[int, list[int]] = defaultdict(list)
    for item_id, value in ballots:
        values[item_id].append(value if value is not None else 1)

    def score(item_id: int) -> float:
        got = values.get(item_id, [])
        if method == "rating":
            return round(sum(got) / len(got), 2) if got else 0.0
        return float(sum(got))

    order = sorted(item_ids, key=lambda i: -score(i))
    limit = default_cut(len(order)) if cut is None else max(0, min(cut, len(order)))
    last = score(order[limit - 1]) if limit else math.inf  # the lowest score still in
    return [
        Ranked(
            item_id,
            score(item_id),
            len(values.get(item_id, [])),
            score(item_id) > 0 and (position < limit or score(item_id) == last),
        )
        for position, item_id in enumerate(order)
    ]


def counts_of(choices: Iterable[str | None]) -> dict[str, int]:
    """Single-choice tallies (a preference, a definition), most chosen first."""
    counted = Counter(c for c in choices if c is not None)
    return dict(sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])))
