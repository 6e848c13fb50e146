"""How good the duplicate suggestions are, measured on labelled Dutch pairs in the register of
the seed report (tests/engine/data/): for each item with a paraphrase, is that paraphrase
among its five best suggestions, with every text of both sets as the candidates; and of the
labelled pairs at or above the default cut-off, how many are paraphrases. The floors are the
measured values less a small margin: a change that makes the suggestions worse fails here.
The figures are in docs/suggestions.md; `python -m tests.engine.test_suggestions_quality`
prints them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml

from session_engine.similarity import THRESHOLD, similar_pairs

DATA = Path(__file__).parent / "data"
SETS = {"written with the lexicon": "dutch_pairs.yaml", "unseen": "dutch_pairs_unseen.yaml"}


@dataclass(frozen=True)
class Figures:
    items: int  # items that have a labelled paraphrase
    top5: float  # share of them with the paraphrase among their five best suggestions
    top5_suggested: float  # the same, counting only suggestions at or above the cut-off
    precision: float  # share of paraphrases among the labelled pairs at or above the cut-off
    recall: float  # share of labelled paraphrases at or above the cut-off
    opposites_suggested: int  # pairs stating the opposite at or above the cut-off
    opposites: int


def labelled(name: str) -> list[dict[str, str]]:
    pairs: list[dict[str, str]] = yaml.safe_load((DATA / SETS[name]).read_text())
    return pairs


@cache
def pool() -> tuple[str, ...]:
    return tuple(sorted({p[k] for name in SETS for p in labelled(name) for k in ("a", "b")}))


@cache
def scores() -> dict[tuple[str, str], float]:
    """Every pair of the pool's texts with its score, as the console's suggestions give it."""
    texts = pool()
    found = similar_pairs(list(enumerate(texts)), threshold=0.0, limit=len(texts) ** 2)
    both = {(texts[p.first], texts[p.second]): p.score for p in found}
    return both | {(b, a): score for (a, b), score in both.items()}


def best_five(text: str) -> list[tuple[str, float]]:
    others = [(other, scores().get((text, other), 0.0)) for other in pool() if other != text]
    return sorted(others, key=lambda o: -o[1])[:5]  # stable: ties keep the pool's order


def measure(name: str) -> Figures:
    pairs = labelled(name)
    partners: dict[str, set[str]] = {}
    for p in pairs:
        if p["label"] == "paraphrase":
            partners.setdefault(p["a"], set()).add(p["b"])
            partners.setdefault(p["b"], set()).add(p["a"])
    top = {text: best_five(text) for text in partners}
    found = sum(any(o in partners[t] for o, _ in top[t]) for t in partners)
    suggested = sum(any(o in partners[t] and s >= THRESHOLD for o, s in top[t]) for t in partners)
    above = [p["label"] for p in pairs if scores()[(p["a"], p["b"])] >= THRESHOLD]
    paraphrases = sum(p["label"] == "paraphrase" for p in pairs)
    return Figures(
        items=len(partners),
        top5=round(found / len(partners), 3),
        top5_suggested=round(suggested / len(partners), 3),
        precision=round(above.count("paraphrase") / max(1, len(above)), 3),
        recall=round(above.count("paraphrase") / paraphrases, 3),
        opposites_suggested=above.count("opposite"),
        opposites=sum(p["label"] == "opposite" for p in pairs),
    )


def test_the_labelled_set_is_as_promised() -> None:
    pairs = labelled("written with the lexicon")
    negatives = [p for p in pairs if p["label"] != "paraphrase"]
    assert len(pairs) >= 150
    assert {p["label"] for p in pairs} == {"paraphrase", "opposite", "related"}
    assert sum(p["label"] == "opposite" for p in negatives) >= len(negatives) / 3
    assert all(p["a"] != p["b"] for name in SETS for p in labelled(name))


# Measured values (docs/suggestions.md) less a margin of about two items.
FLOORS = {
    "written with the lexicon": Figures(168, 0.75, 0.68, 0.72, 0.72, 12, 77),
    "unseen": Figures(42, 0.33, 0.28, 0.36, 0.28, 9, 18),
}


@pytest.mark.parametrize("name", list(SETS))
def test_paraphrases_are_among_the_five_best_suggestions(name: str) -> None:
    figures, floor = measure(name), FLOORS[name]
    assert figures.items == floor.items
    assert figures.top5 >= floor.top5, figures
    assert figures.top5_suggested >= floor.top5_suggested, figures


@pytest.mark.parametrize("name", list(SETS))
def test_suggestions_at_the_cut_off_are_mostly_paraphrases(name: str) -> None:
    figures, floor = measure(name), FLOORS[name]
    assert figures.precision >= floor.precision, figures
    assert figures.recall >= floor.recall, figures
    assert figures.opposites_suggested <= floor.opposites_suggested, figures


@pytest.mark.parametrize(
    ("said", "opposite"),
    [
        ("Meer sturen op meetbare resultaten", "Minder sturen op meetbare resultaten"),
        ("Studenten leren van ervaren leraren", "Ervaren leraren leren van studenten"),
        ("Niet haalbaar voor het po", "Goed haalbaar voor het po"),
        ("Te veel gericht op het individu", "Te weinig gericht op het individu"),
        ("Studenten worden vroeg aangesproken", "Studenten worden laat aangesproken"),
    ],
)
def test_opposite_claims_in_the_same_words_are_not_suggested(said: str, opposite: str) -> None:
    assert similar_pairs([(1, said), (2, opposite)]) == []


def test_a_paraphrase_in_other_words_is_suggested() -> None:
    items = [(1, "Niet haalbaar voor het po"), (2, "Voor het primair onderwijs onhaalbaar")]
    [pair] = similar_pairs(items)
    assert pair.score >= THRESHOLD


if __name__ == "__main__":
    for name in SETS:
        print(name, measure(name))
