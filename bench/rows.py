"""N-way rows as the translator gets them: how many come out right, and whether the rows
that need a look are the wrong ones.

Usage (from the repository root)::

    PYTHONPATH=. python bench/rows.py [--embeddings DIR] [--only sco world]
    PYTHONPATH=. python bench/rows.py --over-pivot     # never another hub (as before 12-06)
    PYTHONPATH=. python bench/rows.py --held-out       # bead scorer fitted without the corpus

The editor shows rows, not pairwise beads: every version of a page aligned to the pivot
(Russian when present, else the first language) and merged over it
(:func:`alignments.multi.align_versions`). A row is right when the gold page has exactly
it: the same sentences in every language. Each gold page of the demo corpus
(``workbench/demo/gold``) and of the corpora written blind (``bench/corpora/*/gold``) is
aligned whole, as given; its ``rows`` are the gold.

Per source: rows right (precision, recall and F1 against the gold rows); the AUC of the row
confidence at telling a right row from a wrong one, and the share of the wrong rows among
the 20% with the lowest confidence (as ``bench/accuracy.py`` does for beads); and what the
editor's "needs a look" (unconfirmed rows under ``LOW_CONFIDENCE``) flags: the share of rows
it flags, and the share of the wrong rows among them. A second table sets other rules
beside it: other thresholds, and the rule before 2026-12-06 (under 0.9, or not one
sentence in every version).

``--held-out``: each corpus's rows are scored with the bead confidence fitted without that
corpus (its pairs and its Chinese pairs left out of ``bench/accuracy.py``'s sources), as an
unseen corpus would be; without it the scorer of :mod:`alignments.confidence` saw every
corpus here.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import (  # noqa: E402
    CORPORA,
    ROOT,
    _KeptEncoder,
    auc,
    fit_trees,
    run,
    sources,
    wrong_in_lowest,
)

from alignments import confidence  # noqa: E402
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
    uneven: list[bool] = field(default_factory=list)  # not one sentence in every version
    # the rows that need a look: their cells, the cells marked unsure (the versions whose
    # own confidence is under the mark too), wrong ones, wrong ones with a wrong cell marked
    looked: list[tuple[int, int]] = field(default_factory=list)
    wrong_looked: list[bool] = field(default_factory=list)

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


def uneven(row: Row, langs: Sequence[str]) -> bool:
    """Not one sentence in every version."""
    return any(len(row.sentences(lang)) != 1 for lang in langs)


def needs_a_look(row: Row) -> bool:
    """The editor's mark: the aligner unsure of the row."""
    return row.score < LOW_CONFIDENCE


def held_out_scorers(names: Sequence[str], embeddings: Path | None, shared: Path, demo: Path,
                     corpora: Sequence[Path]
                     ) -> dict[str, tuple[np.ndarray, float, confidence.Trees]]:
    """For each corpus of ``names``, the bead scorer (weights, intercept, boosted trees)
    fitted on the beads of every other source of ``bench/accuracy.py``: its own pairs and
    its Chinese pairs left out."""
    results = [run(source, embeddings) for source in sources(shared, demo, corpora)]
    out = {}
    for name in names:
        train = [r for r in results if r.source.group not in (name, f"{name}-zh")]
        x = np.array([f for r in train for f in r.features])
        y = np.array([ok for r in train for ok in r.right])
        out[name] = (*confidence.fit_logistic(x, y), fit_trees(x, y))
    return out


@contextlib.contextmanager
def scorer(weights: np.ndarray | None, bias: float | None,
           trees: confidence.Trees | None = None) -> Iterator[None]:
    """The aligner's bead confidence with these coefficients and trees inside the block
    (None: as shipped)."""
    if weights is None or bias is None:
        yield
        return
    shipped = dict(confidence.WEIGHTS), confidence.INTERCEPT, confidence.shipped_trees
    confidence.WEIGHTS.update(zip(confidence.FEATURES, map(float, weights), strict=True))
    confidence.INTERCEPT = bias
    confidence.shipped_trees = lambda: trees  # type: ignore[assignment]
    try:
        yield
    finally:
        confidence.WEIGHTS.update(shipped[0])
        confidence.INTERCEPT = shipped[1]
        confidence.shipped_trees = shipped[2]  # type: ignore[assignment]


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
            result.flagged.append(needs_a_look(row))
            result.uneven.append(uneven(row, langs))
            if needs_a_look(row) and len(langs) > 2:  # two versions: the editor marks none
                looked_at(result, row, pivot, page.gold)
    return result


def looked_at(result: Result, row: Row, pivot: str, gold: Sequence[Cells]) -> None:
    """What the translator reads of a row that needs a look (in a set of more than two
    versions): every cell, or first the cells marked unsure; for a wrong row, whether a
    wrong cell (:func:`wrong_versions`) is among those."""
    filled = {lang: ids for lang, ids in row.cells.items() if ids}
    marked = {lang for lang, score in row.cell_scores.items()
              if score < LOW_CONFIDENCE and lang in filled}
    result.looked.append((len(filled), len(marked)))
    if cells(row) in set(gold):
        return
    result.wrong_looked.append(bool(marked & wrong_versions(row, gold, pivot)))


def wrong_versions(row: Row, gold: Sequence[Cells], pivot: str) -> set[str]:
    """The versions whose cell is wrong in ``row``: those whose cell differs from the gold
    row that most of the row's versions have sentences in (ties: the one with most of its
    sentences, then the one of its first pivot sentence, else of its first sentence).
    Whichever version the hub was: a hub sentence placed beside the wrong sentences of
    every other version is the one wrong cell, not every other."""
    filled = {lang: ids for lang, ids in row.cells.items() if ids}
    lang, ids = (pivot, filled[pivot]) if pivot in filled else next(iter(filled.items()))

    def shared(g: Cells) -> tuple[int, int, bool]:
        there = dict(g)
        overlaps = [len(set(found) & set(there.get(lg, ()))) for lg, found in filled.items()]
        return sum(n > 0 for n in overlaps), sum(overlaps), ids[0] in there.get(lang, ())

    home = dict(max(gold, key=shared, default=frozenset()))
    return {lg for lg, found in filled.items() if home.get(lg, ()) != found}


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


RULES = (0.9, 0.95, 0.96, 0.97, 0.98)  # thresholds on the confidence alone


def rules_line(r: Result) -> str:
    """Per rule, the share of the rows it flags / the share of the wrong rows among them."""
    c, ok = np.array(r.confidence), np.array(r.right, dtype=bool)
    wrong = max(int((~ok).sum()), 1)
    before = (c < 0.9) | np.array(r.uneven, dtype=bool)  # the editor's rule until 2026-12-06
    cols = [before] + [c < t for t in RULES]
    return f"| {r.source} | {int((~ok).sum())} | " + " | ".join(
        f"{f.mean():.2f} / {(f & ~ok).sum() / wrong:.2f}" for f in cols) + " |"


RULES_HEAD = ["| source | wrong rows | under 0.9 or not 1-1 (before 2026-12-06) | "
              + " | ".join(f"under {t}" + (" (the editor's)" if t == LOW_CONFIDENCE else "")
                           for t in RULES) + " |",
              "|---|---|---|" + "---|" * len(RULES)]

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
    parser.add_argument("--held-out", action="store_true",
                        help="score each corpus's beads with the confidence fitted without it")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                        help="where Text+Berg dev is (for --held-out)")
    args = parser.parse_args(argv)
    encoder = _KeptEncoder(args.embeddings) if args.embeddings else Encoder()
    named = [(name, folder) for name, folder in
             [("demo", args.demo)] + [(f.parent.name, f) for f in args.corpora]
             if not args.only or name in args.only]
    for _, folder in named:
        if not any(folder.glob("*.json")):
            print(f"(no gold at {folder})", file=sys.stderr)
    named = [(name, folder) for name, folder in named if any(folder.glob("*.json"))]
    scorers = held_out_scorers([name for name, _ in named], args.embeddings, args.shared, args.demo,
                               args.corpora) if args.held_out else {}
    results = []
    print("\n".join(HEAD), flush=True)
    for name, folder in named:
        with scorer(*scorers.get(name, (None, None, None))):
            results.append(measure(name, folder, encoder, args.over_pivot))
        print(line(results[-1]), flush=True)
    if len(results) > 1:
        results.append(Result("all", sum(r.gold for r in results),
                              sum(r.found for r in results),
                              [x for r in results for x in r.right],
                              [x for r in results for x in r.confidence],
                              [x for r in results for x in r.flagged],
                              [x for r in results for x in r.uneven],
                              [x for r in results for x in r.looked],
                              [x for r in results for x in r.wrong_looked]))
        print(line(results[-1]))
    print("\nWhat each rule flags: share of the rows / share of the wrong rows among them\n")
    print("\n".join([*RULES_HEAD, *map(rules_line, results)]))
    print("\nIn a row that needs a look, the cells the editor marks unsure (to be read first; "
          "sets of more than two versions: in a set of two the editor marks none)\n")
    print("| source | rows that need a look | cells: all / marked, per row | wrong rows "
          "with a wrong cell marked |", "|---|---|---|---|", sep="\n")
    for r in results:
        if not r.looked:
            print(f"| {r.source} | - | - | - |")
            continue
        n = len(r.looked)
        print(f"| {r.source} | {len(r.looked)} | {sum(a for a, _ in r.looked) / n:.2f} / "
              f"{sum(m for _, m in r.looked) / n:.2f} | "
              f"{sum(r.wrong_looked)} of {len(r.wrong_looked)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
