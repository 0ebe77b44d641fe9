"""Alignment of two free, independent translations: the Bible in Spanish and English.

Usage (from the repository root)::

    apt-get install diatheke sword-text-sparv sword-text-web
    PYTHONPATH=. python bench/bible.py [--embeddings DIR] [--calibration] [--param K=V]

The Reina-Valera of 1909 and the World English Bible (2015) were translated a century
apart, each from the Hebrew and Greek, by people who never saw this aligner: nothing here
was written to order. They part ways as a literary translation does: the Spanish joins
with ``;`` and ``:`` what the English says in three sentences, the word order and the
lengths are free, the verse is the only thing they share. That is the gold: each book is
split into sentences by the workbench's own rules, as one text, and a block is the
sentences of a run of verses no sentence crosses on either side (``bench/coarse_gold.py``
scores against such blocks). The texts are read from Debian's SWORD modules at run time
with ``diatheke`` and never copied here.

The books are the narrative ones, aligned whole (a book is one document of 100 to 3,000
sentences a side): Ruth, Esther, Genesis, Judges, Mark, John and Acts, Spanish to English
(the search is symmetric: English to Spanish gives the same beads).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import _KeptEncoder, parse_params  # noqa: E402
from coarse_gold import HEAD, Document, run, summary  # noqa: E402

from alignments.align import DEFAULT_PARAMS  # noqa: E402
from alignments.beads import Bead  # noqa: E402
from alignments.embed import Encoder  # noqa: E402
from alignments.segment import split_sentences  # noqa: E402

# Jonah is left out: the Spanish numbers its verses from 1:17 on as the Hebrew does (1:17
# empty, its words in 2:1), so its blocks would be one verse out for a whole chapter
BOOKS = ("Ruth", "Esther", "Genesis", "Judges", "Mark", "John", "Acts")
STRONG = re.compile(r"<[HG]\d+>")
MODULES = {"es-ES": "spaRV1909eb", "en-GB": "engWEB2015eb"}


def verses(module: str, book: str) -> list[str]:
    """The book's verses in order, each on one line (poetry's lines joined)."""
    out = subprocess.run(["diatheke", "-b", module, "-f", "plain", "-k", book],
                         capture_output=True, text=True, check=True).stdout
    start = re.compile(rf"^{re.escape(book)} \d+:\d+: ?")
    found: list[str] = []
    for line in out.splitlines():
        if start.match(line):
            found.append(start.sub("", line))
        elif found and line.strip() and not line.startswith(f"({module})"):
            found[-1] += " " + line
    # the plain rendering leaves some Strong's numbers behind as <H1870>
    return [" ".join(STRONG.sub("", v).split()) for v in found]


def sentences(book: list[str], lang: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The book split as one text, and for each sentence the first and last verse it
    draws on."""
    text, starts = "", []
    for verse in book:
        starts.append(len(text))
        text += verse + " "
    found, spans, at = [], [], 0
    for sentence in split_sentences(text, lang):
        begin = text.index(sentence, at)
        at = begin + len(sentence)
        first = max(k for k, s in enumerate(starts) if s <= begin)
        last = max(k for k, s in enumerate(starts) if s < at)
        found.append(sentence)
        spans.append((first, last))
    return found, spans


def document(book: str, source_lang: str, target_lang: str) -> Document:
    src_verses = verses(MODULES[source_lang], book)
    tgt_verses = verses(MODULES[target_lang], book)
    if len(src_verses) != len(tgt_verses):
        raise SystemExit(f"{book}: {len(src_verses)} verses against {len(tgt_verses)}")
    return blocks(book, src_verses, tgt_verses, source_lang, target_lang)


def blocks(name: str, src_verses: list[str], tgt_verses: list[str], source_lang: str,
           target_lang: str) -> Document:
    """Both versions split into sentences, and the blocks of verses no sentence crosses."""
    src, src_spans = sentences(src_verses, source_lang)
    tgt, tgt_spans = sentences(tgt_verses, target_lang)
    # a verse starts a block unless a sentence on either side runs into it from before,
    # or it is empty on a side (its words are in a neighbour there)
    joined = [False] * len(src_verses)
    for first, last in src_spans + tgt_spans:
        for v in range(first + 1, last + 1):
            joined[v] = True
    for v, (a, b) in enumerate(zip(src_verses, tgt_verses, strict=True)):
        if v and (not a or not b):
            joined[v] = True
    block_of, block = [], -1
    for v in range(len(src_verses)):
        block += not joined[v]
        block_of.append(block)
    members: list[tuple[list[int], list[int]]] = [([], []) for _ in range(block + 1)]
    for i, (first, _) in enumerate(src_spans):
        members[block_of[first]][0].append(i)
    for j, (first, _) in enumerate(tgt_spans):
        members[block_of[first]][1].append(j)
    gold = [Bead(tuple(s), tuple(t)) for s, t in members if s or t]
    return Document(name, src, tgt, gold)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", type=Path,
                        help="keep the sentence embeddings in this folder between runs")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="an aligner knob other than its default; repeatable")
    parser.add_argument("--books", nargs="*", default=list(BOOKS))
    parser.add_argument("--calibration", action="store_true",
                        help="also: how the confidence ranks, per book")
    args = parser.parse_args(argv)
    if not shutil.which("diatheke"):
        print("skipped, no diatheke: apt-get install diatheke sword-text-sparv "
              "sword-text-web", file=sys.stderr)
        return 0
    params = parse_params(args.param) if args.param else DEFAULT_PARAMS
    encoder: Encoder = _KeptEncoder(args.embeddings) if args.embeddings else Encoder()
    print(*HEAD, sep="\n")
    results = []
    langs = ("es-ES", "en-GB")
    for book in args.books:
        doc = document(book, *langs)
        results.append(run(f"{book} {langs[0]}→{langs[1]}", [doc], langs, encoder, params))
        print(results[-1].row(), flush=True)
    print(*summary(results, args.calibration), sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
