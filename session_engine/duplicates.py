"""Near-duplicates between groups of texts (a programme's sessions), as matrices: the pairs
similarity.py's `similar_pairs` would suggest, with the same two measures and threshold,
computed for thousands of items in a fraction of a second.

- The TF-IDF cosine of character n-grams is the same vectoriser as `similar_pairs` (words
  padded with a space, 3- to 5-grams, sublinear tf, smoothed idf, fitted on every text), but
  built from each distinct word's n-grams once and multiplied as sparse matrices.
- rapidfuzz's token set ratio is scored exactly only where it can change the outcome. Its
  value is the best of three: two that follow from the lengths of the shared and unshared
  words (computed for every pair at once), and the ratio of the two sorted unshared parts.
  That last one is at most what the longest common subsequence of the two sorted word sets
  allows (the unshared parts are subsequences of them), which one vectorised call gives.
  Pairs that are certainly in or certainly out are decided by these bounds; the rest are
  scored with rapidfuzz itself."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from .similarity import THRESHOLD, normalise

FUZZY_WEIGHT = 0.9  # similar_pairs: score = max(0.9 x token set ratio, TF-IDF cosine)
MARGIN = 1e-6  # bounds this close to the threshold are scored exactly


def near_duplicates(
    texts: list[str], groups: list[int], threshold: float = THRESHOLD
) -> list[tuple[int, int]]:
    """Index pairs (i < j) of texts from different groups that `similar_pairs` would suggest
    as duplicates (score = max(0.9 x token set ratio, TF-IDF cosine) >= threshold)."""
    import numpy as np

    norm = [normalise(t) for t in texts]
    usable = [i for i, text in enumerate(norm) if text]
    group = np.array([groups[i] for i in usable], dtype=np.int64)
    labels = sorted(set(group.tolist()))
    if len(labels) < 2:
        return []
    kept = [norm[i] for i in usable]
    vectors = tfidf_vectors(kept)
    words = WordSets(kept)
    index = np.array(usable, dtype=np.int64)
    pairs: list[tuple[int, int]] = []
    for g in labels[:-1]:
        rows, cols = np.nonzero(group == g)[0], np.nonzero(group > g)[0]
        cosines = (vectors[rows] @ vectors[cols].T).toarray()
        a, b = _block_pairs(kept, words, rows, cols, cosines, threshold)
        first, second = index[a], index[b]
        lower, upper = np.minimum(first, second), np.maximum(first, second)
        pairs += zip(lower.tolist(), upper.tolist(), strict=True)
    return sorted(pairs)


def scored_near_duplicates(
    texts: Sequence[str], groups: Sequence[int]
) -> list[tuple[int, int, float]]:
    """`near_duplicates` with each pair's score (as `similar_pairs` scores it, rounded to two
    decimals), best first, then by index: the organiser's suggested pools rank by it. The
    programme report never joins on it; people decide (docs/reports.md)."""
    import numpy as np
    from rapidfuzz import fuzz

    pairs = near_duplicates(list(texts), list(groups))
    if not pairs:
        return []
    norm = [normalise(t) for t in texts]
    usable = [i for i, text in enumerate(norm) if text]  # as near_duplicates fits them
    row = {i: n for n, i in enumerate(usable)}
    vectors = tfidf_vectors([norm[i] for i in usable])
    first = np.array([row[i] for i, _ in pairs])
    second = np.array([row[j] for _, j in pairs])
    cosines = np.asarray(vectors[first].multiply(vectors[second]).sum(axis=1)).ravel()
    scored = [
        (i, j, round(max(fuzz.token_set_ratio(norm[i], norm[j]) / 100 * FUZZY_WEIGHT, c), 2))
        for (i, j), c in zip(pairs, cosines.tolist(), strict=True)
    ]
    return sorted(scored, key=lambda p: (-p[2], p[0], p[1]))


def _block_pairs(
    kept: list[str], words: WordSets, rows: Any, cols: Any, cosines: Any, threshold: float
) -> Any:
    """The (row, column) indices of one block's pairs whose score reaches the threshold."""
    import numpy as np
    from rapidfuzz import fuzz, process

    cutoff = threshold / FUZZY_WEIGHT * 100 - 1e-6  # as the scores' own cut-off
    low, high = words.token_set_bounds(rows, cols)
    surely = (cosines >= threshold + MARGIN) | (low / 100 * FUZZY_WEIGHT >= threshold + MARGIN)
    maybe = ~surely & ((cosines > threshold - MARGIN) | (high >= cutoff - MARGIN))
    a, b = np.nonzero(maybe)
    fuzzy = process.cpdist(
        [kept[i] for i in rows[a].tolist()],
        [kept[j] for j in cols[b].tolist()],
        scorer=fuzz.token_set_ratio,
        dtype=np.float64,
        score_cutoff=cutoff,
        workers=-1,
    )
    surely[a, b] = np.maximum(fuzzy / 100 * FUZZY_WEIGHT, cosines[a, b]) >= threshold
    a, b = np.nonzero(surely)
    return rows[a], cols[b]


def tfidf_vectors(texts: list[str]) -> Any:
    """Rows of unit length: scikit-learn's TfidfVectorizer(analyzer="char_wb",
    ngram_range=(3, 5), sublinear_tf=True) fitted on `texts`, then normalised once more
    as its cosine_similarity does."""
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


class WordSets:
    """The distinct words of each text, as rapidfuzz's token set ratio sees them."""

    def __init__(self, texts: list[str]) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix

        sets = [sorted(set(text.split())) for text in texts]
        self.joined = [" ".join(words) for words in sets]
        index: dict[str, int] = {}
        rows = [n for n, words in enumerate(sets) for _ in words]
        cols = [index.setdefault(w, len(index)) for words in sets for w in words]
        self.has = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), len(index)))
        lengths = np.zeros(len(index))
        for word, n in index.items():
            lengths[n] = len(word)
        self.word_lengths = lengths
        self.count = np.array([len(words) for words in sets], dtype=np.float64)
        self.chars = np.array([sum(map(len, words)) for words in sets], dtype=np.float64)

    def token_set_bounds(self, rows: Any, cols: Any) -> tuple[Any, Any]:
        """A lower and an upper bound of fuzz.token_set_ratio for every rows x cols pair:
        max(100 if one word set holds the other, the two ratios that follow from lengths,
        the ratio of the sorted unshared words joined), with the last one bounded."""
        import numpy as np

        shared, sect, only_a, only_b = self._lengths(rows, cols)
        glue = (sect > 0).astype(np.float64)  # the space between shared and unshared words
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio_a = 100 - 100 * (glue + only_a) / (2 * sect + glue + only_a)
            ratio_b = 100 - 100 * (glue + only_b) / (2 * sect + glue + only_b)
        low = np.where(sect > 0, np.maximum(ratio_a, ratio_b), 0)
        subset = (shared > 0) & ((only_a == 0) | (only_b == 0))
        low = np.where(subset, 100, low)
        common = np.minimum(self._common_bound(rows, cols), np.minimum(only_a, only_b))
        total = 2 * sect + 2 * glue + only_a + only_b
        with np.errstate(divide="ignore", invalid="ignore"):
            unshared = 100 - 100 * (only_a + only_b - 2 * common) / total
        unshared = np.where(total > 0, unshared, 0)
        high = np.where(subset, 100, np.maximum(low, unshared))
        low = np.where(shared > 0, low, unshared)  # no word in common: the bound is exact
        return low, high

    def _lengths(self, rows: Any, cols: Any) -> tuple[Any, Any, Any, Any]:
        """Per pair: the number of shared words, and the lengths of the shared words joined
        and of each side's unshared words joined (as rapidfuzz joins them: with spaces)."""

        a, b = self.has[rows], self.has[cols]
        shared = (a @ b.T).toarray()
        shared_chars = (a.multiply(self.word_lengths) @ b.T).toarray()
        sect = _joined_length(shared_chars, shared)
        only_a = _joined_length(
            self.chars[rows, None] - shared_chars, self.count[rows, None] - shared
        )
        only_b = _joined_length(
            self.chars[None, cols] - shared_chars, self.count[None, cols] - shared
        )
        return shared, sect, only_a, only_b

    def _common_bound(self, rows: Any, cols: Any) -> Any:
        """The longest common subsequence of the sorted word sets joined: the unshared parts
        are subsequences of them, so theirs is no longer."""
        import numpy as np
        from rapidfuzz import process
        from rapidfuzz.distance import Indel

        left = [self.joined[i] for i in rows]
        right = [self.joined[j] for j in cols]
        distance = process.cdist(left, right, scorer=Indel.distance, dtype=np.int32)
        sizes = np.array([len(t) for t in left])[:, None] + np.array([len(t) for t in right])
        return (sizes - distance) / 2


def _joined_length(chars: Any, count: Any) -> Any:
    """len(" ".join(words)) from the words' total length and their number."""
    import numpy as np

    return np.where(count > 0, chars + count - 1, 0)
