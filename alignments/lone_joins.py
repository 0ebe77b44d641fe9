"""A row parted where one version alone joined two of the hub's sentences.

N-way rows are the pairwise beads merged over the hub's sentences
(:func:`alignments.multi.merge_beads`): one version's bead that takes two hub sentences
joins them in every version. Where a translator left a sentence out, that version's
aligner often takes the left-out hub sentence into its neighbour's bead (a 2-1 costs it
less than a 1-1 and a skip), and the row then holds two sentences of every other version
that each had a row of their own.

Here the other versions are witnesses. At a place between two hub sentences of a row
that some versions join while at least as many, two at least, keep them apart, each
joining version's sentences are read against each side as the hub and the witnesses put
it (their sentences' embeddings together): where every joining version's match one side
and not the other (by LONE_JOIN_MARGIN, the other side under LONE_JOIN_UNRELATED and not
much shorter, LONE_JOIN_SHORT) and are as long as one side's, not both sides', the row is
parted there and each version's sentences go with the side they match. A translator who
joined the two sentences in earnest wrote one that matches both, and the row stays whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from alignments.beads import Bead, Row

__all__ = ["LONE_JOIN_MARGIN", "LONE_JOIN_UNRELATED", "part_lone_joins"]

LONE_JOIN_MARGIN = 0.4  # how much better the version's sentences must match one side
LONE_JOIN_UNRELATED = 0.35  # ... and how little the other, at most
LONE_JOIN_SHORT = 0.3  # the other side at least this long against the matched one: the
# embedding of a sentence that took in a much shorter one hardly shows it

# the embeddings of some sentences of a version, (len(ids), d) unit rows (None: unknown)
Vectors = Callable[[str, Sequence[int]], np.ndarray | None]


def part_lone_joins(rows: Sequence[Row], hub: str, pairwise: Mapping[str, Sequence[Bead]],
                    versions: Mapping[str, Sequence[str]], vectors: Vectors,
                    kept: frozenset[tuple] = frozenset(),
                    key: Callable[[Row], tuple] = lambda row: ()) -> list[Row]:
    """``rows`` (merged over ``hub`` from ``pairwise``: hub -> each version) with each row
    that no more versions joined than kept apart parted as the module says; ``vectors(lang,
    ids)`` gives the embeddings of a version's sentences. Rows whose ``key`` is
    in ``kept`` (confirmed by hand) are left as they are."""
    index = {lang: _BeadIndex(beads) for lang, beads in pairwise.items()}
    hub_size = max(1, sum(map(len, versions[hub])))
    ratio = {lang: sum(map(len, versions[lang])) / hub_size for lang in pairwise}
    read = _Reader(versions, vectors, ratio)
    out: list[Row] = []
    for row in rows:
        if key(row) in kept or len(row.sentences(hub)) < 2:
            out.append(row)
            continue
        out.extend(_part(row, hub, index, read))
    return out


class _BeadIndex:
    """A version's beads with the hub, found by the hub's or the version's sentence ids."""

    def __init__(self, beads: Sequence[Bead]) -> None:
        self.beads = beads
        self.by_hub = {i: k for k, bead in enumerate(beads) for i in bead.source}
        self.by_own = {j: k for k, bead in enumerate(beads) for j in bead.target}

    def within(self, row: Row, hub: str, lang: str) -> list[Bead]:
        """The beads that put their sentences in ``row``, in order."""
        found = {self.by_hub[i] for i in row.sentences(hub) if i in self.by_hub}
        found |= {self.by_own[j] for j in row.sentences(lang) if j in self.by_own}
        return [self.beads[k] for k in sorted(found)]


@dataclass(frozen=True)
class _Reader:
    """What the parting reads of the versions: their sentences, embeddings and each
    version's length against the hub's (characters, the whole version)."""

    versions: Mapping[str, Sequence[str]]
    vectors: Vectors
    ratio: Mapping[str, float]

    def length(self, lang: str, ids: Sequence[int]) -> int:
        return sum(len(self.versions[lang][i]) for i in ids)


def _part(row: Row, hub: str, index: Mapping[str, _BeadIndex], read: _Reader) -> list[Row]:
    """``row`` parted at its first place that no more versions join than keep apart, two
    at least (and each part again)."""
    ids = row.sentences(hub)
    langs = [lang for lang in index if row.sentences(lang)]
    beads = {lang: index[lang].within(row, hub, lang) for lang in langs}
    for cut in ids[1:]:
        joining = [lang for lang in langs
                   if any(bead.source and bead.source[0] < cut <= bead.source[-1]
                          for bead in beads[lang])]
        sides = {lang: _sides(beads[lang], cut) for lang in langs if lang not in joining}
        witnesses = [lang for lang, (left, right, _, _) in sides.items() if left and right]
        if not joining or len(witnesses) < 2 or len(joining) > len(witnesses):
            continue
        split = _split(row, hub, cut, joining, sides, witnesses, read)
        if split is None:
            continue
        left, right = split
        return _part(left, hub, index, read) + _part(right, hub, index, read)
    return [row]


Sides = tuple[tuple[int, ...], tuple[int, ...], list[float], list[float]]


def _sides(beads: Sequence[Bead], cut: int) -> Sides:
    """A version's sentences before and after the place (a bead without hub sentences
    goes with the bead before it), and the scores of its beads on each side."""
    left: list[int] = []
    right: list[int] = []
    scores: tuple[list[float], list[float]] = ([], [])
    after = False
    for bead in beads:
        if bead.source:
            after = bead.source[0] >= cut
        (right if after else left).extend(bead.target)
        scores[after].append(bead.score)
    return tuple(left), tuple(right), scores[0], scores[1]


def _split(row: Row, hub: str, cut: int, joining: Sequence[str], sides: Mapping[str, Sides],
           witnesses: Sequence[str], read: _Reader) -> tuple[Row, Row] | None:
    """The two rows ``row`` parts into at ``cut``, or None where a joining version's
    sentences match both sides (or neither) as the module says."""
    ids = row.sentences(hub)
    hub_sides = ([i for i in ids if i < cut], [i for i in ids if i >= cut])
    parts: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    for lang, left, right in [(hub, *hub_sides),
                              *((lang, *sides[lang][:2]) for lang in witnesses)]:
        found = read.vectors(lang, [*left, *right])
        if found is None:
            return None
        parts[0].append(found[:len(left)])
        parts[1].append(found[len(left):])
    side_vectors = [_unit(np.concatenate(part).sum(axis=0)) for part in parts]
    placed: dict[str, int] = {}  # each joining version: its first m sentences go left
    hub_lengths = [read.length(hub, side) for side in hub_sides]
    for lang in joining:
        mine = row.sentences(lang)
        own = read.vectors(lang, mine)
        expected = [read.ratio[lang] * size for size in hub_lengths]
        m = None if own is None else _place(own, len(mine), side_vectors,
                                            read.length(lang, mine), expected)
        if m is None:
            return None
        placed[lang] = m
    out = []
    for k in (0, 1):
        cells = {hub: tuple(hub_sides[k])}
        scores: dict[str, float] = {}
        for lang, (left, right, left_scores, right_scores) in sides.items():
            cells[lang] = right if k else left
            if cells[lang]:
                scores[lang] = min(right_scores if k else left_scores, default=1.0)
        for lang, m in placed.items():
            mine = row.sentences(lang)
            cells[lang] = mine[:m] if k == 0 else mine[m:]
            if cells[lang]:
                scores[lang] = row.cell_scores.get(lang, row.score)
        for lang in row.cells:
            cells.setdefault(lang, ())
        if hub in row.cell_scores:
            scores[hub] = row.cell_scores[hub]
        out.append(Row(cells, min(scores.values(), default=row.score), scores))
    return out[0], out[1]


def _place(own: np.ndarray, count: int, sides: Sequence[np.ndarray], length: int,
           expected: Sequence[float]) -> int | None:
    """How many of a joining version's ``count`` sentences (their embeddings ``own``,
    ``length`` characters) go with the left side: where together they match one side
    better than the other by LONE_JOIN_MARGIN, the other under LONE_JOIN_UNRELATED and not
    much shorter (LONE_JOIN_SHORT), and are as long as that side's translation would be
    (``expected``: each side's length in the hub, scaled to the version) rather than both
    sides' (None: nowhere so)."""
    whole = _unit(own.sum(axis=0))
    match = [float(whole @ side) for side in sides]
    both = math.log(max(length, 1) / max(sum(expected), 1.0))
    for k in (0, 1):
        alone = math.log(max(length, 1) / max(expected[k], 1.0))
        if (match[k] - match[1 - k] > LONE_JOIN_MARGIN
                and match[1 - k] < LONE_JOIN_UNRELATED and abs(alone) < abs(both)
                and expected[1 - k] >= LONE_JOIN_SHORT * expected[k]):
            return count if k == 0 else 0
    return None


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
