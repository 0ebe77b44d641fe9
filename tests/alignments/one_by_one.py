"""Steps of the aligner as they were first written, one item at a time, before they were
done for every item at once: the tests' measure of what the faster ones must give, to the
last bit. The confidence's features bead by bead (:meth:`alignments.align._BeadCost.features`,
each sentence's clauses looked up for each pair of beads), the band stretch by stretch
(:func:`alignments.search.guide_band`), the strays anchor by anchor
(:func:`alignments.search.drop_strays`), the bead cost from the sides' cumulative counts
(:meth:`alignments.align._BeadCost._cost`) and the anchor chain's tails found by numpy
(:func:`alignments.search.chain_anchors`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from alignments.align import Span, _BeadCost, _clip
from alignments.anchors import mask_mismatch
from alignments.confidence import FEATURES


def alternatives(path: Sequence[Span], k: int) -> list[tuple[tuple[Span, ...], int]]:
    """The local changes to bead ``k``: the beads replacing it, and the neighbour (or -1)."""
    i0, i1, j0, j1 = path[k]
    out: list[tuple[tuple[Span, ...], int]] = []
    for q in (k - 1, k + 1):
        if not 0 <= q < len(path):
            continue
        u0, u1, v0, v1 = path[q]
        out.append((((min(i0, u0), max(i1, u1), min(j0, v0), max(j1, v1)),), q))
        first, second = (path[q], path[k]) if q < k else (path[k], path[q])
        for ds, dt in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            x = (first[0], first[1] + ds, first[2], first[3] + dt)
            y = (second[0] + ds, second[1], second[2] + dt, second[3])
            if min(x[1] - x[0], x[3] - x[2], y[1] - y[0], y[3] - y[2]) < 0:
                continue
            if x[1] - x[0] + x[3] - x[2] == 0 or y[1] - y[0] + y[3] - y[2] == 0:
                continue
            out.append(((x, y), q))
    if i1 - i0 + j1 - j0 > 2:
        for cut_i in range(i0, i1 + 1):
            for cut_j in range(j0, j1 + 1):
                if (cut_i, cut_j) not in ((i0, j0), (i1, j1)):
                    out.append((((i0, cut_i, j0, cut_j), (cut_i, i1, cut_j, j1)), -1))
    return out


def probes(path: Sequence[Span], k: int) -> dict[str, list[Span]]:
    i0, i1, j0, j1 = path[k]
    if i1 == i0 or j1 == j0:
        if i1 > i0:
            return {"near": [(i0, i1, j, j + 1) for j in range(j0 - 2, j0 + 2)]}
        return {"near": [(i, i + 1, j0, j1) for i in range(i0 - 2, i0 + 2)]}
    found = {
        "rivals": [(i0 + d, i1 + d, j0, j1) for d in (-1, 1)]
        + [(i0, i1, j0 + d, j1 + d) for d in (-1, 1)],
        "grown": [(i0 - 1, i1, j0, j1), (i0, i1 + 1, j0, j1), (i0, i1, j0 - 1, j1),
                  (i0, i1, j0, j1 + 1)],
        "shrunk": [(i0 + 1, i1, j0, j1), (i0, i1 - 1, j0, j1), (i0, i1, j0 + 1, j1),
                   (i0, i1, j0, j1 - 1)] if i1 - i0 + j1 - j0 > 2 else [],
        "joined": [],
    }
    for q in (k - 1, k + 1):
        if 0 <= q < len(path) and path[q][1] > path[q][0] and path[q][3] > path[q][2]:
            u0, u1, v0, v1 = path[q]
            found["joined"].append((min(i0, u0), max(i1, u1), min(j0, v0), max(j1, v1)))
    return found


def clause_crossing(cost: _BeadCost, span: Span, other: Span) -> float:
    """:meth:`alignments.align._BeadCost.crossing`, each sentence's clauses looked up
    (:meth:`alignments.embed.Clauses.of`) for each pair of beads."""
    src, tgt = cost.src, cost.tgt
    best = -1.0
    for (i0, i1, j0, j1), (k0, k1, l0, l1) in ((span, other), (other, span)):
        for clauses, own, across in (
                (src.clauses.of(i0, i1), tgt.runs[j1 - j0, j1], tgt.runs[l1 - l0, l1]),
                (tgt.clauses.of(j0, j1), src.runs[i1 - i0, i1], src.runs[k1 - k0, k1])):
            if len(clauses):
                best = max(best, float((clauses @ (across - own)).max()))
    return best


def features(cost: _BeadCost, path: Sequence[Span], chosen: np.ndarray | None = None
             ) -> np.ndarray:
    """The features of each bead of ``path``, one bead after the other."""
    src, tgt = cost.src, cost.tgt
    changes = [alternatives(path, k) for k in range(len(path))]
    looked = [probes(path, k) for k in range(len(path))]
    wanted: list[Span] = list(path)
    for change, found in zip(changes, looked, strict=True):
        wanted += [span for beads, _ in change for span in beads]
        wanted += [span for spans in found.values() for span in spans]
    sim, costs = cost.measure(wanted)
    pair = [i1 > i0 and j1 > j0 for i0, i1, j0, j1 in path]
    typical = cost.typical if cost.typical is not None else float(np.median(
        [sim[s] for s, ok in zip(path, pair, strict=True) if ok] or [0.5]))
    coverage = len(cost.anchors) / max(1, min(src.size, tgt.size))
    uneven = sum((i1 - i0, j1 - j0) != (1, 1) for i0, i1, j0, j1 in path) / max(1, len(path))
    mean_src = src.lengths[-1] / max(src.size, 1)
    mean_tgt = tgt.lengths[-1] / max(tgt.size, 1)
    signed = [float(cost.deviation(src.lengths[i1] - src.lengths[i0],
                                   tgt.lengths[j1] - tgt.lengths[j0])) if ok else 0.0
              for (i0, i1, j0, j1), ok in zip(path, pair, strict=True)]
    out = np.zeros((len(path), len(FEATURES)))
    for k, span in enumerate(path):
        i0, i1, j0, j1 = span
        a, b = i1 - i0, j1 - j0
        f = dict.fromkeys(FEATURES, 0.0)
        f["coverage"], f["uneven"] = coverage, uneven
        f["posterior"] = float(chosen[k]) if chosen is not None else 1.0
        regret = min((sum(costs[x] for x in beads) - costs[span]
                      - (costs[path[q]] if q >= 0 else 0.0))
                     for beads, q in changes[k]) if changes[k] else 1.0
        f["regret"] = float(_clip(regret, -0.5, 1.0))
        f["junk"] = float(src.junk[i1] - src.junk[i0] + tgt.junk[j1] - tgt.junk[j0])
        f["fragments"] = float(src.partial[i0 + 1:i1 + 1].sum()
                               + tgt.partial[j0 + 1:j1 + 1].sum())
        f["fragments_beside"] = float(
            src.partial[i0] + src.partial[min(i1 + 1, src.size + 1)]
            + tgt.partial[j0] + tgt.partial[min(j1 + 1, tgt.size + 1)])
        neighbours = [q for q in (k - 1, k + 1) if 0 <= q < len(path)]
        f["beside_skip"] = float(sum(not pair[q] for q in neighbours))
        paired = [sim[path[q]] - typical for q in neighbours if pair[q]]
        f["neighbour"] = float(_clip(min(paired), -0.5, 0.5)) if paired else 0.0
        crossing = [clause_crossing(cost, span, path[q]) for q in neighbours
                    if a == b == 1 and pair[q]]
        f["crossing"] = float(_clip(max(crossing, default=-0.5), -0.5, 0.5))
        found = looked[k]
        if not pair[k]:
            f["skip"] = 1.0
            near = max(sim[x] for x in found["near"])
            size = ((src.lengths[i1] - src.lengths[i0]) / max(mean_src, 1.0) if a
                    else (tgt.lengths[j1] - tgt.lengths[j0]) / max(mean_tgt, 1.0))
            f["partner"] = float(_clip(near - typical, -1.0, 0.5)) if near > -1 else -1.0
            f["skip_size"] = float(np.log1p(size))
        else:
            s = sim[span]
            f["similarity"], f["relative"] = s, s - typical
            f["merge"], f["extra"] = float(a + b > 2), float(a + b - 2)
            f["anchor"] = float(a == b == 1 and (i0, j0) in cost.anchors)
            f["margin"] = float(_clip(s - max(sim[x] for x in found["rivals"]), -0.5, 0.5))
            f["grow"] = float(_clip(max(sim[x] for x in found["grown"]) - s, -0.5, 0.5))
            if found["shrunk"]:
                f["shrink"] = float(_clip(max(sim[x] for x in found["shrunk"]) - s, -0.5, 0.5))
            joins = [sim[x] - min(s, sim[path[q]]) for x, q in
                     zip(found["joined"], [q for q in neighbours if pair[q]], strict=True)]
            f["join"] = float(_clip(max(joins), -0.5, 0.5)) if joins else -0.5
            f["length"] = float(min(abs(signed[k]), 5.0))
            opposite = [-signed[k] * signed[q] for q in neighbours if pair[q]]
            f["complement"] = float(_clip(max(opposite), -5.0, 5.0)) if opposite else 0.0
            f["numbers"] = float(mask_mismatch(src.anchors["num"][a, i1],
                                               tgt.anchors["num"][b, j1]))
            f["question"] = float(cost.src_asks[a, i1] != cost.tgt_asks[b, j1])
        out[k] = [f[name] for name in FEATURES]
    return out


def guide_band(chain: Sequence[tuple[int, int]], n: int, m: int, width: int,
               gap_cap: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The band's rows (lo, hi) before they are made monotonic and connected."""
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
    return lo, hi


def drop_strays(chain: Sequence[tuple[int, int]], n: int, m: int, tolerance: float,
                window: int = 4) -> list[tuple[int, int]]:
    if len(chain) < 3 or n == 0:
        return list(chain)
    course = np.array([j - i * m / n for i, j in chain])
    keep = []
    for k in range(len(chain)):
        around = np.concatenate((course[max(0, k - window):k], course[k + 1:k + 1 + window]))
        keep.append(abs(course[k] - float(np.median(around))) <= tolerance)
    return [anchor for anchor, ok in zip(chain, keep, strict=True) if ok]


def cost(bead_cost: _BeadCost, a: int, b: int, i: int | np.ndarray, j: np.ndarray,
         sim: np.ndarray) -> np.ndarray:
    """The bead cost read from the sides' cumulative counts, shape by shape."""
    p, src, tgt = bead_cost.params, bead_cost.src, bead_cost.tgt
    out = (a + b) / 2.0 * (p.offset - sim) + p.multi * (a + b - 2)
    if p.gale_church:
        ls, lt = src.lengths[i] - src.lengths[i - a], tgt.lengths[j] - tgt.lengths[j - b]
        mean = (ls + lt / bead_cost.ratio) / 2.0
        delta = (lt / bead_cost.ratio - ls) / np.sqrt(np.maximum(mean, 1.0) * bead_cost.spread)
        out += p.gale_church * np.minimum(delta * delta, 25.0) / 2.0
    if p.numbers:
        out += p.numbers * mask_mismatch(src.anchors["num"][a, i], tgt.anchors["num"][b, j])
    if p.question:
        out += p.question * (bead_cost.src_asks[a, i] != bead_cost.tgt_asks[b, j])
    if p.junk and a + b > 2:
        junk = (src.junk[i] - src.junk[i - a]) * (a > 1) + (
            tgt.junk[j] - tgt.junk[j - b]) * (b > 1)
        out += p.junk * junk
    if p.paragraph_cross or p.paragraph_mismatch:
        crossed = (src.breaks[i] - src.breaks[i - a + 1] > 0) + (
            tgt.breaks[j] - tgt.breaks[j - b + 1] > 0)
        mismatch = src.starts[i - a] != tgt.starts[j - b]
        out += p.paragraph_cross * crossed + p.paragraph_mismatch * mismatch
    return np.asarray(out, dtype=float)


def chain_anchors(pairs: Sequence[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """The longest chain increasing in i and j, each tail found by numpy's searchsorted."""
    ordered = sorted(pairs)
    tails: list[int] = []
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
