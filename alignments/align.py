"""Beads for one language pair: confident 1-1 anchors first, then a banded DP between them.

The method follows Bertalign (Liu & Zhu 2022) and Vecalign (Thompson & Koehn 2019), ideas
only: sentence embeddings of single sentences *and* of runs of neighbouring sentences, so a
2-1 or 1-3 bead is scored as a whole; a first pass that finds mutual-best 1-1 pairs and
keeps the longest monotonic chain of them; a second pass, a DP over all bead shapes in a
band around that chain, so time and memory grow with the document's length, never with
the product of the two lengths. On top of the embeddings the bead cost has a length-ratio
term, skip costs, paragraph breaks and the exact anchors of :mod:`alignments.anchors`.

After the search, two local repairs compare similarities the DP only weighed against
fixed costs: a sentence absorbed into a merged bead that matches nothing is split off as
a skip (``trim``), and a skip that belongs to its neighbour joins it (``attach``). Each
bead's confidence is calibrated: the share of beads of its kind that were right on the
development data. The search itself lives in :mod:`alignments.search`.

Translator-confirmed beads are hard anchors: the document is cut at them and each piece
between two of them is aligned on its own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from alignments.anchors import anchor_features, mask_mismatch, span_masks
from alignments.beads import AlignmentError, Bead
from alignments.embed import Encoder, default_encoder
from alignments.search import bead_shapes, chain_anchors, guide_band, mutual_best_pairs, search

__all__ = ["AlignParams", "align_pair"]


@dataclass(frozen=True, slots=True)
class AlignParams:
    """The knobs of the bead cost and of the search (tuned on Text+Berg dev, checked on the
    demo corpus). Costs are in units of cosine similarity."""

    max_side: int = 5  # sentences on one side of a bead
    max_total: int = 6  # sentences in a bead, both sides together
    offset: float = 0.6  # a bead costs (offset - similarity) per pair of sentences
    skip: float = 0.45  # cost of a 1-0 or 0-1 bead
    multi: float = 0.25  # extra cost per sentence beyond the first on a side
    gale_church: float = 0.06  # weight of Gale & Church's length deviation, squared
    numbers: float = 0.25  # cost when the two sides' numbers disagree (share unmatched)
    question: float = 0.3  # cost when one side asks a question and the other does not
    junk: float = 0.2  # a merge that takes in a sentence with next to no letters
    junk_letters: int = 4  # ... fewer letters than this
    paragraph_cross: float = 0.3  # a bead that spans a paragraph break on one side
    paragraph_mismatch: float = 0.05  # a paragraph starts on one side only
    anchor_min_similarity: float = 0.55  # first pass: floor for a 1-1 anchor
    anchor_margin: float = 0.05  # first pass: best must beat the runner-up by this
    band: int = 6  # second pass: half-width of the band around the anchor chain
    first_pass_band: int = 400  # first pass: half-width of the diagonal band searched
    trim: float | None = 0.05  # after the search: an edge sentence whose removal raises the
    # bead's similarity by more than this is a 1-0 / 0-1 of its own (None: keep beads)
    attach: float | None = 0.03  # after the trim: a 1-0 / 0-1 joins the bead beside it when
    # that raises the bead's similarity by more than this (None: keep skips)


DEFAULT_PARAMS = AlignParams()


def align_pair(
    source: Sequence[str],
    target: Sequence[str],
    source_lang: str,
    target_lang: str,
    *,
    encoder: Encoder | None = None,
    anchors: Sequence[Bead] = (),
    source_paragraph_starts: Collection[int] = (),
    target_paragraph_starts: Collection[int] = (),
    params: AlignParams = DEFAULT_PARAMS,
) -> list[Bead]:
    """The beads aligning ``source`` to ``target``: monotonic, every id exactly once.

    ``anchors`` are beads a translator confirmed; they come back unchanged and the rest is
    aligned around them. Each other bead carries a confidence in [0, 1].
    """
    hard = _check_anchors(anchors, len(source), len(target))
    pieces = _pieces_between(hard, len(source), len(target))
    if not source or not target:
        encoder = None  # nothing to compare: skips only, no model needed
    elif encoder is None:
        encoder = default_encoder()
    src_para = frozenset(source_paragraph_starts)
    tgt_para = frozenset(target_paragraph_starts)

    free = [k for k, (s0, s1, t0, t1) in enumerate(pieces) if s1 > s0 and t1 > t0]
    runs: list[np.ndarray] = []
    if encoder is not None and free:
        documents: list[Sequence[str]] = []
        for k in free:
            s0, s1, t0, t1 = pieces[k]
            documents += [source[s0:s1], target[t0:t1]]
        runs = encoder.encode_runs_many(documents, params.max_side)
    beads: list[Bead] = []
    for index, (s0, s1, t0, t1) in enumerate(pieces):
        if index in free and runs:
            at = 2 * free.index(index)
            side = _Side.of(source[s0:s1], runs[at], source_lang, src_para, s0, params)
            other = _Side.of(target[t0:t1], runs[at + 1], target_lang, tgt_para, t0, params)
            beads.extend(_align_piece(side, other, params))
        else:
            beads.extend(Bead((i,), (), 1.0) for i in range(s0, s1))
            beads.extend(Bead((), (j,), 1.0) for j in range(t0, t1))
        if index < len(hard):
            beads.append(hard[index])
    return beads


def _check_anchors(anchors: Sequence[Bead], n: int, m: int) -> list[Bead]:
    """The confirmed beads sorted, after checking they fit the document and each other."""
    ordered = sorted(anchors, key=lambda b: (b.source[:1] or b.target[:1], b.target[:1]))
    last_s, last_t = -1, -1
    for bead in ordered:
        for ids, size, what in ((bead.source, n, "source"), (bead.target, m, "target")):
            if any(b - a != 1 for a, b in zip(ids, ids[1:], strict=False)):
                raise AlignmentError(f"confirmed bead {bead.vecalign()} has gaps in its "
                                     f"{what} sentences")
            if ids and not 0 <= ids[0] <= ids[-1] < size:
                raise AlignmentError(f"confirmed bead {bead.vecalign()} points past the "
                                     f"end of the {what} ({size} sentences)")
        if not bead.source and not bead.target:
            raise AlignmentError("a confirmed bead has no sentence on either side")
        if (bead.source and bead.source[0] <= last_s) or (bead.target and bead.target[0] <= last_t):
            raise AlignmentError(f"confirmed bead {bead.vecalign()} crosses or overlaps "
                                 "another confirmed bead")
        last_s = bead.source[-1] if bead.source else last_s
        last_t = bead.target[-1] if bead.target else last_t
    return ordered


def _pieces_between(hard: Sequence[Bead], n: int, m: int) -> list[tuple[int, int, int, int]]:
    """The (s0, s1, t0, t1) ranges left free before, between and after the hard anchors."""
    pieces = []
    s, t = 0, 0
    for bead in hard:
        s1 = bead.source[0] if bead.source else s
        t1 = bead.target[0] if bead.target else t
        pieces.append((s, s1, t, t1))
        s = bead.source[-1] + 1 if bead.source else s
        t = bead.target[-1] + 1 if bead.target else t
    pieces.append((s, n, t, m))
    return pieces


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of a piece: its runs' embeddings and what the cost needs besides.

    ``runs[k, i]`` is the embedding of sentences ``i-k .. i-1`` (a run of k ending before
    i), an array (max_side + 1, n + 1, 512); rows with i < k are zero.
    """

    offset: int
    runs: np.ndarray
    lengths: np.ndarray  # (n + 1,) cumulative character lengths
    breaks: np.ndarray  # (n + 1,) cumulative count of paragraph starts at ids 1..i-1
    starts: np.ndarray  # (n,) bool: sentence i starts a paragraph
    junk: np.ndarray  # (n + 1,) cumulative count of sentences with next to no letters
    anchors: dict[str, np.ndarray]  # kind -> (max_side + 1, n + 1) uint64 bit masks

    @staticmethod
    def of(sentences: Sequence[str], runs: np.ndarray, lang: str,
           paragraph_starts: frozenset[int], offset: int, params: AlignParams) -> _Side:
        n = len(sentences)
        lengths = np.zeros(n + 1)
        np.cumsum([len(s) for s in sentences], out=lengths[1:])
        starts = np.array([offset + i in paragraph_starts for i in range(n)], dtype=bool)
        breaks = np.zeros(n + 1)
        np.cumsum(starts, out=breaks[1:])
        masks = span_masks([anchor_features(s, lang) for s in sentences], params.max_side)
        junk = np.zeros(n + 1)
        np.cumsum([sum(c.isalpha() for c in s) < params.junk_letters for s in sentences],
                  out=junk[1:])
        return _Side(offset, runs, lengths, breaks, starts, junk, masks)

    @property
    def size(self) -> int:
        return len(self.lengths) - 1


def _align_piece(src: _Side, tgt: _Side, params: AlignParams) -> list[Bead]:
    """The beads of one piece between hard anchors (both sides non-empty)."""
    pairs = mutual_best_pairs(src.runs[1, 1:], tgt.runs[1, 1:], params.first_pass_band,
                              params.anchor_min_similarity, params.anchor_margin)
    chain = chain_anchors(pairs)
    band = guide_band(chain, src.size, tgt.size, params.band)
    shapes = bead_shapes(params.max_side, params.max_total)
    cost = _BeadCost(src, tgt, params, frozenset(chain))
    path = search(band, shapes, cost.row)
    if params.trim is not None:
        path = [part for bead in path for part in _trim(bead, src, tgt, params.trim)]
    if params.attach is not None:
        path = _attach(path, src, tgt, params.attach, params)
    return [cost.bead(i0, i1, j0, j1) for i0, i1, j0, j1 in path]


Span = tuple[int, int, int, int]  # a bead as (i0, i1, j0, j1) within a piece


def _trim(bead: Span, src: _Side, tgt: _Side, margin: float) -> list[Span]:
    """A merged bead with a sentence at its edge that matches nothing on the other side,
    split into that sentence's skip and the rest.

    The search prefers taking a short unmatched sentence ("The meeting was productive.")
    into its neighbour's bead over a skip, because one extra sentence costs less than a
    skip. A true 2-1 bead's similarity rises when its second sentence joins; an absorbed
    one's does not: when leaving the edge sentence out raises the similarity by more than
    ``margin``, it goes out as a 1-0 or 0-1, and the rest is checked again.
    """
    i0, i1, j0, j1 = bead
    if i1 - i0 + j1 - j0 <= 2 or i1 == i0 or j1 == j0:
        return [bead]

    def similarity(a0: int, a1: int, b0: int, b1: int) -> float:
        return float(tgt.runs[b1 - b0, b1] @ src.runs[a1 - a0, a1])

    whole = similarity(i0, i1, j0, j1)
    options: list[tuple[float, Span, Span, bool]] = []  # (gain, rest, skip, skip first)
    if i1 - i0 > 1:
        options.append((similarity(i0 + 1, i1, j0, j1) - whole, (i0 + 1, i1, j0, j1),
                        (i0, i0 + 1, j0, j0), True))
        options.append((similarity(i0, i1 - 1, j0, j1) - whole, (i0, i1 - 1, j0, j1),
                        (i1 - 1, i1, j1, j1), False))
    if j1 - j0 > 1:
        options.append((similarity(i0, i1, j0 + 1, j1) - whole, (i0, i1, j0 + 1, j1),
                        (i0, i0, j0, j0 + 1), True))
        options.append((similarity(i0, i1, j0, j1 - 1) - whole, (i0, i1, j0, j1 - 1),
                        (i1, i1, j1 - 1, j1), False))
    gain, rest, skip, first = max(options, key=lambda o: o[0])
    if gain <= margin:
        return [bead]
    trimmed = _trim(rest, src, tgt, margin)
    return [skip, *trimmed] if first else [*trimmed, skip]


def _attach(path: list[Span], src: _Side, tgt: _Side, margin: float,
            params: AlignParams = DEFAULT_PARAMS) -> list[Span]:
    """The path with each 1-0 / 0-1 bead that belongs to its neighbour joined to it.

    The mirror of :func:`_trim`. The search may leave a sentence out when a side term (a
    number on one side only, a length deviation) outweighs what it adds, e.g. a sentence
    the OCR cut in two with a year in its second half. When joining the skip to the bead
    beside it raises that bead's similarity by more than ``margin`` (an unrelated sentence
    lowers it), it joins, the bigger gain of the two sides first, within the bead shapes
    ``params`` allows.
    """

    def similarity(a0: int, a1: int, b0: int, b1: int) -> float:
        return float(tgt.runs[b1 - b0, b1] @ src.runs[a1 - a0, a1])

    out = list(path)
    k = 0
    while k < len(out):
        i0, i1, j0, j1 = out[k]
        best, choice = margin, None
        if i1 > i0 and j1 > j0:
            whole = similarity(i0, i1, j0, j1)
            for q in (k - 1, k + 1):
                if not 0 <= q < len(out) or out[q][1] - out[q][0] + out[q][3] - out[q][2] != 1:
                    continue
                a0, a1, b0, b1 = out[q]
                joined = (min(i0, a0), max(i1, a1), min(j0, b0), max(j1, b1))
                a, b = joined[1] - joined[0], joined[3] - joined[2]
                if max(a, b) > params.max_side or a + b > params.max_total:
                    continue
                gain = similarity(*joined) - whole
                if gain > best:
                    best, choice = gain, (q, joined)
        if choice is None:
            k += 1
            continue
        q, joined = choice
        out[k] = joined
        del out[q]
        k = min(k, q)  # the joined bead, checked again
    return out


class _BeadCost:
    """The cost of a bead (lower is better) and its confidence, from both sides' data.

    For an a-b bead with embedding similarity s (of the two runs as wholes)::

        (a + b) / 2 * (offset - s) + multi * (a + b - 2)
        + gale_church * min(delta^2, 25) / 2          # length, as Gale & Church
        + numbers * share of numbers on one side only  # alignments.anchors
        + question * (one side asks a question, the other does not)
        + junk * sentences without letters taken into a merge
        + paragraph terms

    Scaling the similarity by the bead's size makes a 2-2 bead win over two 1-1 beads
    exactly when its similarity beats their mean by ``multi``; 1-0 and 0-1 cost ``skip``.
    """

    def __init__(self, src: _Side, tgt: _Side, params: AlignParams,
                 anchors: frozenset[tuple[int, int]] = frozenset()) -> None:
        self.src, self.tgt, self.params = src, tgt, params
        self.anchors = anchors  # the first pass's 1-1 pairs (i, j), 0-based in the piece
        self.ratio = float((tgt.lengths[-1] + 1.0) / (src.lengths[-1] + 1.0))
        self.src_asks = src.anchors["?"] != 0  # (max_side + 1, n + 1) bool
        self.tgt_asks = tgt.anchors["?"] != 0

    def row(self, i: int, a: int, b: int, j: np.ndarray) -> np.ndarray:
        """Costs of the beads of shape a-b ending at state (i, j) for each j: array (len(j),).

        ``j`` holds end states with ``j >= b`` and ``i >= a``.
        """
        p, src, tgt = self.params, self.src, self.tgt
        if a == 0 or b == 0:
            return np.full(len(j), p.skip)
        # the states j of a row are consecutive: a slice is a view, where j would copy
        sim = tgt.runs[b, j[0]:j[-1] + 1] @ src.runs[a, i]
        cost = (a + b) / 2.0 * (p.offset - sim) + p.multi * (a + b - 2)
        if p.gale_church:
            ls = src.lengths[i] - src.lengths[i - a]
            lt = tgt.lengths[j] - tgt.lengths[j - b]
            mean = (ls + lt / self.ratio) / 2.0
            delta = (lt - ls * self.ratio) / np.sqrt(np.maximum(mean, 1.0) * 6.8)
            cost += p.gale_church * np.minimum(delta * delta, 25.0) / 2.0
        if p.numbers:
            cost += p.numbers * mask_mismatch(src.anchors["num"][a, i], tgt.anchors["num"][b, j])
        if p.question:  # one anchor, "?": a mismatch is one side having it
            cost += p.question * (self.src_asks[a, i] != self.tgt_asks[b, j])
        if p.junk and a + b > 2:
            # OCR debris, a page number, a lone caption mark: skipped, not merged
            junk = (src.junk[i] - src.junk[i - a]) * (a > 1) + (
                tgt.junk[j] - tgt.junk[j - b]) * (b > 1)
            cost += p.junk * junk
        if p.paragraph_cross or p.paragraph_mismatch:
            crossed = (src.breaks[i] - src.breaks[i - a + 1] > 0) + (
                tgt.breaks[j] - tgt.breaks[j - b + 1] > 0)
            mismatch = src.starts[i - a] != tgt.starts[j - b]
            cost += p.paragraph_cross * crossed + p.paragraph_mismatch * mismatch
        return cost

    def bead(self, i0: int, i1: int, j0: int, j1: int) -> Bead:
        """The bead for sentences i0..i1-1 / j0..j1-1 of this piece, with its confidence.

        The confidence is calibrated: the share of beads of its kind that were right on the
        development data (:data:`KIND_PRECISION`), lowered where the embeddings give poor
        evidence (a pair's similarity; for a skip, a close would-be partner nearby).
        """
        src, tgt = self.src, self.tgt
        s_ids = tuple(range(src.offset + i0, src.offset + i1))
        t_ids = tuple(range(tgt.offset + j0, tgt.offset + j1))
        if i1 > i0 and j1 > j0:
            sim = float(tgt.runs[j1 - j0, j1] @ src.runs[i1 - i0, i1])
            if i1 - i0 == j1 - j0 == 1:
                kind = "anchor" if (i0, j0) in self.anchors else "1-1"
            else:
                kind = "merge"
            return Bead(s_ids, t_ids, KIND_PRECISION[kind] * _evidence(sim))
        if i1 > i0:
            lo, hi = max(1, j0 - 1), min(tgt.size, j0 + 2)
            near = tgt.runs[1, lo:hi + 1] @ src.runs[1, i1] if hi >= lo else np.zeros(1)
        else:
            lo, hi = max(1, i0 - 1), min(src.size, i0 + 2)
            near = src.runs[1, lo:hi + 1] @ tgt.runs[1, j1] if hi >= lo else np.zeros(1)
        partner = float(near.max(initial=0.0))  # as good as a pair: the skip is doubtful
        return Bead(s_ids, t_ids, KIND_PRECISION["skip"] * _evidence(1.0 - partner))


# The share of beads of each kind that were right on Text+Berg dev and the demo corpus
# (1,407 beads; 1-1 beads on a first-pass anchor apart): where a bead's confidence starts.
KIND_PRECISION = {"anchor": 0.99, "1-1": 0.96, "merge": 0.88, "skip": 0.90}
EVIDENCE_FLOOR = 0.3  # an embedding similarity below this no longer vouches for a pair


def _evidence(similarity: float) -> float:
    """1 where the embedding similarity supports the bead, falling towards 0 below
    EVIDENCE_FLOOR (half-way at 0.1 under it)."""
    return float(min(1.0, 2.0 / (1.0 + np.exp(-12.0 * (similarity - EVIDENCE_FLOOR + 0.1)))))
