"""The pairwise aligner and the N-way merge: shapes, hard anchors, edge cases, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from alignments.align import _Side
from alignments.beads import AlignmentError, Bead, Row
from alignments.embed import Clauses, Embedded
from alignments.multi import (
    align_versions,
    choose_pivot,
    merge_beads,
    second_opinion,
    weigh_hub,
)
from alignments.search import Band, RowCost, bead_shapes, chain_anchors, fill, guide_band, traceback

RU = [
    "Министр иностранных дел России Сергей Лавров прибыл в Бишкек.",
    "Заседание прошло продуктивно, и стороны подписали заявление о сотрудничестве.",
    "Следующая встреча состоится в Москве в октябре.",
    "Вопрос: как вы оцените итоги переговоров?",
    "Мы довольны результатами.",
]
EN = [
    "Russian Foreign Minister Sergey Lavrov arrived in Bishkek.",
    "The meeting was productive.",
    "The parties signed a statement on cooperation.",
    "The next meeting will take place in Moscow in October.",
    "Question: How would you assess the outcome of the talks?",
    "We are pleased with the results.",
]


def covers(beads: list[Bead], n: int, m: int) -> bool:
    """Every id exactly once, in order (monotonic, contiguous)."""
    src = [i for b in beads for i in b.source]
    tgt = [j for b in beads for j in b.target]
    return src == list(range(n)) and tgt == list(range(m))


# --- the search alone, no model --------------------------------------------------------

def test_shapes_are_data() -> None:
    shapes = bead_shapes(4, 5)
    assert shapes[:3] == ((1, 1), (1, 0), (0, 1))
    assert {(1, 4), (4, 1), (2, 3), (3, 2), (2, 2), (1, 3)} <= set(shapes)
    assert (2, 4) not in shapes and (5, 0) not in shapes


def test_chain_is_longest_monotonic() -> None:
    pairs = [(0, 0, 0.9), (1, 5, 0.9), (2, 2, 0.9), (3, 3, 0.9), (4, 1, 0.9), (5, 6, 0.9)]
    assert chain_anchors(pairs) == [(0, 0), (2, 2), (3, 3), (5, 6)]


def test_the_chain_is_the_one_the_tails_found_by_numpy_gave() -> None:
    # each tail of the chain is found by bisection in the list, where numpy made an array
    # of the list for each anchor (a tenth of a second for a set of five versions)
    from tests.alignments import one_by_one

    rng = np.random.default_rng(1)
    for _ in range(200):
        n = int(rng.integers(0, 60))
        pairs = [(int(i), int(j), 0.9) for i, j in zip(rng.integers(0, 40, n),
                                                        rng.integers(0, 40, n), strict=True)]
        assert chain_anchors(pairs) == one_by_one.chain_anchors(pairs)


def test_a_stray_anchor_is_dropped_and_a_step_is_kept() -> None:
    from alignments.search import drop_strays

    diagonal = [(i, i) for i in range(0, 40, 2)]
    stray = sorted([*diagonal, (21, 5)], key=lambda a: a[0])
    stray = [a for a in stray if a != (20, 20) and a != (22, 22)]
    assert (21, 5) not in drop_strays(chain_anchors([(i, j, 0.9) for i, j in stray]), 40, 40,
                                      6.0)
    # a passage of 12 sentences left out on the target side: every anchor after it is off
    # the diagonal by 12, and all of them stay
    step = [(i, i) for i in range(0, 20, 2)] + [(i, i - 12) for i in range(32, 52, 2)]
    assert drop_strays(step, 52, 40, 6.0) == step


def test_band_reaches_both_corners_and_is_connected() -> None:
    band = guide_band([(3, 3), (10, 12)], 20, 25, width=2, gap_cap=5)
    assert band.lo[0] == 0 and band.hi[-1] == 25
    assert all(band.lo[i + 1] <= band.hi[i] for i in range(20))
    assert band.cells < 21 * 26


def test_dp_on_a_toy_cost() -> None:
    # cost favours a 2-1 bead over rows 0-1 and 1-1 elsewhere
    import numpy as np

    def cost(i: int, a: int, b: int, j: np.ndarray) -> np.ndarray:
        if (a, b) == (2, 1) and i == 2:
            return np.where(j == 1, -5.0, 1.0)
        return np.full(len(j), 0.0 if (a, b) == (1, 1) else 1.0)

    band = Band(np.zeros(5, dtype=np.int64), np.full(5, 4, dtype=np.int64))
    shapes = bead_shapes(2, 3)
    _, back = fill(band, shapes, cost)
    path = traceback(band, shapes, back)
    assert path[0] == (0, 2, 0, 1)
    assert [i for i0, i1, _, _ in path for i in range(i0, i1)] == [0, 1, 2, 3]
    assert path[-1][1:4:2] == (4, 4)


def _fill_row_by_row(band: Band, shapes: tuple[tuple[int, int], ...], cost: RowCost) -> list:
    """The DP as it was written first, one shape and one row at a time: the reference."""
    lo, hi = band.lo, band.hi
    total: list[np.ndarray] = []
    back: list[np.ndarray] = []
    for i in range(len(lo)):
        width = int(hi[i] - lo[i] + 1)
        best = np.full(width, np.inf)
        came = np.full(width, -1, dtype=np.int8)
        if i == 0 and lo[0] == 0:
            best[0] = 0.0
        for k, (a, b) in enumerate(shapes):
            if a == 0 or a > i:
                continue
            p = i - a
            j0, j1 = max(int(lo[i]), int(lo[p]) + b), min(int(hi[i]), int(hi[p]) + b)
            if j1 < j0:
                continue
            j = np.arange(j0, j1 + 1)
            cand = total[p][j - b - lo[p]] + cost(i, a, b, j)
            here = slice(j0 - lo[i], j1 - lo[i] + 1)
            better = cand < best[here]
            best[here] = np.where(better, cand, best[here])
            came[here] = np.where(better, k, came[here])
        j = np.arange(int(lo[i]) + 1, int(hi[i]) + 1)
        if len(j):
            steps = np.concatenate(([0.0], np.cumsum(cost(i, 0, 1, j))))
            shifted = best - steps
            running = np.minimum.accumulate(shifted)
            moved = np.concatenate(([False], shifted[1:] > running[:-1]))
            best = np.where(moved, running + steps, best)
            came = np.where(moved, np.int8(shapes.index((0, 1))), came)
        total.append(best)
        back.append(came)
    return [total, back]


@pytest.mark.parametrize("seed", range(6))
def test_dp_in_blocks_equals_the_row_by_row_dp(seed: int, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    # costs on a coarse grid, so equal candidates (ties between shapes) are common
    import alignments.search as search

    monkeypatch.setattr(search, "BLOCK_ROWS", 1 + seed * 7)
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 60)), int(rng.integers(1, 60))
    pairs = sorted({(int(i), int(j), 0.9) for i, j in zip(rng.integers(0, n, 8),
                                                           rng.integers(0, m, 8), strict=True)})
    band = guide_band(chain_anchors(pairs), n, m, width=int(rng.integers(1, 4)), gap_cap=5)
    table = rng.integers(0, 4, size=(6, 6, n + 1, m + 1)) / 4.0

    def cost(i: int, a: int, b: int, j: np.ndarray) -> np.ndarray:
        return table[a, b, i, j]

    shapes = bead_shapes(3, 4)
    total, back = fill(band, shapes, cost)
    want_total, want_back = _fill_row_by_row(band, shapes, cost)
    for got, want in zip(total + back, want_total + want_back, strict=True):
        assert np.array_equal(got, want)
    assert traceback(band, shapes, back) == traceback(band, shapes, want_back)


def _every_path(band: Band, shapes: tuple[tuple[int, int], ...]) -> list[list[tuple]]:
    """Every monotonic path from (0, 0) to (n, m) through the band's states: the reference."""
    n, m = len(band.lo) - 1, int(band.hi[-1])

    def inside(i: int, j: int) -> bool:
        return band.lo[i] <= j <= band.hi[i]

    def paths_from(i: int, j: int) -> list[list[tuple]]:
        if (i, j) == (n, m):
            return [[]]
        out = []
        for a, b in shapes:
            if i + a <= n and j + b <= m and inside(i + a, j + b):
                out += [[(i, i + a, j, j + b), *rest] for rest in paths_from(i + a, j + b)]
        return out

    return paths_from(0, 0)


@pytest.mark.parametrize("seed", range(4))
def test_bead_posteriors_sum_the_paths_through_each_bead(seed: int,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    # the forward-backward against the sum over every path, enumerated one by one
    import alignments.search as search
    from alignments.search import Lattice, _spans_of, posteriors

    monkeypatch.setattr(search, "BLOCK_ROWS", 1 + seed * 2)
    rng = np.random.default_rng(seed)
    n, m = 4 + seed % 2, 5
    band = guide_band([(1, 1)], n, m, width=1 + seed % 2, gap_cap=2)
    table = rng.uniform(0.0, 1.0, size=(4, 4, n + 1, m + 1))

    def cost(i: int, a: int, b: int, j: np.ndarray) -> np.ndarray:
        return table[a, b, i, j]

    shapes = bead_shapes(2, 3)
    temperature = 0.3
    paths = _every_path(band, shapes)
    weights = np.array([np.exp(-sum(table[i1 - i0, j1 - j0, i1, j1]
                                    for i0, i1, j0, j1 in path) / temperature)
                        for path in paths])
    beads = sorted({bead for path in paths for bead in path})
    want = [weights[[bead in path for path in paths]].sum() / weights.sum() for bead in beads]
    lattice = Lattice(band, shapes, _spans_of(cost))
    got = posteriors(lattice, beads,
                     [table[i1 - i0, j1 - j0, i1, j1] for i0, i1, j0, j1 in beads], temperature)
    assert np.allclose(got, want)
    # a bead the band does not hold is never on a path
    outside = (0, 1, m - 1, m)
    assert posteriors(lattice, [outside], [0.0], temperature)[0] == 0.0
    # every bead at once as each alone, one the search cannot take never on a path either
    costs = [table[i1 - i0, j1 - j0, i1, j1] for i0, i1, j0, j1 in beads] + [0.0, np.inf]
    together = posteriors(lattice, [*beads, outside, beads[0]], costs, temperature)
    alone = [posteriors(lattice, [bead], [c], temperature)[0]
             for bead, c in zip([*beads, outside, beads[0]], costs, strict=True)]
    assert together.tolist() == alone and together[-1] == 0.0
    states = [(i, j) for i in range(-1, n + 2) for j in range(-1, m + 2)]
    found = lattice.indices(np.array([i for i, _ in states]), np.array([j for _, j in states]))
    assert found.tolist() == [lattice.index(i, j) for i, j in states]


# --- the bead cost and the post-passes, on hand-made embeddings ---------------------------

def _side(sentences: list[str], vectors: dict[tuple[int, int], list[float]], lang: str
          ) -> _Side:
    """A piece side whose run (k ending before i) has the unit vector vectors[k, i]."""
    import numpy as np

    from alignments.align import DEFAULT_PARAMS

    runs = np.zeros((DEFAULT_PARAMS.max_side + 1, len(sentences) + 1, 3))
    for (k, i), vector in vectors.items():
        runs[k, i] = np.asarray(vector) / np.linalg.norm(vector)
    return _Side.of(sentences, Embedded(runs, Clauses.empty()), lang, frozenset(), 0,
                    DEFAULT_PARAMS)


def test_a_question_answered_by_a_statement_costs_more() -> None:
    import numpy as np

    from alignments.align import AlignParams, _BeadCost

    src = _side(["Was nun?"], {(1, 1): [1, 0, 0]}, "de")
    asked = _side(["Et maintenant ?"], {(1, 1): [1, 0, 0]}, "fr")
    told = _side(["Et maintenant."], {(1, 1): [1, 0, 0]}, "fr")
    params = AlignParams(question=0.3, gale_church=0.0)  # the lengths differ a little
    j = np.array([1])
    same = _BeadCost(src, asked, params).row(1, 1, 1, j)[0]
    other = _BeadCost(src, told, params).row(1, 1, 1, j)[0]
    assert other - same == pytest.approx(0.3)


def _clausal_side(sentences: list[str], vectors: dict[tuple[int, int], list[float]],
                  clauses: list[tuple[int, list[float]]], lang: str,
                  paragraph_starts: frozenset[int] = frozenset()) -> _Side:
    """:func:`_side` with the clauses of its sentences: (sentence, vector), in order."""
    import numpy as np

    from alignments.align import DEFAULT_PARAMS

    dim = len(next(iter(vectors.values())))
    runs = np.zeros((DEFAULT_PARAMS.max_side + 1, len(sentences) + 1, dim))
    for (k, i), vector in vectors.items():
        runs[k, i] = np.asarray(vector) / np.linalg.norm(vector)
    found = Clauses(np.array([np.asarray(v) / np.linalg.norm(v) for _, v in clauses]),
                    np.array([i for i, _ in clauses]))
    return _Side.of(sentences, Embedded(runs, found), lang, paragraph_starts, 0,
                    DEFAULT_PARAMS)


def _split_beside_the_border(second_half: list[float], paragraph_starts: frozenset[int]
                             = frozenset(), rest: tuple[float, ...] = (0, 0, 1, 1)
                             ) -> tuple[_Side, _Side]:
    """Two German sentences of two clauses each (e1, e2 | e3, e4); the French splits the
    first in two (e1 | ``second_half``) and translates the second (as ``rest``)."""
    src = _clausal_side(
        ["Einige sprachen von einer Rückkehr, so ist das übertrieben.",
         "Seit 1850, der Gletscher hat verloren."],
        {(1, 1): [1, 1, 0, 0], (1, 2): [0, 0, 1, 1], (2, 2): [1, 1, 1, 1]},
        [(0, [1, 0, 0, 0]), (0, [0, 1, 0, 0]), (1, [0, 0, 1, 0]), (1, [0, 0, 0, 1])], "de")
    half = np.asarray(second_half, dtype=float)
    tgt = _clausal_side(
        ["Certains ont parlé d'un retour.", "C'est exagéré.",
         "Depuis 1850, le glacier a perdu."],
        {(1, 1): [1, 0, 0, 0], (1, 2): list(half), (1, 3): list(rest),
         (2, 2): list(np.array([1, 0, 0, 0]) + half),
         (2, 3): list(half + np.asarray(rest) / np.linalg.norm(rest))},
        [(2, [0, 0, 1, 0]), (2, [0, 0, 0, 1])], "fr", paragraph_starts)
    return src, tgt


def test_a_split_sentences_second_half_joins_the_sentence_whose_clause_it_is() -> None:
    """The search gave "C'est exagéré." to the next bead (it adds little to either); it
    reads as the last clause of the sentence before the border, so it moves there."""
    from alignments.align import _border

    src, tgt = _split_beside_the_border([0, 1, 0, 0])
    assert _border([(0, 1, 0, 1), (1, 2, 1, 3)], src, tgt, 0.2, 0.05, 0.3) == [
        (0, 1, 0, 2), (1, 2, 2, 3)]
    # the other way round: the French moved the second sentence's first clause up, and the
    # search gave it to the first bead; it goes to the second
    src, tgt = _split_beside_the_border([0, 0, 1, 0], rest=(0, 0, 0, 1))
    assert _border([(0, 1, 0, 2), (1, 2, 2, 3)], src, tgt, 0.2, 0.05, 0.3) == [
        (0, 1, 0, 1), (1, 2, 1, 3)]


def test_a_border_sentence_stays_where_it_reads_or_where_a_paragraph_starts() -> None:
    from alignments.align import _border

    # it reads as the next sentence's first clause: where the search put it
    src, tgt = _split_beside_the_border([0, 0, 1, 0])
    path = [(0, 1, 0, 1), (1, 2, 1, 3)]
    assert _border(path, src, tgt, 0.2, 0.05, 0.3) == path
    # it reads as the clause before, but opens a paragraph: no bead crosses the break
    src, tgt = _split_beside_the_border([0, 1, 0, 0], frozenset({1}))
    assert _border(path, src, tgt, 0.2, 0.05, 0.3) == path
    # it reads as the clause before, but too faintly to say (under the related level)
    src, tgt = _split_beside_the_border([0, 0.25, 0, 0.97])
    assert _border(path, src, tgt, 0.2, 0.05, 0.3) == path


def test_a_skip_that_belongs_to_its_neighbour_is_attached() -> None:
    from alignments.align import _attach

    src = _side(["Ein Satz."], {(1, 1): [1, 0, 0]}, "de")
    # target sentence 1 completes sentence 0: together they match the source better
    whole = _side(["Une phrase", "coupée en deux."],
                  {(1, 1): [1, 1, 0], (1, 2): [0, 1, 1], (2, 2): [1, 0.1, 0]}, "fr")
    path = [(0, 1, 0, 1), (1, 1, 1, 2)]
    assert _attach(path, src, whole, 0.03) == [(0, 1, 0, 2)]
    # an unrelated target sentence lowers the similarity: it stays a skip
    apart = _side(["Une phrase.", "Autre chose."],
                  {(1, 1): [1, 0.1, 0], (1, 2): [0, 0, 1], (2, 2): [1, 0.1, 1]}, "fr")
    assert _attach(path, src, apart, 0.03) == path


class _MeaningEncoder:
    """Embeds each sentence as the vector named by its text ("v3", "a3", ...); a run is the
    normalised sum of its sentences' vectors, as a model's concatenation roughly is."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def encode_documents(self, documents, max_run, progress=None):  # noqa: ANN001, ANN201
        out = []
        for doc in documents:
            single = np.array([self.vectors[text] for text in doc])
            runs = np.zeros((max_run + 1, len(doc) + 1, single.shape[1]))
            for k in range(1, max_run + 1):
                for i in range(k, len(doc) + 1):
                    total = single[i - k:i].sum(axis=0)
                    runs[k, i] = total / np.linalg.norm(total)
            out.append(Embedded(runs, Clauses.empty(single.shape[1])))
        return out


def _a_stray_line_pair() -> tuple[list[str], list[str], dict[str, np.ndarray], list]:
    """Eight source sentences each translated as two (freely: each half alone matches it at
    0.5), a source line left out that happens to repeat target sentence 2, two more 1-2,
    then twenty 1-1: the repeated line is a confident anchor far off the true path."""
    rng = np.random.default_rng(5)
    vectors: dict[str, np.ndarray] = {}
    source: list[str] = []
    target: list[str] = []
    gold = []

    def unit(v: np.ndarray) -> np.ndarray:
        return v / np.linalg.norm(v)

    for k in range(30):
        v = unit(rng.normal(size=64))
        vectors[f"v{k}"] = v
        if k == 8:  # the line left out, a copy of target sentence 2
            source.append("stray")
            gold.append(((len(source) - 1,), ()))
        source.append(f"v{k}")
        if k < 10:
            w = rng.normal(size=64)
            w -= (w @ v) * v
            w = unit(w) * 1.7  # cos(v, v + w) = 0.5
            vectors[f"a{k}"], vectors[f"b{k}"] = unit(v + w), unit(v - w)
            target += [f"a{k}", f"b{k}"]
            gold.append(((len(source) - 1,), (len(target) - 2, len(target) - 1)))
        else:
            vectors[f"t{k}"] = v
            target.append(f"t{k}")
            gold.append(((len(source) - 1,), (len(target) - 1,)))
    vectors["stray"] = vectors[target[2]]
    return source, target, vectors, gold


@pytest.mark.parametrize(("stray", "widen", "found"), [
    (6.0, 2, True), (6.0, 0, True), (None, 2, True), (None, 0, False)])
def test_a_stray_anchor_does_not_shut_the_true_path_out(stray: float | None, widen: int,
                                                         found: bool) -> None:
    # either safeguard recovers the eight 1-2 beads before the stray line: the stray
    # dropped from the anchor chain, or the band widened where the path ran along its edge
    from alignments.align import AlignParams, align_pair

    source, target, vectors, gold = _a_stray_line_pair()
    params = AlignParams(stray=stray, widen=widen, gale_church=0.0)
    beads = align_pair(source, target, "en", "en", encoder=_MeaningEncoder(vectors),
                       params=params)
    assert covers(beads, len(source), len(target))
    got = {(b.source, b.target) for b in beads}
    assert (set(gold[:8]) <= got) is found


def test_a_stretch_is_aligned_from_the_whole_documents_embeddings_as_if_embedded_alone(
) -> None:
    # Past HUB_TRIAL_SENTENCES the second hub's beads are aligned only around the unsure
    # rows, from the embeddings the aligner made of the whole versions: a stretch cut from
    # them reads as the stretch embedded on its own, and gives the same beads.
    from alignments.align import AlignParams, align_pair

    source, target, vectors, _ = _a_stray_line_pair()
    encoder = _MeaningEncoder(vectors)
    params = AlignParams(gale_church=0.0)
    whole = encoder.encode_documents([source, target], params.max_side)
    part = whole[0].part(12, 25)
    alone = encoder.encode_documents([source[12:25]], params.max_side)[0]
    assert np.allclose(part.runs, alone.runs)  # runs reaching back before 12 left out
    cut = (whole[0].part(12, 25), whole[1].part(20, 33))
    assert align_pair(source[12:25], target[20:33], "en", "en", params=params,
                      embedded=cut) == align_pair(source[12:25], target[20:33], "en", "en",
                                                  encoder=encoder, params=params)
    clauses = Embedded(whole[0].runs, Clauses(np.eye(3), np.array([3, 12, 14])))
    assert clauses.part(12, 25).clauses.sentence.tolist() == [0, 2]


def test_a_sentence_split_in_two_beside_one_left_out_is_not_paired_with_it() -> None:
    """The French splits source sentence 10 in two and leaves sentence 11 out. Pairing the
    split's second half with the left-out sentence (similarity 0.25) costs the search less
    than a skip, so it did, and sure of it (0.93); the pair is undone because the half
    joins its sentence's bead (0.55 -> 0.66), and the left-out sentence stays alone."""
    import dataclasses

    from alignments.align import DEFAULT_PARAMS, AlignParams, align_pair

    rng = np.random.default_rng(7)

    def unit(v: np.ndarray) -> np.ndarray:
        return v / np.linalg.norm(v)

    def apart(v: np.ndarray, *others: np.ndarray) -> np.ndarray:
        for other in others:
            v = v - (v @ other) * other
        return unit(v)

    names = [f"s{chr(97 + k)}" for k in range(24)]  # no digits: the numbers cost stays out
    vectors = {name: unit(rng.normal(size=64)) for name in names}
    split = vectors[names[10]]
    w1 = apart(rng.normal(size=64), split)
    w2 = apart(rng.normal(size=64), split, w1)
    vectors["half"] = unit(0.55 * split + 0.835 * w1)
    vectors["rest"] = unit(0.5 * split + 0.866 * w2)
    left_out = apart(vectors[names[11]], vectors["rest"])
    vectors[names[11]] = unit(0.25 * vectors["rest"] + 0.97 * left_out)
    target: list[str] = []
    for k, name in enumerate(names):
        if k == 10:
            target += ["half", "rest"]
        elif k != 11:  # the others translated freely: similarity 0.75
            vectors["t" + name] = unit(0.75 * vectors[name]
                                       + 0.66 * apart(rng.normal(size=64), vectors[name]))
            target.append("t" + name)
    encoder = _MeaningEncoder(vectors)

    def around(params: AlignParams) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        beads = align_pair(names, target, "en", "fr", encoder=encoder, params=params)
        return [(b.source, b.target) for b in beads
                if {10, 11} & set(b.source) or {10, 11} & set(b.target)]

    assert around(dataclasses.replace(DEFAULT_PARAMS, unpair=None)) == [
        ((10,), (10,)), ((11,), (11,))]
    assert around(DEFAULT_PARAMS) == [((10,), (10, 11)), ((11,), ())]


def test_an_unrelated_pair_no_neighbour_wants_stays_a_pair() -> None:
    from alignments.align import _unpair

    src = _side(["Ein Satz.", "Noch einer."], {(1, 1): [1, 0, 0], (1, 2): [0, 1, 0],
                                               (2, 2): [1, 1, 0]}, "de")
    # target 1 matches source 1 at 0.2 only, and joined to the first bead it lowers it
    tgt = _side(["Une phrase.", "Autre chose."], {(1, 1): [1, 0, 0], (1, 2): [0.2, 0, 1],
                                                  (2, 2): [1, 0, 1]}, "fr")
    path = [(0, 1, 0, 1), (1, 2, 1, 2)]
    assert _unpair(path, src, tgt, 0.4, 0.07) == path


def test_a_free_translations_second_sentence_is_not_trimmed_off() -> None:
    from alignments.align import _trim

    src = _side(["Ein langer Satz."], {(1, 1): [1, 0, 0]}, "de")
    # the second French sentence adds a gesture: alone it still matches the source at 0.45,
    # and the pair matches less than the first sentence alone (0.9 > 0.8)
    free = _side(["Une phrase.", "Il sourit."],
                 {(1, 1): [0.9, 0.436, 0], (1, 2): [0.45, 0.893, 0], (2, 2): [0.8, 0.6, 0]},
                 "fr")
    bead = (0, 1, 0, 2)
    assert _trim(bead, src, free, 0.05) == [(0, 1, 0, 1), (1, 1, 1, 2)]
    assert _trim(bead, src, free, 0.05, kept=0.4) == [bead]
    # a stray (alone at 0.1) still goes out on its own
    stray = _side(["Une phrase.", "Autre chose."],
                  {(1, 1): [0.9, 0.436, 0], (1, 2): [0.1, 0.995, 0], (2, 2): [0.8, 0.6, 0]},
                  "fr")
    assert _trim(bead, src, stray, 0.05, kept=0.4) == [(0, 1, 0, 1), (1, 1, 1, 2)]


class _EvenLengths:
    """A length model where a translation is as long as its source (Gale & Church's
    deviation, unit spread)."""

    def deviation(self, ls: float, lt: float) -> float:
        return (lt - ls) / max((ls + lt) / 2, 1.0) ** 0.5


def _an_added_sentence(added: list[float], clauses: bool = True) -> tuple[_Side, _Side]:
    """A German sentence of two clauses (e1, e2) and its French translation followed by a
    short sentence (``added``); the pair reads at 0.97 against the German: leaving the
    added sentence out gains 0.03, under the trim's margin."""
    src = _clausal_side(["Der Rat tagte, und er beschloss viel."], {(1, 1): [1, 1, 0, 0]},
                        [(0, [1, 0, 0, 0]), (0, [0, 1, 0, 0])] if clauses else [], "de")
    tgt = _clausal_side(["Le Conseil a siégé et beaucoup décidé.", "Rien de neuf."],
                        {(1, 1): [1, 1, 0, 0], (1, 2): added, (2, 2): [1, 1, 0, 0.35]},
                        [], "fr")
    return src, tgt


def test_a_translators_added_sentence_that_reads_as_nothing_there_is_its_own_bead() -> None:
    from alignments.align import _Lone, _trim

    lone = _Lone(0.35, 0.01, _EvenLengths())  # type: ignore[arg-type]
    bead = (0, 1, 0, 2)
    # the added sentence reads at 0.1 as the German, 0.07 as either clause
    src, tgt = _an_added_sentence([0.1, 0.1, 0, 1.4])
    assert _trim(bead, src, tgt, 0.05, kept=0.4) == [bead]  # gains too little
    assert _trim(bead, src, tgt, 0.05, kept=0.4, lone=lone) == [(0, 1, 0, 1), (1, 1, 1, 2)]


def test_a_short_second_sentence_that_reads_as_a_clause_stays_in_its_bead() -> None:
    from alignments.align import _Lone, _trim

    lone = _Lone(0.35, 0.01, _EvenLengths())  # type: ignore[arg-type]
    bead = (0, 1, 0, 2)
    # it reads as the German's second clause at 0.45 (a split's second half), as the whole
    # sentence at 0.32 only
    src, tgt = _an_added_sentence([0, 0.45, 0, 0.89])
    assert _trim(bead, src, tgt, 0.05, kept=0.4, lone=lone) == [bead]
    # a German sentence of one clause says nothing of which part it renders: it stays
    src, tgt = _an_added_sentence([0.1, 0.1, 0, 1.4], clauses=False)
    assert _trim(bead, src, tgt, 0.05, kept=0.4, lone=lone) == [bead]
    # leaving it out would leave the French too short for the German: it stays
    lone = _Lone(0.35, 0.01, type("Long", (), {  # type: ignore[arg-type]
        "deviation": lambda self, ls, lt: (lt - 1.5 * ls) / 10})())
    src, tgt = _an_added_sentence([0.1, 0.1, 0, 1.4])
    assert _trim(bead, src, tgt, 0.05, kept=0.4, lone=lone) == [bead]


# --- with the model ---------------------------------------------------------------------

@pytest.mark.slow
def test_two_to_one_merge_found() -> None:
    from alignments.align import align_pair

    beads = align_pair(RU, EN, "ru", "en")
    assert covers(beads, len(RU), len(EN))
    assert [(b.source, b.target) for b in beads] == [
        ((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), (4,)), ((4,), (5,))]
    assert all(0.0 <= b.score <= 1.0 for b in beads)


@pytest.mark.slow
def test_hard_anchor_kept_even_when_wrong() -> None:
    from alignments.align import align_pair

    anchor = Bead((2,), (1, 2), 1.0)  # a translator's (odd) decision wins
    beads = align_pair(RU, EN, "ru", "en", anchors=[anchor])
    assert anchor in beads
    assert covers(beads, len(RU), len(EN))


@pytest.mark.slow
def test_one_sided_anchors_go_by_their_own_side() -> None:
    from alignments.align import align_pair

    # the translator confirmed EN 4 as having no Russian, and RU 3 / EN 5 as a pair: by
    # its target the first comes before the second, though 4 > 3
    untranslated, pair = Bead((), (4,), 1.0), Bead((3,), (5,), 1.0)
    beads = align_pair(RU, EN, "ru", "en", anchors=[pair, untranslated])
    assert untranslated in beads and pair in beads
    assert beads.index(untranslated) < beads.index(pair)
    assert covers(beads, len(RU), len(EN))
    dropped = Bead((2,), (), 1.0)  # a source-only one, between two pairs
    beads = align_pair(RU, EN, "ru", "en", anchors=[pair, dropped, Bead((0,), (0,), 1.0)])
    assert dropped in beads and covers(beads, len(RU), len(EN))


@pytest.mark.slow
def test_deterministic() -> None:
    from alignments.align import align_pair
    from alignments.embed import Encoder

    first = align_pair(RU, EN, "ru", "en", encoder=Encoder())
    again = align_pair(RU, EN, "ru", "en", encoder=Encoder())
    assert first == again


@pytest.mark.parametrize(("source", "target"), [([], []), (["Один."], []), ([], ["One.", "Two."])])
def test_empty_sides_give_skips(source: list[str], target: list[str]) -> None:
    from alignments.align import align_pair

    beads = align_pair(source, target, "ru", "en")
    assert covers(beads, len(source), len(target))
    assert all(not b.source or not b.target for b in beads)


@pytest.mark.parametrize(
    ("anchors", "message"),
    [
        ([Bead((0, 2), (0,))], "has gaps in its source"),
        ([Bead((9,), (0,))], "points past the end of the source"),
        ([Bead((1,), (1,)), Bead((0,), (2,))], "crosses or overlaps"),
        ([Bead((), ())], "no sentence on either side"),
    ],
)
def test_bad_anchors_rejected(anchors: list[Bead], message: str) -> None:
    from alignments.align import align_pair

    with pytest.raises(AlignmentError, match=message):
        align_pair(RU, EN, "ru", "en", anchors=anchors)


# --- N-way --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("langs", "pivot"),
    [(["en", "ru", "fr"], "ru"), (["en-GB", "ru-RU"], "ru-RU"), (["de", "fr"], "de")],
)
def test_choose_pivot(langs: list[str], pivot: str) -> None:
    assert choose_pivot(langs) == pivot


def test_merge_over_pivot_components() -> None:
    pairwise = {
        "en": [Bead((0,), (0,), 0.9), Bead((1, 2), (1,), 0.8), Bead((), (2,), 0.5),
               Bead((3,), (3,), 0.7)],
        "fr": [Bead((0,), (0, 1), 0.6), Bead((1,), (2,), 0.9), Bead((2, 3), (3,), 0.95)],
    }
    rows = merge_beads("ru", 4, pairwise)
    assert [dict(r.cells) for r in rows] == [
        {"ru": (0,), "en": (0,), "fr": (0, 1)},
        {"ru": (1, 2, 3), "en": (1, 2, 3), "fr": (2, 3)},
    ]
    assert [r.score for r in rows] == [0.6, 0.5]


def test_each_version_keeps_its_own_confidence_in_the_row() -> None:
    # A row is as sure as its least sure bead; with several versions the translator also
    # needs to know which version made it unsure, to read that cell first.
    pairwise = {
        "en": [Bead((0,), (0,), 0.99), Bead((1,), (1,), 0.62), Bead((), (2,), 0.4)],
        "de": [Bead((0,), (0,), 0.91), Bead((1,), (1, 2), 0.98)],
        "ja": [Bead((0,), (0,), 0.97), Bead((1,), (1,), 0.99)],
    }
    rows = merge_beads("ru", 2, pairwise)
    assert [r.score for r in rows] == [0.91, 0.62, 0.4]
    assert [dict(r.cell_scores) for r in rows] == [
        {"en": 0.99, "de": 0.91, "ja": 0.97},
        {"en": 0.62, "de": 0.98, "ja": 0.99},
        {"en": 0.4},  # an English sentence no Russian one has: a row of its own
    ]


def _unsure(row: Row) -> set[str]:
    """The versions the editor marks in a row that needs a look (under 0.97)."""
    return {lang for lang, score in row.cell_scores.items() if score < 0.97 and row.cells[lang]}


def test_the_hub_is_marked_where_the_others_agree_without_it() -> None:
    # The Russian hub has a sentence of its own (1, a gloss) merged with the next one: every
    # version is unsure beside it, and the hub had no score. Aligned to the English (tried
    # as the hub), the German and the French sit exactly beside it, surely.
    pairwise = {
        "en": [Bead((0,), (0,), 0.99), Bead((1, 2), (1,), 0.8), Bead((3,), (2,), 0.99)],
        "de": [Bead((0,), (0,), 0.99), Bead((1, 2), (1,), 0.7), Bead((3,), (2,), 0.98)],
        "fr": [Bead((0,), (0,), 0.98), Bead((1, 2), (1,), 0.85), Bead((3,), (2,), 0.99)],
    }
    beside_english = {
        "de": [Bead((0,), (0,), 1.0), Bead((1,), (1,), 0.99), Bead((2,), (2,), 1.0)],
        "fr": [Bead((0,), (0,), 1.0), Bead((1,), (1,), 0.98), Bead((2,), (2,), 0.99)],
    }
    merged = merge_beads("ru", 4, pairwise)
    assert [_unsure(r) for r in merged] == [set(), {"en", "de", "fr"}, set()]  # as before
    rows = weigh_hub(merged, "ru", "en", beside_english)
    assert [_unsure(r) for r in rows] == [set(), {"ru"}, set()]  # one cell to read, not three
    assert rows[1].cell_scores == {"ru": 0.8, "en": 0.99, "de": 0.99, "fr": 0.98}
    assert [(r.cells, r.score) for r in rows] == [(r.cells, r.score) for r in merged]
    # a row confirmed by hand stays as it was
    assert weigh_hub(merged, "ru", "en", beside_english, confirmed=[merged[1]])[1] == merged[1]


def test_the_hub_is_not_marked_where_the_others_disagree_too() -> None:
    pairwise = {
        "en": [Bead((0,), (0,), 0.8), Bead((1,), (1,), 0.99)],
        "de": [Bead((0,), (0,), 0.7), Bead((1,), (1,), 0.99)],
        "fr": [Bead((0,), (0,), 0.85), Bead((1,), (1,), 0.99)],
        "es": [Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.99)],
    }
    merged = merge_beads("ru", 2, pairwise)
    # aligned to the English, the others' sentence 0 goes with its sentence 1
    apart = [Bead((0,), (), 0.5), Bead((1,), (0, 1), 0.9)]
    beside_english = {"de": apart, "fr": apart, "es": apart}
    rows = weigh_hub(merged, "ru", "en", beside_english)
    assert rows == merged and _unsure(rows[0]) == {"en", "de", "fr", "es"}
    # the English and the German agree: two of four is not most of them
    beside_english["de"] = [Bead((0,), (0,), 0.99), Bead((1,), (1,), 0.99)]
    assert weigh_hub(merged, "ru", "en", beside_english) == merged
    # the Spanish too: the hub is marked, and the French, which agrees with none of them
    beside_english["es"] = [Bead((0,), (0,), 0.98), Bead((1,), (1,), 0.99)]
    assert _unsure(weigh_hub(merged, "ru", "en", beside_english)[0]) == {"ru", "fr"}
    # with three versions, both others must be less sure beside the hub than together
    three = merge_beads("ru", 2, {lang: pairwise[lang] for lang in ("en", "de")})
    assert _unsure(weigh_hub(three, "ru", "en", beside_english)[0]) == {"ru"}
    three = merge_beads("ru", 2, {"en": [Bead((0,), (0,), 0.99), Bead((1,), (1,), 0.99)],
                                  "de": pairwise["de"]})
    assert _unsure(weigh_hub(three, "ru", "en", beside_english)[0]) == {"de"}


def _one_to_one(german: float) -> dict[str, list[Bead]]:
    """Two rows of one sentence in every version, aligned to the Russian hub; the German's
    first bead as sure as ``german``."""
    return {"en": [Bead((0,), (0,), 0.99), Bead((1,), (1,), 0.99)],
            "de": [Bead((0,), (0,), german), Bead((1,), (1,), 0.99)],
            "fr": [Bead((0,), (0,), 0.985), Bead((1,), (1,), 0.99)]}


def test_a_row_the_second_hub_agrees_with_surely_is_as_sure_as_it_makes_it() -> None:
    # The German is unsure beside the Russian hub (0.93: the row needs a look), but aligned
    # to the English, tried as the hub, it sits exactly beside it, surely, and so does the
    # French: the German is tied to the Russian through the English as surely as 0.99, the
    # French keeps its own bead with the Russian, surer than its tie through the English.
    merged = merge_beads("ru", 2, _one_to_one(0.93))
    beside_english = {"de": [Bead((0,), (0,), 0.995), Bead((1,), (1,), 0.99)],
                      "fr": [Bead((0,), (0,), 0.98), Bead((1,), (1,), 0.99)]}
    assert merged[0].score == 0.93 and _unsure(merged[0]) == {"de"}
    rows = second_opinion(merged, "ru", "en", beside_english)
    assert rows[0].score == 0.985 and not _unsure(rows[0])  # no look needed
    assert rows[0].cell_scores == {"en": 0.99, "de": 0.99, "fr": 0.985}
    assert [r.cells for r in rows] == [r.cells for r in merged]  # the rows are the same
    assert rows[1] == merged[1]
    # a row confirmed by hand stays as it was
    assert second_opinion(merged, "ru", "en", beside_english, [merged[0]])[0] == merged[0]


def test_a_second_opinion_that_dissents_or_doubts_leaves_the_row_as_unsure() -> None:
    merged = merge_beads("ru", 2, _one_to_one(0.93))
    sure = [Bead((0,), (0,), 0.995), Bead((1,), (1,), 0.99)]
    # the French placed elsewhere by the English: the row stays as unsure as it was
    dissent = {"de": sure, "fr": [Bead((0,), (), 0.9), Bead((1,), (0, 1), 0.9)]}
    assert second_opinion(merged, "ru", "en", dissent) == merged
    # the German beside the English, but not surely enough (under SECOND_OPINION_SURE)
    doubt = {"de": [Bead((0,), (0,), 0.975), Bead((1,), (1,), 0.99)], "fr": sure}
    assert second_opinion(merged, "ru", "en", doubt)[0].score == 0.93
    # the English itself unsure beside the Russian: the German has no sure tie through it
    # (the English has one, through the French: its cell is not to be read first)
    pairwise = _one_to_one(0.93)
    pairwise["en"] = [Bead((0,), (0,), 0.95), Bead((1,), (1,), 0.99)]
    unsure_hub = merge_beads("ru", 2, pairwise)
    lifted = second_opinion(unsure_hub, "ru", "en", {"de": sure, "fr": sure})[0]
    assert lifted.score == 0.93 and _unsure(lifted) == {"de"}
    assert lifted.cell_scores["en"] == 0.985


def test_a_row_joining_two_sentences_is_left_to_its_weakest_bead() -> None:
    # both alignments read the same embeddings of the two German sentences together, so
    # their joining them alike is no second opinion
    pairwise = {"en": [Bead((0,), (0,), 0.99)], "de": [Bead((0,), (0, 1), 0.95)],
                "fr": [Bead((0,), (0,), 0.99)]}
    merged = merge_beads("ru", 1, pairwise)
    beside_english = {"de": [Bead((0,), (0, 1), 0.995)], "fr": [Bead((0,), (0,), 0.99)]}
    assert second_opinion(merged, "ru", "en", beside_english) == merged


def test_merge_places_orphans_after_their_predecessor() -> None:
    pairwise = {"en": [Bead((), (0,), 0.4), Bead((0,), (1,), 0.9), Bead((), (2,), 0.3),
                       Bead((1,), (3,), 0.8)]}
    rows = merge_beads("ru", 2, pairwise)
    assert [dict(r.cells) for r in rows] == [
        {"en": (0,)}, {"ru": (0,), "en": (1,)}, {"en": (2,)}, {"ru": (1,), "en": (3,)}]


@pytest.mark.slow
def test_align_versions_keeps_confirmed_rows() -> None:
    confirmed = [Row({"ru": (4,), "en": (5,)}, 1.0)]
    versions = {"ru": RU, "en": EN}
    rows = align_versions(versions, "ru", confirmed=confirmed)
    assert confirmed[0] in rows
    assert [i for r in rows for i in r.sentences("en")] == list(range(len(EN)))


def test_a_sentence_with_no_counterpart_is_a_skip_not_a_merge() -> None:
    from alignments.align import align_pair

    ru = [RU[0], "Заседание прошло в конструктивной атмосфере.", RU[2]]
    en = [EN[0], "The weather in Bishkek was warm.", "The meeting was constructive.", EN[3]]
    beads = align_pair(ru, en, "ru", "en")
    assert ((), (1,)) in [(b.source, b.target) for b in beads]
    assert ((1,), (2,)) in [(b.source, b.target) for b in beads]



def test_a_sentence_repeated_far_away_still_anchors() -> None:
    import numpy as np

    from alignments.search import chain_anchors, mutual_best_pairs

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(120, 32))
    vectors[100] = vectors[10]  # the same formula twice, ninety sentences apart
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pairs = mutual_best_pairs(vectors, vectors, band=200, min_similarity=0.5, margin=0.05)
    chain = chain_anchors(pairs)
    assert (10, 10) in chain and (100, 100) in chain
    assert len(chain) == 120


def test_confidence_is_lower_for_a_merge_than_for_a_clear_one_to_one() -> None:
    from alignments.align import align_pair

    beads = align_pair(RU, EN, "ru", "en")
    merge = next(b for b in beads if len(b.target) == 2)
    ones = [b for b in beads if len(b.source) == len(b.target) == 1]
    assert merge.score < min(b.score for b in ones)
    assert min(b.score for b in ones) > 0.9
    assert all(0.0 <= b.score <= 1.0 for b in beads)


# a clause moved across the full stop: "the guide went ahead." / "the guide led, followed
# by the two porters." Each 1-1 looks fair; their lengths err in opposite directions
_MOVED_DE = ["Am Morgen verliessen wir die Hütte bei klarem Himmel.",
             "Der Gletscher war hart gefroren und gut zu begehen.",
             "Der Führer ging voraus.",
             "Hinter ihm folgten die beiden Träger mit dem Zelt, den Seilen und dem Proviant "
             "für drei Tage.",
             "Der Abstieg verlief ohne Zwischenfälle.",
             "Am Abend waren wir wieder im Tal."]
_MOVED_FR = ["Le matin, nous quittâmes la cabane sous un ciel clair.",
             "Le glacier était bien gelé et facile à parcourir.",
             "Le guide ouvrait la marche, suivi des deux porteurs.",
             "Ils portaient la tente, les cordes et trois jours de vivres.",
             "La descente se fit sans incident.",
             "Le soir, nous étions de retour dans la vallée."]


def test_a_clause_moved_across_the_full_stop_makes_one_two_to_two_bead() -> None:
    import dataclasses

    from alignments.align import DEFAULT_PARAMS, align_pair, align_pair_with_features
    from alignments.confidence import FEATURES

    beads = align_pair(_MOVED_DE, _MOVED_FR, "de", "fr")
    assert [(b.source, b.target) for b in beads] == [
        ((0,), (0,)), ((1,), (1,)), ((2, 3), (2, 3)), ((4,), (4,)), ((5,), (5,))]
    # without the repair, the search leaves two 1-1 beads, and the confidence sees their
    # deviations cancel out where a plain 1-1's neighbours do not
    apart, features = align_pair_with_features(
        _MOVED_DE, _MOVED_FR, "de", "fr",
        params=dataclasses.replace(DEFAULT_PARAMS, recross=None))
    assert [(b.source, b.target) for b in apart][2:4] == [((2,), (2,)), ((3,), (3,))]
    complement = features[:, FEATURES.index("complement")]
    assert min(complement[2:4]) > 2.0 > max(complement[[0, 4, 5]])


# --- the document's own length model, scripts without spaces, the confidence ------------

def _cumulative(lengths: list[int]) -> np.ndarray:
    out = np.zeros(len(lengths) + 1)
    np.cumsum(lengths, out=out[1:])
    return out


def test_length_model_takes_the_documents_own_ratio_and_spread() -> None:
    import numpy as np

    from alignments.align import GALE_CHURCH_VARIANCE, SPREAD_CAP, AlignParams, length_model

    rng = np.random.default_rng(7)
    src = rng.integers(40, 200, size=60)
    # Chinese-like: a third of the characters, and a loose translation
    tgt = np.maximum(1, (src / 3.0 + rng.normal(0, 12, size=60)).round()).astype(int)
    anchors = [(i, i) for i in range(60)]
    ratio, spread = length_model(_cumulative(list(src)), _cumulative(list(tgt)), anchors)
    assert 0.3 < ratio < 0.37
    assert GALE_CHURCH_VARIANCE < spread <= GALE_CHURCH_VARIANCE * SPREAD_CAP
    # too few anchors: the sides' ratio and the prior, in the longer-written side's unit
    ratio, spread = length_model(_cumulative(list(tgt)), _cumulative(list(src)), anchors[:3],
                                 AlignParams(length_anchors=10))
    assert 2.7 < ratio < 3.3
    assert spread == pytest.approx(GALE_CHURCH_VARIANCE / ratio)


def test_length_deviation_is_the_same_both_ways_round() -> None:
    """A zh-en bead and its en-zh mirror deviate alike (no target units over a source
    normaliser)."""
    from alignments.align import DEFAULT_PARAMS, _BeadCost

    zh = _side(["一" * 30, "二" * 40], {(1, 1): [1, 0, 0], (1, 2): [0, 1, 0]}, "zh")
    en = _side(["a" * 100, "b" * 150], {(1, 1): [1, 0, 0], (1, 2): [0, 1, 0]}, "en")
    there = _BeadCost(zh, en, DEFAULT_PARAMS)
    back = _BeadCost(en, zh, DEFAULT_PARAMS)
    assert abs(float(there.deviation(30.0, 130.0))) == pytest.approx(
        abs(float(back.deviation(130.0, 30.0))), rel=0.05)


def test_letters_of_scripts_without_spaces() -> None:
    from alignments.align import DEFAULT_PARAMS, letters

    assert letters("Merci.") == 5
    assert letters("谢谢。") >= DEFAULT_PARAMS.junk_letters  # a word, not debris
    assert letters("- 2 -") < DEFAULT_PARAMS.junk_letters


@pytest.mark.parametrize(
    ("segment", "partial"),
    [("Le sommet fut atteint.", False), ("Literatur :", True), ("le 7 J. Brown .", True),
     ("« Il est parti. »", False), ("会谈富有成果。", False), ("您如何评价？", False),
     ("Hartog , et même deux cordées ont atteint le sommet :", True)],
)
def test_fragments(segment: str, partial: bool) -> None:
    from alignments.align import fragment

    assert fragment(segment) is partial


def test_confidence_is_a_probability_that_falls_with_the_regret() -> None:
    import numpy as np

    from alignments.confidence import FEATURES, WEIGHTS, fit_logistic, probability

    assert set(WEIGHTS) == set(FEATURES)
    x = np.zeros((2, len(FEATURES)))
    x[:, FEATURES.index("similarity")] = 0.8
    x[0, FEATURES.index("regret")] = 0.5  # every other local path costs much more
    x[1, FEATURES.index("regret")] = 0.0  # the search hesitated
    p = probability(x)
    assert 0.0 <= p[1] < p[0] <= 1.0
    # the fitter recovers a clear signal, deterministically
    rng = np.random.default_rng(0)
    z = rng.normal(size=(400, 2))
    y = z[:, 0] + 0.1 * rng.normal(size=400) > -1.0
    w1, b1 = fit_logistic(z, y, l2=1.0)
    w2, b2 = fit_logistic(z, y, l2=1.0)
    assert w1[0] > 3 * abs(w1[1]) and (w1 == w2).all() and b1 == b2


def test_boosted_trees_are_read_as_scikit_learn_wrote_them() -> None:
    import numpy as np

    from alignments.confidence import FEATURES, Trees

    at = FEATURES.index("similarity")
    # one split: a bead at most 0.5 similar goes left (log-odds -2), else right (+2)
    tree = {"feature": np.array([at, -1, -1]), "threshold": np.array([0.5, -2.0, -2.0]),
            "left": np.array([1, -1, -1]), "right": np.array([2, -1, -1]),
            "value": np.array([0.0, -2.0, 2.0])}
    trees = Trees(0.5, 1.0, (tree,))
    x = np.zeros((3, len(FEATURES)))
    x[:, at] = [0.2, 0.5, 0.9]
    expit = 1.0 / (1.0 + np.exp(-np.array([-1.5, -1.5, 2.5])))
    assert np.allclose(trees.probability(x), expit)
    again = Trees.from_json(trees.to_json())
    assert np.allclose(again.probability(x), expit)
    # trees of other sizes walked together: a lone leaf (+1) and a deeper tree, whose
    # second split (a question on one side only) is asked only right of the first
    asked = FEATURES.index("question")
    deeper = {"feature": np.array([at, -1, asked, -1, -1]),
              "threshold": np.array([0.5, -2.0, 0.5, -2.0, -2.0]),
              "left": np.array([1, -1, 3, -1, -1]), "right": np.array([2, -1, 4, -1, -1]),
              "value": np.array([0.0, -2.0, 0.0, 1.0, 3.0])}
    leaf = {"feature": np.array([-1]), "threshold": np.array([-2.0]),
            "left": np.array([-1]), "right": np.array([-1]), "value": np.array([1.0])}
    x[2, asked] = 1.0
    forest = Trees(0.0, 0.5, (leaf, deeper))
    expit = 1.0 / (1.0 + np.exp(-0.5 * np.array([1 - 2, 1 - 2, 1 + 3])))
    assert np.allclose(forest.probability(x), expit)
    assert len(forest.probability(x[:0])) == 0
    with pytest.raises(ValueError, match="other features"):
        Trees.from_json(trees.to_json().replace('"similarity"', '"cosine"'))


def test_with_trees_a_beads_confidence_is_the_mean_of_the_two_models() -> None:
    import numpy as np

    from alignments.confidence import FEATURES, INTERCEPT, WEIGHTS, Trees, probability

    at = FEATURES.index("similarity")
    tree = {"feature": np.array([at, -1, -1]), "threshold": np.array([0.5, -2.0, -2.0]),
            "left": np.array([1, -1, -1]), "right": np.array([2, -1, -1]),
            "value": np.array([0.0, -2.0, 2.0])}
    trees = Trees(0.0, 1.0, (tree,))
    x = np.zeros((2, len(FEATURES)))
    x[:, at] = [0.2, 0.9]
    w = np.array([WEIGHTS[name] for name in FEATURES])
    logistic = probability(x, w, INTERCEPT)
    assert np.allclose(probability(x, w, INTERCEPT, trees),
                       (logistic + trees.probability(x)) / 2)
    assert np.allclose(probability(x), logistic)  # no trees are shipped


def test_a_row_that_counts_twice_in_the_fit_is_a_row_given_twice() -> None:
    """Material from elsewhere (Debian's manuals) enters the fit with a weight of its own:
    a weight of 2 is the row twice, and 1 everywhere is the fit without weights."""
    import numpy as np

    from alignments.confidence import fit_logistic

    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 3))
    y = x[:, 0] - 0.5 * x[:, 2] + rng.normal(size=300) > 0.0
    twice = np.arange(300) % 3 == 0
    weight = np.where(twice, 2.0, 1.0)
    w1, b1 = fit_logistic(x, y, sample_weight=weight)
    w2, b2 = fit_logistic(np.concatenate([x, x[twice]]), np.concatenate([y, y[twice]]))
    np.testing.assert_allclose(w1, w2, rtol=1e-9, atol=1e-12)
    assert abs(b1 - b2) < 1e-9
    w3, b3 = fit_logistic(x, y, sample_weight=np.ones(300))
    w4, b4 = fit_logistic(x, y)
    assert (w3 == w4).all() and b3 == b4
    # a weight of nothing leaves the row out
    w5, b5 = fit_logistic(x, y, sample_weight=np.where(twice, 0.0, 1.0))
    w6, b6 = fit_logistic(x[~twice], y[~twice])
    np.testing.assert_allclose(w5, w6, rtol=1e-9, atol=1e-12)


def test_the_cost_of_many_rows_at_once_is_the_cost_row_by_row() -> None:
    from alignments.align import DEFAULT_PARAMS, _BeadCost
    from tests.alignments import one_by_one

    rng = np.random.default_rng(3)
    words = ["Der Vertrag", "1999", "wurde", "unterzeichnet?", "Ja.", "am 3. Mai", "x", "."]

    def side(n: int, lang: str) -> _Side:
        sentences = [" ".join(rng.choice(words, size=int(rng.integers(1, 6)))) for _ in range(n)]
        runs = rng.normal(size=(DEFAULT_PARAMS.max_side + 1, n + 1, 16)).astype(np.float32)
        runs /= np.linalg.norm(runs, axis=2, keepdims=True)
        starts = frozenset(int(i) for i in rng.integers(0, n, 3))
        return _Side.of(sentences, Embedded(runs, Clauses.empty()), lang, starts, 0,
                        DEFAULT_PARAMS)

    src, tgt = side(30, "de"), side(40, "fr")
    cost = _BeadCost(src, tgt, DEFAULT_PARAMS, frozenset({(3, 4), (20, 27)}))
    for a, b in bead_shapes(DEFAULT_PARAMS.max_side, DEFAULT_PARAMS.max_total):
        rows = np.arange(max(a, 1), 31, 3)
        j0 = np.maximum(rng.integers(0, 30, len(rows)), b)
        j1 = np.minimum(j0 + rng.integers(0, 9, len(rows)), 40)
        got = cost.spans(a, b, rows, j0, j1)
        want = np.concatenate([cost.row(int(i), a, b, np.arange(x, y + 1))
                               for i, x, y in zip(rows, j0, j1, strict=True)])
        assert got.dtype == want.dtype and np.array_equal(got, want), (a, b)
        if a and b:  # the runs' lengths, junk and paragraphs read once for the piece: the
            # same costs as read from the cumulative counts shape by shape
            i = np.repeat(rows, j1 - j0 + 1)
            j = np.concatenate([np.arange(x, y + 1) for x, y in zip(j0, j1, strict=True)])
            sim = np.einsum("kd,kd->k", src.runs[a, i], tgt.runs[b, j])
            assert np.array_equal(cost._cost(a, b, i, j, sim),
                                  one_by_one.cost(cost, a, b, i, j, sim)), (a, b)
            assert np.array_equal(cost._cost(a, b, int(i[0]), j[:3], sim[:3]),
                                  one_by_one.cost(cost, a, b, int(i[0]), j[:3], sim[:3]))


@pytest.mark.slow
def test_sentences_the_pivot_lacks_share_a_row_across_the_other_versions() -> None:
    ru = ["Министры обсудили сотрудничество в области безопасности.",
          "Встреча завершилась подписанием совместного заявления."]
    en = ["The ministers discussed security cooperation.",
          "They also visited the new national library in the capital.",
          "The meeting ended with the signing of a joint statement."]
    de = ["Die Minister erörterten die Zusammenarbeit im Bereich der Sicherheit.",
          "Sie besuchten auch die neue Nationalbibliothek in der Hauptstadt.",
          "Das Treffen endete mit der Unterzeichnung einer gemeinsamen Erklärung."]
    rows = align_versions({"ru": ru, "en": en, "de": de}, "ru")
    cells = [{lang: ids for lang, ids in r.cells.items() if ids} for r in rows]
    assert {"en": (1,), "de": (1,)} in cells  # one row, not an English and a German one
    assert len(rows) == 3
    assert [i for r in rows for i in r.sentences("de")] == [0, 1, 2]


@pytest.mark.slow
def test_rows_are_merged_over_the_version_the_others_were_translated_from(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An alpine page (bench/corpora/alpine): written in English, translated from it into
    Russian, German, French and Spanish. Russian is the pivot, but the rows come out
    merged over the English, the version every other one agrees with best."""
    import json
    from pathlib import Path

    import alignments.multi as multi
    from alignments.embed import Encoder

    page = json.loads((Path(__file__).resolve().parents[2] / "bench" / "corpora" / "alpine"
                       / "gold" / "300.json").read_text(encoding="utf-8"))
    versions: dict[str, list[str]] = page["sentences"]
    encoder = Encoder()

    def cells(rows: list[Row]) -> list[dict[str, tuple[int, ...]]]:
        return [{lang: ids for lang, ids in row.cells.items() if ids} for row in rows]

    chosen = align_versions(versions, "ru-RU", encoder=encoder)
    over_pivot = align_versions(versions, "ru-RU", encoder=encoder, hub="ru-RU")
    over_english = align_versions(versions, "ru-RU", encoder=encoder, hub="en-GB")
    assert cells(chosen) == cells(over_english) != cells(over_pivot)
    assert multi.agreement(over_english) > multi.agreement(over_pivot) + multi.HUB_MARGIN
    for lang, sentences in versions.items():  # each sentence once, in order
        assert [i for row in chosen for i in row.sentences(lang)] == list(range(len(sentences)))
    # confirmed rows come back whole, one with no English too
    lone = next(row for row in over_pivot  # Russian and German, no English
                if not row.sentences("en-GB") and sum(bool(ids) for ids in row.cells.values()) > 1)
    confirmed = [row for row in over_english if row.score >= 0.9][:5] + [lone]
    kept = align_versions(versions, "ru-RU", encoder=encoder, confirmed=confirmed)
    assert all(row in kept for row in confirmed)
    for lang, sentences in versions.items():
        assert [i for row in kept for i in row.sentences(lang)] == list(range(len(sentences)))
    # every pair is aligned only while the versions are small: past that, over the pivot
    monkeypatch.setattr(multi, "HUB_TRIAL_SENTENCES", len(versions["ru-RU"]))
    assert cells(align_versions(versions, "ru-RU", encoder=encoder)) == cells(over_pivot)
    with pytest.raises(AlignmentError, match="hub language 'it-IT'"):
        align_versions(versions, "ru-RU", encoder=encoder, hub="it-IT")


@pytest.mark.slow
def test_a_sentence_only_the_hub_has_marks_the_hub_not_every_other_version() -> None:
    """A relay page (bench/corpora/relay): the Russian explains a word ("curtain walls are
    the stretches of wall between two towers") in a sentence no other version has, and the
    aligner merges it with the sentence before. The Russian is the cell to read; the
    English, German and French agree with each other and are not marked."""
    import json
    from pathlib import Path

    from alignments.embed import Encoder

    page = json.loads((Path(__file__).resolve().parents[2] / "bench" / "corpora" / "relay"
                       / "gold" / "800.json").read_text(encoding="utf-8"))
    gold = page["rows"][:12]
    versions = {lang: [s for row in gold for s in row.get(lang, [])] for lang in page["langs"]}
    gloss = next(row["ru-RU"][0] for row in gold if not row.get("en-GB") and row.get("ru-RU"))
    assert gloss.startswith("Куртинами называют")
    rows = align_versions(versions, "ru-RU", encoder=Encoder())
    merged = next(row for row in rows
                  if versions["ru-RU"].index(gloss) in row.sentences("ru-RU"))
    assert len(merged.sentences("ru-RU")) > 1 and merged.score < 0.97  # needs a look
    assert "ru-RU" in _unsure(merged)
    assert not _unsure(merged) & {"en-GB", "de-DE", "fr-FR"}


@pytest.mark.slow
def test_a_row_the_second_hub_confirms_no_longer_needs_a_look() -> None:
    """An asia page (bench/corpora/asia): beside the Russian pivot one version of 'the
    delegation included the Permanent Representative to ASEAN' is unsure, and the row
    needed a look; aligned to the English, tried as the hub, every version sits exactly
    beside it, surely: the row is right, and as sure as that makes it."""
    import json
    from pathlib import Path

    from alignments.embed import Encoder

    page = json.loads((Path(__file__).resolve().parents[2] / "bench" / "corpora" / "asia"
                       / "gold" / "140.json").read_text(encoding="utf-8"))
    gold = page["rows"][:12]
    versions = {lang: [s for row in gold for s in row.get(lang, [])] for lang in page["langs"]}
    encoder = Encoder()
    rows = align_versions(versions, "ru-RU", encoder=encoder)
    over_pivot = align_versions(versions, "ru-RU", encoder=encoder, hub="ru-RU")
    assert [r.cells for r in rows] == [r.cells for r in over_pivot]  # the same rows
    at = versions["ru-RU"].index(gold[2]["ru-RU"][0])
    before = next(r for r in over_pivot if at in r.sentences("ru-RU"))
    after = next(r for r in rows if at in r.sentences("ru-RU"))
    assert {lang: [versions[lang][i] for i in ids] for lang, ids in after.cells.items()} == {
        lang: gold[2][lang] for lang in page["langs"]}
    assert before.score < 0.97 <= after.score  # needed a look, no longer
    assert sum(r.score < 0.97 for r in rows) < sum(r.score < 0.97 for r in over_pivot)


@pytest.mark.slow
def test_past_the_hub_trial_size_the_hub_is_still_marked_where_the_others_agree(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The relay page of the test above, taken as a set too long to align every version to
    a second hub (a Debian manual's chapter of 10,000 sentences): the English's beads are
    aligned only around the rows the Russian's cell could be marked in, from the
    embeddings already made, and the Russian is marked as before, not the others."""
    import json
    from pathlib import Path

    import alignments.multi as multi
    from alignments.embed import Encoder

    page = json.loads((Path(__file__).resolve().parents[2] / "bench" / "corpora" / "relay"
                       / "gold" / "800.json").read_text(encoding="utf-8"))
    gold = page["rows"][:12]
    versions = {lang: [s for row in gold for s in row.get(lang, [])] for lang in page["langs"]}
    gloss = versions["ru-RU"].index(next(row["ru-RU"][0] for row in gold
                                         if not row.get("en-GB") and row.get("ru-RU")))
    monkeypatch.setattr(multi, "HUB_TRIAL_SENTENCES", 10)
    encoder = Encoder()
    rows = align_versions(versions, "ru-RU", encoder=encoder)
    over_pivot = align_versions(versions, "ru-RU", encoder=encoder, hub="ru-RU")
    # the same rows, as sure: only the hub's cell is weighed
    assert [(r.cells, r.score) for r in rows] == [(r.cells, r.score) for r in over_pivot]
    merged = next(row for row in rows if gloss in row.sentences("ru-RU"))
    assert merged.score < 0.97 and "ru-RU" in _unsure(merged)
    assert not _unsure(merged) & {"en-GB", "de-DE", "fr-FR"}
    before = next(row for row in over_pivot if gloss in row.sentences("ru-RU"))
    assert _unsure(before) >= {"en-GB", "de-DE", "fr-FR"}  # what it was without the English


@pytest.mark.slow
def test_aligning_versions_reports_the_sentences_done_while_and_after_each_version() -> None:
    from alignments.embed import Encoder

    done: list[int] = []
    versions = {"ru": RU, "en": EN, "fr": EN[:3]}
    align_versions(versions, "ru", encoder=Encoder(), progress=done.append)
    first, total = len(RU) + len(EN), len(RU) + len(EN) + 3
    assert first in done and done[-1] == total
    assert done == sorted(done)  # never backwards
    # while a version is embedded, before it is aligned: a share of it
    assert 0 < done[0] < first and first < done[done.index(first) + 1] < total


def _cost_with_skip_runs(path: list[tuple[int, int, int, int]], costs: dict, skip: float,
                         extend: float) -> float:
    """A path's cost when a skip after a skip on the same side costs ``extend``."""
    total, before = 0.0, ""
    for i0, i1, j0, j1 in path:
        if i1 == i0 or j1 == j0:
            side = "source" if j1 == j0 else "target"
            total += extend if before == side else skip
            before = side
        else:
            total += costs[(i1 - i0, j1 - j0, i1, j1)]
            before = ""
    return total


@pytest.mark.parametrize("seed", range(6))
def test_runs_of_skips_cost_the_first_skip_then_the_extension(seed: int) -> None:
    """The search with cheaper runs of skips (a passage left out) finds the cheapest path
    of all, counted by hand over every path through the band (narrow bands included)."""
    import random

    from alignments.search import _connected, search

    rng = random.Random(seed)
    shapes = bead_shapes(2, 3)
    for _ in range(40):
        n, m = rng.randint(1, 5), rng.randint(1, 5)
        skip, extend = 0.45, rng.choice([0.0, 0.1, 0.3, 0.45])
        lo = np.array(sorted(rng.randint(0, m) for _ in range(n + 1)))
        lo[0] = 0
        hi = np.array([min(m, x + rng.randint(0, 3)) for x in lo])
        hi[-1] = m
        band = _connected(lo, hi)
        costs = {(a, b, i, j): rng.random() for a, b in shapes if a and b
                 for i in range(n + 1) for j in range(m + 1)}

        def cost(i: int, a: int, b: int, j: np.ndarray, costs: dict = costs,
                 skip: float = skip) -> np.ndarray:
            if a == 0 or b == 0:
                return np.full(len(j), skip)
            return np.array([costs[(a, b, i, int(x))] for x in j])

        every = _every_path(band, shapes)
        found = search(band, shapes, cost=cost, extend=extend)
        assert [tuple(b) for b in found] in [[tuple(b) for b in p] for p in every]
        cheapest = min(_cost_with_skip_runs(p, costs, skip, extend) for p in every)
        assert _cost_with_skip_runs(found, costs, skip, extend) == pytest.approx(cheapest)


@pytest.mark.slow
def test_a_clause_moved_across_the_full_stop_reads_as_the_neighbours() -> None:
    # two 1-1 beads that are in truth one 2-2 (the translator moved a clause into the next
    # sentence): the moved clause is nearer the neighbour's translation than its own
    from alignments.align import DEFAULT_PARAMS, _BeadCost
    from alignments.embed import default_encoder

    en = ["The committee met in Geneva on Monday, and the delegates approved the budget.",
          "The chair thanked the interpreters for their work.",
          "The next session will open in March, as agreed last year.",
          "Several delegations asked for more time to study the report."]
    fr = ["Le comité s'est réuni lundi à Genève.",
          "Les délégués ont approuvé le budget, et la présidente a remercié les interprètes.",
          "La prochaine session s'ouvrira en mars, comme convenu l'an dernier.",
          "Plusieurs délégations ont demandé plus de temps pour étudier le rapport."]
    source, target = default_encoder().encode_documents([en, fr], DEFAULT_PARAMS.max_side)
    cost = _BeadCost(_Side.of(en, source, "en", frozenset(), 0, DEFAULT_PARAMS),
                     _Side.of(fr, target, "fr", frozenset(), 0, DEFAULT_PARAMS), DEFAULT_PARAMS)
    moved = cost.crossing((0, 1, 0, 1), (1, 2, 1, 2))
    kept = cost.crossing((2, 3, 2, 3), (3, 4, 3, 4))
    assert moved > 0.0 > kept, (moved, kept)


def test_the_search_runs_on_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # on a shared machine a second BLAS thread only spins against the other processes: the
    # first pass's products took 0.15 s of CPU for 1,000 x 1,000 sentences instead of 0.03
    import alignments.align as align
    from alignments.embed import _openblas_threads

    threads = _openblas_threads()[1]
    if threads is None:
        pytest.skip("no OpenBLAS of numpy's own to ask")
    seen: list[int] = []
    first_pass = align.mutual_best_pairs

    def spy(*args: object, **kwargs: object) -> list[tuple[int, int, float]]:
        seen.append(threads())
        return first_pass(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(align, "mutual_best_pairs", spy)
    rng = np.random.default_rng(5)

    def embedded(n: int) -> Embedded:
        runs = rng.normal(size=(6, n + 1, 16)).astype(np.float32)
        return Embedded(runs / np.linalg.norm(runs, axis=2, keepdims=True), Clauses.empty())

    before = threads()
    beads = align.align_pair(RU, EN, "ru", "en", embedded=(embedded(len(RU)), embedded(len(EN))))
    assert covers(beads, len(RU), len(EN))
    assert seen == [1]
    assert threads() == before  # given back after the search


def test_the_features_of_every_bead_at_once_are_those_read_bead_by_bead(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the confidence's features are read for every bead at once (a third of the search's
    # time after the embedding went to reading them bead by bead): the same to the last bit
    from alignments.align import DEFAULT_PARAMS, _BeadCost
    from tests.alignments.one_by_one import features as per_bead

    rng = np.random.default_rng(11)
    words = ["Der Vertrag", "1999", "wurde", "unterzeichnet?", "Ja.", "am 3. Mai", "x", ".",
             "Genf", "und"]

    def unit(shape: tuple[int, ...]) -> np.ndarray:
        vectors = rng.normal(size=shape).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)

    def side(n: int, lang: str) -> _Side:
        sentences = [" ".join(rng.choice(words, size=int(rng.integers(1, 6)))) for _ in range(n)]
        owners = np.sort(rng.choice(n, size=n // 2))
        clauses = Clauses(unit((len(owners), 16)), owners.astype(np.int64))
        starts = frozenset(int(i) for i in rng.integers(0, n, 3))
        return _Side.of(sentences, Embedded(unit((DEFAULT_PARAMS.max_side + 1, n + 1, 16)),
                                            clauses), lang, starts, 0, DEFAULT_PARAMS)

    shapes = [(1, 1)] * 6 + [(1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3), (2, 3),
                             (5, 1)]

    def path(n: int, m: int) -> list[tuple[int, int, int, int]]:
        out: list[tuple[int, int, int, int]] = []
        i = j = 0
        while i < n or j < m:
            a, b = shapes[int(rng.integers(len(shapes)))]
            a, b = min(a, n - i), min(b, m - j)
            if a + b:
                out.append((i, i + a, j, j + b))
                i, j = i + a, j + b
        return out

    read: list[tuple[object, ...]] = []
    crossing = _BeadCost.crossing

    def counted(self: _BeadCost, *spans: tuple[int, int, int, int]) -> float:
        read.append(spans)
        return crossing(self, *spans)

    for n, m in ((40, 45), (12, 9), (1, 1), (3, 2)):
        src, tgt = side(n, "de"), side(m, "fr")
        for trial in range(12):
            whole = not trial and max(n, m) <= DEFAULT_PARAMS.max_side  # one bead alone
            beads = [(0, n, 0, m)] if whole else path(n, m)
            chosen = rng.random(len(beads))
            for anchors in (frozenset(), frozenset({(0, 0), (n // 2, m // 2)})):
                cost = _BeadCost(src, tgt, DEFAULT_PARAMS, anchors)
                want = per_bead(cost, beads, chosen)
                monkeypatch.setattr(_BeadCost, "crossing", counted)
                read.clear()
                got = cost.features(beads, chosen)
                monkeypatch.setattr(_BeadCost, "crossing", crossing)
                assert np.array_equal(got, want), (n, m, trial)
                # the clauses of two neighbouring beads are read once, not once for each
                assert len(read) == len(set(read)) <= max(0, len(beads) - 1)


def test_the_band_and_the_strays_at_once_are_those_stretch_by_stretch() -> None:
    # the band's stretches and the strays' neighbourhoods are read all at once (a tenth of
    # a set's search after the embedding went to them, one stretch or anchor at a time)
    from alignments import search
    from alignments.search import _connected
    from tests.alignments import one_by_one

    rng = np.random.default_rng(8)
    for trial in range(200):
        n, m = int(rng.integers(1, 90)), int(rng.integers(1, 90))
        pairs = [(int(i), int(j), 0.9) for i, j in zip(rng.integers(0, n, int(rng.integers(0, 40))),
                                                        rng.integers(0, m, 40), strict=False)]
        chain = chain_anchors(pairs)
        if trial % 3 == 0:  # runs of anchors side by side, and steps
            chain = [(i, min(m - 1, i + (5 if i > n // 2 else 0))) for i in range(0, n, 2)
                     if i < m]
        width, cap = int(rng.integers(0, 7)), int(rng.integers(1, 30))
        band = search.guide_band(chain, n, m, width, cap)
        want = _connected(*one_by_one.guide_band(chain, n, m, width, cap))
        assert np.array_equal(band.lo, want.lo) and np.array_equal(band.hi, want.hi), trial
        assert band.lo.dtype == want.lo.dtype
        tolerance = float(rng.choice([0.5, 2.0, 6.0]))
        window = int(rng.integers(1, 6))
        assert (search.drop_strays(chain, n, m, tolerance, window)
                == one_by_one.drop_strays(chain, n, m, tolerance, window)), trial


def test_the_skips_along_the_rows_are_asked_of_the_cost_once_a_block() -> None:
    # the search and the confidence's forward-backward asked the cost of the 0-1 beads of
    # each row on its own (a tenth of the rows' time): now once for a block of rows, the
    # same costs and the same path
    from alignments.search import BLOCK_ROWS, Lattice, posteriors, search

    rng = np.random.default_rng(6)
    n, m = 300, 280
    sim = rng.random((n + 1, m + 1))
    skip_cost = rng.random((n + 1, m + 1)) + 0.2
    asked: list[tuple[int, int]] = []

    def spans(a: int, b: int, i: np.ndarray, j0: np.ndarray, j1: np.ndarray) -> np.ndarray:
        asked.append((a, b))
        parts = [(skip_cost[r, x:y + 1] if (a, b) == (0, 1) else
                  np.full(y - x + 1, 0.45) if b == 0 else (a + b) * (0.7 - sim[r, x:y + 1]))
                 for r, x, y in zip(i.tolist(), j0.tolist(), j1.tolist(), strict=True)]
        return np.concatenate(parts) if parts else np.zeros(0)

    shapes = bead_shapes(3, 4)
    band = guide_band([(k, k * m // n) for k in range(0, n, 25)], n, m, width=4)
    lattice = Lattice(band, shapes, spans)
    rows = [lattice.skips(row) for row in range(n + 1)]
    assert all(np.array_equal(a, b) for a, b in zip(rows, lattice.skips_of(0, n + 1),
                                                    strict=True))
    for extend in (None, 0.3):
        asked.clear()
        path = search(band, shapes, lattice=lattice, extend=extend)
        blocks = -(-(n + 1) // BLOCK_ROWS)
        assert asked.count((0, 1)) == blocks
        assert path == search(band, shapes, cost=lambda i, a, b, j: spans(
            a, b, np.array([i]), j[:1], j[-1:]), extend=extend)
    asked.clear()
    chosen = posteriors(lattice, path, [1.0] * len(path), 0.1)
    assert asked.count((0, 1)) == 1 and ((chosen >= 0) & (chosen <= 1)).all()


def test_the_blas_thread_pools_are_looked_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # each limit to one BLAS thread looked through every library loaded in the process
    # again (half a millisecond; a set's stretches around its unsure rows are aligned a
    # hundred times): the pools are looked up once, and still limited each time
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from alignments import embed

    made: list[object] = []
    real = threadpoolctl.ThreadpoolController

    class Counted(real):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            made.append(self)
            super().__init__()

    monkeypatch.setattr(threadpoolctl, "ThreadpoolController", Counted)
    embed._blas_controller.cache_clear()
    threads = embed._openblas_threads()[1]
    for _ in range(3):
        with embed.blas_threads(1):
            if threads is not None:
                assert threads() == 1
    embed._blas_controller.cache_clear()  # the next test's controller is the real one
    assert len(made) == 1


def test_a_sentence_s_letters_are_counted_once_for_every_version(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a set's pivot is aligned to every other version: its sentences' letters are counted
    # the first time only, as its anchors are read
    import alignments.align as align

    counted: list[str] = []
    unspaced = align._UNSPACED

    class Spy:
        def findall(self, text: str) -> list[str]:
            counted.append(text)
            return unspaced.findall(text)

    monkeypatch.setattr(align, "_UNSPACED", Spy())
    align.letters.cache_clear()
    rng = np.random.default_rng(3)

    def embedded(n: int) -> Embedded:
        runs = rng.normal(size=(6, n + 1, 16)).astype(np.float32)
        return Embedded(runs / np.linalg.norm(runs, axis=2, keepdims=True), Clauses.empty())

    for other in (EN, EN[::-1], EN[:4]):
        align.align_pair(RU, other, "ru", "en", embedded=(embedded(len(RU)),
                                                          embedded(len(other))))
    assert sorted(counted) == sorted(RU + EN)
    assert align.letters("会谈 ok") == 2 + 2 * align.UNSPACED_LETTERS
    align.letters.cache_clear()


def test_spans_are_told_apart_by_one_number_each() -> None:
    # the features' spans are told apart by one number each, not by sorting rows of four
    from alignments.align import _span_keys

    rng = np.random.default_rng(12)
    for low, high in ((-3, 30), (0, 5), (-3, 2**40)):
        spans = rng.integers(low, high, size=(500, 4))
        spans = np.concatenate((spans, spans[rng.integers(0, 500, 200)]))
        keys = _span_keys(spans)
        same = keys[:, None] == keys[None, :]
        assert np.array_equal(same, (spans[:, None, :] == spans[None, :, :]).all(axis=2))
    assert len(_span_keys(np.zeros((0, 4), dtype=np.int64))) == 0


def test_spans_are_measured_a_few_thousand_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # a long document's spans were gathered all at once to be measured (hundreds of MB for
    # 20,000 x 20,000): a few thousand at a time, the same similarities and costs
    import alignments.align as align
    from alignments.align import DEFAULT_PARAMS, _BeadCost

    rng = np.random.default_rng(9)

    def side(n: int) -> _Side:
        runs = rng.normal(size=(DEFAULT_PARAMS.max_side + 1, n + 1, 16)).astype(np.float32)
        runs /= np.linalg.norm(runs, axis=2, keepdims=True)
        return _Side.of(["Der Vertrag 1999."] * n, Embedded(runs, Clauses.empty()), "de",
                        frozenset(), 0, DEFAULT_PARAMS)

    cost = _BeadCost(side(60), side(70), DEFAULT_PARAMS)
    ends = rng.integers(0, 60, 3000)
    spans = np.stack((ends - rng.integers(0, 4, 3000), ends, ends, ends + rng.integers(0, 4, 3000)),
                     axis=1)
    whole = cost.measure_many(spans)
    monkeypatch.setattr(align, "MEASURE_CHUNK", 7)
    chunked = cost.measure_many(spans)
    assert all(np.array_equal(a, b) for a, b in zip(whole, chunked, strict=True))
    assert np.isfinite(whole[1]).any() and (whole[0] > -1).any()
