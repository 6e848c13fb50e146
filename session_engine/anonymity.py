"""The one small-group rule, and the one order for free texts: what keeps a result from
pointing at a person. Every breakdown of answers (per segment of a profile question, per
table, per session of a programme; on screens, in the API and in every report format) asks
`shown_groups` or `fold` which of its groups it may show; every list of arguments or reasons
is put in `text_order`. The rules, for users, are in docs/results.md and docs/privacy.md.

The small-group rule, for one breakdown of a total that is itself shown:
- a group with fewer than `threshold` members is never shown on its own; nor are "other" and
  "not given" (they fold together with the small groups into "other");
- "other" is shown when it has at least `threshold` members;
- complementary suppression: whatever is not shown on its own equals the total minus the
  shown groups. So when that rest is not empty but smaller than the threshold, the smallest
  shown group is folded into "other" as well, and the next, until the rest is empty or at
  least the threshold. A breakdown of fewer than `threshold` members in all shows nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

DEFAULT_THRESHOLD = 3
OTHER = "other"
UNKNOWN = "unknown"

K = TypeVar("K", str, int)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Shown(Generic[K]):
    """Which groups of a breakdown are shown on their own (in the order given), and whether
    the rest is shown together as "other"."""

    groups: list[K]
    other: bool


def shown_groups(
    sizes: Mapping[K, int], threshold: int = DEFAULT_THRESHOLD, never: Collection[K] = ()
) -> Shown[K]:
    """The small-group rule on a breakdown's group sizes; `never` are groups that are never
    shown on their own (such as "other" and "not given")."""
    shown = {k: n for k, n in sizes.items() if n >= threshold and k not in never}
    rest = sum(sizes.values()) - sum(shown.values())
    while 0 < rest < threshold and shown:
        smallest = min(shown, key=lambda k: (shown[k], k))
        rest += shown.pop(smallest)
    return Shown([k for k in sizes if k in shown], rest >= threshold)


def fold(
    groups: Mapping[str, Sequence[T]], threshold: int = DEFAULT_THRESHOLD
) -> dict[str, list[T]]:
    """A breakdown's members per group as it may be shown: each shown group, then "other"."""
    rule = shown_groups({k: len(v) for k, v in groups.items()}, threshold, (OTHER, UNKNOWN))
    folded = {k: list(groups[k]) for k in rule.groups}
    if rule.other:
        folded[OTHER] = [m for k, v in groups.items() if k not in folded for m in v]
    return folded


def text_order(texts: Iterable[str]) -> list[str]:
    """Arguments or reasons in an order that follows the texts, never the voters: the most
    given first, then alphabetically. The same voter's texts cannot be linked by position."""
    given = list(texts)
    counts = Counter(given)
    return sorted(given, key=lambda text: (-counts[text], text.casefold(), text))
