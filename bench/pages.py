"""From pages to rows: what a user who imports a corpus's HTML pages gets, end to end.

Usage (from the repository root)::

    PYTHONPATH=. python bench/pages.py [--only treaty manual]      # a few minutes

``bench/rows.py`` aligns the gold sentences. A user imports pages instead: here each page of
the demo corpus and of the corpora written blind (``pages/NNN.LANG.html``) goes through the
workbench's own steps, as an upload does: the importer (``read_version``: chrome, title,
paragraphs), the segmentation rules (``segment_version``) and the aligner
(``align_sentences``, the pivot chosen as the workbench chooses it). A row is right when the
gold page has a row with the same text in every language (spaces ignored, so a sentence
break the rules placed otherwise makes its rows wrong, as it would for the translator).
Beside each figure: the rows of the gold sentences (as ``bench/rows.py``), so the share the
import and the segmentation cost can be read off.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import CORPORA, ROOT  # noqa: E402
from rows import Result, measure  # noqa: E402

from alignments.embed import default_encoder  # noqa: E402
from alignments.segment import Segmenter  # noqa: E402
from workbench.importers import read_version  # noqa: E402
from workbench.sets import align_sentences, pick_pivot, segment_version  # noqa: E402

Texts = frozenset[tuple[str, str]]


def _key(lang: str, texts: Sequence[str]) -> tuple[str, str]:
    return lang, "".join("".join(texts).split())


def from_pages(gold_dir: Path, pages_dir: Path, segmenter: Segmenter) -> Result:
    """Rows right when each page of ``gold_dir`` is imported from ``pages_dir``."""
    result = Result(gold_dir.parent.name)
    for path in sorted(gold_dir.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        gold: set[Texts] = {frozenset(_key(lang, texts) for lang, texts in row.items() if texts)
                            for row in page["rows"]}
        segmented: dict[str, list[tuple[int, str]]] = {}
        for lang in page["langs"]:
            html = pages_dir / f"{page['page']}.{lang}.html"
            version = read_version(html.read_bytes(), html.name, lang)
            segmented[lang] = segment_version(version, segmenter)
        rows = align_sentences(segmented, pick_pivot(list(segmented), None))
        result.gold += len(gold)
        result.found += len(rows)
        for row in rows:
            texts = frozenset(_key(lang, [segmented[lang][i][1] for i in ids])
                              for lang, ids in row.cells.items() if ids)
            result.right.append(texts in gold)
            result.confidence.append(row.score)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="only these sources (by name)")
    args = parser.parse_args(argv)
    encoder = default_encoder()  # the one the workbench's steps use: each text embedded once
    segmenter = Segmenter()
    named = [("demo", ROOT / "workbench" / "demo")] + [
        (folder.name, folder) for folder in sorted(CORPORA.iterdir())
        if (folder / "gold").is_dir()]
    print("| source | gold rows | rows F1 from the pages | rows F1 from the gold sentences |")
    print("|---|---|---|---|")
    pooled = [Result("all"), Result("all")]
    for name, folder in named:
        if args.only and name not in args.only:
            continue
        got = from_pages(folder / "gold", folder / "pages", segmenter)
        base = measure(name, folder / "gold", encoder)
        for total, part in zip(pooled, (got, base), strict=True):
            total.gold += part.gold
            total.found += part.found
            total.right += part.right
        print(f"| {name} | {got.gold} | {got.f1:.3f} | {base.f1:.3f} |", flush=True)
    print(f"| all | {pooled[0].gold} | {pooled[0].f1:.3f} | {pooled[1].f1:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
