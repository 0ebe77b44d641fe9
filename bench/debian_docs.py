"""Alignment on real translations nobody here wrote: Debian's translated manuals.

Usage (from the repository root, after ``apt-get install`` of the packages below)::

    PYTHONPATH=. python bench/debian_docs.py [--embeddings DIR] [--paragraphs] [--calibration]
    PYTHONPATH=. python bench/debian_docs.py --import   # what the page importer takes
    PYTHONPATH=. python bench/debian_docs.py --rows     # every language uploaded as one set

Every corpus under ``bench/corpora`` was written to order, and written translations are
kinder than published ones (the kept-back literary set scores far lower than any of
them). Debian's manuals are translated by volunteers with po4a or Sphinx's gettext: real
translations, into Chinese and Japanese as well, by people who never saw this aligner.
They are GPL, so they are read from the installed packages at run time and never copied
here:

    apt-get install maint-guide maint-guide-{de,es,fr,ja,ru,zh-cn} \\
        debian-reference-{en,de,es,fr,ja,zh-cn} \\
        debian-faq debian-faq-{de,fr,ja,ru,zh-cn} \\
        developers-reference developers-reference-{de,fr,ja,ru}

The gold comes from the structure, not from anybody's judgement: po4a and gettext keep
the English file's blocks (paragraphs, list items, table cells, titles) one for one, so
block k of a translation is the translation of block k. A chapter is read only when both
files have the same blocks in the same order; a block whose text is the same on both sides
(untranslated, code, a name) is left out of both. Each block is split into sentences with
the workbench's own rules, and the chapter's sentences are aligned as one stream,
presegmented and without the block breaks (``--paragraphs``: with them, as the workbench
does for pages).

Scored against the blocks as in ``bench/coarse_gold.py``: a lax measure, reported per
manual and language pair, with the confidence judged on the same notion of right.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from lxml import html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import _KeptEncoder, parse_params  # noqa: E402
from coarse_gold import HEAD, Document, Result, judge, run, summary  # noqa: E402

from alignments.align import DEFAULT_PARAMS  # noqa: E402
from alignments.beads import Bead  # noqa: E402
from alignments.embed import Encoder  # noqa: E402
from alignments.segment import split_sentences  # noqa: E402

DOC = Path("/usr/share/doc")
# manual -> (language code in the file names -> the files of each chapter)
LANGS = {"de": "de-DE", "es": "es-ES", "fr": "fr-FR", "ja": "ja-JP", "ru": "ru-RU",
         "zh-cn": "zh-CN", "en": "en-GB"}
BLOCKS = {"p", "li", "dt", "dd", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "caption",
          "title"}
LETTER = re.compile(r"[^\W\d_]")
# a numbered title ("5.1.1. The hostname resolution"): at the same paragraph in every
# version, or a translation of an older text that places a table or section elsewhere
NUMBERED = re.compile(r"^\d+(\.\d+)+\.?(?=\s)")


def _maint_guide(code: str) -> list[Path]:
    folder = DOC / ("maint-guide" if code == "en" else f"maint-guide-{code}") / "html"
    return sorted(folder.glob(f"*.{code}.html"))


def _reference(code: str) -> list[Path]:
    return sorted((DOC / "debian-reference-common" / "docs").glob(f"*.{code}.html"))


def _faq(code: str) -> list[Path]:
    folder = DOC / "debian" / "FAQ" / ("" if code == "en" else code)
    return sorted(folder.glob(f"*.{code}.html"))


def _developers(code: str) -> list[Path]:
    folder = Path("/usr/share/developers-reference") / ("" if code == "en" else code)
    return sorted(p for p in folder.glob("*.html")
                  if p.name not in {"search.html", "genindex.html"})


MANUALS = {"maint-guide": (_maint_guide, ("de", "es", "fr", "ja", "ru", "zh-cn")),
           "debian-reference": (_reference, ("de", "es", "fr", "ja", "zh-cn")),
           "debian-faq": (_faq, ("de", "fr", "ja", "ru", "zh-cn")),
           "developers-reference": (_developers, ("de", "fr", "ja", "ru"))}


def blocks(path: Path, code: bool = False) -> list[tuple[str, str]]:
    """The file's innermost blocks in reading order: (tag, text with spaces folded); what
    is inside ``<pre>`` (code, screens) left out, or with ``code`` a block of its own."""
    root = html.parse(str(path)).getroot()
    tags = BLOCKS | {"pre"} if code else BLOCKS
    out = []
    for element in root.iter(*tags):
        if any(True for _ in element.iterdescendants(*tags)):
            continue
        if any(a.tag == "pre" for a in element.iterancestors()):
            continue
        out.append((element.tag, " ".join(element.text_content().split())))
    return out


def chapter(name: str, src: Path, tgt: Path, src_lang: str, tgt_lang: str
            ) -> Document | None:
    """The two files as sentences and block beads; None when their blocks differ."""
    a, b = blocks(src), blocks(tgt)
    if [tag for tag, _ in a] != [tag for tag, _ in b]:
        return None
    source: list[str] = []
    target: list[str] = []
    gold: list[Bead] = []
    for (_, s), (_, t) in zip(a, b, strict=True):
        if s == t or not LETTER.search(s) or not LETTER.search(t):
            continue
        ss, ts = split_sentences(s, src_lang), split_sentences(t, tgt_lang)
        if not ss or not ts:
            continue
        gold.append(Bead(tuple(range(len(source), len(source) + len(ss))),
                         tuple(range(len(target), len(target) + len(ts)))))
        source += ss
        target += ts
    if not gold:
        return None
    return Document(name, source, target, gold)


def chapters(manual: str, code: str, reverse: bool = False) -> tuple[list[Document], int]:
    """The manual's chapters English -> ``code`` (or back), and how many were left out."""
    files, _ = MANUALS[manual]
    english = {p.name.split(".")[0]: p for p in files("en")}
    out, skipped = [], 0
    for path in files(code):
        stem = path.name.split(".")[0]
        if stem not in english:
            continue
        pair = (path, english[stem]) if reverse else (english[stem], path)
        langs = (LANGS[code], LANGS["en"]) if reverse else (LANGS["en"], LANGS[code])
        found = chapter(f"{manual}/{stem}", *pair, *langs)
        if found is None:
            skipped += 1
        else:
            out.append(found)
    return out, skipped


def pairs(only: Sequence[str]) -> Iterator[tuple[str, str, bool]]:
    for manual, (_, codes) in MANUALS.items():
        if only and manual not in only:
            continue
        for code in codes:
            yield manual, code, False
        if "zh-cn" in codes:
            yield manual, "zh-cn", True  # zh→en, the kept-back literary set's direction


def imported() -> list[str]:
    """How much of each chapter the workbench's importer takes, as a user uploading the
    pages gets it, per manual: the chapters whose paragraphs are as many as the English
    one's, and the share of the blocks' text imported (median, lowest quartile)."""
    import statistics

    from workbench.importers import read_version

    out = []
    for manual, (files, codes) in MANUALS.items():
        english = {p.name.split(".")[0]: p for p in files("en")}
        same = seen = 0
        shares = []
        for code in codes:
            for path in files(code):
                stem = path.name.split(".")[0]
                if stem not in english:
                    continue
                ours = read_version(english[stem].read_bytes(), english[stem].name, "en-GB")
                theirs = read_version(path.read_bytes(), path.name, LANGS[code])
                seen += 1
                same += len(ours.paragraphs) == len(theirs.paragraphs)
                text = sum(len(t) for _, t in blocks(path, code=True)) or 1
                shares.append(sum(len(p) for p in theirs.paragraphs) / text)
        if shares:
            low = statistics.quantiles(shares, n=4)[0] if len(shares) > 1 else shares[0]
            out.append(f"{manual}: {seen} chapters, {same} with as many paragraphs as the "
                       f"English; share of the text imported, median "
                       f"{statistics.median(shares):.2f}, lowest quartile {low:.2f}")
    return out


def rows(manual: str) -> list[str]:
    """The N-way rows a user gets who uploads every language of each chapter as one set
    (importer, segmentation rules, the aligner with the pivot the workbench picks), judged
    against the pages' own paragraphs: for each row and each language, its English and
    that language's cells as a bead (``coarse_gold.judge``). A row is right when every
    such bead is; the editor's "needs a look" is a row under ``LOW_CONFIDENCE``, and in
    such a row the cells it marks unsure are the versions whose own confidence
    (``Row.cell_scores``) is under it too: how many cells the translator reads first, and
    whether a wrong row's wrong version is among them."""
    from accuracy import auc

    from alignments.segment import default_segmenter
    from workbench.editing.operations import LOW_CONFIDENCE
    from workbench.importers import read_version
    from workbench.sets import align_sentences, pick_pivot, segment_version

    files, codes = MANUALS[manual]
    english = {p.name.split(".")[0]: p for p in files("en")}
    theirs = {code: {p.name.split(".")[0]: p for p in files(code)} for code in codes}
    segmenter = default_segmenter()
    scores: list[float] = []
    right: list[bool] = []
    cells_read = [0, 0]  # in the rows that need a look: every cell, the cells marked unsure
    pointed = [0, 0]  # wrong rows that need a look; those with a wrong version marked
    used = 0
    for stem, path in sorted(english.items()):
        paths = {LANGS["en"]: path}
        paths |= {LANGS[c]: theirs[c][stem] for c in codes if stem in theirs[c]}
        versions = {lang: read_version(p.read_bytes(), p.name, lang)
                    for lang, p in paths.items()}
        numbered = {lang: tuple((k, m.group().rstrip(".")) for k, t in enumerate(v.paragraphs)
                                if (m := NUMBERED.match(t)))
                    for lang, v in versions.items()}
        if len({len(v.paragraphs) for v in versions.values()}) != 1 or len(
                set(numbered.values())) != 1:
            continue  # the versions' paragraphs differ, or their numbered titles: no gold
        segmented = {lang: segment_version(v, segmenter) for lang, v in versions.items()}
        used += 1
        found = align_sentences(segmented, pick_pivot(list(segmented), None))
        ok = [True] * len(found)
        wrong_in: list[set[str]] = [set() for _ in found]
        en = segmented[LANGS["en"]]
        for lang, sentences in segmented.items():
            if lang == LANGS["en"]:
                continue
            gold: list[Bead] = []
            for k in range(en[-1][0] + 1):
                gold.append(Bead(tuple(i for i, (p, _) in enumerate(en) if p == k),
                                 tuple(j for j, (p, _) in enumerate(sentences) if p == k)))
            gold = [b for b in gold if b.source or b.target]
            at = [n for n, r in enumerate(found)
                  if r.cells.get(LANGS["en"]) or r.cells.get(lang)]
            beads = [Bead(tuple(found[n].cells.get(LANGS["en"], ())),
                          tuple(found[n].cells.get(lang, ()))) for n in at]
            for n, good in zip(at, judge(gold, beads)[0], strict=True):
                ok[n] = ok[n] and good
                if not good:
                    wrong_in[n].add(lang)
        scores += [r.score for r in found]
        right += ok
        for row, versions_wrong in zip(found, wrong_in, strict=True):
            if row.score >= LOW_CONFIDENCE:
                continue
            marked = {lang for lang, s in row.cell_scores.items()
                      if s < LOW_CONFIDENCE and row.cells.get(lang)}
            cells_read[0] += sum(1 for ids in row.cells.values() if ids)
            cells_read[1] += len(marked)
            if versions_wrong:  # pointed at: a wrong version, or the English all are judged by
                pointed[0] += 1
                pointed[1] += bool(marked & (versions_wrong | {LANGS["en"]}))
    if not right:
        return []
    flagged = [s < LOW_CONFIDENCE for s in scores]
    wrong = [not ok for ok in right]
    caught = sum(f and w for f, w in zip(flagged, wrong, strict=True))
    looks = max(1, sum(flagged))
    return [f"| {manual} ({used} ch., {len(codes) + 1} languages) | {len(right)} | "
            f"{sum(right) / len(right):.3f} | {sum(flagged) / len(flagged):.2f} | "
            f"{caught / max(1, sum(wrong)):.2f} | {auc(scores, right):.3f} | "
            f"{cells_read[0] / looks:.2f} / {cells_read[1] / looks:.2f} | "
            f"{pointed[1]} of {pointed[0]} |"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", type=Path,
                        help="keep the sentence embeddings in this folder between runs")
    parser.add_argument("--paragraphs", action="store_true",
                        help="tell the aligner where the blocks start, as for a page")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="an aligner knob other than its default; repeatable")
    parser.add_argument("--only", nargs="*", default=[], choices=sorted(MANUALS),
                        help="these manuals only")
    parser.add_argument("--calibration", action="store_true",
                        help="also: how the confidence ranks, per source")
    parser.add_argument("--import", dest="import_only", action="store_true",
                        help="only: how much of each chapter the page importer takes")
    parser.add_argument("--rows", action="store_true",
                        help="only: the N-way rows of every language uploaded as one set")
    args = parser.parse_args(argv)
    if args.rows:
        if args.embeddings:  # the workbench's own steps, their embeddings kept between runs
            import alignments.multi
            kept = _KeptEncoder(args.embeddings)
            alignments.multi.default_encoder = lambda: kept  # type: ignore[assignment]
        print("| manual | rows | right | needs a look | of the wrong | row AUC "
              "| cells of a row that needs a look: all / marked unsure "
              "| wrong rows with a wrong version marked |",
              "|---|---|---|---|---|---|---|---|", sep="\n")
        for manual in args.only or MANUALS:
            print(*rows(manual), sep="\n", flush=True)
        return 0
    if args.import_only:
        print(*imported(), sep="\n")
        return 0
    params = parse_params(args.param) if args.param else DEFAULT_PARAMS
    encoder: Encoder = _KeptEncoder(args.embeddings) if args.embeddings else Encoder()
    print(*HEAD, sep="\n")
    results: list[Result] = []
    for manual, code, reverse in pairs(args.only):
        documents, skipped = chapters(manual, code, reverse)
        if not documents:
            print(f"(no {manual} in {code}: apt-get install it)", file=sys.stderr)
            continue
        langs = (LANGS[code], LANGS["en"]) if reverse else (LANGS["en"], LANGS[code])
        name = f"{manual} {langs[0]}→{langs[1]} ({len(documents)} ch."
        name += f", {skipped} left out)" if skipped else ")"
        results.append(run(name, documents, langs, encoder, params, args.paragraphs))
        print(results[-1].row(), flush=True)
    if not results:
        return 0  # nothing installed: skipped, said above
    print(*summary(results, args.calibration), sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
