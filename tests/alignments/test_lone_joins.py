"""A row one version alone joined, parted where the other versions witness the place."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alignments.beads import Bead, Row
from alignments.lone_joins import part_lone_joins
from alignments.multi import merge_beads

# the rest of the page, as long in every version (the versions' lengths are compared)
REST = ["x" * 80] * 10
VERSIONS = {
    "ru": ["Стороны обсудили визовые вопросы.", "Переговоры прошли в дружественной атмосфере.",
           *REST],
    "en": ["The sides discussed visa matters.", "The talks were held in a friendly atmosphere.",
           *REST],
    "fr": ["Les parties ont abordé les visas.",
           "Les pourparlers ont eu lieu dans un climat amical.", *REST],
    "de": ["Die Gespräche verliefen in freundlicher Atmosphäre.", *REST],  # left the first out
}
# the meaning of each sentence: visas (first) or the atmosphere (second)
VISAS, ATMOSPHERE = np.eye(8)[0], np.eye(8)[1]
MEANING = {"ru": [VISAS, ATMOSPHERE], "en": [VISAS, ATMOSPHERE], "fr": [VISAS, ATMOSPHERE],
           "de": [ATMOSPHERE]}


def _vectors(meaning: dict[str, list[np.ndarray]]):  # noqa: ANN202
    def vectors(lang: str, ids: Sequence[int]) -> np.ndarray:
        found = np.array([meaning[lang][i] for i in ids]).reshape(len(ids), -1)
        return found / np.linalg.norm(found, axis=1, keepdims=True)
    return vectors


def _rows(de_beads: list[Bead]) -> tuple[list[Row], dict[str, list[Bead]]]:
    pairwise = {
        "en": [Bead((0,), (0,), 0.99), Bead((1,), (1,), 0.99)],
        "fr": [Bead((0,), (0,), 0.99), Bead((1,), (1,), 0.99)],
        "de": de_beads,
    }
    return merge_beads("ru", 2, pairwise), pairwise


def _cells(rows: list[Row]) -> list[dict[str, tuple[int, ...]]]:
    return [{lang: ids for lang, ids in row.cells.items() if ids} for row in rows]


def test_a_sentence_one_version_left_out_gets_its_own_row_back() -> None:
    # the German aligner took the left-out sentence into its neighbour's bead: merged over
    # the Russian, that 2-1 put both sentences of every version in one row
    rows, pairwise = _rows([Bead((0, 1), (0,), 0.55)])
    assert _cells(rows) == [{"ru": (0, 1), "en": (0, 1), "fr": (0, 1), "de": (0,)}]
    parted = part_lone_joins(rows, "ru", pairwise, VERSIONS, _vectors(MEANING))
    assert _cells(parted) == [{"ru": (0,), "en": (0,), "fr": (0,)},
                              {"ru": (1,), "en": (1,), "fr": (1,), "de": (0,)}]
    # the German cell keeps its bead's doubt: the row still needs a look there
    assert parted[1].cell_scores["de"] == 0.55
    assert parted[0].score == 0.99


def test_a_translator_who_joined_two_sentences_keeps_one_row() -> None:
    joined = {**VERSIONS, "de": ["Die Seiten erörterten die Visafragen in freundlicher "
                                 "Atmosphäre.", *REST]}
    meaning = {**MEANING, "de": [VISAS + ATMOSPHERE]}
    rows, pairwise = _rows([Bead((0, 1), (0,), 0.9)])
    assert part_lone_joins(rows, "ru", pairwise, joined, _vectors(meaning)) == rows


def test_two_witnesses_are_needed_and_a_confirmed_row_stays() -> None:
    rows, pairwise = _rows([Bead((0, 1), (0,), 0.55)])
    # the French joins too: one witness against two joining versions says nothing
    pairwise["fr"] = [Bead((0, 1), (0,), 0.55)]
    fr_joined = {**VERSIONS, "fr": VERSIONS["fr"][1:]}  # left the first out too
    meaning = {**MEANING, "fr": [ATMOSPHERE]}
    both = merge_beads("ru", 2, pairwise)
    assert part_lone_joins(both, "ru", pairwise, fr_joined, _vectors(meaning)) == both
    # a row the translator confirmed is never parted
    rows, pairwise = _rows([Bead((0, 1), (0,), 0.55)])
    key = ("confirmed",)
    assert part_lone_joins(rows, "ru", pairwise, VERSIONS, _vectors(MEANING),
                           frozenset({key}), lambda row: key) == rows
