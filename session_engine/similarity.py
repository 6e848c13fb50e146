"""Duplicate suggestions for convergence: pairs of items that probably say the same thing.
Two measures on normalised Dutch text, each good where the other is weak: rapidfuzz's token
set ratio (same words in another order or with extra words) and TF-IDF cosine over character
n-grams (inflections and compounds: "organiseren"/"organiseerbaar"). A pair is suggested when
the stronger measure reaches the threshold; the facilitator decides."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .shapes import ItemView

# Frequent Dutch function words: they make unrelated sentences look alike.
STOPWORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "in",
        "op",
        "te",
        "dat",
        "die",
        "is",
        "voor",
        "met",
        "als",
        "aan",
        "er",
        "niet",
        "zijn",
        "ook",
        "maar",
        "om",
        "door",
        "bij",
        "naar",
        "dan",
        "of",
        "wordt",
        "worden",
        "kan",
        "kunnen",
        "moet",
        "moeten",
        "deze",
        "dit",
        "zo",
        "wel",
        "nog",
        "al",
        "meer",
        "je",
        "we",
        "wij",
        "ze",
        "zij",
        "hun",
        "hij",
        "haar",
        "ons",
        "onze",
        "uit",
        "over",
        "tot",
        "elke",
        "ieder",
        "iedere",
        "goed",
    ]
)
THRESHOLD = 0.5
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
    text = text.lower()
    if not text.isascii():  # most texts are: nothing to take off them
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(w for w in words if w not in STOPWORDS)


def _cosines(texts: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    return cosine_similarity(vectors.fit_transform(texts))


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
    from rapidfuzz import fuzz

    texts = [normalise(text) for _, text in items]
    usable = [n for n, text in enumerate(texts) if text]
    if len(usable) < 2:
        return []
    cosines = _cosines([texts[n] for n in usable])
    pairs: list[Pair] = []
    for a_index, a in enumerate(usable):
        for b_index in range(a_index + 1, len(usable)):
            b = usable[b_index]
            fuzzy = fuzz.token_set_ratio(texts[a], texts[b]) / 100
            score = max(fuzzy * 0.9, float(cosines[a_index, b_index]))
            if score >= threshold:
                pairs.append(Pair(items[a][0], items[b][0], round(score, 2)))
    pairs.sort(key=lambda p: (-p.score, p.first, p.second))
    return pairs[:limit]


def warm_up() -> None:
    """Import and exercise the text libraries once, so the first real call is fast."""
    similar_pairs([(1, "samen opleiden"), (2, "samen leren")])
