"""Duplicate suggestions on real Dutch phrasings from the seed report."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from session_engine.shapes import ItemView
from session_engine.similarity import duplicate_suggestions, normalise, similar_pairs

SEED_ITEMS = [
    (1, "Goed te organiseren, elke school kan instappen"),
    (2, "Elke school kan instappen: makkelijk te organiseren"),
    (3, "Het is goed organiseerbaar en iedere school kan meedoen"),
    (4, "Voelt als een stap terug, te weinig ambitie"),
    (5, "Het toont te weinig innovatie en ambitie"),
    (6, "Nascholing voor werkplekbegeleiders verplicht stellen"),
    (7, "Duidelijk herkenbare rol voor iedere partner"),
    (8, "Iedere partner heeft een herkenbare rol"),
    (9, "Scholen mogen alleen meedoen op basis van bewezen kwaliteit"),
    (10, "De lerarenopleiding blijft op afstand van de praktijk"),
]


def pairs(threshold: float | None = None) -> set[tuple[int, int]]:
    found = similar_pairs(SEED_ITEMS) if threshold is None else similar_pairs(SEED_ITEMS, threshold)
    return {(p.first, p.second) for p in found}


def test_finds_the_seed_duplicates() -> None:
    found = pairs()
    assert {(1, 2), (1, 3), (7, 8), (4, 5)} <= found


def test_does_not_pair_unrelated_items() -> None:
    found = pairs()
    related = {1, 2, 3}, {4, 5}, {7, 8}
    for first, second in found:
        assert any({first, second} <= group for group in related), (first, second)


def test_most_alike_first_with_a_score() -> None:
    found = similar_pairs(SEED_ITEMS)
    assert {(p.first, p.second) for p in found[:2]} == {(1, 2), (7, 8)}
    assert 0.7 <= found[0].score <= 1
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)


def test_normalise_drops_case_accents_punctuation_and_function_words() -> None:
    assert normalise("Eén school: de Ideeën!") == "school ideeen"  # "een" is a function word
    assert similar_pairs([(1, "de"), (2, "het")]) == []


def test_an_unchanged_column_is_scored_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The console's panel asks on every refresh; a 6,000-item board took 2.1 s each time."""
    from session_engine import similarity

    scored = []
    score = similarity._score_pairs

    def counted(*args: object) -> list[similarity.Pair]:
        scored.append(args)
        return score(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(similarity, "_score_pairs", counted)
    items = [(901, "Samen opleiden kost tijd"), (902, "samen opleiden kost veel tijd")]
    first = similar_pairs(items)
    assert similar_pairs(list(items)) == first
    assert len(scored) == 1
    edited = [(901, "Samen opleiden kost geld"), items[1]]
    assert similar_pairs(edited) != [] and len(scored) == 2
    first.clear()  # a caller changing its answer does not change what is remembered
    assert similar_pairs(items) != [] and len(scored) == 2


def board_item(item_id: int, category: str, text: str) -> ItemView:
    return ItemView(id=item_id, step_id=1, category=category, text=text, starred=False)


def test_suggestions_pair_items_of_one_column_only() -> None:
    items = [
        board_item(7, "voordelen", SEED_ITEMS[6][1]),
        board_item(8, "voordelen", SEED_ITEMS[7][1]),
        board_item(9, "nadelen", SEED_ITEMS[7][1]),  # the same words, in another column
    ]
    [found] = duplicate_suggestions(items)
    assert found.item_ids == (7, 8)
    assert found.texts == (SEED_ITEMS[6][1], SEED_ITEMS[7][1])
    assert 0.5 <= found.score <= 1
    with pytest.raises(ValidationError):
        found.score = 0  # type: ignore[misc]  # an engine value: nobody changes it on the way


def test_a_long_column_is_scored_in_bands_with_the_same_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bands of rows keep memory small on a 6,000-item column; they change no pair."""
    from session_engine import similarity

    items = [(n, f"{text} {n % 7}") for n, (_, text) in enumerate(SEED_ITEMS * 6)]
    whole = similar_pairs(items, limit=10_000)
    monkeypatch.setattr(similarity, "ROWS_AT_ONCE", 7)
    assert similarity._score_pairs(items, similarity.THRESHOLD, 10_000) == whole
    assert len(whole) > 100
