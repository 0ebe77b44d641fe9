"""Damaged copies of gold documents: more of the mistakes a confidence must learn to see.

The development sources are aligned almost without error (the demo and SCO corpora: a dozen
wrong beads in two thousand), so a confidence fitted on them has next to nothing to learn
from. Real pages are messier: a sentence missing from one version, two sentences written
as one. ``damage`` makes exactly that happen to a gold document, and keeps the gold right:

- *join*: two neighbouring sentences of one side become one (the gold beads that held them
  become one bead, with whatever lay between them);
- *drop*: a sentence of one side disappears (its bead loses it, or goes if it is empty).

Aligning the damaged copies with the real aligner gives beads, right and wrong, with the
features the aligner computed for them: training material of the kind the held-out sources
need. Deterministic for a seed.

``omit`` cuts a whole passage out of one side (a paragraph one version left out, as
literary translators and a ministry's web editors do): its partners on the other side
become 1-0 / 0-1 beads, one per sentence, as the field's gold sets write omissions.
"""

from __future__ import annotations

import random

Gold = list[tuple[list[int], list[int]]]

SOURCE, TARGET = 0, 1


def damage(src: list[str], tgt: list[str], gold: Gold, seed: int, share: float = 0.06
           ) -> tuple[list[str], list[str], Gold]:
    """A damaged copy of a document and its gold: about ``share`` of each side's sentences
    joined to their neighbour, and about half as many dropped."""
    rng = random.Random(seed)
    sides = [list(src), list(tgt)]
    beads: Gold = [(list(s), list(t)) for s, t in gold]
    for side in (SOURCE, TARGET):
        for _ in range(round(share * len(sides[side]))):
            if len(sides[side]) > 2:
                _join(sides, beads, side, rng.randrange(len(sides[side]) - 1))
        for _ in range(round(share / 2 * len(sides[side]))):
            if len(sides[side]) > 2:
                _drop(sides, beads, side, rng.randrange(len(sides[side])))
    return sides[SOURCE], sides[TARGET], beads


def omit(src: list[str], tgt: list[str], gold: Gold, side: int, count: int
         ) -> tuple[list[str], list[str], Gold]:
    """A copy of a document with ``count`` consecutive sentences of ``side`` (SOURCE or
    TARGET) cut out of its middle, and its gold: a bead that loses all its sentences on
    that side leaves its others as one skip bead each."""
    sides = [list(src), list(tgt)]
    start = max(0, len(sides[side]) // 2 - count // 2)
    gone = set(range(start, min(len(sides[side]), start + count)))
    new = {old: k for k, old in enumerate(i for i in range(len(sides[side])) if i not in gone)}
    other = TARGET if side == SOURCE else SOURCE
    beads: Gold = []
    for bead in gold:
        kept = [new[i] for i in bead[side] if i not in gone]
        if kept or not bead[other]:
            beads.append((kept, list(bead[other])) if side == SOURCE
                         else (list(bead[other]), kept))
        else:  # its sentences on the other side are left without a partner
            beads += [([], [x]) if other == TARGET else ([x], []) for x in bead[other]]
    sides[side] = [text for i, text in enumerate(sides[side]) if i not in gone]
    return sides[SOURCE], sides[TARGET], [b for b in beads if b[SOURCE] or b[TARGET]]


def _join(sides: list[list[str]], beads: Gold, side: int, i: int) -> None:
    """Sentences ``i`` and ``i + 1`` of ``side`` become one; their beads merge."""
    text = sides[side]
    text[i:i + 2] = [f"{text[i]} {text[i + 1]}"]
    # (a gold may leave a sentence out of every bead: then there is nothing to merge)
    first = next((k for k, bead in enumerate(beads) if i in bead[side]), None)
    last = next((k for k, bead in enumerate(beads) if i + 1 in bead[side]), None)
    if first is not None and last is not None and last != first:
        first, last = min(first, last), max(first, last)  # (a gold may cross itself)
        merged = (sorted({x for b in beads[first:last + 1] for x in b[SOURCE]}),
                  sorted({x for b in beads[first:last + 1] for x in b[TARGET]}))
        beads[first:last + 1] = [merged]
    _renumber(beads, side, i + 1, keep=i)


def _drop(sides: list[list[str]], beads: Gold, side: int, i: int) -> None:
    """Sentence ``i`` of ``side`` disappears; a bead left empty goes with it."""
    del sides[side][i]
    for bead in beads:
        if i in bead[side]:
            bead[side].remove(i)
    beads[:] = [b for b in beads if b[SOURCE] or b[TARGET]]
    _renumber(beads, side, i, keep=None)


def _renumber(beads: Gold, side: int, gone: int, keep: int | None) -> None:
    """Ids of ``side`` after the removed id ``gone`` move down one; a bead holding both
    ``keep`` and ``gone`` (a join inside one bead) holds ``keep`` once."""
    for bead in beads:
        ids = bead[side]
        moved = sorted({(keep if x == gone and keep is not None else x - 1 if x > gone else x)
                        for x in ids})
        ids[:] = moved
