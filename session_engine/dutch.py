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

import simplemma
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
_LONG_VOWEL = re.compile(r"([aeou])\1")


# The kinds of contradiction besides negation: opposite words of one dimension, opposite
# amounts of one thing, swapped roles. A Reading states claims of each kind; another text
# contradicts it where one of its claims is among the first one's denials.
KINDS = ("poles", "amounts", "roles")
MIN_PART = 4  # the shortest word a compound is split into


@dataclass(frozen=True, slots=True)
class Reading:
    """A text as the scorer sees it: its content stems in order, whether it is negated, and
    per kind of contradiction (KINDS) what it claims and which claims would deny it."""

    stems: tuple[str, ...]
    words: tuple[str, ...]  # the content words the stems were made of, in the same order
    negated: bool
    claims: tuple[frozenset[str], ...]
    denials: tuple[frozenset[str], ...]


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
    """Snowball's Dutch (Porter) stem of the word's lemma (simplemma's dictionary: the
    irregular forms a stemmer cannot know, "onderzocht" -> "onderzoeken"), with long vowels
    made short, as the stemmer does for some forms only: "school" and "scholen" -> "schol"."""
    lemma = simplemma.lemmatize(word, lang="nl").lower()
    return _LONG_VOWEL.sub(r"\1", str(_STEMMER.stemWord(lemma)))


@lru_cache(maxsize=65536)
def read(text: str) -> Reading:
    """The Reading of one text (cached: the same texts are scored many times)."""
    tokens = canonical(words(text))
    clauses = _clauses(tokens)
    poles = _one_sided(tokens)
    amounts = [scoped for c in clauses for scoped in _scoped_poles(c)]
    links = [link for c in clauses for link in _links(c)]
    content = tuple(t for c in clauses for t in c if _content(t))
    return Reading(
        stems=tuple(stem(t) for t in content),
        words=content,
        negated=_negated(tokens),
        claims=(
            frozenset(f"{d} {s}" for d, s in poles),
            frozenset(f"{d} {s} {w}" for d, s, w in amounts),
            frozenset(f"{a} {role} {b}" for a, role, b in links),
        ),
        denials=(
            frozenset(f"{d} {-s}" for d, s in poles),
            frozenset(f"{d} {-s} {w}" for d, s, w in amounts),
            frozenset(f"{b} {role} {a}" for a, role, b in links),
        ),
    )


def _one_sided(tokens: list[str]) -> set[tuple[str, int]]:
    """The dimensions a text takes one side of (using both poles, as in "minder instructie,
    meer samen leren", takes no side), with that side."""
    sides: dict[str, set[int]] = {}
    for token in tokens:
        if token in POLES:
            dimension, sign = POLES[token]
            sides.setdefault(dimension, set()).add(sign)
    return {(d, signs.pop()) for d, signs in sides.items() if len(signs) == 1}


def _content(token: str) -> bool:
    """A word that tells what an item is about (not punctuation, a function word, a "niet")."""
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


def compound_parts(word: str, known: frozenset[str] | set[str]) -> tuple[str, ...]:
    """The stems of the two words a compound is made of, where both are `known` stems
    ("lerarentekort" -> lerar, tekort when "leraren" and "tekort" are); none otherwise. A
    linking s or e between them is allowed ("opleidingsscholen" -> opleid, schol)."""
    for n in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:n], word[n:]
        tails = [stem(t) for t in canonical([tail])]
        if not all(t in known for t in tails):
            continue
        for part in (head, head[:-1] if head[-1] in "se" else ""):
            heads = [stem(h) for h in canonical([part])] if len(part) >= MIN_PART else []
            if heads and all(h in known for h in heads):
                return (*heads, *tails)
    return ()
