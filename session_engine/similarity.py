"""Duplicate suggestions for convergence: pairs of items that probably say the same thing.
Two measures on normalised Dutch text, each good where the other is weak: rapidfuzz's token
set ratio (same words in another order or with extra words) and TF-IDF cosine over character
n-grams (inflections and compounds: "organiseren"/"organiseerbaar"). A pair is suggested when
the stronger measure reaches the threshold; the facilitator decides."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Pair:
    first: int
    second: int
    score: float


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
    """Likely duplicates among (id, text) items, most alike first."""
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
