"""The aligner against gold alignments: the floors the product promises, checked on every run.

The figures themselves come from ``bench/accuracy.py``; this only guards against a change
that makes the aligner worse than its floors.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from alignments.align import align_pair
from alignments.beads import Bead
from alignments.embed import Encoder
from alignments.score import parse_beads, score_documents

# CI has ../shared beside the clone: there, its absence is a failure, not a skip
SHARED_REQUIRED = bool(os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"))

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "workbench" / "demo" / "gold"
DEV = ROOT.parent / "shared" / "bench" / "textberg-dev"
PAGES = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]
CORPORA = ROOT / "bench" / "corpora"


def _corpus(name: str) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((CORPORA / name / "gold").glob("*.json"))]


SCO = _corpus("sco")


def _pair_gold(page: dict, a: str, b: str) -> list[Bead]:
    if f"{a}-{b}" in page["pairs"]:
        return [Bead(tuple(s), tuple(t)) for s, t in page["pairs"][f"{a}-{b}"]]
    return [Bead(tuple(t), tuple(s)) for s, t in page["pairs"][f"{b}-{a}"]]


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder()


@pytest.mark.parametrize("other", ["en-GB", "de-DE", "fr-FR", "es-ES"])
def test_demo_corpus_each_pair_with_the_pivot_is_at_least_098(encoder: Encoder,
                                                              other: str) -> None:
    golds, hyps = [], []
    for page in PAGES:
        source, target = page["sentences"]["ru-RU"], page["sentences"][other]
        golds.append([Bead(tuple(s), tuple(t)) for s, t in page["pairs"][f"ru-RU-{other}"]])
        hyps.append(align_pair(source, target, "ru-RU", other, encoder=encoder))
    assert score_documents(golds, hyps).f1_strict >= 0.98


@pytest.mark.skipif(not (DEV / "dev.defr").exists() and not SHARED_REQUIRED,
                    reason="../shared/bench is not beside")
def test_textberg_dev_strict_and_lax_floors(encoder: Encoder) -> None:
    source = (DEV / "dev.de").read_text(encoding="utf-8").splitlines()
    target = (DEV / "dev.fr").read_text(encoding="utf-8").splitlines()
    gold = parse_beads((DEV / "dev.defr").read_text(encoding="utf-8"))
    scores = score_documents([gold], [align_pair(source, target, "de", "fr", encoder=encoder)])
    assert scores.f1_strict >= 0.91 and scores.f1_lax >= 0.99


@pytest.mark.parametrize(("source", "target"), [
    ("ru-RU", "en-GB"), ("ru-RU", "de-DE"), ("ru-RU", "fr-FR"), ("ru-RU", "es-ES"),
    ("en-GB", "zh-CN"), ("ru-RU", "zh-CN"), ("zh-CN", "en-GB"),
])
def test_sco_corpus_each_pair_is_at_least_097(encoder: Encoder, source: str,
                                              target: str) -> None:
    """The blind corpus, Chinese both ways included (the script without spaces)."""
    pages = [p for p in SCO if source in p["langs"] and target in p["langs"]]
    if not pages:
        pytest.skip(f"no SCO pages in {source} and {target}")
    golds = [_pair_gold(p, source, target) for p in pages]
    hyps = [align_pair(p["sentences"][source], p["sentences"][target], source, target,
                       encoder=encoder) for p in pages]
    assert score_documents(golds, hyps).f1_strict >= 0.97


def test_confidence_ranks_the_wrong_beads_of_the_demo_corpus_low(encoder: Encoder) -> None:
    """The 20% least confident beads hold most of the wrong ones (a guard on the fitted
    scorer; the held-out figures come from ``bench/accuracy.py --fit``)."""
    scores, right = [], []
    for page in PAGES:
        for other in ("en-GB", "de-DE", "fr-FR", "es-ES"):
            gold = {(tuple(s), tuple(t)) for s, t in page["pairs"][f"ru-RU-{other}"]}
            for bead in align_pair(page["sentences"]["ru-RU"], page["sentences"][other],
                                   "ru-RU", other, encoder=encoder):
                scores.append(bead.score)
                right.append((bead.source, bead.target) in gold)
    order = sorted(range(len(scores)), key=lambda k: scores[k])
    lowest = order[: len(order) // 5]
    wrong = [k for k, ok in enumerate(right) if not ok]
    assert wrong and sum(not right[k] for k in lowest) >= 0.85 * len(wrong)


# the blind corpora written after the aligner (bench/corpora/*/README.md): floors a little
# under what bench/accuracy.py measured (lit de→fr 0.917, alpine ru→es 0.899, world 1.000,
# novel 0.964 both ways: 0.941 from Chinese before a stray anchor could no longer shut the
# band; novel2 0.927 and club de→fr 0.928, measured once they were written, tuned on never)
@pytest.mark.parametrize(("corpus", "source", "target", "floor"), [
    ("lit", "en-GB", "zh-CN", 0.97), ("lit", "zh-CN", "en-GB", 0.97),
    ("novel", "zh-CN", "en-GB", 0.95), ("novel", "en-GB", "zh-CN", 0.95),
    ("novel2", "zh-CN", "en-GB", 0.91), ("club", "de-DE", "fr-FR", 0.91),
    ("lit", "en-GB", "fr-FR", 0.93), ("lit", "de-DE", "fr-FR", 0.90),
    ("alpine", "ru-RU", "es-ES", 0.88), ("alpine", "de-DE", "fr-FR", 0.93),
    # relay (written after 2026-12-06's changes, never tuned on): 0.949 and 0.969
    ("relay", "ru-RU", "fr-FR", 0.93), ("relay", "de-DE", "fr-FR", 0.95),
    # novel3 (long chapters, splits up to 1-4, dropped runs; written after every change,
    # measured once: 0.946)
    ("novel3", "zh-CN", "en-GB", 0.93),
    *[("world", "en-GB", other, 0.98) for other in (
        "it-IT", "pt-PT", "nl-NL", "pl-PL", "tr-TR", "ar-EG", "ja-JP", "ko-KR", "th-TH")],
])
def test_blind_corpora_hold_their_floors(encoder: Encoder, corpus: str, source: str,
                                         target: str, floor: float) -> None:
    """Literary Chinese with merges (a Chinese novel's chapters freely translated, a third
    of its sentences into two or three English ones), free translations with 2-2
    redistributions, and nine languages with no rule of their own (Thai without full
    stops, Japanese without spaces)."""
    pages = [p for p in _corpus(corpus) if source in p["langs"] and target in p["langs"]]
    assert pages, f"no {corpus} pages in {source} and {target}"
    golds = [_pair_gold(p, source, target) for p in pages]
    hyps = [align_pair(p["sentences"][source], p["sentences"][target], source, target,
                       encoder=encoder) for p in pages]
    assert score_documents(golds, hyps).f1_strict >= floor


@pytest.mark.parametrize(("corpus", "source", "target", "side", "floor"), [
    # Chinese sentences left without their English: 0.870 when every skip cost alike
    ("novel2", "zh-CN", "en-GB", "target", 0.885),
    # French sentences left without their German: 0.923 when every skip cost alike
    ("club", "de-DE", "fr-FR", "target", 0.93),
])
def test_a_passage_one_version_left_out_is_skipped_and_the_rest_stays_aligned(
        encoder: Encoder, corpus: str, source: str, target: str, side: str, floor: float
) -> None:
    """Ten sentences cut from the middle of each page of one version (bench/damage.py
    ``omit``): their partners must come out as skips, one per sentence, not taken into
    their neighbours' beads or paired with the sentences after the gap."""
    from bench.damage import SOURCE, TARGET, omit

    golds, hyps = [], []
    for page in (p for p in _corpus(corpus) if source in p["langs"] and target in p["langs"]):
        gold = [(list(b.source), list(b.target)) for b in _pair_gold(page, source, target)]
        src, tgt, beads = omit(page["sentences"][source], page["sentences"][target], gold,
                               SOURCE if side == "source" else TARGET, 10)
        golds.append([Bead(tuple(s), tuple(t)) for s, t in beads])
        hyps.append(align_pair(src, tgt, source, target, encoder=encoder))
    assert score_documents(golds, hyps).f1_strict >= floor


# N-way rows as the editor shows them (bench/rows.py): every version of a page aligned at
# once, a row right when the gold has exactly it. Floors a little under the figures of
# 2026-12-06; alpine's versions were translated from the English, not from the Russian
# pivot: 0.824 when the rows were always merged over the pivot, 0.877 over the English
@pytest.mark.parametrize(("corpus", "floor"), [
    ("demo", 0.95), ("alpine", 0.86), ("club", 0.93), ("lit", 0.89), ("novel", 0.95),
    ("novel2", 0.91), ("sco", 0.97), ("world", 0.97),
    # written after the hub was built, never tuned on: French original, English from it,
    # German, Russian and Spanish from the English; 0.900 merged over the Russian pivot
    ("relay", 0.93),
    # written blind on 2026-12-06 and measured before any change: legal and diplomatic
    # texts, all translated from the Russian (0.894); technical texts from the English
    # into it, pt, pl, nl and tr (0.924)
    ("treaty", 0.88), ("manual", 0.91),
    # novel3, written blind after every change and measured once (0.938)
    ("novel3", 0.92),
])
def test_rows_of_every_version_at_once_hold_their_floors(encoder: Encoder, corpus: str,
                                                          floor: float) -> None:
    from bench.rows import measure

    folder = GOLD if corpus == "demo" else CORPORA / corpus / "gold"
    assert measure(corpus, folder, encoder).f1 >= floor


# The same rows from the corpora's HTML pages, through the workbench's importer and
# segmentation rules (bench/pages.py), as a user uploading the pages gets them: floors a
# little under the figures of 2026-12-06. Thai was one segment per paragraph before that
# day (world 0.061), Chinese dialogue broke before its closing quotes.
@pytest.mark.parametrize(("corpus", "floor"), [
    ("world", 0.80), ("treaty", 0.86), ("novel2", 0.92),
])
def test_rows_from_the_pages_hold_their_floors(corpus: str, floor: float) -> None:
    from alignments.segment import Segmenter
    from bench.pages import from_pages

    folder = CORPORA / corpus
    assert from_pages(folder / "gold", folder / "pages", Segmenter()).f1 >= floor


def test_the_rows_bench_finds_the_wrong_version_whichever_was_the_hub() -> None:
    # A row is read as the translator reads it: the wrong version is the one that differs
    # from the gold row most versions of the row are in, the pivot too.
    from alignments.beads import Row
    from bench.rows import wrong_versions

    gold = [frozenset({("ru", (5, 6)), ("en", (5,)), ("de", (6, 7)), ("fr", (4,))}),
            frozenset({("ru", (7,))}),  # a sentence only the Russian has
            frozenset({("ru", (8,)), ("en", (6,)), ("de", (8,)), ("fr", (5,))})]
    # the Russian sentence of its own merged into the row: the Russian cell is wrong
    row = Row({"ru": (5, 6, 7), "en": (5,), "de": (6, 7), "fr": (4,)})
    assert wrong_versions(row, gold, "ru") == {"ru"}
    # the Russian placed beside the next sentence of every other version
    row = Row({"ru": (5, 6), "en": (6,), "de": (8,), "fr": (5,)})
    assert wrong_versions(row, gold, "ru") == {"ru"}
    # one version off: that one
    row = Row({"ru": (8,), "en": (6,), "de": (8,), "fr": (4,)})
    assert wrong_versions(row, gold, "ru") == {"fr"}
