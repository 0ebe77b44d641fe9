"""Alignment accuracy: strict / lax P, R, F1 on Text+Berg dev and on the demo corpus.

Usage (from the repository root)::

    PYTHONPATH=. python bench/accuracy.py [--shared ../shared] [--demo workbench/demo/gold]
                                          [--calibration]

Text+Berg (GPL) is read from ``../shared/bench/textberg-dev`` at run time, never copied here.
The demo gold (``workbench/demo/gold/*.json``, one page per file: ``{"langs": [...],
"sentences": {lang: [...]}, "pairs": {"ru-RU-en-GB": [[[0], [0, 1]], ...]}}``) is aligned
pivot -> each other language, presegmented, and scored per pair against its gold beads.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alignments.align import align_pair  # noqa: E402
from alignments.beads import Bead  # noqa: E402
from alignments.embed import Encoder  # noqa: E402
from alignments.multi import choose_pivot  # noqa: E402
from alignments.score import Scores, parse_beads, score_documents  # noqa: E402


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def demo_pairs(gold_dir: Path) -> dict[tuple[str, str], list[tuple[list[str], list[str],
                                                                   list[Bead]]]]:
    """For each (pivot, other) pair: the pages as (pivot sentences, other sentences, gold).

    The gold is the page's pairwise beads (``"pairs"``), not its N-way rows: a row that
    another language merged is several 1-1 beads between these two.
    """
    pairs: dict[tuple[str, str], list[tuple[list[str], list[str], list[Bead]]]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        langs: list[str] = page["langs"]
        pivot = choose_pivot(langs)
        for other in langs:
            if other == pivot:
                continue
            gold = [Bead(tuple(s), tuple(t)) for s, t in page["pairs"][f"{pivot}-{other}"]]
            pairs.setdefault((pivot, other), []).append(
                (page["sentences"][pivot], page["sentences"][other], gold))
    return pairs


def row(name: str, scores: Scores, sentences: int, seconds: dict[str, float]) -> str:
    total = sum(seconds.values())
    rate = sentences / max(seconds["embed"] + seconds["search"], 1e-9)
    return (f"| {name} | {scores.precision_strict:.4f} | {scores.recall_strict:.4f} | "
            f"{scores.f1_strict:.4f} | {scores.precision_lax:.4f} | {scores.recall_lax:.4f} | "
            f"{scores.f1_lax:.4f} | {seconds['load']:.2f} | {seconds['embed']:.2f} | "
            f"{seconds['search']:.2f} | {total:.2f} | {rate:.0f} |")


CALIBRATION: list[tuple[float, bool]] = []  # (bead confidence, bead right) of every run
BINS = (0.0, 0.5, 0.8, 0.9, 0.95, 1.0001)


def calibration_table() -> str:
    """Beads by confidence: how many, the mean confidence, and the share that were right."""
    out = ["| confidence | beads | mean confidence | right |", "|---|---|---|---|"]
    for lo, hi in zip(BINS, BINS[1:], strict=False):
        inside = [(c, ok) for c, ok in CALIBRATION if lo <= c < hi]
        if inside:
            mean = sum(c for c, _ in inside) / len(inside)
            right = sum(ok for _, ok in inside) / len(inside)
            out.append(f"| {lo:.2f}–{min(hi, 1.0):.2f} | {len(inside)} | {mean:.3f} | "
                       f"{right:.3f} |")
    return "\n".join(out)


def run(name: str, docs: Sequence[tuple[list[str], list[str], list[Bead]]],
        langs: tuple[str, str]) -> str:
    """Align each document with a fresh encoder and give the table row."""
    encoder = Encoder()
    start = time.perf_counter()
    encoder.backend  # noqa: B018 - the model load, timed on its own
    load = time.perf_counter() - start
    hyps = []
    start = time.perf_counter()
    for src, tgt, _ in docs:
        hyps.append(align_pair(src, tgt, langs[0], langs[1], encoder=encoder))
    elapsed = time.perf_counter() - start
    embed = encoder.seconds_embedding
    seconds = {"load": load, "embed": embed, "search": elapsed - embed}
    scores = score_documents([gold for _, _, gold in docs], hyps)
    for (_, _, gold), hyp in zip(docs, hyps, strict=True):
        right = {(b.source, b.target) for b in gold}
        CALIBRATION.extend((b.score, (b.source, b.target) in right) for b in hyp)
    sentences = sum(len(s) + len(t) for s, t, _ in docs)
    return row(name, scores, sentences, seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--demo", type=Path, default=ROOT / "workbench" / "demo" / "gold")
    parser.add_argument("--calibration", action="store_true",
                        help="also: beads by confidence against the share that were right")
    args = parser.parse_args(argv)

    print("| corpus | P strict | R strict | F1 strict | P lax | R lax | F1 lax | load s "
          "| embed s | search s | total s | sent/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    dev = args.shared / "bench" / "textberg-dev"
    if (dev / "dev.defr").exists():
        gold = parse_beads((dev / "dev.defr").read_text(encoding="utf-8"))
        docs = [(lines(dev / "dev.de"), lines(dev / "dev.fr"), gold)]
        print(run("textberg-dev de→fr", docs, ("de", "fr")))
    else:
        print(f"(no Text+Berg dev at {dev})", file=sys.stderr)
    if args.demo.is_dir() and any(args.demo.glob("*.json")):
        for (pivot, other), pages in sorted(demo_pairs(args.demo).items()):
            print(run(f"demo {pivot}→{other} ({len(pages)} pages)", pages, (pivot, other)))
    else:
        print(f"(no demo gold at {args.demo})", file=sys.stderr)
    if args.calibration:
        print("\nCalibration (all corpora above):\n")
        print(calibration_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
