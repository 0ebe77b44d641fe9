"""Alignment scored against a coarse gold: blocks of sentences known to go together.

Real translations nobody here wrote rarely come with a sentence-level gold; they come with
a structure both versions share: po4a's paragraphs (``bench/debian_docs.py``), a Bible's
verses (``bench/bible.py``). A block is a gold bead only where its sentences are known to
go together as a whole: when one side of it is a single sentence. Inside a block of
several sentences on both sides the gold says nothing finer.

So a hypothesis bead is *right* when it lies inside one block and, for a block with a
single sentence on a side, is that whole block; a block is *found* when no hypothesis bead
crosses its borders and, for such a block, one bead is exactly it. P = right beads /
beads, R = blocks found / blocks. It is a lax measure (it cannot see a wrong split inside
a block of 2-2), closer to the field's lax F1 than to its strict one. The confidence is
judged on the same notion of right (AUC; the wrong beads among the lowest 20%).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import RANKING_HEAD, ranking_row  # noqa: E402

from alignments.align import AlignParams, align_pair_with_features  # noqa: E402
from alignments.beads import Bead  # noqa: E402
from alignments.embed import Encoder  # noqa: E402


@dataclass
class Document:
    """Two versions as sentences, and the blocks as beads of sentence ids (in order,
    covering every sentence)."""

    name: str
    source: list[str]
    target: list[str]
    gold: list[Bead]

    @property
    def source_starts(self) -> frozenset[int]:
        return frozenset(b.source[0] for b in self.gold if b.source)

    @property
    def target_starts(self) -> frozenset[int]:
        return frozenset(b.target[0] for b in self.gold if b.target)


def judge(gold: Sequence[Bead], hypothesis: Sequence[Bead]) -> tuple[list[bool], int]:
    """For each hypothesis bead, whether it is right; and how many blocks were found."""
    src_block: dict[int, int] = {}
    tgt_block: dict[int, int] = {}
    for k, bead in enumerate(gold):
        src_block.update((i, k) for i in bead.source)
        tgt_block.update((j, k) for j in bead.target)

    def exact(k: int) -> bool:
        return len(gold[k].source) <= 1 or len(gold[k].target) <= 1

    right, crossed, whole = [], set(), set()
    for bead in hypothesis:
        owners = {src_block[i] for i in bead.source} | {tgt_block[j] for j in bead.target}
        if len(owners) != 1:
            right.append(False)
            crossed |= owners
            continue
        (k,) = owners
        is_whole = bead.source == gold[k].source and bead.target == gold[k].target
        if is_whole:
            whole.add(k)
        right.append(is_whole or not exact(k))
    found = sum(1 for k in range(len(gold))
                if k not in crossed and (k in whole or not exact(k)))
    return right, found


def decided(gold: Sequence[Bead], hypothesis: Sequence[Bead]) -> list[bool]:
    """For each hypothesis bead, whether the blocks decide it: not when it lies inside a
    block of several sentences on both sides (right by :func:`judge` because nothing finer
    is known: two 1-1 beads there may be in truth one 2-2). A bead that crosses a border,
    or lies in a block with one sentence on a side, is decided, right or wrong."""
    src_block = {i: k for k, bead in enumerate(gold) for i in bead.source}
    tgt_block = {j: k for k, bead in enumerate(gold) for j in bead.target}
    out = []
    for bead in hypothesis:
        owners = {src_block[i] for i in bead.source} | {tgt_block[j] for j in bead.target}
        if len(owners) != 1:
            out.append(True)
            continue
        (k,) = owners
        out.append(len(gold[k].source) <= 1 or len(gold[k].target) <= 1)
    return out


@dataclass
class Result:
    """One source's beads judged, and its blocks found."""

    name: str
    right: list[bool]
    confidence: list[float]
    blocks: int
    found: int
    sentences: int
    seconds: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def precision(self) -> float:
        return sum(self.right) / max(1, len(self.right))

    @property
    def recall(self) -> float:
        return self.found / max(1, self.blocks)

    def row(self) -> str:
        return (f"| {self.name} | {self.blocks} | {self.sentences} | {self.precision:.4f} | "
                f"{self.recall:.4f} | {self.f1:.4f} | {self.seconds:.1f} |")


HEAD = ["| source | blocks | sentences | P | R | F1 | seconds |",
        "|---|---|---|---|---|---|---|"]


def run(name: str, documents: Sequence[Document], langs: tuple[str, str], encoder: Encoder,
        params: AlignParams, paragraphs: bool = False) -> Result:
    """Each document aligned presegmented (``paragraphs``: told where the blocks start, as
    the workbench is for a page) and judged against its blocks."""
    right: list[bool] = []
    confidence: list[float] = []
    found = 0
    start = time.perf_counter()
    for doc in documents:
        beads, _ = align_pair_with_features(
            doc.source, doc.target, *langs, encoder=encoder, params=params,
            source_paragraph_starts=doc.source_starts if paragraphs else (),
            target_paragraph_starts=doc.target_starts if paragraphs else ())
        ok, n = judge(doc.gold, beads)
        right += ok
        confidence += [b.score for b in beads]
        found += n
    return Result(name, right, confidence, sum(len(d.gold) for d in documents), found,
                  sum(len(d.source) + len(d.target) for d in documents),
                  time.perf_counter() - start)


def summary(results: Sequence[Result], calibration: bool) -> list[str]:
    out = ["", f"mean F1 over {len(results)} sources: "
               f"{np.mean([r.f1 for r in results]):.4f}"]
    if calibration:
        out += ["", *RANKING_HEAD]
        out += [ranking_row(r.name, r.confidence, r.right) for r in results]
        out.append(ranking_row("pooled", [c for r in results for c in r.confidence],
                               [ok for r in results for ok in r.right]))
    return out
