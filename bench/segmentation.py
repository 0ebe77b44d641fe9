"""Sentence segmentation against the labelled corpora: the sentence breaks a user gets.

Usage (from the repository root)::

    PYTHONPATH=. python bench/segmentation.py [--only treaty manual] [--show 5]

Every aligner figure of ``bench/accuracy.py`` and ``bench/rows.py`` starts from the gold
sentences. A user starts from pages: each paragraph is split by the segmentation rules
(:func:`alignments.segment.split_sentences`, the rules the workbench uses). Here each
paragraph of every corpus's ``source/`` files (the demo's ``workbench/demo/source`` and
``bench/corpora/*/source``) is joined as its page shows it (a space between sentences; none
in Chinese and Japanese), split again, and the breaks found are scored against the gold
breaks, per corpus and language: precision, recall, and the share of paragraphs split
exactly as the gold. ``--show N`` prints up to N paragraphs split otherwise, per source.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from build_demo import read_source  # noqa: E402

from alignments.segment import split_sentences  # noqa: E402

CORPORA = ROOT / "bench" / "corpora"
JOINERS = {"zh": "", "ja": ""}  # as bench/build_demo.py lays the sentences out on a page


@dataclass
class Tally:
    gold: int = 0  # breaks between sentences in the gold
    found: int = 0  # breaks the rules made
    right: int = 0
    paragraphs: int = 0
    exact: int = 0
    wrong: list[tuple[list[str], list[str]]] = field(default_factory=list)

    def add(self, gold: Sequence[str], got: Sequence[str]) -> None:
        want, have = _breaks(gold), _breaks(got)
        self.gold += len(want)
        self.found += len(have)
        self.right += len(want & have)
        self.paragraphs += 1
        if want == have:
            self.exact += 1
        else:
            self.wrong.append((list(gold), list(got)))

    def line(self, name: str) -> str:
        p = self.right / self.found if self.found else 1.0
        r = self.right / self.gold if self.gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return (f"| {name} | {self.paragraphs} | {self.gold} | {p:.3f} | {r:.3f} | {f:.3f} "
                f"| {self.exact / max(self.paragraphs, 1):.3f} |")


def _breaks(sentences: Sequence[str]) -> set[int]:
    """Where each sentence but the last ends, counted in non-space characters (so the
    spaces between sentences, which the rules may keep or drop, do not matter)."""
    out, at = set(), 0
    for sentence in sentences[:-1]:
        at += sum(1 for ch in sentence if not ch.isspace())
        out.add(at)
    return out


def paragraphs(path: Path) -> list[list[str]]:
    """The sentences of each paragraph of a source file, as ``bench/build_demo.py`` reads
    them."""
    return [[line.sentence for line in paragraph] for paragraph in read_source(path)]


def measure(folder: Path) -> dict[str, Tally]:
    """Per language, the breaks of every paragraph of the source files in ``folder``."""
    tallies: dict[str, Tally] = {}
    for path in sorted(p for p in folder.glob("*.*.txt") if p.name.split(".")[0].isdigit()):
        lang = path.name.split(".")[1]
        joiner = JOINERS.get(lang, " ")
        tally = tallies.setdefault(lang, Tally())
        for sentences in paragraphs(path):
            tally.add(sentences, split_sentences(joiner.join(sentences), lang))
    return tallies


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="only these corpora (by name; demo too)")
    parser.add_argument("--show", type=int, default=0, metavar="N",
                        help="print up to N paragraphs split otherwise, per source")
    args = parser.parse_args(argv)
    named = [("demo", ROOT / "workbench" / "demo" / "source")] + [
        (folder.parent.name, folder) for folder in sorted(CORPORA.glob("*/source"))]
    print("| source | paragraphs | gold breaks | P | R | F1 | paragraphs exact |")
    print("|---|---|---|---|---|---|---|")
    pooled = Tally()
    shown: list[str] = []
    for name, folder in named:
        if args.only and name not in args.only:
            continue
        for lang, tally in measure(folder).items():
            print(tally.line(f"{name} {lang}"), flush=True)
            for attr in ("gold", "found", "right", "paragraphs", "exact"):
                setattr(pooled, attr, getattr(pooled, attr) + getattr(tally, attr))
            for gold, got in tally.wrong[:args.show]:
                shown += [f"{name} {lang}:", *(f"  gold: {s}" for s in gold),
                          *(f"  got:  {s}" for s in got), ""]
    print(pooled.line("all"))
    if shown:
        print("\n" + "\n".join(shown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
