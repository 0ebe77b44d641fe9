"""Strict / lax precision, recall and F1 of beads against a gold, and the Vecalign text format.

The definitions are Bleualign's and Vecalign's (``score.py``), which Bertalign reuses:

- precision is over all hypothesis beads, 1-0 and 0-1 included; recall is over the gold
  beads with both sides, searched among the hypothesis beads with both sides;
- strict: the same bead (same source ids, same target ids) is on the other side;
  lax: also when some bead of the other side shares a source id and a target id with it
  (a one-sided bead is lax-correct only by an exact match);
- beads are sets (duplicates collapse, ids sorted, beads empty on both sides dropped), and
  counts are summed over documents before dividing (micro average).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alignments.beads import AlignmentError, Bead

__all__ = ["Counts", "Scores", "format_beads", "parse_beads", "score_beads", "score_documents"]

Pair = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Counts:
    """The raw counts behind the scores; they add up over documents."""

    p_strict: int = 0
    p_lax: int = 0
    p_total: int = 0
    r_strict: int = 0
    r_lax: int = 0
    r_total: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int, int, int]:
        return (self.p_strict, self.p_lax, self.p_total, self.r_strict, self.r_lax, self.r_total)


@dataclass(frozen=True, slots=True)
class Scores:
    """Strict and lax precision, recall and F1, with the counts they come from."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float
    counts: Counts

    @staticmethod
    def of(counts: Counts) -> Scores:
        p_s = _ratio(counts.p_strict, counts.p_total)
        p_l = _ratio(counts.p_lax, counts.p_total)
        r_s = _ratio(counts.r_strict, counts.r_total)
        r_l = _ratio(counts.r_lax, counts.r_total)
        return Scores(p_s, r_s, _f1(p_s, r_s), p_l, r_l, _f1(p_l, r_l), counts)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _as_pairs(beads: Iterable[Bead | Pair]) -> set[Pair]:
    pairs = set()
    for bead in beads:
        src, tgt = (bead.source, bead.target) if isinstance(bead, Bead) else bead
        if src or tgt:
            pairs.add((tuple(sorted(src)), tuple(sorted(tgt))))
    return pairs


def _judge(candidates: set[Pair], reference: set[Pair]) -> tuple[int, int, int]:
    """(strict hits, lax hits, total) of ``candidates`` against ``reference``."""
    linked: dict[int, set[int]] = {}
    for src, tgt in reference:
        for i in src:
            linked.setdefault(i, set()).update(tgt)
    strict = lax = 0
    for src, tgt in candidates:
        if (src, tgt) in reference:
            strict += 1
            lax += 1
        elif any(linked.get(i, set()).intersection(tgt) for i in src):
            lax += 1
    return strict, lax, len(candidates)


def count_document(gold: Iterable[Bead | Pair], hypothesis: Iterable[Bead | Pair]) -> Counts:
    """The counts of one document's hypothesis against its gold."""
    g, h = _as_pairs(gold), _as_pairs(hypothesis)
    p_s, p_l, p_t = _judge(h, g)
    r_s, r_l, r_t = _judge({b for b in g if b[0] and b[1]}, {b for b in h if b[0] and b[1]})
    return Counts(p_s, p_l, p_t, r_s, r_l, r_t)


def score_documents(golds: Sequence[Iterable[Bead | Pair]],
                    hypotheses: Sequence[Iterable[Bead | Pair]]) -> Scores:
    """Micro-averaged scores over parallel lists of documents."""
    if len(golds) != len(hypotheses):
        raise AlignmentError("gold-count", golds=len(golds), hypotheses=len(hypotheses))
    total = Counts()
    for gold, hyp in zip(golds, hypotheses, strict=True):
        total = total + count_document(gold, hyp)
    return Scores.of(total)


def score_beads(gold: Iterable[Bead | Pair], hypothesis: Iterable[Bead | Pair]) -> Scores:
    """The scores of one document."""
    return score_documents([gold], [hypothesis])


def parse_beads(text: str) -> list[Bead]:
    """Beads from Vecalign's text format: ``[0, 1]:[0]`` or ``[0, 1]:[0]:0.81`` per line.

    Blank lines and ``#`` comments are skipped; a bead without a score gets 1.0.
    """
    beads = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            left, rest = line.split("]", 1)
            rest = rest.lstrip()
            if not rest.startswith(":"):
                raise ValueError
            middle, _, tail = rest[1:].partition("]")
            src = ast.literal_eval(left + "]")
            tgt = ast.literal_eval(middle + "]")
            tail = tail.strip()
            score = float(tail[1:]) if tail.startswith(":") else 1.0
            if tail and not tail.startswith(":"):
                raise ValueError
            if not isinstance(src, list) or not isinstance(tgt, list):
                raise ValueError
            beads.append(Bead(tuple(sorted(int(x) for x in src)),
                              tuple(sorted(int(x) for x in tgt)), score))
        except (ValueError, SyntaxError, TypeError):
            raise AlignmentError("not-a-bead", line=number, text=line[:60]) from None
    return beads


def format_beads(beads: Iterable[Bead], *, scores: bool = True) -> str:
    """Beads in Vecalign's text format, one per line (with the score unless told not to)."""
    lines = []
    for bead in beads:
        text = bead.vecalign()
        lines.append(text if scores else text.rsplit(":", 1)[0])
    return "".join(line + "\n" for line in lines)
