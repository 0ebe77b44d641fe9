"""N-way rows as the translator gets them: how many come out right, and whether the rows
that need a look are the wrong ones.

Usage (from the repository root)::

    PYTHONPATH=. python bench/rows.py [--embeddings DIR] [--only sco world]
    PYTHONPATH=. python bench/rows.py --over-pivot     # never another hub (as before 12-06)

The editor shows rows, not pairwise beads: every version of a page aligned to the pivot
(Russian when present, else the first language) and merged over it
(:func:`alignments.multi.align_versions`). A row is right when the gold page has exactly
it: the same sentences in every language. Each gold page of the demo corpus
(``workbench/demo/gold``) and of the corpora written blind (``bench/corpora/*/gold``) is
aligned whole, as given; its ``rows`` are the gold.

Per source: rows right (precision, recall and F1 against the gold rows); the AUC of the row
confidence at telling a right row from a wrong one, and the share of the wrong rows among
the 20% with the lowest confidence (as ``bench/accuracy.py`` does for beads); and what the
editor's "needs a look" (unconfirmed rows under 0.9, or not one sentence in every version)
flags: the share of rows it flags, and the share of the wrong rows among them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import CORPORA, ROOT, _KeptEncoder, auc, wrong_in_lowest  # noqa: E402

from alignments.beads import Row  # noqa: E402
from alignments.embed import Encoder  # noqa: E402
from alignments.multi import align_versions, choose_pivot  # noqa: E402
from workbench.editing.operations import LOW_CONFIDENCE  # noqa: E402 - the editor's mark

Cells = frozenset[tuple[str, tuple[int, ...]]]


@dataclass
class Page:
    name: str
    sentences: dict[str, list[str]]
    gold: list[Cells]


@dataclass
class Result:
    source: str
    gold: int = 0
    found: int = 0
    right: list[bool] = field(default_factory=list)
    confidence: list[float] = field(default_factory=list)
    flagged: list[bool] = field(default_factory=list)

    @property
    def f1(self) -> float:
        """F1 of the rows against the gold rows (a row counts when the gold has exactly it)."""
        return 2 * sum(self.right) / (self.found + self.gold) if self.found + self.gold else 0.0


def cells(row: Row) -> Cells:
    """A row as the set of its (language, sentence ids), languages without one left out."""
    return frozenset((lang, tuple(ids)) for lang, ids in row.cells.items() if ids)


def gold_rows(page: dict) -> list[Cells]:
    """The page's gold rows (sentence texts per language) as sentence ids: each text is the
    first of its occurrences not yet taken (a row may hold a sentence moved out of order)."""
    unused: dict[str, dict[str, list[int]]] = {}
    for lang, texts in page["sentences"].items():
        for i, text in enumerate(texts):
            unused.setdefault(lang, {}).setdefault(text, []).append(i)
    rows = []
    for row in page["rows"]:
        out = []
        for lang, texts in row.items():
            if not texts:
                continue
            try:
                ids = tuple(sorted(unused[lang][text].pop(0) for text in texts))
            except (KeyError, IndexError):
                raise ValueError(f"page {page.get('page')}: a {lang} row holds a sentence "
                                 "the page lacks") from None
            out.append((lang, ids))
        rows.append(frozenset(out))
    return rows


def pages(folder: Path) -> list[Page]:
    out = []
    for path in sorted(folder.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        out.append(Page(path.stem, page["sentences"], gold_rows(page)))
    return out


def needs_a_look(row: Row, langs: Sequence[str]) -> bool:
    """The editor's mark: unsure, or not one sentence in every version."""
    return row.score < LOW_CONFIDENCE or any(len(row.sentences(lang)) != 1 for lang in langs)


def measure(name: str, folder: Path, encoder: Encoder, over_pivot: bool = False) -> Result:
    """The rows of every page of ``folder``; ``over_pivot``: always merged over the pivot."""
    result = Result(name)
    for page in pages(folder):
        langs = list(page.sentences)
        pivot = choose_pivot(langs)
        rows = align_versions(page.sentences, pivot, encoder=encoder,
                              hub=pivot if over_pivot else None)
        gold = set(page.gold)
        result.gold += len(gold)
        result.found += len(rows)
        for row in rows:
            result.right.append(cells(row) in gold)
            result.confidence.append(row.score)
            result.flagged.append(needs_a_look(row, langs))
    return result


def line(r: Result) -> str:
    right = sum(r.right)
    p = right / r.found if r.found else 0.0
    rec = right / r.gold if r.gold else 0.0
    wrong = len(r.right) - right
    flagged = sum(r.flagged)
    caught = sum(f and not ok for f, ok in zip(r.flagged, r.right, strict=True))
    share_flagged = flagged / len(r.flagged) if r.flagged else 0.0
    share_caught = f"{caught / wrong:.2f}" if wrong else "-"
    return (f"| {r.source} | {r.gold} | {r.found} | {p:.3f} | {rec:.3f} | {r.f1:.3f} | {wrong} "
            f"| {auc(r.confidence, r.right):.2f} | {wrong_in_lowest(r.confidence, r.right):.2f} "
            f"| {share_flagged:.2f} | {share_caught} |")


HEAD = ["| source | gold rows | rows | P | R | F1 | wrong | AUC | wrong in lowest 20% "
        "| flagged | wrong among flagged |",
        "|---|---|---|---|---|---|---|---|---|---|---|"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", type=Path, default=ROOT / "workbench" / "demo" / "gold")
    parser.add_argument("--corpora", type=Path, nargs="*",
                        default=sorted(CORPORA.glob("*/gold")))
    parser.add_argument("--only", nargs="*", help="only these sources (by name)")
    parser.add_argument("--embeddings", type=Path,
                        help="keep the sentence embeddings in this folder between runs")
    parser.add_argument("--over-pivot", action="store_true",
                        help="merge the rows over the pivot always (no other hub tried)")
    args = parser.parse_args(argv)
    encoder = _KeptEncoder(args.embeddings) if args.embeddings else Encoder()
    named = [("demo", args.demo)] + [(f.parent.name, f) for f in args.corpora]
    results = []
    print("\n".join(HEAD), flush=True)
    for name, folder in named:
        if args.only and name not in args.only:
            continue
        if not any(folder.glob("*.json")):
            print(f"(no gold at {folder})", file=sys.stderr)
            continue
        results.append(measure(name, folder, encoder, args.over_pivot))
        print(line(results[-1]), flush=True)
    if len(results) > 1:
        pooled = Result("all", sum(r.gold for r in results), sum(r.found for r in results),
                        [x for r in results for x in r.right],
                        [x for r in results for x in r.confidence],
                        [x for r in results for x in r.flagged])
        print(line(pooled))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
