"""Near-duplicates between sessions: the same pairs and scores as the console's duplicate
suggestions (similarity.similar_pairs), ranked, each pair on its own (never chained)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from bench.report_bench import PHRASES as BENCH_PHRASES
from session_engine.duplicates import (
    THRESHOLD,
    near_duplicates,
    scored_near_duplicates,
    tfidf_vectors,
)
from session_engine.similarity import normalise, similar_pairs

# Phrasings from the seed report, and the ways a room says the same thing again.
PHRASES = [
    *BENCH_PHRASES,
    "Nascholing voor werkplekbegeleiders verplicht stellen",
    "Scholen mogen alleen meedoen op basis van bewezen kwaliteit",
]
WORDS = [
    "student",
    "leraar",
    "school",
    "opleiding",
    "visie",
    "tijd",
    "geld",
    "cultuur",
    "kwaliteit",
    "regio",
    "bestuur",
]
INFLECTIONS = [("organiseren", "organiseerbaar"), ("getraind", "trainen"), ("rol", "rollen")]


def wording(rng: random.Random) -> str:
    """A phrase as someone might type it: reordered, shortened, inflected, with extra words."""
    words = rng.choice(PHRASES).split()
    if rng.random() < 0.3:
        rng.shuffle(words)
    if rng.random() < 0.3 and len(words) > 3:
        del words[rng.randrange(len(words))]
    text = " ".join(words)
    for plain, other in INFLECTIONS:
        if rng.random() < 0.5:
            text = text.replace(plain, other)
    if rng.random() < 0.6:
        text += ", " + " ".join(rng.sample(WORDS, rng.randint(1, 3)))
    return text.upper() if rng.random() < 0.05 else text


def suggested_across(texts: list[str], groups: list[int]) -> set[tuple[int, int]]:
    """What the console's duplicate suggestions pair, between different groups."""
    found = similar_pairs(list(enumerate(texts)), limit=len(texts) ** 2)
    return {(p.first, p.second) for p in found if groups[p.first] != groups[p.second]}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_pairs_as_the_duplicate_suggestions_on_a_programme(seed: int) -> None:
    rng = random.Random(seed)
    groups = sorted(rng.randrange(3) for _ in range(240))
    texts = [wording(rng) for _ in groups]
    texts[5] = "de het een"  # nothing left after normalising: never paired
    expected = suggested_across(texts, groups)
    assert len(expected) > 500  # plenty of near-duplicates, and plenty of pairs that are not
    assert set(near_duplicates(texts, groups)) == expected


def test_scored_pairs_are_the_suggestions_scores_best_first() -> None:
    rng = random.Random(5)
    groups = sorted(rng.randrange(3) for _ in range(120))
    texts = [wording(rng) for _ in groups]
    scored = scored_near_duplicates(texts, groups)
    found = similar_pairs(list(enumerate(texts)), limit=len(texts) ** 2)
    expected = {(p.first, p.second): p.score for p in found if groups[p.first] != groups[p.second]}
    assert {(i, j): score for i, j, score in scored} == expected
    assert [s for _, _, s in scored] == sorted((s for _, _, s in scored), reverse=True)
    assert all(i < j and groups[i] != groups[j] and s >= THRESHOLD for i, j, s in scored)
    assert near_duplicates(texts, groups) == sorted((i, j) for i, j, _ in scored)


def test_pairs_are_never_chained() -> None:
    """A is like B and B like C: A and C are not suggested unless they are alike themselves."""
    texts = [
        "Tijd voor begeleiding van studenten",
        "Tijd en geld voor begeleiding van studenten en voor nascholing",
        "Geld voor nascholing",
    ]
    [(a, b, _), (c, d, _)] = sorted(scored_near_duplicates(texts, [0, 1, 2]))
    assert {(a, b), (c, d)} == {(0, 1), (1, 2)}


def test_opposites_from_different_sessions_are_not_suggested() -> None:
    texts = ["Meer sturen op meetbare resultaten", "Minder sturen op meetbare resultaten"]
    assert scored_near_duplicates(texts, [0, 1]) == []
    texts = ["Niet haalbaar voor het po", "Voor het primair onderwijs onhaalbaar"]
    assert scored_near_duplicates(texts, [0, 1]) == [(0, 1, 1.0)]


def test_pairs_only_between_groups_lowest_index_first() -> None:
    texts = ["Goed te organiseren", "Goed organiseerbaar", "Goed te organiseren", "Iets anders"]
    assert near_duplicates(texts, [0, 0, 1, 1]) == [(0, 2), (1, 2)]
    assert near_duplicates(texts, [0, 0, 0, 0]) == []


def test_neighbourhoods_scored_in_bands_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each text's nearest neighbours, found a band of rows at a time (memory stays small on
    a 6,000-item column), do not depend on the band's size."""
    from session_engine import duplicates

    rng = random.Random(6)
    texts = [wording(rng) for _ in range(60)]
    whole = duplicates.Scorer.fit(texts)
    monkeypatch.setattr(duplicates, "ROWS_AT_ONCE", 7)
    banded = duplicates.Scorer.fit(texts)
    assert np.array_equal(banded.nearest, whole.nearest)
    assert np.array_equal(banded.matrix(), whole.matrix())


def test_tfidf_vectors_are_scikit_learns() -> None:
    rng = random.Random(4)
    texts = [normalise(wording(rng)) for _ in range(80)] + ["a", "ab", "abc de"]
    fitted = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    expected = cosine_similarity(fitted.fit_transform(texts))
    vectors = tfidf_vectors(texts)
    assert np.allclose((vectors @ vectors.T).toarray(), expected, atol=1e-12)
