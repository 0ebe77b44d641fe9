"""The search behind :func:`alignments.align.align_pair`, free of any cost model.

Following Vecalign's layout: the bead shapes as data; a first pass of confident 1-1
anchors (mutual best matches, the longest monotonic chain of them); a band of DP states
around that chain; then fill and traceback over the band, with the bead cost passed in as
a function. Time and memory are linear in the documents' lengths.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from alignments.beads import AlignmentError

__all__ = ["Band", "Lattice", "RowCost", "Shape", "SkipRuns", "SpanCost", "bead_shapes",
           "chain_anchors", "drop_strays", "fill", "guide_band", "mutual_best_pairs",
           "posteriors", "search", "traceback", "widen_band"]

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
        k = bisect_left(tail_j, j)  # (np.searchsorted made an array of the list each time)
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


def drop_strays(chain: Sequence[tuple[int, int]], n: int, m: int, tolerance: float,
                window: int = 4) -> list[tuple[int, int]]:
    """The chain without its strays: anchors off the course their neighbours keep.

    A short line ("Crossing.") may match a sentence far off and still fit a monotonic
    chain where the anchors around it are sparse; the band drawn through it then shuts the
    true path out. An anchor's course is its offset from the documents' diagonal, j - i *
    m / n; it is a stray when that is more than ``tolerance`` sentences from the median
    course of the ``window`` anchors each side of it. A step (a passage one side left out)
    moves the median only once most neighbours are past it, so the anchors around a real
    step stay; dropping an anchor only widens the band.
    """
    if len(chain) < 3 or n == 0:
        return list(chain)
    course = np.array([j - i * m / n for i, j in chain])
    # each anchor's neighbours side by side, those past the chain's ends as NaN (sorted last)
    padded = np.concatenate((np.full(window, np.nan), course, np.full(window, np.nan)))
    at = np.arange(len(chain))[:, None] + np.concatenate(
        (np.arange(window), np.arange(window + 1, 2 * window + 1)))[None, :]
    around = np.sort(padded[at], axis=1)
    count = window * 2 - np.isnan(around).sum(axis=1)
    rows = np.arange(len(chain))
    upper = around[rows, count // 2]
    lower = around[rows, np.maximum(count - 1, 0) // 2]
    median = np.where(count % 2 == 1, upper, (lower + upper) / 2.0)  # as np.median takes it
    keep = np.abs(course - median) <= tolerance
    return [anchor for anchor, ok in zip(chain, keep.tolist(), strict=True) if ok]


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
    anchors = np.array(chain, dtype=np.int64).reshape(-1, 2)
    points = np.concatenate(([(0, 0)], np.stack((anchors, anchors + 1), axis=1).reshape(-1, 2),
                             [(n, m)]))
    # every stretch between two points at once: its rows laid end to end
    ia, ja = points[:-1, 0], points[:-1, 1]
    ib, jb = points[1:, 0], points[1:, 1]
    counts = ib - ia + 1
    stretch = np.repeat(np.arange(len(ia)), counts)
    rows = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts - ia, counts)
    ia, ja, ib, jb = ia[stretch], ja[stretch], ib[stretch], jb[stretch]
    centre = ja + (rows - ia) * (jb - ja) / np.maximum(1, ib - ia)
    spread = width + np.minimum(gap_cap, np.maximum(ib - ia, jb - ja))
    lo = np.full(n + 1, float(m))
    hi = np.zeros(n + 1)
    np.minimum.at(lo, rows, np.maximum(ja - width, np.floor(centre) - spread))
    np.maximum.at(hi, rows, np.minimum(jb + width, np.ceil(centre) + spread))
    lo = np.clip(lo.astype(np.int64), 0, m)
    hi = np.clip(hi.astype(np.int64), 0, m)
    lo[0], hi[n] = 0, m
    return _connected(lo, hi)


def _connected(lo: np.ndarray, hi: np.ndarray) -> Band:
    """The band of rows ``lo[i] .. hi[i]``, made monotonic and connected."""
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    hi[:-1] = np.maximum(hi[:-1], lo[1:])  # every row reaches into the next one
    return Band(lo, hi)


def widen_band(band: Band, path: Sequence[tuple[int, int, int, int]], width: int
               ) -> tuple[Band, int]:
    """The band widened by ``width`` around each place where ``path`` runs along its edge
    (not the documents' own): the band, not the costs, may have chosen the path there.
    Also how many such places there are (0: the band as it was)."""
    lo, hi = band.lo.copy(), band.hi.copy()
    n, m = len(lo) - 1, int(band.hi[-1])
    touched = 0
    for i0, _, j0, _ in path:
        if (j0 == band.lo[i0] and j0 > 0) or (j0 == band.hi[i0] and j0 < m):
            touched += 1
            rows = slice(max(0, i0 - width), min(n, i0 + width) + 1)
            lo[rows] = np.minimum(lo[rows], max(0, j0 - width))
            hi[rows] = np.maximum(hi[rows], min(m, j0 + width))
    return (_connected(lo, hi), touched) if touched else (band, 0)


# cost(i, a, b, j): the costs, an array (len(j),), of a-b beads ending at states (i, j)
RowCost = Callable[[int, int, int, np.ndarray], np.ndarray]
# cost(a, b, i, j0, j1): the costs of a-b beads ending at states (i[r], j0[r] .. j1[r]) for
# every r, laid end to end (an array (sum(j1 - j0 + 1),)): many rows in one call
SpanCost = Callable[[int, int, np.ndarray, np.ndarray, np.ndarray], np.ndarray]

BLOCK_ROWS = 128  # DP rows whose bead costs are computed together
KEEP_CELLS = 2_000_000  # a lattice keeps its blocks' costs up to this many (state, shape)


def search(band: Band, shapes: Sequence[Shape], cost: RowCost | None = None,
           spans: SpanCost | None = None, lattice: Lattice | None = None,
           extend: float | None = None) -> list[tuple[int, int, int, int]]:
    """The cheapest monotonic path through the band, as beads (i0, i1, j0, j1).

    ``extend``: what each skip after the first of a run of skips on one side costs (a
    passage left out of one version is one omission, not many); None: every skip costs
    its own 1-0 / 0-1 cost."""
    runs = SkipRuns() if extend is not None else None
    _, back = fill(band, shapes, cost, spans, lattice, extend, runs)
    return traceback(band, shapes, back, runs)


@dataclass
class SkipRuns:
    """How :func:`fill` reached states through runs of skips, when a run's later skips
    cost less (``extend``): by row, ``since`` (the state of the row the run of 0-1 skips
    into each state started from, -1 for none) and ``longer`` (whether the run of 1-0
    skips into each state extends the run into the state above it)."""

    since: dict[int, np.ndarray] = field(default_factory=dict)
    longer: dict[int, np.ndarray] = field(default_factory=dict)


def _spans_of(cost: RowCost) -> SpanCost:
    """A :data:`SpanCost` that asks a :data:`RowCost` row by row."""

    def spans(a: int, b: int, i: np.ndarray, j0: np.ndarray, j1: np.ndarray) -> np.ndarray:
        parts = [np.asarray(cost(int(r), a, b, np.arange(x, y + 1)), dtype=float)
                 for r, x, y in zip(i.tolist(), j0.tolist(), j1.tolist(), strict=True)]
        return np.concatenate(parts) if parts else np.zeros(0)

    return spans


class Lattice:
    """The band's states laid out flat (row i at ``offsets[i] .. offsets[i + 1] - 1``) and,
    block by block, where each state is reached from by each moving shape and at what cost.

    The search and :func:`posteriors` read the same blocks; while they fit in KEEP_CELLS,
    each is computed once and kept.
    """

    def __init__(self, band: Band, shapes: Sequence[Shape], spans: SpanCost) -> None:
        self.band, self.shapes, self.spans = band, tuple(shapes), spans
        self.lo, self.hi = band.lo.astype(np.int64), band.hi.astype(np.int64)
        self.offsets = np.zeros(len(self.lo) + 1, dtype=np.int64)
        np.cumsum(self.hi - self.lo + 1, out=self.offsets[1:])
        self.moving = [(k, a, b) for k, (a, b) in enumerate(shapes) if a > 0]
        self._kept: dict[int, tuple[np.ndarray, np.ndarray]] | None = (
            {} if int(self.offsets[-1]) * len(self.moving) <= KEEP_CELLS else None)

    @property
    def keeps(self) -> bool:
        """Whether the blocks are kept once computed (the lattice is small enough)."""
        return self._kept is not None

    def block(self, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        """For rows r0 .. r1 - 1: per moving shape, the flat index of the state each cell is
        reached from and the bead's cost (inf where the shape cannot reach the cell),
        two arrays (shapes, cells of the block)."""
        if self._kept is not None and r0 in self._kept:
            return self._kept[r0]
        where, costs = self._block(r0, r1)
        if self._kept is not None:
            self._kept[r0] = where, costs
        return where, costs

    def _block(self, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi, offsets = self.lo, self.hi, self.offsets
        base = int(offsets[r0])
        cells = int(offsets[r1]) - base
        where = np.zeros((len(self.moving), cells), dtype=np.int64)
        costs = np.full((len(self.moving), cells), np.inf)
        row_ids = np.arange(r0, r1)
        for s, (_, a, b) in enumerate(self.moving):
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
            costs[s, at] = self.spans(a, b, i, j0, j1)
        return where, costs

    def skips(self, row: int) -> np.ndarray:
        """The costs of the 0-1 beads along ``row``, into its states lo + 1 .. hi."""
        lo, hi = int(self.lo[row]), int(self.hi[row])
        if hi <= lo:
            return np.zeros(0)
        return np.asarray(self.spans(0, 1, np.array([row]), np.array([lo + 1]),
                                     np.array([hi])), dtype=float)

    def skips_of(self, r0: int, r1: int) -> list[np.ndarray]:
        """:meth:`skips` of rows r0 .. r1 - 1, the costs asked for all of them at once."""
        lo, hi = self.lo[r0:r1], self.hi[r0:r1]
        out = [np.zeros(0)] * (r1 - r0)
        wide = np.flatnonzero(hi > lo)
        if len(wide):
            costs = np.asarray(self.spans(0, 1, r0 + wide, lo[wide] + 1, hi[wide]), dtype=float)
            parts = np.split(costs, np.cumsum(hi[wide] - lo[wide])[:-1])
            for k, part in zip(wide.tolist(), parts, strict=True):
                out[k] = part
        return out

    def indices(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """:meth:`index` of the states (i[k], j[k]): an array, -1 outside the band."""
        row = np.clip(i, 0, len(self.lo) - 1)
        inside = (i >= 0) & (i < len(self.lo)) & (self.lo[row] <= j) & (j <= self.hi[row])
        return np.where(inside, self.offsets[row] + j - self.lo[row], -1)

    def index(self, i: int, j: int) -> int:
        """The flat index of state (i, j), or -1 outside the band."""
        if not 0 <= i < len(self.lo) or not self.lo[i] <= j <= self.hi[i]:
            return -1
        return int(self.offsets[i] + j - self.lo[i])


def posteriors(lattice: Lattice, beads: Sequence[tuple[int, int, int, int]],
               bead_costs: Sequence[float], temperature: float) -> np.ndarray:
    """The probability of each of ``beads`` (i0, i1, j0, j1) being on the path, when every
    path through the band is weighted by exp(-cost / temperature): forward-backward over
    the same states and costs as :func:`fill`, a sum where the search takes a minimum.

    ``bead_costs`` are the beads' own costs (inf: a shape the search cannot take). A bead
    between states outside the band has probability 0. A bead the search chose among
    rivals nearly as cheap gets a low probability, whatever its similarity.
    """
    grid = lattice
    lo, offsets = grid.lo, grid.offsets
    rows = len(lo)
    cells = int(offsets[-1])
    t = float(temperature)
    forward = np.full(cells, -np.inf)
    backward = np.full(cells + 1, -np.inf)  # and a sink, never reached
    shapes = len(grid.moving)
    skips = [costs / t for costs in grid.skips_of(0, rows)]
    # 0-1 beads along each row: their running sums, read by both passes
    steps = [np.concatenate(([0.0], np.cumsum(row))) for row in skips]
    blocks = [(r0, min(rows, r0 + BLOCK_ROWS)) for r0 in range(0, rows, BLOCK_ROWS)]
    reach = max((a for _, a, _ in grid.moving), default=0)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        for r0, r1 in blocks:
            base = int(offsets[r0])
            where, costs = grid.block(r0, r1)
            weights = -costs / t
            for row in range(r0, r1):
                here = slice(int(offsets[row]) - base, int(offsets[row + 1]) - base)
                score = (np.logaddexp.reduce(forward[where[:, here]] + weights[:, here], axis=0)
                         if shapes else np.full(here.stop - here.start, -np.inf))
                if row == 0 and lo[0] == 0:
                    score[0] = 0.0
                if len(score) > 1:  # 0-1 beads along the row: a running log-sum
                    score = np.logaddexp.accumulate(score + steps[row]) - steps[row]
                forward[offsets[row]:offsets[row + 1]] = score
        if cells:
            backward[cells - 1] = 0.0
        fetched: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for k in range(len(blocks) - 1, -1, -1):
            r0, r1 = blocks[k]
            fetched = {q: fetched[q] for q in fetched if q < r1 + reach}
            base, top = int(offsets[r0]), int(offsets[r1])
            # from each state of the block: the state each shape leads to (in a block
            # starting less than the tallest shape below this one's end) and its weight
            ahead = np.full((shapes, top - base), cells, dtype=np.int64)
            ahead_weight = np.full((shapes, top - base), -np.inf)
            for q in [b for b in blocks[k:] if b[0] < r1 + reach]:
                if q[0] not in fetched:  # the block below was fetched for the one before
                    fetched[q[0]] = grid.block(*q)
                where, costs = fetched[q[0]]
                first = int(offsets[q[0]])
                # every shape at once (a state and a shape lead to one state only)
                shape, cell = np.nonzero(np.isfinite(costs) & (where >= base) & (where < top))
                ahead[shape, where[shape, cell] - base] = cell + first
                ahead_weight[shape, where[shape, cell] - base] = -costs[shape, cell] / t
            for row in range(r1 - 1, r0 - 1, -1):
                cut = slice(int(offsets[row]), int(offsets[row + 1]))
                here = slice(cut.start - base, cut.stop - base)
                score = backward[cut]
                if shapes:
                    score = np.logaddexp(score, np.logaddexp.reduce(
                        backward[ahead[:, here]] + ahead_weight[:, here], axis=0))
                if len(score) > 1:
                    score = (np.logaddexp.accumulate((score - steps[row])[::-1])[::-1]
                             + steps[row])
                backward[cut] = score
    total = forward[cells - 1] if cells else -np.inf
    out = np.zeros(len(beads))
    if not len(beads) or not np.isfinite(total):
        return out
    ends = np.array(beads, dtype=np.int64).reshape(-1, 4)
    own = np.asarray(bead_costs, dtype=float)
    start, end = grid.indices(ends[:, 0], ends[:, 2]), grid.indices(ends[:, 1], ends[:, 3])
    ok = (start >= 0) & (end >= 0) & np.isfinite(own)
    out[ok] = np.exp(np.minimum(0.0, forward[start[ok]] - own[ok] / t + backward[end[ok]]
                                - total))
    return out


def fill(band: Band, shapes: Sequence[Shape], cost: RowCost | None = None,
         spans: SpanCost | None = None, lattice: Lattice | None = None,
         extend: float | None = None, runs: SkipRuns | None = None
         ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The DP tables, row by row: best path cost to each state, and the shape taken into it.

    Row i of each table is an array (hi[i] - lo[i] + 1,); -1 marks the start state. The
    bead costs come from ``spans`` (:data:`SpanCost`, BLOCK_ROWS rows at a time) or else
    from ``cost(i, a, b, j)``, the costs (len(j),) of a-b beads ending at states (i, j).
    Between shapes equally cheap, the first in ``shapes`` wins.

    ``extend``: the cost of a skip that continues a run of skips on its side, in place of
    its own (Gotoh's affine gaps: a run of k skips costs the first one's cost plus
    (k - 1) * extend); ``runs`` receives how each state was reached, for
    :func:`traceback`. None: every skip costs its own.
    """
    if lattice is None:
        if spans is None:
            if cost is None:
                raise TypeError("fill needs a cost")
            spans = _spans_of(cost)
        lattice = Lattice(band, shapes, spans)
    grid = lattice
    lo, hi, offsets = grid.lo, grid.hi, grid.offsets
    rows = len(lo)
    # both tables flat, row i at offsets[i] .. offsets[i + 1] - 1
    total = np.full(int(offsets[-1]), np.inf)
    back = np.full(int(offsets[-1]), -1, dtype=np.int8)
    kinds = np.array([k for k, _, _ in grid.moving], dtype=np.int8)
    skip_right = shapes.index((0, 1))
    moving = grid.moving
    skip_down = next((s for s, (_, a, b) in enumerate(moving) if (a, b) == (1, 0)), None)
    affine = extend is not None and skip_down is not None
    further = float(extend) if extend is not None else 0.0
    record = runs if runs is not None else SkipRuns()
    down = np.full(0, np.inf)  # the best run of 1-0 skips into each state of the row above
    if rows and lo[0] == 0:
        total[0] = 0.0
    for r0 in range(0, rows, BLOCK_ROWS):
        r1 = min(rows, r0 + BLOCK_ROWS)
        base = int(offsets[r0])
        where, costs = grid.block(r0, r1)
        openings = grid.skips_of(r0, r1)
        for row in range(r0, r1):
            here = slice(int(offsets[row]) - base, int(offsets[row + 1]) - base)
            width = here.stop - here.start
            if not moving:
                best = np.full(width, np.inf)
                came = np.full(width, -1, dtype=np.int8)
            else:
                cand = total[where[:, here]] + costs[:, here]
                if affine:
                    # a run of 1-0 skips: opened from the state above, or the run into
                    # that state made one longer
                    above = np.full(width, np.inf)
                    j0, j1 = (max(lo[row], lo[row - 1]), min(hi[row], hi[row - 1])) if row \
                        else (1, 0)
                    if j1 >= j0:
                        above[j0 - lo[row]:j1 - lo[row] + 1] = (
                            down[j0 - lo[row - 1]:j1 - lo[row - 1] + 1] + further)
                    longer = above < cand[skip_down]
                    cand[skip_down] = np.where(longer, above, cand[skip_down])
                    down = cand[skip_down].copy()
                    record.longer[row] = longer
                pick = np.argmin(cand, axis=0)  # the first of equals, as shapes order them
                best = cand[pick, np.arange(width)]
                came = np.where(best < np.inf, kinds[pick], np.int8(-1))
            if row == 0 and lo[0] == 0:
                best[0], came[0] = 0.0, -1
            if width > 1:
                opening = openings[row - r0]
                if affine:
                    best, came, record.since[row] = _skip_runs_along(
                        best, came, opening, further, np.int8(skip_right))
                else:
                    # 0-1 beads move along the row: best[j] = min(best[j], best[j-1] +
                    # c01[j]), solved as a running minimum of best - cumsum(c01)
                    steps = np.concatenate(([0.0], np.cumsum(opening)))
                    shifted = best - steps
                    running = np.minimum.accumulate(shifted)
                    moved = np.concatenate(([False], shifted[1:] > running[:-1]))
                    best = np.where(moved, running + steps, best)
                    came = np.where(moved, np.int8(skip_right), came)
            total[offsets[row]:offsets[row + 1]] = best
            back[offsets[row]:offsets[row + 1]] = came
    return ([total[offsets[i]:offsets[i + 1]] for i in range(rows)],
            [back[offsets[i]:offsets[i + 1]] for i in range(rows)])


def _skip_runs_along(best: np.ndarray, came: np.ndarray, opening: np.ndarray,
                     extend: float, skip: np.int8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of 0-1 skips along a row whose first skip costs ``opening`` (into states
    1 .. w - 1 of the row) and each later one ``extend``: the row's best costs and shapes,
    and for each state the state its run started from (-1: not reached by a run).

    A run from state q to state j costs opening[q] + extend * (j - q - 1), so the best run
    into j is a running minimum of best[q] + opening[q] - extend * q over q < j."""
    width = len(best)
    q = np.arange(width - 1)
    start = best[:-1] + opening - extend * q
    running = np.minimum.accumulate(start)
    # the state that set the running minimum (the latest of equals)
    origin = np.maximum.accumulate(np.where(start <= running, q, 0))
    run = running + extend * q  # the best run into states 1 .. w - 1
    moved = np.concatenate(([False], run < best[1:]))
    since = np.where(moved, np.concatenate(([0], origin)), -1)
    best = np.where(moved, np.concatenate(([np.inf], run)), best)
    came = np.where(moved, skip, came).astype(np.int8)
    return best, came, since


def traceback(band: Band, shapes: Sequence[Shape], back: Sequence[np.ndarray],
              runs: SkipRuns | None = None) -> list[tuple[int, int, int, int]]:
    """The beads (i0, i1, j0, j1) of the best path, in document order; ``runs``: how
    :func:`fill` reached states through runs of skips, when later skips cost less."""
    i, j = len(band.lo) - 1, int(band.hi[-1])
    path = []
    in_run = False  # inside a run of 1-0 skips, which goes on up the column
    while i > 0 or j > 0:
        if in_run:
            assert runs is not None
            path.append((i - 1, i, j, j))
            in_run = bool(runs.longer[i][j - band.lo[i]])
            i -= 1
            continue
        k = int(back[i][j - band.lo[i]])
        if k < 0:
            raise AlignmentError("no-path")
        a, b = shapes[k]
        if runs is not None and (a, b) == (0, 1):
            since = int(band.lo[i]) + int(runs.since[i][j - band.lo[i]])
            path += [(i, i, t - 1, t) for t in range(j, since, -1)]
            j = since
            continue
        if runs is not None and (a, b) == (1, 0):
            in_run = bool(runs.longer[i][j - band.lo[i]])
        path.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    return path[::-1]
