"""Alignment when one version left a passage out: strict and lax F1 per source, intact and
with a passage of K sentences cut from the middle of each document, on either side.

Usage (from the repository root)::

    PYTHONPATH=. python bench/omissions.py                      # K = 5 and 10, both sides
    PYTHONPATH=. python bench/omissions.py --sizes 10 --only novel club
    PYTHONPATH=. python bench/omissions.py --param skip_extend=0.45   # each skip alike

A literary translator drops a paragraph, a ministry's English page lacks one the Russian
has: the partners of the passage must come out as skips, one per sentence, and the rest
must stay aligned. The cut is made by ``bench/damage.py`` (``omit``) on the gold sources of
``bench/accuracy.py``; ``--embeddings`` keeps their embeddings between runs as there.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import CORPORA, ROOT, Source, parse_params, run, sources  # noqa: E402
from damage import SOURCE, TARGET, omit  # noqa: E402

from alignments.beads import Bead  # noqa: E402


def omitted_copy(source: Source, side: int, count: int) -> Source:
    """``source`` with ``count`` sentences of ``side`` cut from each document's middle."""
    docs = []
    for src, tgt, gold in source.docs:
        s, t, beads = omit(src, tgt, [(list(b.source), list(b.target)) for b in gold],
                           side, count)
        docs.append((s, t, [Bead(tuple(a), tuple(b)) for a, b in beads]))
    return Source(source.name, source.group, source.langs, docs, damaged=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10],
                        help="sentences cut (default: 5 10)")
    parser.add_argument("--only", nargs="*", default=[],
                        help="sources whose name starts with one of these")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="an aligner knob other than its default, as bench/accuracy.py")
    parser.add_argument("--embeddings", type=Path,
                        help="keep the sentence embeddings in this folder between runs")
    args = parser.parse_args(argv)
    params = parse_params(args.param)
    found = [s for s in sources(args.shared, ROOT / "workbench" / "demo" / "gold",
                                sorted(CORPORA.glob("*/gold")))
             if not args.only or s.name.startswith(tuple(args.only))]
    cuts = [(k, side) for k in args.sizes for side in (SOURCE, TARGET)]
    head = " | ".join(f"{k} cut from the {'source' if side == SOURCE else 'target'}"
                      for k, side in cuts)
    print(f"| source | intact | {head} |")
    print("|---|---|" + "---|" * len(cuts))
    for source in found:
        cells = []
        for copy in [source] + [omitted_copy(source, side, k) for k, side in cuts]:
            scores = run(copy, args.embeddings, params).scores
            cells.append(f"{scores.f1_strict:.3f} / {scores.f1_lax:.3f}")
        print(f"| {source.name} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
