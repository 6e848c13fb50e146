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

The same rule across levels (`fold_levels`), for a breakdown whose members are also broken
down, and downloadable, part by part (a programme's by its sessions, a session's by its
steps): a group is shown on its own only if every part that holds members of it shows it
on its own too. Every figure of the whole is then a sum of figures the parts already show
(and the rest is the total minus those), so no subtraction between levels, nor between two
versions of the whole as parts are added, gives anything the parts do not show themselves.

Raw rows (`generalise`): every combination of answers in a file occurs at least `threshold`
times; the rarest answer of a rarer combination becomes "other" (in that combination's rows)
until none is left, and a combination still rare with every answer "other" is left out.
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
    groups: Mapping[str, Sequence[T]],
    threshold: int = DEFAULT_THRESHOLD,
    hidden: Collection[str] = (),
) -> dict[str, list[T]]:
    """A breakdown's members per group as it may be shown: each shown group, then "other".
    `hidden` are groups a part of the breakdown does not show on its own (`fold_levels`)."""
    never = {OTHER, UNKNOWN, *hidden}
    rule = shown_groups({k: len(v) for k, v in groups.items()}, threshold, never)
    folded = {k: list(groups[k]) for k in rule.groups}
    if rule.other:
        folded[OTHER] = [m for k, v in groups.items() if k not in folded for m in v]
    return folded


Groups = Mapping[str, Sequence[T]]


def fold_levels(
    parts: Sequence[Groups[T] | Sequence[Groups[T]]], threshold: int = DEFAULT_THRESHOLD
) -> dict[str, list[T]]:
    """A breakdown of the parts together, as the rule across levels allows (see above). A
    part is its members per group (shown by `fold`), or itself a list of such parts (shown
    by this rule: a session over its steps)."""
    merged: dict[str, list[T]] = {}
    hidden: set[str] = set()
    for part in parts:
        if isinstance(part, Mapping):
            groups, shown = part, fold(part, threshold)
        else:
            groups, shown = _merged(part), fold_levels(part, threshold)
        for key, members in groups.items():
            merged.setdefault(key, []).extend(members)
            if members and key not in shown:
                hidden.add(key)
    return fold(merged, threshold, hidden)


def _merged(parts: Sequence[Groups[T]]) -> dict[str, list[T]]:
    merged: dict[str, list[T]] = {}
    for groups in parts:
        for key, members in groups.items():
            merged.setdefault(key, []).extend(members)
    return merged


def generalise(
    rows: Sequence[Sequence[str]], threshold: int = DEFAULT_THRESHOLD, other: str = OTHER
) -> list[tuple[str, ...]]:
    """Raw rows (each a combination of answers) with no combination rarer than `threshold`:
    while one is, its answer that the fewest rows give (in its column; then the first
    column, then by text) becomes `other` in that combination's rows, which then join any
    rows that already read so; a combination still rare with nothing left to generalise is
    left out. A column with one answer throughout (a session's name in its own report) is
    never generalised: that merges nothing. Deterministic: the same rows, the same result."""
    current = [tuple(row) for row in rows]
    while rare := _rarest(current, threshold, other):
        combination, column = rare
        replaced = (*combination[:column], other, *combination[column + 1 :])
        current = [replaced if row == combination else row for row in current]
    counts = Counter(current)
    return [row for row in current if counts[row] >= threshold]


def _rarest(
    rows: list[tuple[str, ...]], threshold: int, other: str
) -> tuple[tuple[str, ...], int] | None:
    """The rarest combination with an answer left to generalise, and that answer's column
    (the answer the fewest rows give). None when no such combination is left."""
    counts = Counter(rows)
    width = len(rows[0]) if rows else 0
    given = [Counter(row[column] for row in rows) for column in range(width)]
    varied = [column for column in range(width) if len(given[column]) > 1]
    for _, combination in sorted((n, row) for row, n in counts.items() if n < threshold):
        answered = [c for c in varied if combination[c] != other]
        if answered:
            return combination, min(answered, key=lambda c: (given[c][combination[c]], c))
    return None


def text_order(texts: Iterable[str]) -> list[str]:
    """Arguments or reasons in an order that follows the texts, never the voters: the most
    given first, then alphabetically. The same voter's texts cannot be linked by position."""
    given = list(texts)
    counts = Counter(given)
    return sorted(given, key=lambda text: (-counts[text], text.casefold(), text))
