"""What a short Dutch item says, as far as duplicate suggestions need it: its content words as
stems (domain synonyms and abbreviations made one word first: "po" is "primair onderwijs"),
and the three things that turn a sentence into its opposite while keeping its words:

- negation: "niet haalbaar" against "haalbaar" ("onhaalbaar" is "niet haalbaar");
- opposite words: meer/minder, te veel/te weinig, vroeg/laat, sterk/zwak, duur/goedkoop;
- swapped roles: "studenten leren van leraren" against "leraren leren van studenten".

Everything here is a small hand-written lexicon for the register of the sessions (pros, cons
and conditions about training teachers in schools); a word it does not know is simply a
word. The analysis of a text is cached: a programme's columns are scored again and again."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import snowballstemmer

from .lexicon import (
    CLAUSE_BREAKS,
    NEGATORS,
    NOT_NEGATIONS,
    PHRASES,
    POLES,
    ROLE_WORDS,
    STOPWORDS,
    SYNONYMS,
    UN_WORDS,
)

_STEMMER = snowballstemmer.stemmer("dutch_porter")


@dataclass(frozen=True, slots=True)
class Reading:
    """A text as the scorer sees it: content stems in order, whether it is negated, the
    poles of opposite words it uses, and its doer -> object links around role words."""

    stems: tuple[str, ...]
    negated: bool
    poles: frozenset[tuple[str, int]]
    scoped: frozenset[tuple[str, int, str]]
    links: frozenset[tuple[str, str, str]]


def words(text: str) -> list[str]:
    """Lower case words without accents; "po-scholen" is two words, "wpb'ers" one."""
    text = text.lower().replace("'", "").replace("’", "")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+|[,.;:!?()]", text)


def canonical(tokens: list[str]) -> list[str]:
    """Domain phrases and synonyms replaced by one spelling ("basisscholen" -> "po school")."""
    found: list[str] = []
    n = 0
    while n < len(tokens):
        for size in (3, 2):
            key = tuple(tokens[n : n + size])
            if key in PHRASES:
                found += PHRASES[key]
                n += size
                break
        else:
            token = tokens[n]
            if token in UN_WORDS or token.removesuffix("e") in UN_WORDS:
                found += ["niet", *SYNONYMS.get(token[2:], (token[2:],))]
            else:
                found += SYNONYMS.get(token, (token,))
            n += 1
    return found


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=65536)
def read(text: str) -> Reading:
    """The Reading of one text (cached: the same texts are scored many times)."""
    tokens = canonical(words(text))
    negated = _negated(tokens)
    poles = {POLES[t] for t in tokens if t in POLES}
    clauses = _clauses(tokens)
    stems = tuple(stem(t) for c in clauses for t in c if _content(t))
    return Reading(
        stems=stems,
        negated=negated,
        poles=frozenset(poles),
        scoped=frozenset(s for c in clauses for s in _scoped_poles(c)),
        links=frozenset(link for c in clauses for link in _links(c)),
    )


def _content(token: str) -> bool:
    return token.isalnum() and token not in STOPWORDS and token not in NEGATORS


def _negated(tokens: list[str]) -> bool:
    """Whether a text denies something ("niet alleen ... maar ook" does not)."""
    pairs = set(pairwise(tokens))
    contrast = "maar" in tokens or "ook" in tokens
    skipped = sum(contrast and pair in pairs for pair in NOT_NEGATIONS)
    return sum(t in NEGATORS for t in tokens) > skipped


def _clauses(tokens: list[str]) -> list[list[str]]:
    """Tokens split at punctuation and at words that start a new clause."""
    clauses: list[list[str]] = [[]]
    for token in tokens:
        if not token.isalnum() or token in CLAUSE_BREAKS:
            clauses.append([])
        else:
            clauses[-1].append(token)
    return [c for c in clauses if c]


def _scoped_poles(clause: list[str]) -> list[tuple[str, int, str]]:
    """An amount word with the content word it is about: "minder instructie, meer samen
    leren" is the opposite of "meer instructie, minder samen leren"."""
    found = []
    for n, token in enumerate(clause):
        if token in POLES:
            after = [t for t in clause[n + 1 :] if _content(t) and t not in POLES]
            if after:
                found.append((*POLES[token], stem(after[0])))
    return found


def _links(clause: list[str]) -> list[tuple[str, str, str]]:
    """(word before, role word, word after) for the content words around each role word."""
    found = []
    for n, token in enumerate(clause):
        if token in ROLE_WORDS:
            before = {stem(t) for t in clause[:n] if _content(t) and t not in POLES}
            after = [stem(t) for t in clause[n + 1 :] if _content(t) and t not in POLES]
            found += [(a, token, after[0]) for a in before if after and a != after[0]]
    return found


def conflicts(a: Reading, b: Reading) -> int:
    """How many ways two readings contradict each other: one negated and the other not,
    opposite poles of one dimension, opposite amounts of one thing, swapped roles."""
    count = int(a.negated != b.negated)
    dims = {d for d, _ in a.poles} & {d for d, _ in b.poles}
    count += int(
        any(not {s for e, s in a.poles if e == d} & {s for e, s in b.poles if e == d} for d in dims)
    )
    count += int(any((d, -s, w) in a.scoped for d, s, w in b.scoped))
    count += int(any((y, role, x) in a.links for x, role, y in b.links))
    return count
