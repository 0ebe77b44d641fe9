"""The search behind :func:`alignments.align.align_pair`, free of any cost model.

Following Vecalign's layout: the bead shapes as data; a first pass of confident 1-1
anchors (mutual best matches, the longest monotonic chain of them); a band of DP states
around that chain; then fill and traceback over the band, with the bead cost passed in as
a function. Time and memory are linear in the documents' lengths.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from alignments.beads import AlignmentError

__all__ = ["Band", "RowCost", "Shape", "SpanCost", "bead_shapes", "chain_anchors", "fill",
           "guide_band", "mutual_best_pairs", "search", "traceback"]

MARGIN_REACH = 10  # first pass: sentences each side of a best match that compete with it
TIE_BREAK = 1e-6  # first pass: similarity given up per sentence away from the diagonal

Shape = tuple[int, int]


def bead_shapes(max_side: int, max_total: int) -> tuple[Shape, ...]:
    """The bead shapes (a, b) the DP may use: 0-1, 1-0, and every a-b with 1 <= a, b <=
    max_side and a + b <= max_total, 1-1 first."""
    shapes: list[Shape] = [(1, 1), (1, 0), (0, 1)]
    for total in range(3, max_total + 1):
        shapes += [(a, total - a) for a in range(1, total)
                   if a <= max_side and total - a <= max_side]
    return tuple(shapes)


def mutual_best_pairs(src: np.ndarray, tgt: np.ndarray, band: int, min_similarity: float,
                      margin: float, block: int = 256, reach: int = MARGIN_REACH
                      ) -> list[tuple[int, int, float]]:
    """Sentence pairs (i, j, similarity) that are each other's best match, clearly so.

    ``src`` (n, d) and ``tgt`` (m, d) are unit vectors. Only a band of ``band`` sentences
    each side of the length-proportional diagonal is compared, so time and memory grow
    with n + m. "Clearly" is judged among neighbours: the best must beat every other
    candidate within ``reach`` sentences of it by ``margin``, on both sides. A copy of the
    sentence further away (a repeated formula, a passage quoted twice) does not veto the
    pair; the monotonic chain of :func:`chain_anchors` decides between copies.
    """
    row_best, row_sim, row_near = _best_in_band(src, tgt, band, block, reach)
    col_best, col_sim, col_near = _best_in_band(tgt, src, band, block, reach)
    pairs = []
    for i, j in enumerate(row_best):
        if j < 0 or col_best[j] != i or row_sim[i] < min_similarity:
            continue
        if min(row_sim[i] - row_near[i], col_sim[j] - col_near[j]) < margin:
            continue
        pairs.append((i, int(j), float(row_sim[i])))
    return pairs


def _best_in_band(a: np.ndarray, b: np.ndarray, band: int, block: int, reach: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row of ``a``: its best match in ``b`` within the band, that similarity, and
    the best similarity of the other candidates within ``reach`` of the match."""
    n, m = len(a), len(b)
    best = np.full(n, -1)
    best_sim = np.full(n, -2.0)
    near_sim = np.full(n, -2.0)
    if not m:
        return best, best_sim, near_sim
    for r0 in range(0, n, block):
        r1 = min(n, r0 + block)
        c0 = max(0, r0 * m // n - band)
        c1 = min(m, -(-r1 * m // n) + band)
        sims = a[r0:r1] @ b[c0:c1].T  # (r1 - r0, c1 - c0)
        rows = np.arange(r1 - r0)
        # a tie (the same sentence twice) goes to the candidate nearer the diagonal
        diagonal = (r0 + rows) * (m / n)
        distance = np.abs(np.arange(c0, c1)[None, :] - diagonal[:, None])
        top = np.argmax(sims - TIE_BREAK * distance, axis=1)
        best[r0:r1] = c0 + top
        best_sim[r0:r1] = sims[rows, top]
        # the other candidates within reach of the best: a window of 2 * reach + 1 columns
        # around it (the best itself and columns past the ends left out)
        around = top[:, None] + np.arange(-reach, reach + 1)[None, :]
        inside = (around >= 0) & (around < c1 - c0)
        inside[:, reach] = False
        picked = sims[rows[:, None], np.clip(around, 0, c1 - c0 - 1)]
        near_sim[r0:r1] = np.where(inside, picked, -2.0).max(axis=1)
    return best, best_sim, near_sim


def chain_anchors(pairs: Sequence[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """The longest chain of pairs increasing in both i and j (patience sorting, O(p log p))."""
    ordered = sorted(pairs)
    tails: list[int] = []  # tails[k]: index in `ordered` ending the best chain of length k+1
    tail_j: list[int] = []
    previous = [-1] * len(ordered)
    for idx, (_, j, _) in enumerate(ordered):
        k = int(np.searchsorted(tail_j, j, side="left"))
        previous[idx] = tails[k - 1] if k else -1
        if k == len(tails):
            tails.append(idx)
            tail_j.append(j)
        else:
            tails[k], tail_j[k] = idx, j
    chain = []
    idx = tails[-1] if tails else -1
    while idx >= 0:
        chain.append(ordered[idx][:2])
        idx = previous[idx]
    return chain[::-1]


@dataclass(frozen=True, slots=True)
class Band:
    """The DP states searched: row i (0..n) holds states (i, lo[i] .. hi[i]) inclusive."""

    lo: np.ndarray  # (n + 1,) int, non-decreasing
    hi: np.ndarray  # (n + 1,) int, non-decreasing

    @property
    def cells(self) -> int:
        return int((self.hi - self.lo + 1).sum())


def guide_band(chain: Sequence[tuple[int, int]], n: int, m: int, width: int,
               gap_cap: int = 200) -> Band:
    """The band of states within ``width`` of the anchor chain, from (0, 0) to (n, m).

    Between two consecutive anchors the band covers their whole rectangle (widened by
    ``width``) when it is small, and a diagonal strip of ``gap_cap`` each side otherwise, so
    the number of states stays linear in n + m.
    """
    points = [(0, 0)]
    for i, j in chain:
        points += [(i, j), (i + 1, j + 1)]
    points.append((n, m))
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for (ia, ja), (ib, jb) in zip(points, points[1:], strict=False):
        rows = np.arange(ia, ib + 1)
        centre = ja + (rows - ia) * (jb - ja) / max(1, ib - ia)
        spread = width + min(gap_cap, max(ib - ia, jb - ja))
        lo[rows] = np.minimum(lo[rows], np.maximum(ja - width, np.floor(centre) - spread))
        hi[rows] = np.maximum(hi[rows], np.minimum(jb + width, np.ceil(centre) + spread))
    lo = np.clip(lo, 0, m)
    hi = np.clip(hi, 0, m)
    lo[0], hi[n] = 0, m
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    hi[:-1] = np.maximum(hi[:-1], lo[1:])  # every row reaches into the next one
    return Band(lo, hi)


# cost(i, a, b, j): the costs, an array (len(j),), of a-b beads ending at states (i, j)
RowCost = Callable[[int, int, int, np.ndarray], np.ndarray]
# cost(a, b, i, j0, j1): the costs of a-b beads ending at states (i[r], j0[r] .. j1[r]) for
# every r, laid end to end (an array (sum(j1 - j0 + 1),)): many rows in one call
SpanCost = Callable[[int, int, np.ndarray, np.ndarray, np.ndarray], np.ndarray]

BLOCK_ROWS = 128  # DP rows whose bead costs are computed together


def search(band: Band, shapes: Sequence[Shape], cost: RowCost | None = None,
           spans: SpanCost | None = None) -> list[tuple[int, int, int, int]]:
    """The cheapest monotonic path through the band, as beads (i0, i1, j0, j1)."""
    _, back = fill(band, shapes, cost, spans)
    return traceback(band, shapes, back)


def _spans_of(cost: RowCost) -> SpanCost:
    """A :data:`SpanCost` that asks a :data:`RowCost` row by row."""

    def spans(a: int, b: int, i: np.ndarray, j0: np.ndarray, j1: np.ndarray) -> np.ndarray:
        parts = [np.asarray(cost(int(r), a, b, np.arange(x, y + 1)), dtype=float)
                 for r, x, y in zip(i.tolist(), j0.tolist(), j1.tolist(), strict=True)]
        return np.concatenate(parts) if parts else np.zeros(0)

    return spans


def fill(band: Band, shapes: Sequence[Shape], cost: RowCost | None = None,
         spans: SpanCost | None = None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The DP tables, row by row: best path cost to each state, and the shape taken into it.

    Row i of each table is an array (hi[i] - lo[i] + 1,); -1 marks the start state. The
    bead costs come from ``spans`` (:data:`SpanCost`, BLOCK_ROWS rows at a time) or else
    from ``cost(i, a, b, j)``, the costs (len(j),) of a-b beads ending at states (i, j).
    Between shapes equally cheap, the first in ``shapes`` wins.
    """
    if spans is None:
        if cost is None:
            raise TypeError("fill needs a cost")
        spans = _spans_of(cost)
    lo, hi = band.lo.astype(np.int64), band.hi.astype(np.int64)
    rows = len(lo)
    widths = hi - lo + 1
    offsets = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(widths, out=offsets[1:])
    # both tables flat, row i at offsets[i] .. offsets[i + 1] - 1
    total = np.full(int(offsets[-1]), np.inf)
    back = np.full(int(offsets[-1]), -1, dtype=np.int8)
    moving = [(k, a, b) for k, (a, b) in enumerate(shapes) if a > 0]
    kinds = np.array([k for k, _, _ in moving], dtype=np.int8)
    skip_right = shapes.index((0, 1))
    if rows and lo[0] == 0:
        total[0] = 0.0
    for r0 in range(0, rows, BLOCK_ROWS):
        r1 = min(rows, r0 + BLOCK_ROWS)
        base = int(offsets[r0])
        cells = int(offsets[r1]) - base
        # per shape, the states each row of the block reaches it from, and the costs
        where = np.zeros((len(moving), cells), dtype=np.int64)
        costs = np.full((len(moving), cells), np.inf)
        row_ids = np.arange(r0, r1)
        for s, (_, a, b) in enumerate(moving):
            ok = row_ids >= a
            i = row_ids[ok]
            if not len(i):
                continue
            p = i - a
            j0 = np.maximum(lo[i], lo[p] + b)
            j1 = np.minimum(hi[i], hi[p] + b)
            ok = j1 >= j0
            i, p, j0, j1 = i[ok], p[ok], j0[ok], j1[ok]
            if not len(i):
                continue
            counts = j1 - j0 + 1
            starts = np.repeat(offsets[i] + j0 - lo[i] - base - np.cumsum(counts) + counts,
                               counts)
            at = starts + np.arange(int(counts.sum()))  # the cells, block-relative
            came_from = np.repeat(offsets[p] + j0 - b - lo[p] - np.cumsum(counts) + counts,
                                  counts) + np.arange(int(counts.sum()))
            where[s, at] = came_from
            costs[s, at] = spans(a, b, i, j0, j1)
        for row in range(r0, r1):
            here = slice(int(offsets[row]) - base, int(offsets[row + 1]) - base)
            width = here.stop - here.start
            best = np.full(width, np.inf)
            came = np.full(width, -1, dtype=np.int8)
            if moving:
                cand = total[where[:, here]] + costs[:, here]
                pick = np.argmin(cand, axis=0)  # the first of equals, as shapes order them
                best = cand[pick, np.arange(width)]
                came = np.where(best < np.inf, kinds[pick], came).astype(np.int8)
            if row == 0 and lo[0] == 0:
                best[0], came[0] = 0.0, -1
            # 0-1 beads move along the row: best[j] = min(best[j], best[j-1] + c01[j]),
            # solved as a running minimum of best - cumsum(c01)
            if width > 1:
                j = np.arange(int(lo[row]) + 1, int(hi[row]) + 1)
                steps = np.concatenate(([0.0], np.cumsum(spans(
                    0, 1, np.array([row]), j[:1], j[-1:]))))
                shifted = best - steps
                running = np.minimum.accumulate(shifted)
                moved = np.concatenate(([False], shifted[1:] > running[:-1]))
                best = np.where(moved, running + steps, best)
                came = np.where(moved, np.int8(skip_right), came)
            total[offsets[row]:offsets[row + 1]] = best
            back[offsets[row]:offsets[row + 1]] = came
    return ([total[offsets[i]:offsets[i + 1]] for i in range(rows)],
            [back[offsets[i]:offsets[i + 1]] for i in range(rows)])


def traceback(band: Band, shapes: Sequence[Shape], back: Sequence[np.ndarray]
              ) -> list[tuple[int, int, int, int]]:
    """The beads (i0, i1, j0, j1) of the best path, in document order."""
    i, j = len(band.lo) - 1, int(band.hi[-1])
    path = []
    while i > 0 or j > 0:
        k = int(back[i][j - band.lo[i]])
        if k < 0:
            raise AlignmentError("the alignment search found no path (internal error)")
        a, b = shapes[k]
        path.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    return path[::-1]
