"""Duplicate suggestions for convergence: pairs of items of one column that probably say the
same thing, most alike first, scored as duplicates.py scores a programme's items (Dutch
stems, synonyms, and a lower score where one item contradicts the other). Always pairs,
never chains: A like B and B like C does not make A like C. The facilitator decides."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from .duplicates import ROWS_AT_ONCE, THRESHOLD, Scorer
from .dutch import words
from .lexicon import STOPWORDS
from .shapes import ItemView

MAX_SUGGESTIONS = 50
REMEMBERED_COLUMNS = 256  # columns' suggestions kept, least recently asked dropped first
_REMEMBERED: OrderedDict[bytes, tuple[Pair, ...]] = OrderedDict()
_REMEMBERED_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Pair:
    first: int
    second: int
    score: float


class Suggestion(BaseModel):
    """Two items of one column that probably say the same thing; the facilitator decides."""

    model_config = ConfigDict(frozen=True)

    item_ids: tuple[int, int]
    texts: tuple[str, str]
    score: float = Field(description="0..1; higher is more alike.")


def duplicate_suggestions(items: Sequence[ItemView]) -> list[Suggestion]:
    """Likely duplicates on a board, pairs within one column only, most alike first. Takes
    seconds of CPU on a large board the first time: callers keep it off the event loop."""
    texts = {i.id: i.text for i in items}
    by_column: dict[str, list[tuple[int, str]]] = {}
    for item in items:
        by_column.setdefault(item.category, []).append((item.id, item.text))
    pairs = [p for column in by_column.values() for p in similar_pairs(column)]
    pairs.sort(key=lambda p: -p.score)
    return [
        Suggestion(
            item_ids=(p.first, p.second), texts=(texts[p.first], texts[p.second]), score=p.score
        )
        for p in pairs
    ]


def normalise(text: str) -> str:
    """Lower case, no accents or punctuation, no function words."""
    return " ".join(w for w in words(text) if w.isalnum() and w not in STOPWORDS)


def similar_pairs(
    items: list[tuple[int, str]], threshold: float = THRESHOLD, limit: int = MAX_SUGGESTIONS
) -> list[Pair]:
    """Likely duplicates among (id, text) items, most alike first. Remembered by the items
    themselves (a digest of every id and text): asking again about an unchanged column, as
    the console's panel does on every refresh, costs a hash instead of seconds."""
    key = hashlib.sha256(json.dumps([threshold, limit, items]).encode()).digest()
    with _REMEMBERED_LOCK:
        if key in _REMEMBERED:
            _REMEMBERED.move_to_end(key)
            return list(_REMEMBERED[key])
    pairs = _score_pairs(items, threshold, limit)
    with _REMEMBERED_LOCK:
        _REMEMBERED[key] = tuple(pairs)
        while len(_REMEMBERED) > REMEMBERED_COLUMNS:
            _REMEMBERED.popitem(last=False)
    return pairs


def _score_pairs(items: list[tuple[int, str]], threshold: float, limit: int) -> list[Pair]:
    """Every pair scored, a band of rows at a time: a dense n x n matrix of a 6,000-item
    column would take hundreds of megabytes."""
    import numpy as np

    scorer = Scorer.fit([text for _, text in items])
    usable = np.array([n for n, r in enumerate(scorer.readings) if r.stems], dtype=np.int64)
    pairs = []
    for start in range(0, len(usable), ROWS_AT_ONCE):
        rows, cols = usable[start : start + ROWS_AT_ONCE], usable[start:]
        scores = scorer.block(rows, cols, floor=threshold)
        a, b = np.nonzero(np.triu(scores >= threshold, k=1))  # each pair once, not with itself
        pairs += [
            Pair(items[rows[x]][0], items[cols[y]][0], round(float(scores[x, y]), 2))
            for x, y in zip(a.tolist(), b.tolist(), strict=True)
        ]
    pairs.sort(key=lambda p: (-p.score, p.first, p.second))
    return pairs[:limit]


def warm_up() -> None:
    """Import and exercise the text libraries once, so the first real call is fast."""
    similar_pairs([(1, "samen opleiden"), (2, "samen leren")])
