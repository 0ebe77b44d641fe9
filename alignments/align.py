"""Beads for one language pair: confident 1-1 anchors first, then a banded DP between them.

The method follows Bertalign (Liu & Zhu 2022) and Vecalign (Thompson & Koehn 2019), ideas
only: sentence embeddings of single sentences *and* of runs of neighbouring sentences, so a
2-1 or 1-3 bead is scored as a whole; a first pass that finds mutual-best 1-1 pairs and
keeps the longest monotonic chain of them; a second pass, a DP over all bead shapes in a
band around that chain, so time and memory grow with the document's length, never with
the product of the two lengths. On top of the embeddings the bead cost has a length-ratio
term, skip costs, paragraph breaks and the exact anchors of :mod:`alignments.anchors`.

After the search, local repairs compare similarities the DP only weighed against fixed
costs: a sentence absorbed into a merged bead that matches nothing, or that reads as no
clause of the other side (a translator's addition), is split off as a skip (``trim``,
``trim_lone``); a 1-1 of two unrelated sentences comes apart when one of them belongs to
a neighbour (``unpair``); a skip that belongs to its neighbour joins it (``attach``); two
1-1 beads whose lengths err in opposite directions, a clause moved across the full stop
between them, become one 2-2 (``recross``); and a sentence at the border of two beads
goes to the one whose clause beside the border it reads as (``border``). Each
bead's confidence is the probability that it is right, from what the search saw of it
(its similarity against its rivals, how much the best local change to the path would cost,
its shape, its neighbours, whether a clause of it reads as its neighbour's translation:
:mod:`alignments.confidence`). The length term uses each
document's own model (its character ratio and spread, from the first pass's anchors), so a
pair whose characters differ in weight, like Chinese and English, is judged fairly.
The search itself lives in :mod:`alignments.search`.

Translator-confirmed beads are hard anchors: the document is cut at them and each piece
between two of them is aligned on its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from alignments.anchors import KEPT_SENTENCES, anchor_features, mask_mismatch, span_masks
from alignments.beads import AlignmentError, Bead
from alignments.confidence import FEATURES, probability
from alignments.embed import Clauses, Embedded, Encoder, blas_threads, default_encoder
from alignments.search import (
    Band,
    Lattice,
    bead_shapes,
    chain_anchors,
    drop_strays,
    guide_band,
    mutual_best_pairs,
    posteriors,
    search,
    widen_band,
)

__all__ = ["AlignParams", "align_pair", "align_pair_with_features", "length_model"]


@dataclass(frozen=True, slots=True)
class AlignParams:
    """The knobs of the bead cost and of the search (tuned on Text+Berg dev, checked on the
    demo corpus). Costs are in units of cosine similarity."""

    max_side: int = 5  # sentences on one side of a bead
    max_total: int = 6  # sentences in a bead, both sides together
    offset: float = 0.6  # a bead costs (offset - similarity) per pair of sentences
    skip: float = 0.45  # cost of a 1-0 or 0-1 bead
    skip_extend: float | None = 0.35  # cost of a skip that continues a run of skips on its
    # side (a passage one version left out), at most ``skip`` (None: each costs ``skip``);
    # chosen with bench/omissions.py (0.3-0.4 help every source there, 0.35 and 0.4 leave
    # the intact ones as they were but Text+Berg dev, +0.003)
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
    stray: float | None = 6.0  # first pass: an anchor this many sentences off the course of
    # its neighbours is dropped (None: keep every anchor of the chain)
    band: int = 6  # second pass: half-width of the band around the anchor chain
    widen: int = 2  # times the band may double when the best path runs along its edge
    length_anchors: int = 10  # first-pass anchors needed to fit the document's own length
    # model (ratio and spread); fewer: the sides' ratio and the prior spread (0: always that)
    first_pass_band: int = 400  # first pass: half-width of the diagonal band searched
    trim: float | None = 0.05  # after the search: an edge sentence whose removal raises the
    # bead's similarity by more than this is a 1-0 / 0-1 of its own (None: keep beads) ...
    trim_related: float | None = 0.3  # ... unless that sentence alone matches the other
    # side within this of the document's typical anchor: a free translation's second
    # sentence, not a stray (chosen on novel: 0.3-0.35 change no other source, 0.4 does)
    recross: float | None = 2.0  # after the attach: two 1-1 beads whose length
    # deviations cancel out beyond this (-d * d') become one 2-2 (None: never) ...
    recross_loss: float = 0.02  # ... when the 2-2 is at most this less similar than the
    # better of the two (chosen on lit, alpine and Text+Berg dev; world, sco and the demo
    # unchanged)
    temperature: float = 0.1  # the confidence weighs every path through the band by
    # exp(-cost / temperature): a bead's share of them is how sure the search was of it
    attach: float | None = 0.03  # after the trim: a 1-0 / 0-1 joins the bead beside it when
    # that raises the bead's similarity by more than this (None: keep skips)
    unpair: float | None = 0.07  # after the trim: a 1-1 bead of two unrelated sentences
    # (less similar than a related one, see ``trim_related``) is undone when one of its
    # sentences then joins the bead beside it, raising that bead's similarity by more than
    # this: a sentence split in two beside a sentence left out (None: keep such beads)
    trim_lone: float | None = 0.5  # the trim also takes out an edge sentence that reads as
    # nothing on the other side, not as its run, nor a sentence or a clause of it, within
    # this of the typical anchor, when leaving it out raises the similarity by more than
    # ``trim_lone_gain`` and fits the lengths no worse: a translator's addition (None: never)
    trim_lone_gain: float = 0.01
    border: float | None = 0.2  # last: a sentence at the border of two pair beads moves
    # to the other bead when it reads more like the clause there, at the end of one bead's
    # other side or at the start of the next's, by more than this (None: never) ...
    border_loss: float = 0.05  # ... and the two beads lose at most this much similarity


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
    progress: Callable[[float], None] | None = None,
    embedded: tuple[Embedded, Embedded] | None = None,
) -> list[Bead]:
    """The beads aligning ``source`` to ``target``: monotonic, every id exactly once.

    ``anchors`` are beads a translator confirmed; they come back unchanged and the rest is
    aligned around them. Each other bead carries a confidence in [0, 1]: the probability
    that it is right (:mod:`alignments.confidence`). ``progress``, when given, is told the
    share of the sentences to embed that are embedded (most of the time is spent there).
    ``embedded``: the two documents' embeddings (runs of up to ``params.max_side``) when the
    caller has them already (:meth:`Embedded.part` of longer ones): nothing is embedded.
    """
    return align_pair_with_features(
        source, target, source_lang, target_lang, encoder=encoder, anchors=anchors,
        source_paragraph_starts=source_paragraph_starts,
        target_paragraph_starts=target_paragraph_starts, params=params,
        progress=progress, embedded=embedded)[0]


def align_pair_with_features(
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
    progress: Callable[[float], None] | None = None,
    embedded: tuple[Embedded, Embedded] | None = None,
) -> tuple[list[Bead], np.ndarray]:
    """:func:`align_pair`, and the features each bead's confidence was judged on: an array
    (len(beads), len(FEATURES)), NaN for the beads nothing was judged for (confirmed
    beads, and the skips of a piece with one side empty). For fitting the scorer."""
    hard = _check_anchors(anchors, len(source), len(target))
    pieces = _pieces_between(hard, len(source), len(target))
    if not source or not target:
        encoder = None  # nothing to compare: skips only, no model needed
    elif encoder is None and embedded is None:
        encoder = default_encoder()
    src_para = frozenset(source_paragraph_starts)
    tgt_para = frozenset(target_paragraph_starts)

    free = [k for k, (s0, s1, t0, t1) in enumerate(pieces) if s1 > s0 and t1 > t0]
    runs: list[Embedded] = []
    if embedded is not None and free and source and target:
        runs = [part for k in free for part in (embedded[0].part(*pieces[k][:2]),
                                                embedded[1].part(*pieces[k][2:]))]
    elif encoder is not None and free:
        documents: list[Sequence[str]] = []
        for k in free:
            s0, s1, t0, t1 = pieces[k]
            documents += [source[s0:s1], target[t0:t1]]
        runs = encoder.encode_documents(documents, params.max_side, progress)
    beads: list[Bead] = []
    features: list[np.ndarray] = []
    for index, (s0, s1, t0, t1) in enumerate(pieces):
        if index in free and runs:
            at = 2 * free.index(index)
            side = _Side.of(source[s0:s1], runs[at], source_lang, src_para, s0, params)
            other = _Side.of(target[t0:t1], runs[at + 1], target_lang, tgt_para, t0, params)
            # one BLAS thread, as the encoder's: the search's products are small, and a
            # second thread only spins against the other processes of a shared machine
            with blas_threads(1):
                found, judged = _align_piece(side, other, params)
            beads.extend(found)
            features.append(judged)
        else:
            beads.extend(Bead((i,), (), 1.0) for i in range(s0, s1))
            beads.extend(Bead((), (j,), 1.0) for j in range(t0, t1))
            features.append(np.full((s1 - s0 + t1 - t0, len(FEATURES)), np.nan))
        if index < len(hard):
            beads.append(hard[index])
            features.append(np.full((1, len(FEATURES)), np.nan))
    return beads, np.concatenate(features) if features else np.zeros((0, len(FEATURES)))


def _check_anchors(anchors: Sequence[Bead], n: int, m: int) -> list[Bead]:
    """The confirmed beads sorted, after checking they fit the document and each other.

    A bead with both sides goes by its source; one with one side only (a sentence the
    translator confirmed has no counterpart) goes among them by that side, so ``[]:[4]``
    comes before ``[3]:[5]`` (its target is first) though 4 > 3."""
    from bisect import bisect_left

    both = sorted((b for b in anchors if b.source and b.target), key=lambda b: b.source[0])
    sources = [b.source[0] for b in both]
    targets = [b.target[0] for b in both]

    def place(bead: Bead) -> tuple[int, int, int]:
        if bead.source and bead.target:
            return 2 * bisect_left(sources, bead.source[0]) + 1, 0, bead.source[0]
        if bead.source:
            return 2 * bisect_left(sources, bead.source[0]), 0, bead.source[0]
        return 2 * bisect_left(targets, bead.target[0] if bead.target else -1), 1, (
            bead.target[0] if bead.target else -1)

    ordered = sorted(anchors, key=place)
    last_s, last_t = -1, -1
    for bead in ordered:
        for ids, size, what in ((bead.source, n, "source"), (bead.target, m, "target")):
            if any(b - a != 1 for a, b in zip(ids, ids[1:], strict=False)):
                raise AlignmentError("anchor-gaps", bead=bead.vecalign(), side=what)
            if ids and not 0 <= ids[0] <= ids[-1] < size:
                raise AlignmentError("anchor-past-end", bead=bead.vecalign(), side=what,
                                     size=size)
        if not bead.source and not bead.target:
            raise AlignmentError("anchor-empty")
        if (bead.source and bead.source[0] <= last_s) or (bead.target and bead.target[0] <= last_t):
            raise AlignmentError("anchors-cross", bead=bead.vecalign())
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


@functools.lru_cache(maxsize=KEPT_SENTENCES)
def letters(sentence: str) -> float:
    """How many letters a sentence has, a character of a script written without spaces
    (Han, kana, Hangul: a word's worth of meaning in one or two characters) counting as
    :data:`UNSPACED_LETTERS` (the last KEPT_SENTENCES kept, as their anchors are: a set's
    pivot is read against every other version)."""
    unspaced = len(_UNSPACED.findall(sentence))
    return sum(map(str.isalpha, sentence)) + (UNSPACED_LETTERS - 1.0) * unspaced


UNSPACED_LETTERS = 3.0  # letters a Han / kana / Hangul character counts for
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
                       "\uf900-\ufaff\U00020000-\U0003ffff]")

# what ends a sentence in any script, closing quotes and brackets aside
_FINAL = ".!?…。！？؟।։።᙮"
_CLOSING = "\"'»”’)]}›」』）】"


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def fragment(sentence: str) -> bool:
    """Whether a segment looks like part of a sentence: it ends without a sentence-final
    mark (a heading's colon, a list item's semicolon, an OCR line cut), or starts with a
    small letter (the rest of a sentence cut before it). Scripts without case only have
    the first test."""
    text = sentence.strip()
    body = text.rstrip(_CLOSING + " ")
    first = next((c for c in text if c.isalpha()), "")
    return not body or body[-1] not in _FINAL or first.islower()


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of a piece: its runs' embeddings and what the cost needs besides.

    ``runs[k, i]`` is the embedding of sentences ``i-k .. i-1`` (a run of k ending before
    i), an array (max_side + 1, n + 1, 512); rows with i < k are zero.
    """

    offset: int
    runs: np.ndarray
    clauses: Clauses  # each sentence's clauses (sentences of two clauses or more)
    lengths: np.ndarray  # (n + 1,) cumulative character lengths
    breaks: np.ndarray  # (n + 1,) cumulative count of paragraph starts at ids 1..i-1
    starts: np.ndarray  # (n,) bool: sentence i starts a paragraph
    junk: np.ndarray  # (n + 1,) cumulative count of sentences with next to no letters
    anchors: dict[str, np.ndarray]  # kind -> (max_side + 1, n + 1) uint64 bit masks
    partial: np.ndarray  # (n + 2,) bool: sentence i-1 is a fragment (for the confidence);
    # [0] and [n + 1] False

    @staticmethod
    def of(sentences: Sequence[str], embedded: Embedded, lang: str,
           paragraph_starts: frozenset[int], offset: int, params: AlignParams) -> _Side:
        n = len(sentences)
        lengths = np.zeros(n + 1)
        np.cumsum([len(s) for s in sentences], out=lengths[1:])
        starts = np.array([offset + i in paragraph_starts for i in range(n)], dtype=bool)
        breaks = np.zeros(n + 1)
        np.cumsum(starts, out=breaks[1:])
        masks = span_masks([anchor_features(s, lang) for s in sentences], params.max_side)
        junk = np.zeros(n + 1)
        np.cumsum([letters(s) < params.junk_letters for s in sentences], out=junk[1:])
        partial = np.zeros(n + 2, dtype=bool)
        partial[1:-1] = [fragment(s) for s in sentences]
        return _Side(offset, embedded.runs, embedded.clauses, lengths, breaks, starts, junk,
                     masks, partial)

    @property
    def size(self) -> int:
        return len(self.lengths) - 1


def _span_keys(spans: np.ndarray) -> np.ndarray:
    """One number for each span (k, 4) that tells the distinct ones apart (sorting the
    rows of four took a long document's features a third of their time): its ends and
    lengths as the digits of a number, each in the base its range needs; rows of four
    where that number would not fit in 64 bits."""
    if not len(spans):
        return np.zeros(0, dtype=np.int64)
    digits = np.stack((spans[:, 1], spans[:, 3], spans[:, 1] - spans[:, 0],
                       spans[:, 3] - spans[:, 2]), axis=1)
    digits -= digits.min(axis=0)
    bases = digits.max(axis=0) + 1
    if float(np.prod(bases.astype(float))) >= 2.0 ** 62:
        return np.unique(spans, axis=0, return_inverse=True)[1].reshape(-1)
    keys = digits[:, 0]
    for k in range(1, 4):
        keys = keys * bases[k] + digits[:, k]
    return keys


@dataclass(frozen=True, slots=True)
class _RunTerms:
    """What the bead cost reads of one side's runs, by the run's length k and the id i it
    ends before (``[k][i]``, for i >= k): its characters, its sentences with next to no
    letters, whether a paragraph starts after its first sentence, and whether one starts
    at its first. Read once for the piece, where the cost read them from the cumulative
    counts for each shape of each block of the search."""

    chars: tuple[np.ndarray, ...]
    junk: tuple[np.ndarray, ...]
    crossed: tuple[np.ndarray, ...]
    opens: tuple[np.ndarray, ...]

    @staticmethod
    def of(side: _Side, max_run: int) -> _RunTerms:
        n = side.size
        terms: tuple[list[np.ndarray], ...] = ([], [], [], [])
        for k in range(max_run + 1):
            chars, junk = np.zeros(n + 1), np.zeros(n + 1)
            crossed, opens = np.zeros(n + 1, dtype=bool), np.zeros(n + 1, dtype=bool)
            if 0 < k <= n:
                chars[k:] = side.lengths[k:] - side.lengths[:n + 1 - k]
                junk[k:] = side.junk[k:] - side.junk[:n + 1 - k]
                crossed[k:] = side.breaks[k:] - side.breaks[1:n + 2 - k] > 0
                opens[k:] = side.starts[:n + 1 - k]
            for found, term in zip(terms, (chars, junk, crossed, opens), strict=True):
                found.append(term)
        return _RunTerms(*(tuple(found) for found in terms))


def _align_piece(src: _Side, tgt: _Side, params: AlignParams
                 ) -> tuple[list[Bead], np.ndarray]:
    """The beads of one piece between hard anchors (both sides non-empty), and the
    features their confidences were judged on."""
    pairs = mutual_best_pairs(src.runs[1, 1:], tgt.runs[1, 1:], params.first_pass_band,
                              params.anchor_min_similarity, params.anchor_margin)
    chain = chain_anchors(pairs)
    if params.stray is not None:
        chain = drop_strays(chain, src.size, tgt.size, params.stray)
    shapes = bead_shapes(params.max_side, params.max_total)
    cost = _BeadCost(src, tgt, params, frozenset(chain))
    path, lattice = _search_widening(guide_band(chain, src.size, tgt.size, params.band),
                                     shapes, cost, params)
    kept = None  # what a sentence matching its bead's other side scores, at the least
    if params.trim_related is not None and cost.typical is not None:
        kept = cost.typical - params.trim_related
    if params.trim is not None:
        lone = None
        if params.trim_lone is not None and cost.typical is not None:
            lone = _Lone(cost.typical - params.trim_lone, params.trim_lone_gain, cost)
        path = [part for bead in path
                for part in _trim(bead, src, tgt, params.trim, kept, lone)]
    if params.unpair is not None and kept is not None:
        path = _unpair(path, src, tgt, kept, params.unpair, params)
    if params.attach is not None:
        path = _attach(path, src, tgt, params.attach, params)
    if params.recross is not None:
        path = _recross(path, src, tgt, cost, params.recross, params.recross_loss)
    if params.border is not None:
        path = _border(path, src, tgt, params.border, params.border_loss, kept, params)
    _, costs = cost.measure(path)
    if not lattice.keeps:  # a long document: the paths near the chosen one, not the band's
        near = [(i0, j0) for i0, i1, j0, j1 in path if i1 > i0 and j1 > j0]
        lattice = Lattice(guide_band(near, src.size, tgt.size, params.band), shapes,
                          cost.spans)
    chosen = posteriors(lattice, path, [costs[span] for span in path], params.temperature)
    return cost.beads(path, chosen)


def _search_widening(band: Band, shapes: Sequence[tuple[int, int]], cost: _BeadCost,
                     params: AlignParams) -> tuple[list[Span], Lattice]:
    """The best path through the band, and the lattice it was found in. Where the path
    runs along the band's edge, the band widens there (``params.band`` times 2, then 4 ...,
    ``params.widen`` times at most) and the search runs again, until a widening frees
    less than half of those places: then the band is not what holds the path there."""
    touches = cost.src.size + cost.tgt.size + 1
    for attempt in range(params.widen + 1):
        lattice = Lattice(band, shapes, cost.spans)
        path = search(band, shapes, lattice=lattice, extend=params.skip_extend)
        if attempt == params.widen:
            break
        wider, now = widen_band(band, path, params.band * 2 ** (attempt + 1))
        if not now or 2 * now > touches:
            break
        band, touches = wider, now
    return path, lattice


def _recross(path: list[Span], src: _Side, tgt: _Side, cost: _BeadCost, threshold: float,
             loss: float) -> list[Span]:
    """Two neighbouring 1-1 beads joined into one 2-2 when a clause crossed the full stop
    between them: their length deviations cancel out (one too long where the other is too
    short, ``-d * d' > threshold``) and the 2-2 is about as similar as the better of the
    two (loses at most ``loss``)."""

    similarity = functools.partial(_similarity, src, tgt)
    deviation = functools.partial(_deviation, cost, src, tgt)

    out: list[Span] = []
    k = 0
    while k < len(path):
        here = path[k]
        if k + 1 < len(path) and here[1] - here[0] == here[3] - here[2] == 1:
            there = path[k + 1]
            if there[1] - there[0] == there[3] - there[2] == 1:
                joined = (here[0], there[1], here[2], there[3])
                if (-deviation(here) * deviation(there) > threshold and similarity(*joined)
                        >= max(similarity(*here), similarity(*there)) - loss):
                    out.append(joined)
                    k += 2
                    continue
        out.append(here)
        k += 1
    return out


Span = tuple[int, int, int, int]  # a bead as (i0, i1, j0, j1) within a piece


def _similarity(src: _Side, tgt: _Side, a0: int, a1: int, b0: int, b1: int) -> float:
    """The embedding similarity of source sentences a0..a1 and target b0..b1 (as runs)."""
    return float(tgt.runs[b1 - b0, b1] @ src.runs[a1 - a0, a1])


def _deviation(cost: _BeadCost, src: _Side, tgt: _Side, span: Span) -> float:
    """A bead's length deviation under the document's own length model (signed)."""
    i0, i1, j0, j1 = span
    return float(cost.deviation(src.lengths[i1] - src.lengths[i0],
                                tgt.lengths[j1] - tgt.lengths[j0]))


def _allowed(span: Span, params: AlignParams) -> bool:
    """Whether a bead of this shape is one the search may make."""
    a, b = span[1] - span[0], span[3] - span[2]
    return max(a, b) <= params.max_side and a + b <= params.max_total


@dataclass(frozen=True)
class _Lone:
    """When :func:`_trim` takes out a sentence that reads as nothing on the other side: it
    reads below ``level`` as the other side's run, each of its sentences and each of their
    clauses (at least one of them has clauses: else nothing tells a translator's addition
    from a free rendering), leaving it out raises the similarity by more than ``gain``, and
    the rest's lengths fit the document's length model no worse (``cost.deviation``)."""

    level: float
    gain: float
    cost: _BeadCost


def _trim(bead: Span, src: _Side, tgt: _Side, margin: float, kept: float | None = None,
          lone: _Lone | None = None) -> list[Span]:
    """A merged bead with a sentence at its edge that matches nothing on the other side,
    split into that sentence's skip and the rest.

    The search prefers taking a short unmatched sentence ("The meeting was productive.")
    into its neighbour's bead over a skip, because one extra sentence costs less than a
    skip. A true 2-1 bead's similarity rises when its second sentence joins; an absorbed
    one's does not: when leaving the edge sentence out raises the similarity by more than
    ``margin``, it goes out as a 1-0 or 0-1, and the rest is checked again. Not when the
    sentence alone still matches the other side at ``kept`` or more: a free translator's
    second sentence (a Chinese sentence told in two English ones, the second adding a
    gesture) dilutes the pair's similarity without being a stray. With ``lone``, a
    sentence that reads as nothing on the other side at all (:class:`_Lone`) goes out for
    a smaller gain: a short added sentence hardly moves a long pair's embedding.
    """
    i0, i1, j0, j1 = bead
    if i1 - i0 + j1 - j0 <= 2 or i1 == i0 or j1 == j0:
        return [bead]

    similarity = functools.partial(_similarity, src, tgt)

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

    def alone(skip: Span) -> float:
        a0, a1, b0, b1 = skip
        return similarity(a0, a1, j0, j1) if a1 > a0 else similarity(i0, i1, b0, b1)

    gain, rest, skip, first = max(options, key=lambda o: o[0])
    if not (gain > margin and (kept is None or alone(skip) < kept)):
        # else a sentence that reads as nothing there: a translator's addition
        added = None if lone is None else next(
            (option for option in sorted(options, key=lambda o: o[0], reverse=True)
             if option[0] > lone.gain
             and _reads_as_nothing(option[2], bead, option[1], src, tgt, lone)), None)
        if added is None:
            return [bead]
        gain, rest, skip, first = added
    trimmed = _trim(rest, src, tgt, margin, kept, lone)
    return [skip, *trimmed] if first else [*trimmed, skip]


def _reads_as_nothing(skip: Span, bead: Span, rest: Span, src: _Side, tgt: _Side,
                      lone: _Lone) -> bool:
    """Whether the sentence ``skip`` leaves out of ``bead`` (the ``rest`` staying) is a
    translator's addition by :class:`_Lone`'s rule."""
    a0, a1, b0, b1 = skip
    i0, i1, j0, j1 = bead
    moved = src.runs[1, a1] if a1 > a0 else tgt.runs[1, b1]
    other, first, end = (tgt, j0, j1) if a1 > a0 else (src, i0, i1)
    clauses = other.clauses.of(first, end)
    if not len(clauses):
        return False
    pieces = np.vstack([clauses, other.runs[1, first + 1:end + 1],
                        other.runs[end - first, end][None, :]])
    if (pieces @ moved).max() >= lone.level:
        return False
    return (abs(_deviation(lone.cost, src, tgt, rest))
            <= abs(_deviation(lone.cost, src, tgt, bead)))


def _unpair(path: list[Span], src: _Side, tgt: _Side, kept: float, margin: float,
            params: AlignParams = DEFAULT_PARAMS) -> list[Span]:
    """The path with each 1-1 bead of two unrelated sentences undone where one of them
    belongs to the bead beside it.

    One version splits a sentence in two beside a sentence it left out: the search pairs
    the split's second half with the left-out sentence, because a pair of unrelated
    sentences costs less than a skip. When such a 1-1 (similarity under ``kept``, what a
    related sentence scores at the least) comes apart into a 1-0 and a 0-1, and one of
    them joins its neighbour by :func:`_attach`'s rule (the neighbour's similarity rises
    by more than ``margin``), the two stay apart; else the 1-1 stays as it was.
    """
    out = list(path)
    k = 0
    while k < len(out):
        i0, i1, j0, j1 = out[k]
        if i1 - i0 == j1 - j0 == 1 and _similarity(src, tgt, i0, i1, j0, j1) < kept:
            before, after = out[max(k - 1, 0):k], out[k + 1:k + 2]
            windows = [before + apart + after for apart in
                       ([(i0, i1, j0, j0), (i1, i1, j0, j1)],    # either skip may sit
                        [(i0, i0, j0, j1), (i0, i1, j1, j1)])]   # beside either neighbour
            joined = min((_attach(window, src, tgt, margin, params) for window in windows),
                         key=len)
            if len(joined) < len(windows[0]):
                out[max(k - 1, 0):k + 2] = joined
        k += 1
    return out


def _border(path: list[Span], src: _Side, tgt: _Side, margin: float, loss: float,
            kept: float | None = None, params: AlignParams = DEFAULT_PARAMS) -> list[Span]:
    """The path with each sentence at the border of two pair beads moved to the bead whose
    clause beside the border it reads as.

    A translator who splits a sentence in two puts its last clause into the second half;
    one who joins two puts the second sentence after the first. So a sentence at the
    border between two beads belongs to the first when it reads more like the last clause
    of the first bead's other side than like the first clause of the second bead's (a
    sentence of one clause is its own clause). It moves when the difference passes
    ``margin`` and neither bead, read whole, loses more than ``loss`` of similarity; never
    across a paragraph break, never leaving a bead without a sentence on that side.
    """

    similarity = functools.partial(_similarity, src, tgt)

    def clause(side: _Side, i: int, last: bool) -> np.ndarray | None:
        found = side.clauses.of(i, i + 1)
        return found[-1 if last else 0] if len(found) else None

    out = list(path)
    for k in range(len(out) - 1):
        (i0, i1, j0, j1), (_, k1, _, l1) = out[k], out[k + 1]
        if i0 == i1 or j0 == j1 or i1 == k1 or j1 == l1:
            continue
        moves = []  # (how much more it reads as the clause it goes to, how much it reads as
        # that clause, whether it is a target sentence, the border after the move)
        for side, other, at, border, ends in ((tgt, src, j1, i1, (j0, l1)),
                                              (src, tgt, i1, j1, (i0, k1))):
            if side.starts[at]:
                continue
            ending, opening = clause(other, border - 1, True), clause(other, border, False)
            whole_end, whole_open = other.runs[1, border], other.runs[1, border + 1]
            if ends[1] - at > 1 and ending is not None:  # the second bead's first sentence
                moved = side.runs[1, at + 1]                # to the first bead
                against = whole_open if opening is None else opening
                moves.append((float(moved @ (ending - against)), float(moved @ ending),
                              side is tgt, at + 1))
            if at - ends[0] > 1 and opening is not None:  # the first bead's last sentence
                moved = side.runs[1, at]                     # to the second bead
                against = whole_end if ending is None else ending
                moves.append((float(moved @ (opening - against)), float(moved @ opening),
                              side is tgt, at - 1))
        for gain, reads, on_target, at in sorted(moves, reverse=True):
            if gain <= margin:
                break
            first, second = (((i0, i1, j0, at), (i1, k1, at, l1)) if on_target
                             else ((i0, at, j0, j1), (at, k1, j1, l1)))
            if kept is not None and reads < kept:
                continue
            if not (_allowed(first, params) and _allowed(second, params)):
                continue
            if (similarity(*first) >= similarity(*out[k]) - loss
                    and similarity(*second) >= similarity(*out[k + 1]) - loss):
                out[k], out[k + 1] = first, second
            break
    return out


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

    similarity = functools.partial(_similarity, src, tgt)

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
                if not _allowed(joined, params):
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
        self.ratio, self.spread = length_model(src.lengths, tgt.lengths, sorted(anchors),
                                               params)
        # what a right pair scores in this document (a language pair, a kind of text): the
        # median similarity of the first pass's anchors (None: no anchors)
        self.typical: float | None = float(np.median(
            [src.runs[1, i + 1] @ tgt.runs[1, j + 1] for i, j in anchors])) if anchors else None
        self.src_asks = src.anchors["?"] != 0  # (max_side + 1, n + 1) bool
        self.tgt_asks = tgt.anchors["?"] != 0
        self.src_terms = _RunTerms.of(src, params.max_side)
        self.tgt_terms = _RunTerms.of(tgt, params.max_side)
        # where each sentence's clauses start among its side's (Clauses.of, looked up once)
        self.src_clauses = np.searchsorted(src.clauses.sentence, np.arange(src.size + 1))
        self.tgt_clauses = np.searchsorted(tgt.clauses.sentence, np.arange(tgt.size + 1))

    def row(self, i: int, a: int, b: int, j: np.ndarray) -> np.ndarray:
        """Costs of the beads of shape a-b ending at state (i, j) for each j: array (len(j),).

        ``j`` holds end states with ``j >= b`` and ``i >= a``.
        """
        if a == 0 or b == 0:
            return np.full(len(j), self.params.skip)
        # the states j of a row are consecutive: a slice is a view, where j would copy
        sim = self.tgt.runs[b, j[0]:j[-1] + 1] @ self.src.runs[a, i]
        return self._cost(a, b, i, j, sim)

    def spans(self, a: int, b: int, i: np.ndarray, j0: np.ndarray, j1: np.ndarray
              ) -> np.ndarray:
        """:meth:`row` for many rows at once (a :data:`alignments.search.SpanCost`): the
        costs of a-b beads ending at (i[r], j0[r] .. j1[r]) for each r, laid end to end.

        The similarities are taken row by row exactly as :meth:`row` takes them (one
        matrix-vector product per row), the rest of the cost for all the states at once,
        so the costs are the same to the last bit.
        """
        counts = j1 - j0 + 1
        size = int(counts.sum())
        if a == 0 or b == 0:
            return np.full(size, self.params.skip)
        tgt_runs, src_runs = self.tgt.runs[b], self.src.runs[a]
        sim = np.concatenate([tgt_runs[x:y + 1] @ src_runs[r] for r, x, y in
                              zip(i.tolist(), j0.tolist(), j1.tolist(), strict=True)])
        first = np.cumsum(counts) - counts
        j = np.repeat(j0 - first, counts) + np.arange(size)
        return self._cost(a, b, np.repeat(i, counts), j, sim)

    def _cost(self, a: int, b: int, i: int | np.ndarray, j: np.ndarray, sim: np.ndarray
              ) -> np.ndarray:
        """The costs of a-b beads (a, b >= 1) ending at (i, j) whose runs' similarity is
        ``sim`` (``i`` a state or an array like ``j``)."""
        p, src, tgt = self.params, self.src_terms, self.tgt_terms
        cost = (a + b) / 2.0 * (p.offset - sim) + p.multi * (a + b - 2)
        if p.gale_church:
            delta = self.deviation(src.chars[a][i], tgt.chars[b][j])
            cost += p.gale_church * np.minimum(delta * delta, 25.0) / 2.0
        if p.numbers:
            cost += p.numbers * mask_mismatch(self.src.anchors["num"][a, i],
                                              self.tgt.anchors["num"][b, j])
        if p.question:  # one anchor, "?": a mismatch is one side having it
            cost += p.question * (self.src_asks[a, i] != self.tgt_asks[b, j])
        if p.junk and a + b > 2:
            # OCR debris, a page number, a lone caption mark: skipped, not merged
            junk = src.junk[a][i] * (a > 1) + tgt.junk[b][j] * (b > 1)
            cost += p.junk * junk
        if p.paragraph_cross or p.paragraph_mismatch:
            # (numpy adds booleans as 'or': a break crossed on either side)
            crossed = src.crossed[a][i] + tgt.crossed[b][j]
            mismatch = src.opens[a][i] != tgt.opens[b][j]
            cost += p.paragraph_cross * crossed + p.paragraph_mismatch * mismatch
        return np.asarray(cost, dtype=float)

    def measure(self, spans: Sequence[Span]) -> tuple[dict[Span, float], dict[Span, float]]:
        """The similarity and the DP cost of each span (:meth:`measure_many`), by span."""
        unique = list(dict.fromkeys(spans))
        sim, cost = self.measure_many(np.array(unique, dtype=np.int64).reshape(-1, 4))
        return (dict(zip(unique, sim.tolist(), strict=True)),
                dict(zip(unique, cost.tolist(), strict=True)))

    def measure_many(self, spans: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The similarity and the DP cost of each span of ``spans`` (k, 4), computed
        together per shape: two arrays (k,).

        A span outside the sides has similarity -1 and cost inf; a skip similarity -1 and
        cost ``skip`` per sentence; a shape beyond the longest run cost inf.
        """
        p = self.params
        sim = np.full(len(spans), -1.0)
        cost = np.full(len(spans), np.inf)
        if not len(spans):
            return sim, cost
        i0, i1, j0, j1 = spans.T
        a, b = i1 - i0, j1 - j0
        inside = ((i0 >= 0) & (i0 <= i1) & (i1 <= self.src.size)
                  & (j0 >= 0) & (j0 <= j1) & (j1 <= self.tgt.size))
        skip = inside & ((a == 0) | (b == 0))
        cost[skip] = p.skip * (a[skip] + b[skip])
        paired = inside & ~skip & (a <= p.max_side) & (b <= p.max_side)
        shape = a * (p.max_side + 1) + b
        for key in np.unique(shape[paired]).tolist():
            at = np.flatnonzero(paired & (shape == key))
            sa, sb = divmod(key, p.max_side + 1)
            i, j = i1[at], j1[at]
            # float32, as the search's own costs take it; the runs gathered a few thousand
            # at a time (all at once, a long document's took hundreds of MB)
            found = np.empty(len(at), dtype=np.float32)
            for first in range(0, len(at), MEASURE_CHUNK):
                part = slice(first, first + MEASURE_CHUNK)
                found[part] = np.einsum("kd,kd->k", self.src.runs[sa, i[part]],
                                        self.tgt.runs[sb, j[part]])
            sim[at] = found
            if sa + sb <= p.max_total:
                cost[at] = self._cost(sa, sb, i, j, found)
        return sim, cost

    def deviation(self, ls: float | np.ndarray, lt: float | np.ndarray) -> np.ndarray:
        """Gale & Church's standardised length deviation of beads of ``ls`` source and
        ``lt`` target characters under this document's own model, in source units."""
        scaled = lt / self.ratio
        mean = (ls + scaled) / 2.0
        return np.asarray((scaled - ls) / np.sqrt(np.maximum(mean, 1.0) * self.spread))

    def features(self, path: Sequence[Span], chosen: np.ndarray | None = None
                 ) -> np.ndarray:
        """What the confidence of each bead of ``path`` is judged on: an array
        (len(path), len(FEATURES)), columns as :data:`alignments.confidence.FEATURES`.
        ``chosen``: each bead's probability among the paths through the band
        (:func:`alignments.search.posteriors`; 1 when not given).

        Every bead at once: the spans each feature compares (the bead's rivals, grown and
        shrunk, its neighbours joined, the local changes to the path) are laid out as
        arrays and measured together (:meth:`measure_many`), each distinct span once."""
        src, tgt = self.src, self.tgt
        count = len(path)
        out = np.zeros((count, len(FEATURES)))
        if not count:
            return out
        col = {name: k for k, name in enumerate(FEATURES)}
        beads = np.array(path, dtype=np.int64).reshape(-1, 4)
        i0, i1, j0, j1 = beads.T
        a, b = i1 - i0, j1 - j0
        pair = (a > 0) & (b > 0)
        merge = a + b > 2
        # the border between each bead and the next: the two joined, and the border moved
        # by one sentence on one side
        first, second = beads[:-1], beads[1:]
        joined = np.stack((np.minimum(first[:, 0], second[:, 0]),
                           np.maximum(first[:, 1], second[:, 1]),
                           np.minimum(first[:, 2], second[:, 2]),
                           np.maximum(first[:, 3], second[:, 3])), axis=1)
        moves = np.array([(1, 0), (-1, 0), (0, 1), (0, -1)])
        x = np.repeat(first[:, None, :], 4, axis=1)
        y = np.repeat(second[:, None, :], 4, axis=1)
        x[:, :, 1] += moves[:, 0]
        x[:, :, 3] += moves[:, 1]
        y[:, :, 0] += moves[:, 0]
        y[:, :, 2] += moves[:, 1]
        lengths_x, lengths_y = x[:, :, 1::2] - x[:, :, 0::2], y[:, :, 1::2] - y[:, :, 0::2]
        moved = ((np.minimum(lengths_x.min(axis=2), lengths_y.min(axis=2)) >= 0)
                 & (lengths_x.sum(axis=2) > 0) & (lengths_y.sum(axis=2) > 0))
        border, move = np.nonzero(moved)
        # a merge split in two anywhere
        merges = np.flatnonzero(merge)
        side = int(max(a[merges].max(), b[merges].max())) + 1 if len(merges) else 1
        cut_i, cut_j = np.divmod(np.arange(side * side), side)
        split = ((cut_i[None, :] <= a[merges, None]) & (cut_j[None, :] <= b[merges, None])
                 & ((cut_i[None, :] + cut_j[None, :]) > 0)
                 & ((cut_i[None, :] != a[merges, None]) | (cut_j[None, :] != b[merges, None])))
        split_bead, split_cut = np.nonzero(split)
        whole = beads[merges[split_bead]]
        ci = whole[:, 0] + cut_i[split_cut]
        cj = whole[:, 2] + cut_j[split_cut]
        # the bead's rivals (shifted by one sentence), grown and shrunk by one; a skip's
        # would-be partners nearby
        pairs = np.flatnonzero(pair)
        shrinking = np.flatnonzero(pair & merge)
        skips = np.flatnonzero(~pair)
        rivals = np.array([(-1, -1, 0, 0), (1, 1, 0, 0), (0, 0, -1, -1), (0, 0, 1, 1)])
        grown = np.array([(-1, 0, 0, 0), (0, 1, 0, 0), (0, 0, -1, 0), (0, 0, 0, 1)])
        shrunk = np.array([(1, 0, 0, 0), (0, -1, 0, 0), (0, 0, 1, 0), (0, 0, 0, -1)])
        d = np.arange(-2, 2)
        source_skip = a[skips, None] > 0
        near = np.stack((
            np.where(source_skip, i0[skips, None], i0[skips, None] + d),
            np.where(source_skip, i1[skips, None], i0[skips, None] + d + 1),
            np.where(source_skip, j0[skips, None] + d, j0[skips, None]),
            np.where(source_skip, j0[skips, None] + d + 1, j1[skips, None])), axis=2)
        parts = [beads, joined, x[border, move], y[border, move],
                 np.stack((whole[:, 0], ci, whole[:, 2], cj), axis=1),
                 np.stack((ci, whole[:, 1], cj, whole[:, 3]), axis=1),
                 (beads[pairs, None] + rivals).reshape(-1, 4),
                 (beads[pairs, None] + grown).reshape(-1, 4),
                 (beads[shrinking, None] + shrunk).reshape(-1, 4), near.reshape(-1, 4)]
        spans = np.concatenate(parts)
        _, first, inverse = np.unique(_span_keys(spans), return_index=True,
                                      return_inverse=True)
        sim_unique, cost_unique = self.measure_many(spans[first])
        sims, costs = sim_unique[inverse.reshape(-1)], cost_unique[inverse.reshape(-1)]
        sizes = np.cumsum([len(part) for part in parts])[:-1]
        sim = np.split(sims, sizes)
        cost = np.split(costs, sizes)
        own_sim, own_cost = sim[0], cost[0]
        typical = self.typical if self.typical is not None else float(np.median(
            own_sim[pair].tolist() or [0.5]))
        column = out.T
        # how hard the document is: the share of its sentences the first pass anchored,
        # and of its beads that are not 1-1
        column[col["coverage"]] = len(self.anchors) / max(1, min(src.size, tgt.size))
        column[col["uneven"]] = int(((a != 1) | (b != 1)).sum()) / max(1, count)
        column[col["posterior"]] = chosen if chosen is not None else 1.0
        # the extra cost of the best local change to the path: a bead joined with a
        # neighbour, the border between them moved, a merge split (each as the change's
        # beads' costs less the bead's and the neighbour's)
        regret = np.full(count, np.inf)
        left, right = np.arange(count - 1), np.arange(1, count)
        for value, bead, other in (
                (cost[1], left, right), (cost[1], right, left),
                (cost[2] + cost[3], border, border + 1), (cost[2] + cost[3], border + 1, border)):
            np.minimum.at(regret, bead, value - own_cost[bead] - own_cost[other])
        np.minimum.at(regret, merges[split_bead],
                      cost[4] + cost[5] - own_cost[merges[split_bead]] - 0.0)
        if count == 1 and not merge[0]:
            regret[0] = 1.0  # no change to weigh it against
        column[col["regret"]] = np.clip(regret, -0.5, 1.0)
        column[col["junk"]] = src.junk[i1] - src.junk[i0] + tgt.junk[j1] - tgt.junk[j0]
        # fragments inside the bead, and right beside it (one sentence each way)
        src_partial = np.concatenate(([0], np.cumsum(src.partial)))
        tgt_partial = np.concatenate(([0], np.cumsum(tgt.partial)))
        column[col["fragments"]] = (src_partial[i1 + 1] - src_partial[i0 + 1]
                                    + tgt_partial[j1 + 1] - tgt_partial[j0 + 1])
        # (numpy adds booleans as 'or': whether any of the four is, as fitted)
        column[col["fragments_beside"]] = (
            src.partial[i0] | src.partial[np.minimum(i1 + 1, src.size + 1)]
            | tgt.partial[j0] | tgt.partial[np.minimum(j1 + 1, tgt.size + 1)])
        # the neighbours: skips beside, the weaker paired one's similarity, and for a 1-1
        # bead whether a clause crossed the full stop between it and a paired one
        before = np.concatenate(([False], np.ones(count - 1, dtype=bool)))
        after = before[::-1]
        pair_before = np.concatenate(([False], pair[:-1]))
        pair_after = np.concatenate((pair[1:], [False]))
        column[col["beside_skip"]] = ((before & ~pair_before).astype(int)
                                      + (after & ~pair_after))
        relative = own_sim - typical
        weaker = np.minimum(np.where(pair_before, np.roll(relative, 1), np.inf),
                            np.where(pair_after, np.roll(relative, -1), np.inf))
        column[col["neighbour"]] = np.where(np.isfinite(weaker),
                                            np.clip(weaker, -0.5, 0.5), 0.0)
        one = (a == 1) & (b == 1)
        crossing = np.full(count, -0.5)
        for k in np.flatnonzero((one[:-1] & pair[1:]) | (pair[:-1] & one[1:])).tolist():
            # the same for both beads: computed once for the two
            found = self.crossing(path[k], path[k + 1])
            for q in (k, k + 1):
                if one[q]:
                    crossing[q] = max(crossing[q], found)
        column[col["crossing"]] = np.clip(crossing, -0.5, 0.5)
        # skips: the best would-be partner nearby, and the skipped sentence's size
        column[col["skip"]] = ~pair
        nearest = sim[9].reshape(-1, 4).max(axis=1)
        column[col["partner"], skips] = np.where(
            nearest > -1, np.clip(nearest - typical, -1.0, 0.5), -1.0)
        mean_src = src.lengths[-1] / max(src.size, 1)
        mean_tgt = tgt.lengths[-1] / max(tgt.size, 1)
        size = np.where(a[skips] > 0,
                        (src.lengths[i1[skips]] - src.lengths[i0[skips]]) / max(mean_src, 1.0),
                        (tgt.lengths[j1[skips]] - tgt.lengths[j0[skips]]) / max(mean_tgt, 1.0))
        column[col["skip_size"], skips] = np.log1p(size)
        # pairs
        s = own_sim[pairs]
        column[col["similarity"], pairs] = s
        column[col["relative"], pairs] = s - typical
        column[col["merge"], pairs] = merge[pairs]
        column[col["extra"], pairs] = (a + b - 2)[pairs]
        column[col["anchor"], pairs] = [
            k in self.anchors for k in zip(i0[pairs].tolist(), j0[pairs].tolist(), strict=True)]
        column[col["anchor"], pairs] *= one[pairs]
        column[col["margin"], pairs] = np.clip(s - sim[6].reshape(-1, 4).max(axis=1), -0.5, 0.5)
        column[col["grow"], pairs] = np.clip(sim[7].reshape(-1, 4).max(axis=1) - s, -0.5, 0.5)
        column[col["shrink"], shrinking] = np.clip(
            sim[8].reshape(-1, 4).max(axis=1) - own_sim[shrinking], -0.5, 0.5)
        both = pair[:-1] & pair[1:]  # the borders between two paired beads
        gain = np.full((count, 2), -np.inf)
        gain[:-1, 1] = np.where(both, sim[1] - np.minimum(own_sim[:-1], own_sim[1:]), -np.inf)
        gain[1:, 0] = gain[:-1, 1]
        best = gain.max(axis=1)
        column[col["join"], pairs] = np.where(np.isfinite(best[pairs]),
                                              np.clip(best[pairs], -0.5, 0.5), -0.5)
        signed = np.where(pair, self.deviation(src.lengths[i1] - src.lengths[i0],
                                               tgt.lengths[j1] - tgt.lengths[j0]), 0.0)
        column[col["length"], pairs] = np.minimum(np.abs(signed[pairs]), 5.0)
        opposite = np.full((count, 2), -np.inf)
        opposite[1:, 0] = np.where(pair_before[1:], -signed[1:] * signed[:-1], -np.inf)
        opposite[:-1, 1] = np.where(pair_after[:-1], -signed[:-1] * signed[1:], -np.inf)
        most = opposite.max(axis=1)
        column[col["complement"], pairs] = np.where(np.isfinite(most[pairs]),
                                                    np.clip(most[pairs], -5.0, 5.0), 0.0)
        column[col["numbers"], pairs] = mask_mismatch(
            src.anchors["num"][a[pairs], i1[pairs]], tgt.anchors["num"][b[pairs], j1[pairs]])
        column[col["question"], pairs] = (self.src_asks[a[pairs], i1[pairs]]
                                          != self.tgt_asks[b[pairs], j1[pairs]])
        return out

    def crossing(self, span: Span, other: Span) -> float:
        """How far a clause of two neighbouring pair beads reads as the other bead's: the
        most any clause of their sentences is nearer the other bead's other side than its
        own bead's (-1 when no sentence of theirs has two clauses). High where the
        translator moved a clause across the full stop, so that two 1-1 beads are in truth
        one 2-2."""
        src, tgt = self.src, self.tgt
        at_src, at_tgt = self.src_clauses, self.tgt_clauses
        best = -1.0
        for (i0, i1, j0, j1), (k0, k1, l0, l1) in ((span, other), (other, span)):
            if at_src[i1] > at_src[i0]:
                clauses = src.clauses.vectors[at_src[i0]:at_src[i1]]
                across = tgt.runs[l1 - l0, l1] - tgt.runs[j1 - j0, j1]
                best = max(best, float((clauses @ across).max()))
            if at_tgt[j1] > at_tgt[j0]:
                clauses = tgt.clauses.vectors[at_tgt[j0]:at_tgt[j1]]
                across = src.runs[k1 - k0, k1] - src.runs[i1 - i0, i1]
                best = max(best, float((clauses @ across).max()))
        return best

    def beads(self, path: Sequence[Span], chosen: np.ndarray | None = None
              ) -> tuple[list[Bead], np.ndarray]:
        """The beads of ``path`` (ids of the whole document) with their confidences, and
        the features those were judged on."""
        features = self.features(path, chosen)
        scores = probability(features)
        beads = [Bead(tuple(range(self.src.offset + i0, self.src.offset + i1)),
                      tuple(range(self.tgt.offset + j0, self.tgt.offset + j1)), float(p))
                 for (i0, i1, j0, j1), p in zip(path, scores, strict=True)]
        return beads, features


def length_model(src_lengths: np.ndarray, tgt_lengths: np.ndarray,
                 anchors: Sequence[tuple[int, int]], params: AlignParams = DEFAULT_PARAMS
                 ) -> tuple[float, float]:
    """The document's own length model: (ratio, spread) such that a bead of ls source and
    lt target characters has ``lt / ratio - ls`` about normal with variance ``spread *
    (ls + lt / ratio) / 2``, all in source characters (Gale & Church's model).

    Estimated on the first pass's 1-1 anchors (``anchors``, pairs (i, j); ``*_lengths``
    cumulative) when there are at least ``params.length_anchors`` of them: the ratio of
    their summed lengths, and a robust variance (the median squared deviation over 0.455,
    the median of a chi-squared with one degree of freedom) kept between the prior and
    :data:`SPREAD_CAP` times it. The prior is Gale & Church's 6.8 in the unit of the side
    written with more characters, so a pair whose characters differ in weight (Chinese
    and English) is judged the same in both directions. The anchors are the pairs the
    embeddings matched best, tighter than the beads the search must weigh: a spread
    sharper than the prior lowered the demo and SCO pairs, a looser one (a free
    translation, OCR) is the document's own. Fewer anchors: the ratio of the whole
    sides and the prior.
    """
    ratio = float((tgt_lengths[-1] + 1.0) / (src_lengths[-1] + 1.0))
    if params.length_anchors <= 0 or len(anchors) < params.length_anchors:
        return ratio, GALE_CHURCH_VARIANCE / max(ratio, 1.0)
    pairs = np.asarray(anchors)
    ls = src_lengths[pairs[:, 0] + 1] - src_lengths[pairs[:, 0]]
    lt = tgt_lengths[pairs[:, 1] + 1] - tgt_lengths[pairs[:, 1]]
    ratio = float((lt.sum() + 1.0) / (ls.sum() + 1.0))
    prior = GALE_CHURCH_VARIANCE / max(ratio, 1.0)
    mean = np.maximum((ls + lt / ratio) / 2.0, 1.0)
    estimate = float(np.median((lt / ratio - ls) ** 2 / mean) / 0.455)
    return ratio, _clip(estimate, prior, prior * SPREAD_CAP)


MEASURE_CHUNK = 4096  # spans whose runs are gathered together to measure them
SPREAD_CAP = 4.0  # a document's length spread is at most this many times the prior
GALE_CHURCH_VARIANCE = 6.8  # Gale & Church's variance per character, European languages
