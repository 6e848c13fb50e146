"""Near-duplicate scores: how likely two items say the same thing, for the console's duplicate
suggestions within a column (similarity.py) and the organiser's suggestions across a
programme's sessions, with one scorer so both always agree.

A pair's likeness is the mean of two cosines over the items' Dutch content stems (dutch.py:
stop words out, synonyms and abbreviations made one word, lemmas stemmed): TF-IDF of the
stems themselves, with the parts of compounds whose parts the other texts use
("lerarentekort": leraar, tekort), and TF-IDF of their character 3- to 5-grams (compounds
and inflections: "werkplekleren", "organiseerbaar"). Each contradiction between the two
(one negated, opposite words, swapped roles) multiplies it by PENALTY, so "meer sturen op
resultaten" is not suggested as a duplicate of "minder sturen op resultaten". Its score
then takes off half the mean likeness of either text to its ten nearest other texts: two
texts alike everything around them (a one-word item, generic words) rank below a pair that
stands out. How good the scores are, measured: docs/suggestions.md.

Cosines and contradictions (what one text claims against what the other denies) are sparse
matrix products over a column's texts, fast for thousands of items. Scores are per pair,
never chained."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from .dutch import KINDS, MIN_PART, Reading, compound_parts, read

THRESHOLD = 0.16  # the default cut-off: a pair scoring this or more is suggested
# A likeness is multiplied by this for each contradiction between the two texts: below the
# cut-off, so two texts in the same words that contradict each other are never suggested.
PENALTY = 0.15
CHAR_WEIGHT = 0.5  # share of the character n-gram cosine in a score (the rest: the stems')
NEIGHBOURS = 10  # a text's neighbourhood: the texts most alike it
CROWDING = 0.5  # share of the two texts' neighbourhood likeness taken off a pair's score
ROWS_AT_ONCE = 500  # rows of the pair matrix scored at once


@dataclass(frozen=True)
class Scorer:
    """The readings and vectors of a list of texts, fitted on those texts (their IDF), and
    each text's neighbourhood among them."""

    readings: list[Reading]
    stems: Any  # rows: unit TF-IDF vectors of each text's stems
    grams: Any  # rows: unit TF-IDF vectors of each text's stems' character n-grams
    kinds: list[tuple[Any, Any]]  # per kind of contradiction: (claims, denials) 0/1 rows
    nearest: Any = None  # rows: each text's NEIGHBOURS + 1 best likenesses, best first

    @classmethod
    def fit(cls, texts: Sequence[str]) -> Scorer:
        """Read `texts` and build their vectors and neighbourhoods; the IDF is theirs."""
        from scipy.sparse import csr_matrix

        readings = [read(t) for t in texts]
        joined = with_compound_parts(readings)
        kinds = [_claim_matrices(readings, kind) for kind in range(len(KINDS))]
        if not any(joined):  # nothing but function words: nothing to compare
            empty = csr_matrix((len(joined), 1))
            return cls(readings, empty, empty, kinds).with_neighbourhoods()
        fitted = cls(readings, word_vectors(joined), tfidf_vectors(joined), kinds)
        return fitted.with_neighbourhoods()

    def with_neighbourhoods(self) -> Scorer:
        """This scorer with each text's best likenesses to the others (zeros where there
        are fewer others than NEIGHBOURS + 1), scored a band of rows at a time."""
        import numpy as np

        every = np.arange(len(self.readings))
        bands = [np.zeros((0, NEIGHBOURS + 1))]
        for start in range(0, len(every), ROWS_AT_ONCE):
            rows = every[start : start + ROWS_AT_ONCE]
            alike = self.likeness(rows, every, floor=0.0)
            alike[np.arange(len(rows)), rows] = 0  # not its own neighbour
            alike = np.pad(alike, ((0, 0), (0, NEIGHBOURS + 1)))
            bands.append(-np.sort(-alike, axis=1)[:, : NEIGHBOURS + 1])
        return replace(self, nearest=np.vstack(bands))

    def block(self, rows: Any, cols: Any, floor: float) -> Any:
        """Scores of every rows x cols pair as a dense array, exact where `floor` or more:
        their likeness less CROWDING times the mean likeness of the two texts to their
        other neighbours. A pair that stands out from both texts' neighbourhoods ranks
        above one of two texts that are alike everything around them."""
        import numpy as np

        alike = self.likeness(rows, cols, floor)
        crowd = self._crowd(rows, alike) + self._crowd(cols, alike.T).T
        return np.clip(alike - CROWDING * crowd / 2, 0, 1)

    def _crowd(self, rows: Any, alike: Any) -> Any:
        """Per pair, how alike the row's text is to its NEIGHBOURS best other texts than the
        column's (the mean of its best likenesses with the pair's own one left out)."""
        import numpy as np

        nearest = self.nearest[rows]
        best = nearest[:, :NEIGHBOURS].sum(axis=1)[:, None]
        among = alike >= nearest[:, NEIGHBOURS - 1, None]  # the column is a neighbour
        return np.where(among, best - alike + nearest[:, NEIGHBOURS, None], best) / NEIGHBOURS

    def likeness(self, rows: Any, cols: Any, floor: float) -> Any:
        """How alike the texts of every rows x cols pair are, as a dense array: the mean of
        the two cosines, divided by five per contradiction. Contradictions only lower a
        likeness, so they are not looked for when no pair reaches `floor` without them."""
        import numpy as np

        words = (self.stems[rows] @ self.stems[cols].T).toarray()
        grams = (self.grams[rows] @ self.grams[cols].T).toarray()
        scores = np.clip((1 - CHAR_WEIGHT) * words + CHAR_WEIGHT * grams, 0, 1)
        if (scores >= floor).any():
            scores *= PENALTY ** self.contradictions(rows, cols)
        return scores

    def contradictions(self, rows: Any, cols: Any) -> Any:
        """How many ways each rows x cols pair contradicts itself: one text negated and the
        other not, and each kind of dutch.KINDS where a claim of one is a denial of the other."""
        import numpy as np

        negated = np.array([r.negated for r in self.readings])
        count = (negated[rows, None] != negated[None, cols]).astype(np.int8)
        for claims, denials in self.kinds:
            count += (claims[rows] @ denials[cols].T).toarray() > 0
        return count

    def matrix(self) -> Any:
        """Every pair's score (n x n), contradictions counted for all of them."""
        import numpy as np

        every = np.arange(len(self.readings))
        return self.block(every, every, floor=0.0)


def with_compound_parts(readings: list[Reading]) -> list[str]:
    """Each reading's stems joined by spaces, with the parts of its compounds added where both
    parts are words of these texts: "lerarentekort" then shares "lerar" with "tekort aan
    leraren" (the vocabulary of the texts compared is the word list: no lexicon needed)."""
    known = {s for r in readings for s in r.stems}
    parts: dict[str, tuple[str, ...]] = {}
    for word in {w for r in readings for w in r.words if len(w) >= 2 * MIN_PART}:
        parts[word] = compound_parts(word, known)
    return [" ".join((*r.stems, *(p for w in r.words for p in parts.get(w, ())))) for r in readings]


def _claim_matrices(readings: list[Reading], kind: int) -> tuple[Any, Any]:
    """0/1 rows of each reading's claims and of its denials of one kind, in one vocabulary."""
    import numpy as np
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    built = []
    for sets in ([r.claims[kind] for r in readings], [r.denials[kind] for r in readings]):
        rows = [n for n, found in enumerate(sets) for _ in found]
        cols = [vocabulary.setdefault(f, len(vocabulary)) for found in sets for f in found]
        built.append((np.ones(len(rows)), (rows, cols)))
    shape = (len(readings), max(1, len(vocabulary)))
    claims, denials = (csr_matrix(data, shape=shape) for data in built)
    return claims, denials


def scored_near_duplicates(
    texts: Sequence[str], groups: Sequence[int], threshold: float = THRESHOLD
) -> list[tuple[int, int, float]]:
    """Pairs (i < j, score) of texts from different groups (a programme's sessions) that
    score `threshold` or more, best first (ties by index). A text with no content word
    left (only function words) is never paired."""
    import numpy as np

    scorer = Scorer.fit(texts)
    usable = np.array([i for i, r in enumerate(scorer.readings) if r.stems], dtype=np.int64)
    group = np.array([groups[i] for i in usable], dtype=np.int64)
    found: list[tuple[int, int, float]] = []
    for g in sorted(set(group.tolist()))[:-1]:
        rows, cols = usable[group == g], usable[group > g]
        scores = scorer.block(rows, cols, floor=threshold)
        a, b = np.nonzero(scores >= threshold)
        first, second = rows[a], cols[b]
        found += zip(
            np.minimum(first, second).tolist(),
            np.maximum(first, second).tolist(),
            [round(s, 2) for s in scores[a, b].tolist()],  # as the console rounds
            strict=True,
        )
    return sorted(found, key=lambda p: (-p[2], p[0], p[1]))


def near_duplicates(
    texts: Sequence[str], groups: Sequence[int], threshold: float = THRESHOLD
) -> list[tuple[int, int]]:
    """Index pairs (i < j) of texts from different groups that the console's duplicate
    suggestions would also suggest, in index order."""
    return sorted((i, j) for i, j, _ in scored_near_duplicates(texts, groups, threshold))


def word_vectors(texts: list[str]) -> Any:
    """Rows of unit length: TF-IDF of each text's words (sublinear tf, smoothed idf)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    fitted = TfidfVectorizer(analyzer=str.split, sublinear_tf=True)
    return fitted.fit_transform(texts)


def tfidf_vectors(texts: list[str]) -> Any:
    """Rows of unit length: scikit-learn's TfidfVectorizer(analyzer="char_wb",
    ngram_range=(3, 5), sublinear_tf=True) fitted on `texts`, then normalised once more
    as its cosine_similarity does; built from each distinct word's n-grams once."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    vocabulary: dict[str, int] = {}
    grams: dict[str, int] = {}
    word_rows: list[int] = []
    word_cols: list[int] = []
    for word in {w for text in texts for w in text.split()}:
        vocabulary[word] = len(vocabulary)
        for gram in word_ngrams(word):
            word_rows.append(vocabulary[word])
            word_cols.append(grams.setdefault(gram, len(grams)))
    ones = np.ones(len(word_rows))
    by_word = csr_matrix((ones, (word_rows, word_cols)), shape=(len(vocabulary), len(grams)))
    doc_rows = [n for n, text in enumerate(texts) for _ in text.split()]
    doc_cols = [vocabulary[w] for text in texts for w in text.split()]
    docs = csr_matrix(
        (np.ones(len(doc_rows)), (doc_rows, doc_cols)), shape=(len(texts), len(vocabulary))
    )
    counts = csr_matrix(docs @ by_word)
    counts.sort_indices()
    np.log(counts.data, counts.data)
    counts.data += 1
    document_frequency = np.bincount(counts.indices, minlength=len(grams))
    idf = np.log((len(texts) + 1) / (document_frequency + 1)) + 1
    counts.data *= idf[counts.indices]
    return normalize(normalize(counts))


@cache
def word_ngrams(word: str) -> tuple[str, ...]:
    """The 3- to 5-grams of one word padded with spaces, as scikit-learn's char_wb makes them
    (a padded word shorter than n counts once, whole)."""
    padded = f" {word} "
    found: list[str] = []
    for n in range(3, 6):
        if len(padded) <= n:
            found.append(padded)
            break
        found += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return tuple(found)
